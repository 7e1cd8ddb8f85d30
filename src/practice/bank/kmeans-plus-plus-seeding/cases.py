import random


def cloud():
    r = random.Random(42)
    return [[r.gauss(c, 0.1), r.gauss(c, 0.1)] for c in (0, 5, 10) for _ in range(10)]


case("worked_example", call("kmeans_pp_init", [[0.0], [1.0], [10.0], [11.0]], 2, rng(0)), expect=[[3, 1]])
case("picks_one_centre_per_well_separated_cluster", call("kmeans_pp_init", cloud(), 3, rng(1)))
case("k_zero_returns_empty", call("kmeans_pp_init", [[1.0, 2.0]], 0, rng(0)), expect=[[]])
case("k_larger_than_n_raises", raises("kmeans_pp_init", [[1.0], [2.0]], 3, rng(0)))

case("exact_indices_with_given_seed", call("kmeans_pp_init", cloud(), 3, rng(1)), call("kmeans_pp_init", cloud(), 5, rng(2)),
     hidden=True, expect=[[4, 24, 18], [27, 17, 0, 8, 26]])
# The generator's next draw shows how many times it was used, and how.
case("uses_rng_exactly_as_specified", let("r", rng(9)), keep("out", "kmeans_pp_init", cloud(), 4, ref("r")),
     call("r.random"), hidden=True)
pts = [[0.0], [0.0], [0.0], [5.0], [5.0]]
case("never_picks_a_point_at_distance_zero", *[call("kmeans_pp_init", pts, 2, rng(s)) for s in range(20)], hidden=True)
case("too_few_distinct_points_raises", raises("kmeans_pp_init", [[1.0, 1.0], [1.0, 1.0], [2.0, 2.0]], 3, rng(0)),
     hidden=True)
case("k_equals_n", call("kmeans_pp_init", [[float(i), float(i * i)] for i in range(6)], 6, rng(3)), hidden=True)
far = [[0.0, 0.0], [0.1, 0.0], [0.0, 0.1], [1000.0, 1000.0]]
case("far_point_is_chosen_by_weight", *[call("kmeans_pp_init", far, 2, rng(s)) for s in range(50)], hidden=True)
