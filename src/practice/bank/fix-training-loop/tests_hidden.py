def test_second_epoch_uses_fresh_gradients():
    w, b, losses = train_linear([0.0, 1.0, 2.0], [1.0, 3.0, 5.0], lr=0.1, epochs=2)
    w1, b1 = 0.1 * 26 / 3, 0.6
    errs = [w1 * x + b1 - y for x, y in zip([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])]
    gw = 2 / 3 * sum(e * x for e, x in zip(errs, [0.0, 1.0, 2.0]))
    gb = 2 / 3 * sum(errs)
    check_close((w, b), (w1 - 0.1 * gw, b1 - 0.1 * gb), rel=1e-12)
    check_close(losses[1], sum(e * e for e in errs) / 3, rel=1e-12)


def test_zero_epochs_returns_initial_parameters():
    check_equal(train_linear([1.0], [2.0], epochs=0), (0.0, 0.0, []))


def test_already_optimal_stays_put():
    w, b, losses = train_linear([1.0, 2.0], [0.0, 0.0], lr=0.1, epochs=5)
    check_close((w, b), (0.0, 0.0))
    check_close(losses, [0.0] * 5)


def test_invalid_data_raises():
    check_raises(ValueError, train_linear, [], [])
    check_raises(ValueError, train_linear, [1.0, 2.0], [1.0])


def test_loss_history_length():
    _, _, losses = train_linear([1.0, 2.0, 3.0], [2.0, 4.0, 6.0], epochs=17)
    check_equal(len(losses), 17)
