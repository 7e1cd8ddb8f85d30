import math
import random


def test_empty_batch():
    check_equal(layer_norm([], [1.0], [0.0]), [])


def test_constant_row_returns_beta():
    out = layer_norm([[5.0, 5.0, 5.0]], [3.0, 3.0, 3.0], [0.1, 0.2, 0.3])
    check_close(out, [[0.1, 0.2, 0.3]], rel=1e-12)


def test_eps_is_inside_the_sqrt():
    out = layer_norm([[0.0, 2.0]], [1.0, 1.0], [0.0, 0.0], eps=3.0)
    check_close(out, [[-0.5, 0.5]], rel=1e-12)


def test_output_statistics_on_random_rows():
    rng = random.Random(2)
    x = [[rng.gauss(5, 3) for _ in range(16)] for _ in range(4)]
    out = layer_norm(x, [1.0] * 16, [0.0] * 16, eps=1e-12)
    for r in out:
        mu = sum(r) / 16
        var = sum((v - mu) ** 2 for v in r) / 16
        check_close(mu, 0.0, abs=1e-9, label="row mean")
        check_close(var, 1.0, rel=1e-6, label="row variance")


def test_does_not_modify_input():
    x = [[1.0, 2.0, 4.0]]
    layer_norm(x, [1.0] * 3, [0.0] * 3)
    check_equal(x, [[1.0, 2.0, 4.0]])


def test_mismatched_gamma_raises():
    check_raises(ValueError, layer_norm, [[1.0, 2.0]], [1.0], [0.0, 0.0])


def test_large_offset_is_handled():
    out = layer_norm([[1e8 + 1.0, 1e8 - 1.0]], [1.0, 1.0], [0.0, 0.0], eps=0.0)
    check_close(out, [[1.0, -1.0]], rel=1e-9)
