import random


def test_worked_example():
    check_equal(kmeans_pp_init([[0.0], [1.0], [10.0], [11.0]], 2, random.Random(0)), [3, 1])


def test_picks_one_centre_per_well_separated_cluster():
    rng = random.Random(42)
    pts = [[rng.gauss(c, 0.1), rng.gauss(c, 0.1)] for c in (0, 5, 10) for _ in range(10)]
    idx = kmeans_pp_init(pts, 3, random.Random(1))
    check_equal(sorted(i // 10 for i in idx), [0, 1, 2], "cluster of each chosen centre")


def test_k_zero_returns_empty():
    check_equal(kmeans_pp_init([[1.0, 2.0]], 0, random.Random(0)), [])


def test_k_larger_than_n_raises():
    check_raises(ValueError, kmeans_pp_init, [[1.0], [2.0]], 3, random.Random(0))
