import random

case("worked_example", call("roc_auc", [0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), rel=1e-9, expect=[0.75])
case("single_tie_is_one_half", call("roc_auc", [0.5, 0.5], [0, 1]), rel=1e-9, expect=[0.5])
case("perfect_and_inverted_rankings", call("roc_auc", [1, 2, 3, 4], [0, 0, 1, 1]), call("roc_auc", [4, 3, 2, 1], [0, 0, 1, 1]),
     rel=1e-9, abs=1e-12, expect=[1.0, 0.0])
case("needs_both_classes", raises("roc_auc", [0.1, 0.2], [1, 1]))

r = random.Random(0)
case("many_ties_match_pairwise_definition", call("roc_auc", [r.randint(0, 5) for _ in range(120)],
     [r.randint(0, 1) for _ in range(120)]), hidden=True, rel=1e-12)
case("all_scores_equal", call("roc_auc", [0.3] * 7, [0, 1, 0, 1, 1, 0, 0]), hidden=True, rel=1e-9, expect=[0.5])
case("mixed_ties_by_hand", call("roc_auc", [0.5, 0.5, 0.1, 0.9, 0.9], [1, 0, 0, 1, 0]), hidden=True, rel=1e-9,
     expect=[4 / 6])
r = random.Random(1)
s = [r.random() for _ in range(50)]
y = [int(r.random() < 0.3) for _ in range(50)]
case("invariant_to_monotone_transform", call("roc_auc", [x ** 3 * 100 - 7 for x in s], y), call("roc_auc", s, y),
     hidden=True, rel=1e-12)
case("length_mismatch_raises", raises("roc_auc", [0.1, 0.2, 0.3], [0, 1]), raises("roc_auc", [], []), hidden=True)
r = random.Random(2)
labels = [int(r.random() < 0.5) for _ in range(4000)]
case("large_input_is_fast_and_correct", call("roc_auc", [y * 0.5 + r.random() for y in labels], labels), hidden=True,
     rel=1e-12)
case("boolean_labels", call("roc_auc", [0.2, 0.9, 0.4], [False, True, False]), hidden=True, rel=1e-9, expect=[1.0])
