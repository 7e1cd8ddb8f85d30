import random


def _brute(scores, labels):
    pos = [s for s, y in zip(scores, labels) if y == 1]
    neg = [s for s, y in zip(scores, labels) if y == 0]
    tot = sum(1.0 if p > q else 0.5 if p == q else 0.0 for p in pos for q in neg)
    return tot / (len(pos) * len(neg))


def test_many_ties_match_pairwise_definition():
    rng = random.Random(0)
    scores = [rng.randint(0, 5) for _ in range(120)]
    labels = [rng.randint(0, 1) for _ in range(120)]
    check_close(roc_auc(scores, labels), _brute(scores, labels), rel=1e-12)


def test_all_scores_equal():
    check_close(roc_auc([0.3] * 7, [0, 1, 0, 1, 1, 0, 0]), 0.5)


def test_mixed_ties_by_hand():
    # pos: 0.5, 0.9 ; neg: 0.5, 0.1, 0.9  -> pairs: (0.5: 0.5+1+0) + (0.9: 1+1+0.5) = 4 of 6
    check_close(roc_auc([0.5, 0.5, 0.1, 0.9, 0.9], [1, 0, 0, 1, 0]), 4 / 6)


def test_invariant_to_monotone_transform():
    rng = random.Random(1)
    s = [rng.random() for _ in range(50)]
    y = [int(rng.random() < 0.3) for _ in range(50)]
    check_close(roc_auc([x ** 3 * 100 - 7 for x in s], y), roc_auc(s, y), rel=1e-12)


def test_length_mismatch_raises():
    check_raises(ValueError, roc_auc, [0.1, 0.2, 0.3], [0, 1])
    check_raises(ValueError, roc_auc, [], [])


def test_large_input_is_fast_and_correct():
    rng = random.Random(2)
    n = 20000
    labels = [int(rng.random() < 0.5) for _ in range(n)]
    scores = [y * 0.5 + rng.random() for y in labels]
    auc = roc_auc(scores, labels)
    # overlap of U(0,1) and U(0.5,1.5): P(pos > neg) = 1 - 0.5 * 0.5 * 0.5 = 0.875
    check_close(auc, 0.875, abs=0.01)


def test_boolean_labels():
    check_close(roc_auc([0.2, 0.9, 0.4], [False, True, False]), 1.0)
