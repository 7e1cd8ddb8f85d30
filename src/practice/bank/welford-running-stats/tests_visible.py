def test_worked_example():
    s = RunningStats()
    for x in [2, 4, 4, 4, 5, 5, 7, 9]:
        s.push(x)
    check_equal(s.count, 8)
    check_close(s.mean, 5.0)
    check_close(s.variance(), 4.0)
    check_close(s.variance(ddof=1), 32 / 7)


def test_single_value():
    s = RunningStats()
    s.push(3.5)
    check_close((s.count, s.mean, s.variance()), (1, 3.5, 0.0))


def test_merge_equals_pushing_everything():
    a, b, both = RunningStats(), RunningStats(), RunningStats()
    for x in [1.0, 2.0, 3.0]:
        a.push(x)
        both.push(x)
    for x in [10.0, 20.0]:
        b.push(x)
        both.push(x)
    m = a.merge(b)
    check_equal(m.count, 5)
    check_close((m.mean, m.variance(), m.variance(1)), (both.mean, both.variance(), both.variance(1)), rel=1e-12)
