import math


def test_worked_example():
    loss, grad = bce_with_logits([0.0, 2.0], [1.0, 0.0])
    check_close(loss, (math.log(2) + math.log(1 + math.exp(2))) / 2, rel=1e-12)
    check_close(grad, [-0.25, 1 / (1 + math.exp(-2)) / 2], rel=1e-12)


def test_confident_wrong_prediction_is_finite():
    loss, grad = bce_with_logits([800.0], [0.0])
    check_close(loss, 800.0, rel=1e-12)
    check_close(grad, [1.0], rel=1e-12)


def test_very_negative_logit():
    loss, grad = bce_with_logits([-800.0], [1.0])
    check_close(loss, 800.0, rel=1e-12)
    check_close(grad, [-1.0], rel=1e-12)


def test_sigmoid_does_not_overflow():
    check_close([sigmoid(-1000.0), sigmoid(0.0), sigmoid(1000.0)], [0.0, 0.5, 1.0], abs=1e-300)
