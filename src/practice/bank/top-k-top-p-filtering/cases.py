case("top_k_example", call("top_k_filter", [0.1, 0.4, 0.2, 0.3], 2), rel=1e-12, expect=[[0.0, 4 / 7, 0.0, 3 / 7]])
case("top_p_example", call("top_p_filter", [0.1, 0.4, 0.2, 0.3], 0.6), rel=1e-12, expect=[[0.0, 4 / 7, 0.0, 3 / 7]])
case("top_p_keeps_at_least_one_token", call("top_p_filter", [0.2, 0.7, 0.1], 0.05), rel=1e-12, expect=[[0.0, 1.0, 0.0]])
case("output_keeps_original_order_and_sums_to_one", call("top_k_filter", [5.0, 1.0, 3.0, 2.0], 3), rel=1e-12,
     expect=[[5 / 10, 0.0, 3 / 10, 2 / 10]])

case("ties_prefer_lower_index", call("top_k_filter", [0.25, 0.25, 0.25, 0.25], 2), call("top_p_filter", [0.2, 0.3, 0.3, 0.2], 0.5),
     hidden=True, rel=1e-12, expect=[[0.5, 0.5, 0.0, 0.0], [0.0, 0.5, 0.5, 0.0]])
case("exact_boundary_is_inclusive", call("top_p_filter", [0.2, 0.5, 0.3], 0.8), hidden=True, rel=1e-12,
     expect=[[0.0, 0.625, 0.375]])
# 0.7 + 0.2 is 0.8999999999999999 in floating point: without the 1e-12 slack a third token is kept.
case("boundary_reached_only_within_the_slack", call("top_p_filter", [0.1, 0.2, 0.7], 0.9), hidden=True, rel=1e-12,
     expect=[[0.0, 2 / 9, 7 / 9]])
case("p_of_one_keeps_all_nonzero_mass", call("top_p_filter", [0.1, 0.0, 0.9], 1.0), hidden=True, rel=1e-12)
case("large_k_keeps_everything", call("top_k_filter", [1.0, 3.0], 10), hidden=True, rel=1e-12, expect=[[0.25, 0.75]])
case("unnormalised_input_is_normalised_first", call("top_p_filter", [10.0, 30.0, 60.0], 0.85), hidden=True, rel=1e-12,
     expect=[[0.0, 1 / 3, 2 / 3]])
case("empty_input", call("top_k_filter", [], 3), call("top_p_filter", [], 0.9), hidden=True, expect=[[], []])
case("invalid_arguments_raise", raises("top_k_filter", [0.5, 0.5], 0), raises("top_p_filter", [0.5, 0.5], 0.0),
     raises("top_p_filter", [0.5, 0.5], 1.5), hidden=True)
case("does_not_modify_input", let("probs", [0.3, 0.1, 0.6]), keep("_", "top_k_filter", ref("probs"), 1),
     keep("_", "top_p_filter", ref("probs"), 0.5), get("probs"), hidden=True, expect=[[0.3, 0.1, 0.6]])
