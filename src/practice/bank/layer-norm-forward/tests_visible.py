import math


def test_worked_example():
    s = math.sqrt(1.5)
    check_close(layer_norm([[1.0, 2.0, 3.0]], [1.0] * 3, [0.0] * 3, eps=0.0), [[-s, 0.0, s]], rel=1e-12, abs=1e-12)


def test_rows_are_normalised_independently():
    out = layer_norm([[1.0, 3.0], [100.0, 300.0]], [1.0, 1.0], [0.0, 0.0], eps=0.0)
    check_close(out, [[-1.0, 1.0], [-1.0, 1.0]], rel=1e-12)


def test_gamma_and_beta_are_applied():
    out = layer_norm([[0.0, 2.0]], [2.0, 3.0], [10.0, -1.0], eps=0.0)
    check_close(out, [[8.0, 2.0]], rel=1e-12)
