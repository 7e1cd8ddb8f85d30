case("one_epoch_matches_hand_computation", call("train_linear", [0.0, 1.0, 2.0], [1.0, 3.0, 5.0], lr=0.1, epochs=1),
     rel=1e-12, expect=[[0.1 * 26 / 3, 0.6, [35 / 3]]])
case("loss_decreases", call("train_linear", [0.0, 1.0, 2.0, 3.0], [1.0, 3.0, 5.0, 7.0], lr=0.05, epochs=50), rel=1e-9,
     abs=1e-12)
xs = [x / 10 for x in range(-10, 11)]
case("recovers_a_line", keep("r", "train_linear", xs, [3.0 * x - 2.0 for x in xs], lr=0.2, epochs=400), get("r.0"),
     get("r.1"), abs=1e-4, expect=[3.0, -2.0])

case("second_epoch_uses_fresh_gradients", call("train_linear", [0.0, 1.0, 2.0], [1.0, 3.0, 5.0], lr=0.1, epochs=2),
     hidden=True, rel=1e-12)
case("zero_epochs_returns_initial_parameters", call("train_linear", [1.0], [2.0], epochs=0), hidden=True,
     expect=[[0.0, 0.0, []]])
case("already_optimal_stays_put", call("train_linear", [1.0, 2.0], [0.0, 0.0], lr=0.1, epochs=5), hidden=True, abs=1e-12,
     expect=[[0.0, 0.0, [0.0] * 5]])
case("invalid_data_raises", raises("train_linear", [], []), raises("train_linear", [1.0, 2.0], [1.0]), hidden=True)
case("loss_history", call("train_linear", [1.0, 2.0, 3.0], [2.0, 4.0, 6.0], epochs=17), hidden=True, rel=1e-9, abs=1e-12)
