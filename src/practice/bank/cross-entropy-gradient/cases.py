import math
import random

p0 = 1 / (1 + math.exp(-2))
case("single_example_value_and_gradient", call("cross_entropy", [[2.0, 0.0]], [0]), rel=1e-9,
     expect=[[-math.log(p0), [[p0 - 1, 1 - p0]]]])
case("uniform_logits_give_log_num_classes", call("cross_entropy", [[0.0, 0.0, 0.0, 0.0]], [2]), rel=1e-12,
     expect=[[math.log(4), [[0.25, 0.25, -0.75, 0.25]]]])
case("batch_loss_is_a_mean", call("cross_entropy", [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]], [2, 0]), rel=1e-12, abs=1e-15)
case("gradient_rows_sum_to_zero", call("cross_entropy", [[0.3, -1.2, 2.2], [5.0, 1.0, 0.0]], [1, 0]), rel=1e-9,
     abs=1e-12)

r = random.Random(3)
case("gradient_on_random_logits", call("cross_entropy", [[r.gauss(0, 1) for _ in range(4)] for _ in range(3)], [0, 3, 1]),
     hidden=True, rel=1e-9, abs=1e-12)
case("handles_large_logits", call("cross_entropy", [[10000.0, 0.0], [0.0, 10000.0]], [1, 1]), hidden=True,
     rel=1e-12, abs=1e-12, expect=[[5000.0, [[0.5, -0.5], [0.0, 0.0]]]])
case("ignore_index_rows_are_skipped", call("cross_entropy", [[0.0, 0.0], [9.0, -3.0]], [1, -100]), hidden=True,
     rel=1e-12, abs=1e-15, expect=[[math.log(2), [[0.5, -0.5], [0.0, 0.0]]]])
case("custom_ignore_index", call("cross_entropy", [[0.0, 0.0], [9.0, -3.0]], [0, 7], ignore_index=7), hidden=True,
     rel=1e-12, abs=1e-15)
case("all_ignored_returns_zero", call("cross_entropy", [[1.0, 2.0]], [-100]), hidden=True, abs=1e-12,
     expect=[[0.0, [[0.0, 0.0]]]])
case("rejects_bad_inputs", raises("cross_entropy", [[1.0, 2.0]], [0, 1]), raises("cross_entropy", [[1.0, 2.0]], [2]),
     hidden=True)
case("perfectly_confident_prediction_has_near_zero_loss", call("cross_entropy", [[50.0, -50.0, -50.0]], [0]),
     hidden=True, abs=1e-40, rel=1e-9)
