import random


def stats(name, xs):
    return [keep(name, "RunningStats")] + [keep("_", name + ".push", x) for x in xs]


def summary(name, ddof1=True):
    return [get(name + ".count"), get(name + ".mean"), call(name + ".variance")] + (
        [call(name + ".variance", ddof=1)] if ddof1 else [])


case("worked_example", *stats("s", [2, 4, 4, 4, 5, 5, 7, 9]), *summary("s"), rel=1e-9, expect=[8, 5.0, 4.0, 32 / 7])
case("single_value", *stats("s", [3.5]), *summary("s", ddof1=False), rel=1e-9, abs=1e-15, expect=[1, 3.5, 0.0])
case("merge_equals_pushing_everything", *stats("a", [1.0, 2.0, 3.0]), *stats("b", [10.0, 20.0]),
     keep("m", "a.merge", ref("b")), *summary("m"), rel=1e-12)

case("empty_accumulator_is_nan", keep("s", "RunningStats"), *summary("s", ddof1=False), hidden=True,
     expect=[0, float("nan"), float("nan")])
case("sample_variance_of_one_value_is_nan", *stats("s", [1.0]), call("s.variance", ddof=1), hidden=True,
     expect=[float("nan")])
r = random.Random(0)
case("stable_with_large_offset", *stats("s", [1e9 + r.gauss(0, 1) for _ in range(500)]), *summary("s"), hidden=True,
     rel=1e-6)
case("merge_with_empty_side", *stats("a", [4.0, 6.0]), keep("e1", "RunningStats"), keep("e2", "RunningStats"),
     keep("m1", "a.merge", ref("e1")), keep("m2", "e2.merge", ref("a")), keep("m3", "e1.merge", ref("e2")),
     *summary("m1", False), *summary("m2", False), get("m3.count"), hidden=True, rel=1e-12, abs=1e-15,
     expect=[2, 5.0, 1.0, 2, 5.0, 1.0, 0])
case("merge_does_not_modify_inputs", *stats("a", [1.0]), *stats("b", [3.0]), keep("m", "a.merge", ref("b")),
     get("a.count"), get("a.mean"), get("b.count"), get("b.mean"), hidden=True, rel=1e-12, expect=[1, 1.0, 1, 3.0])
r = random.Random(9)
data = [r.uniform(-100, 100) for _ in range(400)]
steps, parts = [], []
for i in range(0, 400, 37):
    steps += stats("p%d" % i, data[i:i + 37])
    parts.append("p%d" % i)
n = 0
while len(parts) > 1:
    nxt = []
    for i in range(0, len(parts), 2):
        if i + 1 < len(parts):
            n += 1
            steps.append(keep("q%d" % n, parts[i] + ".merge", ref(parts[i + 1])))
            nxt.append("q%d" % n)
        else:
            nxt.append(parts[i])
    parts = nxt
case("tree_of_merges_matches_single_pass", *steps, *summary(parts[0]), hidden=True, rel=1e-9)
case("constant_stream_has_zero_variance", *stats("s", [0.1] * 100), call("s.variance"), hidden=True, abs=1e-20,
     expect=[0.0])
