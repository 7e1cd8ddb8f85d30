def loader(name, *args, **kwargs):
    return keep(name, "ShardedLoader", *args, **kwargs)


case("worked_example_padding", loader("ld", 5, 2, 1, 2, shuffle=False), call("list", ref("ld")), expect=[[[1, 3], [0]]])
case("worked_example_drop_last", loader("ld", 5, 2, 1, 2, shuffle=False, drop_last=True), call("list", ref("ld")),
     expect=[[[1, 3]]])
steps = []
for r in range(4):
    steps += [loader("l%d" % r, 12, 2, r, 4, seed=3), call("list", ref("l%d" % r))]
case("ranks_partition_the_dataset", *steps)
case("same_epoch_is_reproducible_and_epochs_differ", loader("a", 50, 8, 0, 2, seed=7), call("list", ref("a")),
     loader("b", 50, 8, 0, 2, seed=7), call("list", ref("b")), call("a.set_epoch", 1), call("list", ref("a")))

case("uses_the_specified_shuffle", loader("ld", 10, 3, 2, 3, seed=5), call("ld.set_epoch", 2), call("list", ref("ld")),
     hidden=True)
steps = []
for drop_last in (False, True):
    for r in range(5):
        steps += [loader("l", 23, 4, r, 5, seed=1, drop_last=drop_last), call("list", ref("l")), call("len", ref("l"))]
case("every_rank_yields_the_same_number_of_batches", *steps, hidden=True)
steps = []
for n in (0, 1, 7, 16, 23):
    for bs in (1, 3, 4):
        for drop_last in (False, True):
            steps += [loader("l", n, bs, 1, 3, drop_last=drop_last), call("len", ref("l")), call("list", ref("l"))]
case("len_matches_iteration", *steps, hidden=True)
steps = []
for r in range(5):
    steps += [loader("l", 2, 4, r, 5, shuffle=False), call("list", ref("l"))]
case("dataset_smaller_than_world_size_wraps", *steps, hidden=True, expect=[None, [[0]], None, [[1]], None, [[0]], None,
     [[1]], None, [[0]]][1::2])
steps = []
for r in range(3):
    steps += [loader("l", 20, 3, r, 3, seed=11, drop_last=True), call("list", ref("l"))]
case("drop_last_gives_disjoint_full_batches", *steps, hidden=True)
# 20 items over 2 ranks: 10 each, batches of 3 leave a final batch of 1, which drop_last must drop too.
steps = []
for r in range(2):
    steps += [loader("l", 20, 3, r, 2, seed=4, drop_last=True), call("list", ref("l")), call("len", ref("l"))]
case("drop_last_drops_a_short_final_batch", *steps, hidden=True)
case("empty_dataset", loader("l", 0, 4, 0, 2), call("list", ref("l")), call("len", ref("l")), hidden=True, expect=[[], 0])
case("invalid_configuration_raises", raises("ShardedLoader", 10, 2, 2, 2), raises("ShardedLoader", 10, 0, 0, 2),
     raises("ShardedLoader", 10, 2, -1, 2), hidden=True)
case("iterating_twice_gives_same_batches", loader("ld", 30, 4, 1, 2, seed=9), call("ld.set_epoch", 3),
     call("list", ref("ld")), call("list", ref("ld")), hidden=True)
