import math


def test_does_not_mutate_inputs():
    params, grads, m, v = [1.0, 2.0], [0.1, 0.2], [0.0, 0.0], [0.0, 0.0]
    adam_step(params, grads, m, v, t=1)
    check_equal((params, grads, m, v), ([1.0, 2.0], [0.1, 0.2], [0.0, 0.0], [0.0, 0.0]))


def test_zero_gradient_from_zero_state_does_not_move():
    p, m, v = adam_step([3.0], [0.0], [0.0], [0.0], t=1)
    check_close((p, m, v), ([3.0], [0.0], [0.0]))


def test_rejects_step_zero():
    check_raises(ValueError, adam_step, [1.0], [1.0], [0.0], [0.0], 0)


def test_rejects_length_mismatch():
    check_raises(ValueError, adam_step, [1.0, 2.0], [1.0], [0.0, 0.0], [0.0, 0.0], 1)


def test_empty_parameter_list():
    check_equal(adam_step([], [], [], [], t=1), ([], [], []))


def test_minimises_a_quadratic():
    # f(x) = (x - 3)^2, gradient 2(x - 3)
    p, m, v = [0.0], [0.0], [0.0]
    for t in range(1, 301):
        p, m, v = adam_step(p, [2 * (p[0] - 3.0)], m, v, t, lr=0.1)
    check_close(p[0], 3.0, abs=0.05)


def test_custom_betas_late_step():
    p, m, v = adam_step([0.5], [2.0], [0.4], [0.3], t=10, lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6)
    m_e = 0.8 * 0.4 + 0.2 * 2.0
    v_e = 0.99 * 0.3 + 0.01 * 4.0
    p_e = 0.5 - 0.05 * (m_e / (1 - 0.8 ** 10)) / (math.sqrt(v_e / (1 - 0.99 ** 10)) + 1e-6)
    check_close((p, m, v), ([p_e], [m_e], [v_e]), rel=1e-12)
