case("worked_example", call("reservoir_sample", range(10), 3, rng(1)), expect=[[5, 7, 6]])
case("short_stream_returns_everything_in_order", call("reservoir_sample", ["a", "b"], 5, rng(0)), expect=[["a", "b"]])
case("works_on_a_generator", call("reservoir_sample", stream(x * x for x in range(100)), 4, rng(3)))

case("exact_output_for_seed", call("reservoir_sample", "abcdefghijklmnop", 4, rng(2024)), hidden=True,
     expect=[["a", "f", "c", "m"]])
case("rng_is_used_exactly_as_specified", let("r", rng(5)), keep("out", "reservoir_sample", range(50), 5, ref("r")),
     call("r.random"), hidden=True)
case("k_zero_and_empty_stream", call("reservoir_sample", range(10), 0, rng(0)), call("reservoir_sample", [], 3, rng(0)),
     hidden=True, expect=[[], []])
case("negative_k_raises", raises("reservoir_sample", [1, 2, 3], -1, rng(0)), hidden=True)
case("many_draws_from_one_generator", let("r", rng(123)), *[call("reservoir_sample", range(10), 3, ref("r")) for _ in range(200)],
     hidden=True)
case("consumes_stream_once_lazily", let("s", stream(range(1000))), call("reservoir_sample", ref("s"), 2, rng(8)),
     get("s.pulled"), hidden=True)
