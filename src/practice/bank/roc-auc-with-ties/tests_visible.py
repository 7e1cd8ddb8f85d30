def test_worked_example():
    check_close(roc_auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75)


def test_single_tie_is_one_half():
    check_close(roc_auc([0.5, 0.5], [0, 1]), 0.5)


def test_perfect_and_inverted_rankings():
    check_close(roc_auc([1, 2, 3, 4], [0, 0, 1, 1]), 1.0)
    check_close(roc_auc([4, 3, 2, 1], [0, 0, 1, 1]), 0.0)


def test_needs_both_classes():
    check_raises(ValueError, roc_auc, [0.1, 0.2], [1, 1])
