import math


def test_single_example_value_and_gradient():
    loss, grad = cross_entropy([[2.0, 0.0]], [0])
    p0 = 1 / (1 + math.exp(-2))
    check_close(loss, -math.log(p0), rel=1e-9, label="loss")
    check_close(grad, [[p0 - 1, 1 - p0]], rel=1e-9, label="grad")


def test_uniform_logits_give_log_num_classes():
    loss, grad = cross_entropy([[0.0, 0.0, 0.0, 0.0]], [2])
    check_close(loss, math.log(4), rel=1e-12)
    check_close(grad, [[0.25, 0.25, -0.75, 0.25]], rel=1e-12)


def test_batch_loss_is_a_mean():
    logits = [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]
    l1, _ = cross_entropy([logits[0]], [2])
    l2, _ = cross_entropy([logits[1]], [0])
    loss, grad = cross_entropy(logits, [2, 0])
    check_close(loss, (l1 + l2) / 2, rel=1e-12)


def test_gradient_rows_sum_to_zero():
    _, grad = cross_entropy([[0.3, -1.2, 2.2], [5.0, 1.0, 0.0]], [1, 0])
    for row in grad:
        check_close(sum(row), 0.0, abs=1e-12)
