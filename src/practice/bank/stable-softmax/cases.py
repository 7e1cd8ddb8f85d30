import math
import random

case("softmax_small_example", call("softmax", [1.0, 2.0, 3.0]), rel=1e-9,
     expect=[[0.09003057317038046, 0.24472847105479764, 0.6652409557748219]])
case("softmax_sums_to_one", call("softmax", [0.5, -1.25, 3.0, 2.0]), rel=1e-9)
case("logsumexp_does_not_overflow", call("logsumexp", [1000.0, 1000.0]), rel=1e-12, expect=[1000.0 + math.log(2.0)])
case("log_softmax_matches_log_of_softmax", call("log_softmax", [0.1, 0.7, -2.0]), rel=1e-9)

e = math.exp(-1)
case("handles_large_logits", call("softmax", [10000.0, 9999.0, 0.0]), hidden=True, rel=1e-9, abs=1e-300,
     expect=[[1 / (1 + e), e / (1 + e), 0.0]])
case("handles_very_negative_logits", call("softmax", [-10000.0, -10000.0]), call("logsumexp", [-10000.0, -10000.0]),
     hidden=True, rel=1e-12, expect=[[0.5, 0.5], -10000.0 + math.log(2)])
case("empty_input", call("softmax", []), call("log_softmax", []), call("logsumexp", []), hidden=True,
     expect=[[], [], float("-inf")])
case("single_element", call("softmax", [42.0]), call("log_softmax", [42.0]), call("logsumexp", [-3.5]),
     hidden=True, rel=1e-9, abs=1e-12)
r = random.Random(7)
xs = [r.uniform(-5, 5) for _ in range(20)]
case("shift_invariance", call("softmax", [x + 123.0 for x in xs]), call("softmax", xs), hidden=True, rel=1e-9, abs=1e-15)
case("log_softmax_of_huge_values_is_finite", call("log_softmax", [5000.0, 0.0]), hidden=True, abs=1e-9,
     expect=[[0.0, -5000.0]])
case("accepts_integers", call("softmax", [0, 0, 0, 0]), hidden=True, rel=1e-9)
