def test_warmup_is_linear_from_zero():
    check_close([lr_at(s, 1e-3, 100, 1100) for s in (0, 50, 99)], [0.0, 5e-4, 9.9e-4], rel=1e-12, abs=1e-18)


def test_peak_at_end_of_warmup():
    check_close(lr_at(100, 1e-3, 100, 1100), 1e-3, rel=1e-12)


def test_halfway_through_decay():
    check_close(lr_at(600, 1e-3, 100, 1100), 5e-4, rel=1e-12)


def test_after_total_steps_returns_min_lr():
    check_close(lr_at(5000, 1e-3, 100, 1100, min_lr=1e-5), 1e-5, rel=1e-12)
