import math


def test_very_negative_scores_still_masked():
    s = -2e9
    scores = [[s, s], [s, s]]
    check_close(causal_attention_weights(scores), [[1.0, 0.0], [0.5, 0.5]], rel=1e-12)


def test_huge_positive_future_score_ignored():
    scores = [[0.0, 1e10, 1e10], [0.0, 0.0, 1e10], [0.0, 0.0, 0.0]]
    check_close(causal_attention_weights(scores), [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [1 / 3] * 3], rel=1e-12)


def test_empty_input():
    check_equal(causal_attention_weights([]), [])


def test_last_row_is_a_full_softmax():
    row = [1.0, 2.0, 3.0]
    e = [math.exp(x) for x in row]
    w = causal_attention_weights([row, row, row])
    check_close(w[2], [x / sum(e) for x in e], rel=1e-12)


def test_large_scores_are_stable():
    w = causal_attention_weights([[1e10, 0.0], [1e10, 1e10 - 1.0]])
    check_close(w, [[1.0, 0.0], [1 / (1 + math.exp(-1)), math.exp(-1) / (1 + math.exp(-1))]], rel=1e-9)
