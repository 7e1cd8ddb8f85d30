def test_ties_prefer_lower_index():
    check_close(top_k_filter([0.25, 0.25, 0.25, 0.25], 2), [0.5, 0.5, 0.0, 0.0])
    check_close(top_p_filter([0.2, 0.3, 0.3, 0.2], 0.5), [0.0, 0.5, 0.5, 0.0])


def test_exact_boundary_is_inclusive():
    # 0.5 + 0.3 reaches p = 0.8 exactly: stop there.
    check_close(top_p_filter([0.2, 0.5, 0.3], 0.8), [0.0, 0.625, 0.375], rel=1e-12)


def test_p_of_one_keeps_all_nonzero_mass():
    out = top_p_filter([0.1, 0.0, 0.9], 1.0)
    check_close(out, [0.1, 0.0, 0.9], rel=1e-12)


def test_large_k_keeps_everything():
    check_close(top_k_filter([1.0, 3.0], 10), [0.25, 0.75])


def test_unnormalised_input_is_normalised_first():
    check_close(top_p_filter([10.0, 30.0, 60.0], 0.85), [0.0, 1 / 3, 2 / 3], rel=1e-12)


def test_empty_input():
    check_equal(top_k_filter([], 3), [])
    check_equal(top_p_filter([], 0.9), [])


def test_invalid_arguments_raise():
    check_raises(ValueError, top_k_filter, [0.5, 0.5], 0)
    check_raises(ValueError, top_p_filter, [0.5, 0.5], 0.0)
    check_raises(ValueError, top_p_filter, [0.5, 0.5], 1.5)


def test_does_not_modify_input():
    probs = [0.3, 0.1, 0.6]
    top_k_filter(probs, 1)
    top_p_filter(probs, 0.5)
    check_equal(probs, [0.3, 0.1, 0.6])
