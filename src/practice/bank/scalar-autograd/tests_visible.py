import math


def test_worked_example():
    a, b = Value(2.0), Value(-3.0)
    c = a * b + a
    d = c.tanh()
    d.backward()
    local = 1 - math.tanh(-4.0) ** 2
    check_close(d.data, math.tanh(-4.0), rel=1e-12, label="d.data")
    check_close(a.grad, local * (-3.0 + 1.0), rel=1e-9, label="a.grad")
    check_close(b.grad, local * 2.0, rel=1e-9, label="b.grad")


def test_add_and_mul_values():
    x, y = Value(3.0), Value(4.0)
    z = x * y + y
    z.backward()
    check_close((z.data, x.grad, y.grad), (16.0, 4.0, 4.0))


def test_reused_value_accumulates_gradient():
    a = Value(5.0)
    b = a * a
    b.backward()
    check_close(a.grad, 10.0, label="d(a*a)/da")


def test_plain_numbers_on_either_side():
    x = Value(2.0)
    y = 3 * x + 1
    z = x * 0.5 + 2
    check_close((y.data, z.data), (7.0, 3.0))
    y.backward()
    check_close(x.grad, 3.0)
