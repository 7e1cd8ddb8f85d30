import math

case("worked_example", call("adam_step", [1.0], [0.5], [0.0], [0.0], t=1, lr=0.1), rel=1e-12,
     expect=[[[1.0 - 0.1 * 0.5 / (0.5 + 1e-8)], [0.05], [0.00025]]])
case("first_step_moves_by_about_lr_regardless_of_gradient_scale",
     call("adam_step", [0.0, 0.0, 0.0], [1e-3, -50.0, 7.0], [0.0] * 3, [0.0] * 3, t=1, lr=0.01), rel=1e-9)
case("second_step_uses_bias_correction",
     keep("s1", "adam_step", [0.0], [1.0], [0.0], [0.0], t=1, lr=0.1),
     call("adam_step", ref("s1.0"), [3.0], ref("s1.1"), ref("s1.2"), t=2, lr=0.1), rel=1e-12)

case("does_not_mutate_inputs", let("p", [1.0, 2.0]), let("g", [0.1, 0.2]), let("m", [0.0, 0.0]), let("v", [0.0, 0.0]),
     keep("out", "adam_step", ref("p"), ref("g"), ref("m"), ref("v"), t=1),
     get("p"), get("g"), get("m"), get("v"), hidden=True,
     expect=[[1.0, 2.0], [0.1, 0.2], [0.0, 0.0], [0.0, 0.0]])
case("zero_gradient_from_zero_state_does_not_move", call("adam_step", [3.0], [0.0], [0.0], [0.0], t=1), hidden=True,
     rel=1e-9, abs=1e-12, expect=[[[3.0], [0.0], [0.0]]])
case("rejects_step_zero", raises("adam_step", [1.0], [1.0], [0.0], [0.0], 0), hidden=True)
case("rejects_length_mismatch", raises("adam_step", [1.0, 2.0], [1.0], [0.0, 0.0], [0.0, 0.0], 1), hidden=True)
case("empty_parameter_list", call("adam_step", [], [], [], [], t=1), hidden=True, expect=[[[], [], []]])
# Five chained steps on f(x) = (x - 3)^2 with the gradients the reference meets; a missing bias correction or a
# misplaced eps shows in every step.
steps = [keep("s0", "adam_step", [0.0], [-6.0], [0.0], [0.0], 1, lr=0.1)]
for t, g in zip(range(2, 6), [-5.8, -5.6, -5.4, -5.2]):
    steps.append(keep("s%d" % (t - 1), "adam_step", ref("s%d.0" % (t - 2)), [g], ref("s%d.1" % (t - 2)),
                      ref("s%d.2" % (t - 2)), t, lr=0.1))
case("five_chained_steps", *steps, get("s4"), hidden=True, rel=1e-12)
case("tiny_gradients_use_eps_outside_the_root",
     call("adam_step", [0.0, 0.0], [1e-9, -1e-10], [0.0, 0.0], [0.0, 0.0], t=1, lr=1.0), hidden=True, rel=1e-9)
m_e = 0.8 * 0.4 + 0.2 * 2.0
v_e = 0.99 * 0.3 + 0.01 * 4.0
p_e = 0.5 - 0.05 * (m_e / (1 - 0.8 ** 10)) / (math.sqrt(v_e / (1 - 0.99 ** 10)) + 1e-6)
case("custom_betas_late_step",
     call("adam_step", [0.5], [2.0], [0.4], [0.3], t=10, lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6),
     hidden=True, rel=1e-12, expect=[[[p_e], [m_e], [v_e]]])
