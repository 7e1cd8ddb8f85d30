import math
import random


def test_empty_accumulator_is_nan():
    s = RunningStats()
    check_equal(s.count, 0)
    check_true(math.isnan(s.mean), "mean of nothing should be nan")
    check_true(math.isnan(s.variance()), "variance of nothing should be nan")


def test_sample_variance_of_one_value_is_nan():
    s = RunningStats()
    s.push(1.0)
    check_true(math.isnan(s.variance(ddof=1)), "ddof=1 with one value should be nan")


def test_stable_with_large_offset():
    rng = random.Random(0)
    noise = [rng.gauss(0, 1) for _ in range(2000)]
    s = RunningStats()
    for e in noise:
        s.push(1e9 + e)
    mu = sum(noise) / len(noise)
    var = sum((e - mu) ** 2 for e in noise) / len(noise)
    check_close(s.mean, 1e9 + mu, rel=1e-12)
    check_close(s.variance(), var, rel=1e-6)


def test_merge_with_empty_side():
    a = RunningStats()
    for x in [4.0, 6.0]:
        a.push(x)
    for m in (a.merge(RunningStats()), RunningStats().merge(a)):
        check_close((m.count, m.mean, m.variance()), (2, 5.0, 1.0))
    e = RunningStats().merge(RunningStats())
    check_equal(e.count, 0)


def test_merge_does_not_modify_inputs():
    a, b = RunningStats(), RunningStats()
    a.push(1.0)
    b.push(3.0)
    a.merge(b)
    check_close((a.count, a.mean, b.count, b.mean), (1, 1.0, 1, 3.0))


def test_tree_of_merges_matches_single_pass():
    rng = random.Random(9)
    data = [rng.uniform(-100, 100) for _ in range(400)]
    parts = []
    for i in range(0, 400, 37):
        p = RunningStats()
        for x in data[i : i + 37]:
            p.push(x)
        parts.append(p)
    while len(parts) > 1:
        parts = [parts[i].merge(parts[i + 1]) if i + 1 < len(parts) else parts[i] for i in range(0, len(parts), 2)]
    mu = sum(data) / 400
    var = sum((x - mu) ** 2 for x in data) / 399
    check_equal(parts[0].count, 400)
    check_close((parts[0].mean, parts[0].variance(1)), (mu, var), rel=1e-9)


def test_constant_stream_has_zero_variance():
    s = RunningStats()
    for _ in range(100):
        s.push(0.1)
    check_close(s.variance(), 0.0, abs=1e-20)
