def test_worked_example():
    check_close(batched_softmax([[1.0, 1.0], [0.0, 1000.0]]), [[0.5, 0.5], [0.0, 1.0]], abs=1e-12)


def test_each_row_sums_to_one():
    out = batched_softmax([[0.2, 1.5, -0.3], [2.0, 0.0, 1.0], [5.0, 5.0, 5.0]])
    for b, row in enumerate(out):
        check_close(sum(row), 1.0, rel=1e-12, label=f"row {b}")


def test_rows_on_different_scales():
    out = batched_softmax([[0.0, 0.0], [1000.0, 1000.0]])
    check_close(out, [[0.5, 0.5], [0.5, 0.5]], rel=1e-12)


def test_predict():
    check_equal(predict([[0.1, 0.7, 0.2], [3.0, 3.0, 1.0]]), [1, 0])
