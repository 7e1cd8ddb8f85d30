import math
import random

w1 = 1 / (1 + math.exp(-2))
case("worked_example", call("causal_attention", [[1.0], [1.0]], [[0.0], [2.0]], [[10.0], [20.0]]), rel=1e-9,
     expect=[[[10.0], [10.0 * (1 - w1) + 20.0 * w1]]])
case("first_position_only_sees_itself",
     call("causal_attention", [[3.0, -1.0], [0.5, 0.5], [2.0, 2.0]], [[1.0, 1.0], [5.0, 5.0], [-4.0, 0.0]],
          [[1.0, 2.0, 3.0], [7.0, 8.0, 9.0], [0.0, 0.0, 1.0]]), rel=1e-9)
case("equal_scores_average_the_prefix",
     call("causal_attention", [[0.0, 0.0]] * 3, [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [[0.0], [3.0], [6.0]]),
     rel=1e-12, expect=[[[0.0], [1.5], [3.0]]])
case("scores_are_scaled_by_sqrt_dk",
     call("causal_attention", [[1.0, 1.0, 1.0, 1.0]] * 2, [[0.0] * 4, [1.0] * 4], [[0.0], [1.0]]), rel=1e-9,
     expect=[[[0.0], [w1]]])


def rand(r, rows, cols):
    return [[r.gauss(0, 1) for _ in range(cols)] for _ in range(rows)]


case("empty_sequence", call("causal_attention", [], [], []), hidden=True, expect=[[]])
r = random.Random(11)
q, k, v = rand(r, 5, 3), rand(r, 5, 3), rand(r, 5, 2)
v2 = [row[:] for row in v]
v2[4] = [1e6, -1e6]
k2 = [row[:] for row in k]
k2[4] = [100.0, 100.0, 100.0]
case("future_values_do_not_leak", call("causal_attention", q, k, v), call("causal_attention", q, k2, v2),
     hidden=True, rel=1e-9, abs=1e-12)
r = random.Random(5)
case("matches_reference_on_random_input", call("causal_attention", rand(r, 6, 4), rand(r, 6, 4), rand(r, 6, 3)),
     hidden=True, rel=1e-9, abs=1e-12)
case("large_scores_are_stable", call("causal_attention", [[100.0], [100.0]], [[100.0], [99.0]], [[1.0], [0.0]]),
     hidden=True, rel=1e-12, expect=[[[1.0], [1.0]]])
# Row 0's only visible score is -500; the masked one is +500. A maximum taken over the whole row (masked
# positions included) underflows every visible weight to 0.
case("masked_scores_much_larger_than_visible_ones",
     call("causal_attention", [[1.0], [1.0], [1.0]], [[-500.0], [500.0], [800.0]], [[2.0], [3.0], [4.0]]),
     hidden=True, rel=1e-9, expect=[[[2.0], [3.0], [4.0]]])
case("value_dim_differs_from_key_dim",
     call("causal_attention", [[0.0]] * 2, [[0.0]] * 2, [[1.0, 2.0, 3.0, 4.0], [3.0, 2.0, 1.0, 0.0]]),
     hidden=True, rel=1e-9, expect=[[[1.0, 2.0, 3.0, 4.0], [2.0, 2.0, 2.0, 2.0]]])
case("single_position", call("causal_attention", [[5.0, 5.0]], [[-5.0, 1.0]], [[0.25]]), hidden=True, rel=1e-9,
     expect=[[[0.25]]])
