def test_top_k_example():
    check_close(top_k_filter([0.1, 0.4, 0.2, 0.3], 2), [0.0, 4 / 7, 0.0, 3 / 7], rel=1e-12)


def test_top_p_example():
    check_close(top_p_filter([0.1, 0.4, 0.2, 0.3], 0.6), [0.0, 4 / 7, 0.0, 3 / 7], rel=1e-12)


def test_top_p_keeps_at_least_one_token():
    check_close(top_p_filter([0.2, 0.7, 0.1], 0.05), [0.0, 1.0, 0.0])


def test_output_keeps_original_order_and_sums_to_one():
    out = top_k_filter([5.0, 1.0, 3.0, 2.0], 3)
    check_close(out, [5 / 10, 0.0, 3 / 10, 2 / 10], rel=1e-12)
