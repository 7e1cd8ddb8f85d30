import math


def test_worked_example():
    out = causal_attention([[1.0], [1.0]], [[0.0], [2.0]], [[10.0], [20.0]])
    w1 = 1 / (1 + math.exp(-2))
    check_close(out, [[10.0], [10.0 * (1 - w1) + 20.0 * w1]], rel=1e-9)


def test_first_position_only_sees_itself():
    q = [[3.0, -1.0], [0.5, 0.5], [2.0, 2.0]]
    k = [[1.0, 1.0], [5.0, 5.0], [-4.0, 0.0]]
    v = [[1.0, 2.0, 3.0], [7.0, 8.0, 9.0], [0.0, 0.0, 1.0]]
    out = causal_attention(q, k, v)
    check_close(out[0], [1.0, 2.0, 3.0], label="row 0")


def test_equal_scores_average_the_prefix():
    q = [[0.0, 0.0]] * 3
    k = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    v = [[0.0], [3.0], [6.0]]
    check_close(causal_attention(q, k, v), [[0.0], [1.5], [3.0]], rel=1e-12)


def test_scores_are_scaled_by_sqrt_dk():
    # d_k = 4: raw score difference 4 becomes 2 after scaling.
    q = [[1.0, 1.0, 1.0, 1.0]] * 2
    k = [[0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0]]
    v = [[0.0], [1.0]]
    out = causal_attention(q, k, v)
    check_close(out[1], [1 / (1 + math.exp(-2))], rel=1e-9)
