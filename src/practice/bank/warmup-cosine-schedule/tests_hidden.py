import math


def test_decay_ends_exactly_at_min_lr():
    check_close(lr_at(1100, 2.0, 100, 1100, min_lr=0.5), 0.5, rel=1e-12)
    check_close(lr_at(1099, 2.0, 100, 1100, min_lr=0.5), 0.5 + 0.75 * (1 + math.cos(math.pi * 999 / 1000)), rel=1e-12)


def test_quarter_point_with_min_lr():
    # progress 0.25 -> cos = sqrt(2)/2
    check_close(lr_at(35, 1.0, 10, 110, min_lr=0.2), 0.2 + 0.4 * (1 + math.sqrt(0.5)), rel=1e-12)


def test_no_warmup():
    check_close(lr_at(0, 3e-4, 0, 10), 3e-4, rel=1e-12)


def test_warmup_equal_to_total():
    check_close([lr_at(s, 1.0, 4, 4, min_lr=0.1) for s in range(6)], [0.0, 0.25, 0.5, 0.75, 0.1, 0.1], rel=1e-12)


def test_schedule_is_monotone_after_warmup():
    vals = [lr_at(s, 1.0, 20, 220) for s in range(20, 230)]
    check_true(all(a >= b for a, b in zip(vals, vals[1:])), "decay must be non-increasing")


def test_invalid_arguments_raise():
    check_raises(ValueError, lr_at, -1, 1.0, 10, 100)
    check_raises(ValueError, lr_at, 5, 1.0, 10, 5)
    check_raises(ValueError, lr_at, 5, 1.0, -1, 5)
