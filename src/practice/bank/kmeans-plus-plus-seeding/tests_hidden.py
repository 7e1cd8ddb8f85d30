import random


def _cloud():
    rng = random.Random(42)
    return [[rng.gauss(c, 0.1), rng.gauss(c, 0.1)] for c in (0, 5, 10) for _ in range(10)]


def test_exact_indices_with_given_seed():
    check_equal(kmeans_pp_init(_cloud(), 3, random.Random(1)), [4, 24, 18])
    check_equal(kmeans_pp_init(_cloud(), 5, random.Random(2)), [27, 17, 0, 8, 26])


def test_uses_rng_exactly_as_specified():
    rng = random.Random(9)
    kmeans_pp_init(_cloud(), 4, rng)
    ref = random.Random(9)
    ref.randrange(30)
    for _ in range(3):
        ref.random()
    check_equal(rng.random(), ref.random(), "rng state after seeding")


def test_never_picks_a_point_at_distance_zero():
    pts = [[0.0], [0.0], [0.0], [5.0], [5.0]]
    for seed in range(20):
        idx = kmeans_pp_init(pts, 2, random.Random(seed))
        check_equal(sorted(pts[i][0] for i in idx), [0.0, 5.0], f"seed {seed}")


def test_too_few_distinct_points_raises():
    check_raises(ValueError, kmeans_pp_init, [[1.0, 1.0], [1.0, 1.0], [2.0, 2.0]], 3, random.Random(0))


def test_k_equals_n_gives_a_permutation():
    pts = [[float(i), float(i * i)] for i in range(6)]
    idx = kmeans_pp_init(pts, 6, random.Random(3))
    check_equal(sorted(idx), list(range(6)))


def test_far_point_is_very_likely_chosen_second():
    pts = [[0.0, 0.0], [0.1, 0.0], [0.0, 0.1], [1000.0, 1000.0]]
    hits = sum(kmeans_pp_init(pts, 2, random.Random(s))[1] == 3 for s in range(50))
    check_true(hits >= 37, f"the far point should almost always be picked when it is not first; got {hits}/50")
