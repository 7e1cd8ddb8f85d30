import math

case("warmup_is_linear_from_zero", *[call("lr_at", s, 1e-3, 100, 1100) for s in (0, 50, 99)], rel=1e-12, abs=1e-18,
     expect=[0.0, 5e-4, 9.9e-4])
case("peak_at_end_of_warmup", call("lr_at", 100, 1e-3, 100, 1100), rel=1e-12, expect=[1e-3])
case("halfway_through_decay", call("lr_at", 600, 1e-3, 100, 1100), rel=1e-12, expect=[5e-4])
case("after_total_steps_returns_min_lr", call("lr_at", 5000, 1e-3, 100, 1100, min_lr=1e-5), rel=1e-12, expect=[1e-5])

case("decay_ends_exactly_at_min_lr", call("lr_at", 1100, 2.0, 100, 1100, min_lr=0.5),
     call("lr_at", 1099, 2.0, 100, 1100, min_lr=0.5), hidden=True, rel=1e-12,
     expect=[0.5, 0.5 + 0.75 * (1 + math.cos(math.pi * 999 / 1000))])
case("quarter_point_with_min_lr", call("lr_at", 35, 1.0, 10, 110, min_lr=0.2), hidden=True, rel=1e-12,
     expect=[0.2 + 0.4 * (1 + math.sqrt(0.5))])
case("no_warmup", call("lr_at", 0, 3e-4, 0, 10), hidden=True, rel=1e-12, expect=[3e-4])
case("warmup_equal_to_total", *[call("lr_at", s, 1.0, 4, 4, min_lr=0.1) for s in range(6)], hidden=True, rel=1e-12,
     abs=1e-15, expect=[0.0, 0.25, 0.5, 0.75, 0.1, 0.1])
case("whole_schedule_after_warmup", *[call("lr_at", s, 1.0, 20, 220) for s in range(20, 230, 7)], hidden=True, rel=1e-12,
     abs=1e-15)
case("invalid_arguments_raise", raises("lr_at", -1, 1.0, 10, 100), raises("lr_at", 5, 1.0, 10, 5),
     raises("lr_at", 5, 1.0, -1, 5), hidden=True)
