import math
import random

s = math.sqrt(1.5)
case("worked_example", call("layer_norm", [[1.0, 2.0, 3.0]], [1.0] * 3, [0.0] * 3, eps=0.0), rel=1e-12, abs=1e-12,
     expect=[[[-s, 0.0, s]]])
case("rows_are_normalised_independently", call("layer_norm", [[1.0, 3.0], [100.0, 300.0]], [1.0, 1.0], [0.0, 0.0], eps=0.0),
     rel=1e-12, expect=[[[-1.0, 1.0], [-1.0, 1.0]]])
case("gamma_and_beta_are_applied", call("layer_norm", [[0.0, 2.0]], [2.0, 3.0], [10.0, -1.0], eps=0.0), rel=1e-12,
     expect=[[[8.0, 2.0]]])

case("empty_batch", call("layer_norm", [], [1.0], [0.0]), hidden=True, expect=[[]])
case("constant_row_returns_beta", call("layer_norm", [[5.0, 5.0, 5.0]], [3.0, 3.0, 3.0], [0.1, 0.2, 0.3]), hidden=True,
     rel=1e-12, expect=[[[0.1, 0.2, 0.3]]])
case("eps_is_inside_the_sqrt", call("layer_norm", [[0.0, 2.0]], [1.0, 1.0], [0.0, 0.0], eps=3.0), hidden=True, rel=1e-12,
     expect=[[[-0.5, 0.5]]])
r = random.Random(2)
case("random_rows", call("layer_norm", [[r.gauss(5, 3) for _ in range(16)] for _ in range(4)], [1.0] * 16, [0.0] * 16,
     eps=1e-12), hidden=True, rel=1e-9, abs=1e-12)
case("does_not_modify_input", let("x", [[1.0, 2.0, 4.0]]), keep("out", "layer_norm", ref("x"), [1.0] * 3, [0.0] * 3),
     get("x"), hidden=True, expect=[[[1.0, 2.0, 4.0]]])
case("mismatched_gamma_raises", raises("layer_norm", [[1.0, 2.0]], [1.0], [0.0, 0.0]), hidden=True)
case("large_offset_is_handled", call("layer_norm", [[1e8 + 1.0, 1e8 - 1.0]], [1.0, 1.0], [0.0, 0.0], eps=0.0), hidden=True,
     rel=1e-9, expect=[[[1.0, -1.0]]])
