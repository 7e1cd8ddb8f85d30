import math
import random


def _numeric_grad(logits, targets, eps=1e-6):
    g = [[0.0] * len(r) for r in logits]
    for b in range(len(logits)):
        for c in range(len(logits[b])):
            up = [r[:] for r in logits]
            dn = [r[:] for r in logits]
            up[b][c] += eps
            dn[b][c] -= eps
            g[b][c] = (cross_entropy(up, targets)[0] - cross_entropy(dn, targets)[0]) / (2 * eps)
    return g


def test_gradient_matches_finite_differences():
    rng = random.Random(3)
    logits = [[rng.gauss(0, 1) for _ in range(4)] for _ in range(3)]
    targets = [0, 3, 1]
    _, grad = cross_entropy(logits, targets)
    check_close(grad, _numeric_grad(logits, targets), rel=1e-4, abs=1e-7)


def test_handles_large_logits():
    loss, grad = cross_entropy([[10000.0, 0.0], [0.0, 10000.0]], [1, 1])
    check_close(loss, 5000.0, rel=1e-12)
    check_close(grad, [[0.5, -0.5], [0.0, 0.0]], abs=1e-12)


def test_ignore_index_rows_are_skipped():
    loss, grad = cross_entropy([[0.0, 0.0], [9.0, -3.0]], [1, -100])
    check_close(loss, math.log(2), rel=1e-12)
    check_close(grad, [[0.5, -0.5], [0.0, 0.0]], abs=1e-15)


def test_custom_ignore_index():
    loss, _ = cross_entropy([[0.0, 0.0], [9.0, -3.0]], [0, 7], ignore_index=7)
    check_close(loss, math.log(2), rel=1e-12)


def test_all_ignored_returns_zero():
    loss, grad = cross_entropy([[1.0, 2.0]], [-100])
    check_close(loss, 0.0)
    check_close(grad, [[0.0, 0.0]])


def test_rejects_bad_inputs():
    check_raises(ValueError, cross_entropy, [[1.0, 2.0]], [0, 1])
    check_raises(ValueError, cross_entropy, [[1.0, 2.0]], [2])


def test_perfectly_confident_prediction_has_near_zero_loss():
    loss, _ = cross_entropy([[50.0, -50.0, -50.0]], [0])
    check_true(0.0 <= loss < 1e-40, f"loss should be ~0, got {loss}")
