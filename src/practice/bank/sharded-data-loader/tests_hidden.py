import random


def test_uses_the_specified_shuffle():
    order = list(range(10))
    random.Random("5:2").shuffle(order)
    ld = ShardedLoader(10, 3, 2, 3, seed=5)
    ld.set_epoch(2)
    padded = order + order[:2]
    shard = padded[2::3]
    check_equal(list(ld), [shard[:3], shard[3:]])


def test_every_rank_yields_the_same_number_of_batches():
    for drop_last in (False, True):
        lens = [len(list(ShardedLoader(23, 4, r, 5, seed=1, drop_last=drop_last))) for r in range(5)]
        check_equal(len(set(lens)), 1, f"drop_last={drop_last}: {lens}")


def test_len_matches_iteration():
    for n in (0, 1, 7, 16, 23):
        for bs in (1, 3, 4):
            for drop_last in (False, True):
                ld = ShardedLoader(n, bs, 1, 3, drop_last=drop_last)
                check_equal(len(ld), len(list(ld)), f"n={n} bs={bs} drop_last={drop_last}")


def test_dataset_smaller_than_world_size_wraps():
    out = [list(ShardedLoader(2, 4, r, 5, shuffle=False)) for r in range(5)]
    check_equal(out, [[[0]], [[1]], [[0]], [[1]], [[0]]])


def test_drop_last_gives_disjoint_full_batches():
    seen = []
    for r in range(3):
        for b in ShardedLoader(20, 3, r, 3, seed=11, drop_last=True):
            check_equal(len(b), 3)
            seen.extend(b)
    check_equal(len(seen), len(set(seen)), "no index repeated across ranks")
    check_equal(len(seen), 18)


def test_empty_dataset():
    check_equal(list(ShardedLoader(0, 4, 0, 2)), [])
    check_equal(len(ShardedLoader(0, 4, 0, 2)), 0)


def test_invalid_configuration_raises():
    check_raises(ValueError, ShardedLoader, 10, 2, 2, 2)
    check_raises(ValueError, ShardedLoader, 10, 0, 0, 2)
    check_raises(ValueError, ShardedLoader, 10, 2, -1, 2)


def test_iterating_twice_gives_same_batches():
    ld = ShardedLoader(30, 4, 1, 2, seed=9)
    ld.set_epoch(3)
    check_equal(list(ld), list(ld))
