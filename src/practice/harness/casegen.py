"""Helpers for a problem's cases.py (src/practice/bank/README.md). Runs only in the trusted interpreter that builds
cases.json (src/practice/bank-cases.ts), never next to a submission.

    case("name", call("softmax", [1.0, 2.0]), hidden=True, rel=1e-9, abs=0.0, expect=[[0.26, 0.73]])

turns into {"name", "visible", "steps", "tol"?}; the expected values come from running solution.py on the steps.
"""

import math

CASES = []


def enc(v):
    if type(v) is float and (math.isnan(v) or math.isinf(v)):
        return {"$float": "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")}
    if type(v) is float and v.is_integer():
        # JSON readers (JavaScript's) turn 2.0 into 2; the tag keeps it a float when the runner decodes it.
        return {"$float": repr(v)}
    if type(v) is tuple:
        return {"$tuple": [enc(x) for x in v]}
    if type(v) is range:
        return {"$range": [v.start, v.stop, v.step]}
    if type(v) is list:
        return [enc(x) for x in v]
    if type(v) is dict:
        return {k: enc(x) for k, x in v.items()}
    return v


class Tagged(dict):
    """A tagged input built by rng()/ref()/stream(); already encoded."""


def _plain(v):
    return dict(v) if isinstance(v, Tagged) else enc(v)


def _args(args):
    return [dict(a) if isinstance(a, Tagged) else enc(a) for a in args]


def call(fn, *args, **kwargs):
    step = {"call": fn}
    if args:
        step["args"] = _args(args)
    if kwargs:
        step["kwargs"] = {k: _plain(v) for k, v in kwargs.items()}
    return step


def keep(name, fn, *args, **kwargs):
    step = call(fn, *args, **kwargs)
    step["keep"] = name
    return step


def raises(fn, *args, **kwargs):
    step = call(fn, *args, **kwargs)
    step["raises"] = True
    return step


def get(path):
    return {"get": path}


def let(name, value):
    return {"let": name, "value": _plain(value)}


def rng(seed):
    return Tagged({"$rng": seed})


def ref(name):
    return Tagged({"$ref": name})


def stream(items):
    return Tagged({"$stream": enc(list(items))})


def tup(*items):
    return Tagged({"$tuple": _args(items)})


def case(name, *steps, hidden=False, rel=None, abs=None, expect=None):
    c = {"name": name, "visible": not hidden, "steps": list(steps)}
    if rel is not None or abs is not None:
        c["tol"] = {"rel": float(rel or 0.0), "abs": float(abs or 0.0)}
    if expect is not None:
        c["expect"] = enc(expect)
    CASES.append(c)


def pydict(d):
    """A dict with non-string keys (e.g. token ids), as an input."""
    return Tagged({"$dict": [[enc(k), _plain(v)] for k, v in d.items()]})


def table_fn(rows, default=None):
    """A callable input given by a table: rows is [(args_tuple, result), ...]; results may be pydict(...)."""
    return Tagged({"$fn": {"rows": [[enc(list(a)), _plain(r)] for a, r in rows], "default": _plain(default)}})


def clock(t=0.0):
    """A settable clock input: bind it with let("clock", clock(0.0)), move it with call("clock.set", 0.75)."""
    return Tagged({"$clock": t})
