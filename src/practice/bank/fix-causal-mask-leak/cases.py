import math

case("worked_example", call("causal_attention_weights", [[0.0] * 3 for _ in range(3)]), rel=1e-12,
     expect=[[[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [1 / 3, 1 / 3, 1 / 3]]])
# Relative tolerance only: an expected 0.0 must be exactly 0.0.
case("future_positions_get_exactly_zero", call("causal_attention_weights", [[float(i * 4 + j) for j in range(4)] for i in range(4)]),
     rel=1e-12)
case("rows_sum_to_one", call("causal_attention_weights", [[0.3, -1.0, 2.0], [1.0, 0.5, -0.5], [0.0, 4.0, 1.0]]), rel=1e-12)

s = -2e9
case("very_negative_scores_still_masked", call("causal_attention_weights", [[s, s], [s, s]]), hidden=True, rel=1e-12,
     expect=[[[1.0, 0.0], [0.5, 0.5]]])
case("huge_positive_future_score_ignored",
     call("causal_attention_weights", [[0.0, 1e10, 1e10], [0.0, 0.0, 1e10], [0.0, 0.0, 0.0]]), hidden=True, rel=1e-12,
     expect=[[[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [1 / 3] * 3]])
case("empty_input", call("causal_attention_weights", []), hidden=True, expect=[[]])
case("last_row_is_a_full_softmax", call("causal_attention_weights", [[1.0, 2.0, 3.0]] * 3), hidden=True, rel=1e-12)
e = math.exp(-1)
case("large_scores_are_stable", call("causal_attention_weights", [[1e10, 0.0], [1e10, 1e10 - 1.0]]), hidden=True,
     rel=1e-9, expect=[[[1.0, 0.0], [1 / (1 + e), e / (1 + e)]]])
