import math


def test_single_row_matches_plain_softmax():
    row = [1.0, 2.0, 3.0]
    e = [math.exp(x) for x in row]
    check_close(batched_softmax([row]), [[x / sum(e) for x in e]], rel=1e-12)


def test_empty_batch():
    check_equal(batched_softmax([]), [])
    check_equal(predict([]), [])


def test_no_nan_with_extreme_rows():
    out = batched_softmax([[-10000.0, -10000.0], [10000.0, -10000.0]])
    check_close(out, [[0.5, 0.5], [1.0, 0.0]], abs=1e-12)


def test_predict_is_per_row():
    logits = [[0.0, 10.0], [-5.0, -6.0], [2.0, 1.0]]
    check_equal(predict(logits), [1, 0, 0])


def test_predict_with_distant_scales():
    check_equal(predict([[0.0, 1.0, 0.5], [900.0, 1000.0, 950.0]]), [1, 1])


def test_row_order_does_not_matter():
    a = batched_softmax([[1.0, 2.0], [3.0, 0.0]])
    b = batched_softmax([[3.0, 0.0], [1.0, 2.0]])
    check_close(a, [b[1], b[0]], rel=1e-12)
