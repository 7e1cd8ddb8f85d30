import math
import random


def test_confident_correct_predictions_have_tiny_loss():
    loss, _ = bce_with_logits([40.0, -40.0], [1.0, 0.0])
    check_close(loss, math.log1p(math.exp(-40.0)), rel=1e-9)


def test_soft_labels():
    loss, grad = bce_with_logits([1.0], [0.3])
    p = 1 / (1 + math.exp(-1))
    check_close(loss, -(0.3 * math.log(p) + 0.7 * math.log(1 - p)), rel=1e-12)
    check_close(grad, [p - 0.3], rel=1e-12)


def test_gradient_matches_finite_differences():
    rng = random.Random(6)
    xs = [rng.uniform(-5, 5) for _ in range(5)]
    ys = [rng.random() for _ in range(5)]
    _, grad = bce_with_logits(xs, ys)
    eps = 1e-6
    for i in range(5):
        up, dn = xs[:], xs[:]
        up[i] += eps
        dn[i] -= eps
        fd = (bce_with_logits(up, ys)[0] - bce_with_logits(dn, ys)[0]) / (2 * eps)
        check_close(grad[i], fd, rel=1e-5, abs=1e-9, label=f"grad[{i}]")


def test_extreme_batch_has_no_nan_or_inf():
    loss, grad = bce_with_logits([1e4, -1e4, 1e4, -1e4], [1.0, 0.0, 0.0, 1.0])
    check_close(loss, 5000.0, rel=1e-12)
    check_close(grad, [0.0, 0.0, 0.25, -0.25], abs=1e-15)


def test_invalid_inputs():
    check_raises(ValueError, bce_with_logits, [], [])
    check_raises(ValueError, bce_with_logits, [1.0], [1.0, 0.0])


def test_sigmoid_symmetry():
    for x in (0.5, 3.0, 30.0, 700.0):
        check_close(sigmoid(x) + sigmoid(-x), 1.0, rel=1e-12, label=f"x={x}")
