def test_worked_example_padding():
    check_equal(list(ShardedLoader(5, 2, 1, 2, shuffle=False)), [[1, 3], [0]])


def test_worked_example_drop_last():
    check_equal(list(ShardedLoader(5, 2, 1, 2, shuffle=False, drop_last=True)), [[1, 3]])


def test_ranks_partition_the_dataset():
    seen = []
    for r in range(4):
        for batch in ShardedLoader(12, 2, r, 4, seed=3):
            seen.extend(batch)
    check_equal(sorted(seen), list(range(12)))


def test_same_epoch_is_reproducible_and_epochs_differ():
    a = ShardedLoader(50, 8, 0, 2, seed=7)
    first = list(a)
    check_equal(list(ShardedLoader(50, 8, 0, 2, seed=7)), first, "fresh loader, same epoch")
    a.set_epoch(1)
    check_true(list(a) != first, "epoch 1 should be shuffled differently from epoch 0")
