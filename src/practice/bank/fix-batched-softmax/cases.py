import math

case("worked_example", call("batched_softmax", [[1.0, 1.0], [0.0, 1000.0]]), abs=1e-12,
     expect=[[[0.5, 0.5], [0.0, 1.0]]])
case("each_row_sums_to_one", call("batched_softmax", [[0.2, 1.5, -0.3], [2.0, 0.0, 1.0], [5.0, 5.0, 5.0]]), rel=1e-9,
     abs=1e-15)
case("rows_on_different_scales", call("batched_softmax", [[0.0, 0.0], [1000.0, 1000.0]]), rel=1e-12,
     expect=[[[0.5, 0.5], [0.5, 0.5]]])
case("predict", call("predict", [[0.1, 0.7, 0.2], [3.0, 3.0, 1.0]]), expect=[[1, 0]])

e = [math.exp(x) for x in [1.0, 2.0, 3.0]]
case("single_row_matches_plain_softmax", call("batched_softmax", [[1.0, 2.0, 3.0]]), hidden=True, rel=1e-12,
     expect=[[[x / sum(e) for x in e]]])
case("empty_batch", call("batched_softmax", []), call("predict", []), hidden=True, expect=[[], []])
case("no_nan_with_extreme_rows", call("batched_softmax", [[-10000.0, -10000.0], [10000.0, -10000.0]]), hidden=True,
     abs=1e-12, expect=[[[0.5, 0.5], [1.0, 0.0]]])
case("predict_is_per_row", call("predict", [[0.0, 10.0], [-5.0, -6.0], [2.0, 1.0]]), hidden=True, expect=[[1, 0, 0]])
case("predict_with_distant_scales", call("predict", [[0.0, 1.0, 0.5], [900.0, 1000.0, 950.0]]), hidden=True,
     expect=[[1, 1]])
case("row_order_does_not_matter", call("batched_softmax", [[1.0, 2.0], [3.0, 0.0]]),
     call("batched_softmax", [[3.0, 0.0], [1.0, 2.0]]), hidden=True, rel=1e-12, abs=1e-15)
