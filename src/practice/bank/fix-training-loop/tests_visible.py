def test_one_epoch_matches_hand_computation():
    w, b, losses = train_linear([0.0, 1.0, 2.0], [1.0, 3.0, 5.0], lr=0.1, epochs=1)
    check_close((w, b), (0.1 * 26 / 3, 0.6), rel=1e-12)
    check_close(losses, [35 / 3], rel=1e-12)


def test_loss_decreases():
    _, _, losses = train_linear([0.0, 1.0, 2.0, 3.0], [1.0, 3.0, 5.0, 7.0], lr=0.05, epochs=50)
    check_true(all(a > b for a, b in zip(losses, losses[1:])), f"loss should fall every epoch; first few: {losses[:4]}")


def test_recovers_a_line():
    xs = [x / 10 for x in range(-10, 11)]
    ys = [3.0 * x - 2.0 for x in xs]
    w, b, _ = train_linear(xs, ys, lr=0.2, epochs=400)
    check_close((w, b), (3.0, -2.0), abs=1e-4)
