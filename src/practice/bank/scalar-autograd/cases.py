import random


def v(name, x):
    return keep(name, "Value", x)


case("worked_example", v("a", 2.0), v("b", -3.0), keep("ab", "a.__mul__", ref("b")), keep("c", "ab.__add__", ref("a")),
     keep("d", "c.tanh"), call("d.backward"), get("d.data"), get("a.grad"), get("b.grad"), rel=1e-9)
case("add_and_mul_values", v("x", 3.0), v("y", 4.0), keep("xy", "x.__mul__", ref("y")), keep("z", "xy.__add__", ref("y")),
     call("z.backward"), get("z.data"), get("x.grad"), get("y.grad"), rel=1e-9, expect=[None, 16.0, 4.0, 4.0])
case("reused_value_accumulates_gradient", v("a", 5.0), keep("b", "a.__mul__", ref("a")), call("b.backward"), get("a.grad"),
     rel=1e-9, expect=[None, 10.0])
case("plain_numbers_on_either_side", v("x", 2.0), keep("x3", "x.__rmul__", 3), keep("y", "x3.__radd__", 1),
     keep("xh", "x.__mul__", 0.5), keep("z", "xh.__add__", 2), get("y.data"), get("z.data"), call("y.backward"),
     get("x.grad"), rel=1e-9, expect=[7.0, 3.0, None, 3.0])

case("a_plus_a", v("a", -1.5), keep("c", "a.__add__", ref("a")), call("c.backward"), get("a.grad"), hidden=True, rel=1e-9,
     expect=[None, 2.0])
case("diamond_graph", v("x", 0.3), keep("t", "x.tanh"), keep("x2", "x.__add__", 2), keep("f", "t.__mul__", ref("x2")),
     call("f.backward"), get("x.grad"), hidden=True, rel=1e-9)
case("tanh_saturates_without_nan", v("x", 50.0), keep("y", "x.tanh"), call("y.backward"), get("y.data"), get("x.grad"),
     hidden=True, abs=1e-12, expect=[None, 1.0, 0.0])
chain = [v("y0", 1.0)]
for i in range(1, 1501):
    chain.append(keep("y%d" % i, "y%d.__mul__" % (i - 1), 1.0))
case("long_chain_does_not_hit_recursion_limit", *chain, call("y1500.backward"), get("y0.grad"), hidden=True, rel=1e-9,
     expect=[None, 1.0])
r = random.Random(4)
xs = [r.uniform(-1, 1) for _ in range(3)]
ws = [r.uniform(-1, 1) for _ in range(3)]
neuron = [v("s0", 0.1)] + [v("w%d" % i, w) for i, w in enumerate(ws)]
for i, x in enumerate(xs):
    neuron += [keep("p%d" % i, "w%d.__mul__" % i, x), keep("s%d" % (i + 1), "s%d.__add__" % i, ref("p%d" % i))]
case("small_neuron", *neuron, keep("out", "s3.tanh"), call("out.backward"), get("out.data"),
     *[get("w%d.grad" % i) for i in range(3)], hidden=True, rel=1e-9)
case("values_not_in_graph_keep_zero_grad", v("a", 1.0), v("b", 2.0), v("unused", 3.0), keep("ab", "a.__mul__", ref("b")),
     call("ab.backward"), get("unused.grad"), get("a.grad"), hidden=True, rel=1e-9, expect=[None, 0.0, 2.0])
case("shared_subexpression_counted_once_per_use", v("a", 2.0), keep("b", "a.__mul__", 3), keep("bb", "b.__mul__", ref("b")),
     keep("c", "bb.__add__", ref("b")), call("c.backward"), get("a.grad"), hidden=True, rel=1e-9, expect=[None, 39.0])
