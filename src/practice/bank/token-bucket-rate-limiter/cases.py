def bucket(rate, capacity, t=0.0):
    return [let("clock", clock(t)), keep("b", "TokenBucket", rate, capacity, ref("clock"))]


case("starts_full_then_refuses", *bucket(2.0, 4.0), *[call("b.try_acquire") for _ in range(5)],
     expect=[True, True, True, True, False])
case("refills_over_time", *bucket(2.0, 4.0), *[keep("_", "b.try_acquire") for _ in range(4)], call("clock.set", 0.75),
     call("b.available"), call("b.try_acquire", 2), call("b.try_acquire", 1), call("b.available"), rel=1e-9,
     expect=[None, 1.5, False, True, 0.5])
case("wait_time", *bucket(2.0, 4.0, 10.0), call("b.wait_time", 4), keep("_", "b.try_acquire", 4), call("b.wait_time", 1),
     call("b.wait_time", 3), rel=1e-9, abs=1e-12, expect=[0.0, 0.5, 1.5])
case("never_exceeds_capacity", *bucket(5.0, 3.0), call("clock.set", 1000.0), call("b.available"), rel=1e-9,
     expect=[None, 3.0])

case("failed_acquire_consumes_nothing", *bucket(1.0, 2.0), keep("_", "b.try_acquire", 1.5), call("b.try_acquire", 1.0),
     call("b.available"), hidden=True, rel=1e-9, expect=[False, 0.5])
case("clock_going_backwards_does_not_remove_tokens_or_double_count", *bucket(1.0, 10.0, 100.0),
     keep("_", "b.try_acquire", 10), call("clock.set", 99.0), call("b.available"), call("clock.set", 101.0),
     call("b.available"), hidden=True, rel=1e-9, abs=1e-12, expect=[None, 0.0, None, 1.0])
# After the clock steps back to 99, tokens accrue again only once it passes 100 (the bucket's reference time never
# moves backwards), so one token is 2 s away, not 1 s.
case("wait_time_after_the_clock_goes_backwards", *bucket(1.0, 10.0, 100.0), keep("_", "b.try_acquire", 10),
     call("clock.set", 99.0), call("b.wait_time", 1), call("clock.set", 100.5), call("b.wait_time", 1), hidden=True,
     rel=1e-9, abs=1e-12, expect=[None, 2.0, None, 0.5])
# 49 * (1/49) is 0.9999999999999999 in binary floating point: only the 1e-9 slack lets this acquire succeed.
case("rounding_slack_allows_exact_refill", *bucket(49.0, 1.0), keep("_", "b.try_acquire", 1.0), call("clock.set", 1 / 49),
     call("b.try_acquire", 1.0), hidden=True, expect=[None, True])
case("rounding_slack_in_wait_time", *bucket(49.0, 1.0), keep("_", "b.try_acquire", 1.0), call("clock.set", 1 / 49),
     call("b.wait_time", 1.0), hidden=True, abs=1e-12, expect=[None, 0.0])
steps = bucket(4.0, 2.0)
for i in range(0, 641):
    steps += [call("clock.set", i / 64), call("b.try_acquire")]
case("sustained_rate_over_many_requests", *steps, hidden=True)
case("invalid_arguments", raises("TokenBucket", 0.0, 1.0, clock()), raises("TokenBucket", 1.0, 0.0, clock()),
     *bucket(1.0, 2.0), raises("b.try_acquire", 3.0), raises("b.try_acquire", 0), raises("b.wait_time", -1), hidden=True)
case("wait_time_does_not_consume", *bucket(1.0, 2.0), call("b.wait_time", 2), call("b.wait_time", 2),
     call("b.try_acquire", 2), hidden=True, abs=1e-12, expect=[0.0, 0.0, True])
