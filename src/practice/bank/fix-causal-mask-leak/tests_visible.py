def test_worked_example():
    zeros = [[0.0] * 3 for _ in range(3)]
    check_close(causal_attention_weights(zeros), [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [1 / 3, 1 / 3, 1 / 3]], rel=1e-12)


def test_future_positions_get_exactly_zero():
    scores = [[float(i * 4 + j) for j in range(4)] for i in range(4)]
    w = causal_attention_weights(scores)
    for i in range(4):
        for j in range(i + 1, 4):
            check_equal(w[i][j], 0.0, f"weight[{i}][{j}]")


def test_rows_sum_to_one():
    scores = [[0.3, -1.0, 2.0], [1.0, 0.5, -0.5], [0.0, 4.0, 1.0]]
    for i, row in enumerate(causal_attention_weights(scores)):
        check_close(sum(row), 1.0, rel=1e-12, label=f"row {i}")
