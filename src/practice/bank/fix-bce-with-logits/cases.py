import math
import random

case("worked_example", call("bce_with_logits", [0.0, 2.0], [1.0, 0.0]), rel=1e-12,
     expect=[[(math.log(2) + math.log(1 + math.exp(2))) / 2, [-0.25, 1 / (1 + math.exp(-2)) / 2]]])
case("confident_wrong_prediction_is_finite", call("bce_with_logits", [800.0], [0.0]), rel=1e-12, expect=[[800.0, [1.0]]])
case("very_negative_logit", call("bce_with_logits", [-800.0], [1.0]), rel=1e-12, expect=[[800.0, [-1.0]]])
case("sigmoid_does_not_overflow", call("sigmoid", -1000.0), call("sigmoid", 0.0), call("sigmoid", 1000.0),
     abs=1e-300, expect=[0.0, 0.5, 1.0])

case("confident_correct_predictions_have_tiny_loss", call("bce_with_logits", [40.0, -40.0], [1.0, 0.0]), hidden=True,
     rel=1e-9, abs=1e-300)
p = 1 / (1 + math.exp(-1))
case("soft_labels", call("bce_with_logits", [1.0], [0.3]), hidden=True, rel=1e-12,
     expect=[[-(0.3 * math.log(p) + 0.7 * math.log(1 - p)), [p - 0.3]]])
r = random.Random(6)
case("gradient_on_random_batch", call("bce_with_logits", [r.uniform(-5, 5) for _ in range(5)], [r.random() for _ in range(5)]),
     hidden=True, rel=1e-9, abs=1e-12)
case("extreme_batch_has_no_nan_or_inf", call("bce_with_logits", [1e4, -1e4, 1e4, -1e4], [1.0, 0.0, 0.0, 1.0]),
     hidden=True, rel=1e-12, abs=1e-15, expect=[[5000.0, [0.0, 0.0, 0.25, -0.25]]])
case("invalid_inputs", raises("bce_with_logits", [], []), raises("bce_with_logits", [1.0], [1.0, 0.0]), hidden=True)
case("sigmoid_symmetry", *[call("sigmoid", s * x) for x in (0.5, 3.0, 30.0, 700.0) for s in (1, -1)], hidden=True,
     rel=1e-12, abs=1e-300)
