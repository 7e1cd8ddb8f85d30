def test_worked_example():
    p, m, v = adam_step([1.0], [0.5], [0.0], [0.0], t=1, lr=0.1)
    check_close(m, [0.05], rel=1e-12, label="m")
    check_close(v, [0.00025], rel=1e-12, label="v")
    check_close(p, [1.0 - 0.1 * 0.5 / (0.5 + 1e-8)], rel=1e-12, label="params")


def test_first_step_moves_by_about_lr_regardless_of_gradient_scale():
    p, _, _ = adam_step([0.0, 0.0, 0.0], [1e-3, -50.0, 7.0], [0.0] * 3, [0.0] * 3, t=1, lr=0.01)
    check_close(p, [-0.01, 0.01, -0.01], rel=1e-4)


def test_second_step_uses_bias_correction():
    p1, m1, v1 = adam_step([0.0], [1.0], [0.0], [0.0], t=1, lr=0.1)
    p2, m2, v2 = adam_step(p1, [3.0], m1, v1, t=2, lr=0.1)
    m_exp = 0.9 * 0.1 + 0.1 * 3.0
    v_exp = 0.999 * 0.001 + 0.001 * 9.0
    m_hat = m_exp / (1 - 0.9 ** 2)
    v_hat = v_exp / (1 - 0.999 ** 2)
    check_close(m2, [m_exp], rel=1e-12)
    check_close(v2, [v_exp], rel=1e-12)
    check_close(p2, [p1[0] - 0.1 * m_hat / (v_hat ** 0.5 + 1e-8)], rel=1e-12)
