import math


def test_softmax_small_example():
    check_close(softmax([1.0, 2.0, 3.0]), [0.09003057317038046, 0.24472847105479764, 0.6652409557748219], rel=1e-9)


def test_softmax_sums_to_one():
    p = softmax([0.5, -1.25, 3.0, 2.0])
    check_close(sum(p), 1.0, rel=1e-12)


def test_logsumexp_does_not_overflow():
    check_close(logsumexp([1000.0, 1000.0]), 1000.0 + math.log(2.0), rel=1e-12)


def test_log_softmax_matches_log_of_softmax():
    xs = [0.1, 0.7, -2.0]
    check_close(log_softmax(xs), [math.log(p) for p in softmax(xs)], rel=1e-9)
