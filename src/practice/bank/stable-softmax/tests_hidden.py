import math
import random


def test_handles_large_logits():
    p = softmax([10000.0, 9999.0, 0.0])
    check_close(p, [1 / (1 + math.exp(-1)), math.exp(-1) / (1 + math.exp(-1)), 0.0], rel=1e-9, abs=1e-300)


def test_handles_very_negative_logits():
    check_close(softmax([-10000.0, -10000.0]), [0.5, 0.5], rel=1e-12)
    check_close(logsumexp([-10000.0, -10000.0]), -10000.0 + math.log(2), rel=1e-12)


def test_empty_input():
    check_equal(softmax([]), [])
    check_equal(log_softmax([]), [])
    check_true(logsumexp([]) == float("-inf"), "logsumexp([]) should be -inf")


def test_single_element():
    check_close(softmax([42.0]), [1.0])
    check_close(log_softmax([42.0]), [0.0], abs=1e-12)
    check_close(logsumexp([-3.5]), -3.5)


def test_shift_invariance():
    rng = random.Random(7)
    xs = [rng.uniform(-5, 5) for _ in range(20)]
    check_close(softmax([x + 123.0 for x in xs]), softmax(xs), rel=1e-9, abs=1e-15)


def test_log_softmax_of_huge_values_is_finite():
    out = log_softmax([5000.0, 0.0])
    check_close(out, [0.0, -5000.0], abs=1e-9)


def test_accepts_integers():
    check_close(softmax([0, 0, 0, 0]), [0.25] * 4)
