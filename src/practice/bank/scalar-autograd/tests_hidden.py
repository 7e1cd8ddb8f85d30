import math
import random


def test_a_plus_a():
    a = Value(-1.5)
    c = a + a
    c.backward()
    check_close(a.grad, 2.0)


def test_diamond_graph():
    # x feeds two branches that rejoin: f = tanh(x) * (x + 2)
    x = Value(0.3)
    f = x.tanh() * (x + 2)
    f.backward()
    t = math.tanh(0.3)
    check_close(x.grad, (1 - t * t) * 2.3 + t, rel=1e-9)


def test_tanh_saturates_without_nan():
    x = Value(50.0)
    y = x.tanh()
    y.backward()
    check_close((y.data, x.grad), (1.0, 0.0), abs=1e-12)


def test_long_chain_does_not_hit_recursion_limit():
    x = Value(1.0)
    y = x
    for _ in range(3000):
        y = y * 1.0 + 0.0
    y.backward()
    check_close(x.grad, 1.0)


def test_small_neuron_matches_finite_differences():
    rng = random.Random(4)
    xs = [rng.uniform(-1, 1) for _ in range(3)]
    ws = [rng.uniform(-1, 1) for _ in range(3)]
    bias = 0.1

    def f(wvals):
        s = bias
        for w, x in zip(wvals, xs):
            s += w * x
        return math.tanh(s)

    w_vals = [Value(w) for w in ws]
    s = Value(bias)
    for w, x in zip(w_vals, xs):
        s = s + w * x
    out = s.tanh()
    out.backward()
    eps = 1e-6
    for i in range(3):
        up = ws[:]
        dn = ws[:]
        up[i] += eps
        dn[i] -= eps
        check_close(w_vals[i].grad, (f(up) - f(dn)) / (2 * eps), rel=1e-5, label=f"w[{i}]")


def test_values_not_in_graph_keep_zero_grad():
    a, b, unused = Value(1.0), Value(2.0), Value(3.0)
    (a * b).backward()
    check_close(unused.grad, 0.0)


def test_shared_subexpression_counted_once_per_use():
    a = Value(2.0)
    b = a * 3
    c = b * b + b  # c = 9a^2 + 3a, dc/da = 18a + 3
    c.backward()
    check_close(a.grad, 39.0)
