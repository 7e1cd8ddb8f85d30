"""Bench runner: calls a submission's functions with test-case inputs and reports the outputs as plain data.

This file runs in the same interpreter as untrusted code, so it decides nothing: it never sees an expected value,
never says pass or fail, and everything it returns is checked by its caller (the grader child's JS, then the
judge in the parent process, src/practice/judge.ts). A submission that rewrites this module can only change the
values it reports, which is no more than it could do by returning them.

Plain standard-library Python: the same file runs in the grader child (Pyodide under Node), in the browser's Run,
and in the trusted interpreter that computes expected values from the reference solution (bank-cases).

    load(user_code, limits_json) -> json {"stdout": str, "error"?: str}
    run_case(steps_json) -> json {"stdout": str, "outputs": [...]} or {"stdout": str, "error": str}

A case is a list of steps (src/practice/bank/README.md): call a function or method, bind a result, read an
attribute. Arguments are JSON with a few tagged forms ({"$rng": seed}, {"$ref": name}, {"$float": "nan"}, ...).
"""

import io
import json
import linecache
import math
import random
import sys
import traceback

__all__ = ["load", "run_case"]

DEFAULT_LIMITS = {"stdout_bytes": 4096, "message_chars": 2000, "output_chars": 200000}
TRUNCATED = "…truncated"
_SOLUTION = "solution.py"

_state = {"ns": None, "limits": dict(DEFAULT_LIMITS)}


class _CappedWriter(io.TextIOBase):
    """A stdout stand-in that keeps at most `cap` bytes and drops the rest, so a print loop cannot grow memory."""

    def __init__(self, cap):
        super().__init__()
        self._cap = cap
        self._size = 0
        self._parts = []
        self.truncated = False

    def writable(self):
        return True

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError("write() argument must be str, not %s" % type(s).__name__)
        if self.truncated:
            return len(s)
        data = s.encode("utf-8", "replace")
        room = self._cap - self._size
        if len(data) > room:
            data = data[:room]
            self.truncated = True
        self._parts.append(data)
        self._size += len(data)
        return len(s)

    def getvalue(self):
        text = b"".join(self._parts).decode("utf-8", "ignore")
        return text + ("\n" + TRUNCATED if self.truncated else "")


def _cap_text(text, max_chars):
    return text if len(text) <= max_chars else text[:max_chars] + TRUNCATED


def _user_traceback(exc, lines=8):
    """The exception with only the submission's own frames: the runner's are noise to the user."""
    tb = exc.__traceback__
    frames = [f for f in traceback.extract_tb(tb) if f.filename == _SOLUTION]
    out = ["Traceback (most recent call last):"] if frames else []
    for f in frames[-(lines - 1):]:
        out.append('  File "%s", line %d, in %s' % (f.filename, f.lineno, f.name))
        if f.line:
            out.append("    " + f.line.strip())
    out.extend(ln for ln in traceback.format_exception_only(type(exc), exc) if ln.strip())
    return "\n".join(ln.rstrip("\n") for ln in out)


# ---- encoding outputs: exact built-in types only -------------------------------------------------------------

class _Reject(Exception):
    pass


_EXACT = (type(None), bool, int, float, str, list, tuple, dict)


def _encode(value, budget, depth=0):
    t = type(value)
    if t not in _EXACT:
        kind = "a %s" % t.__name__
        for base in (list, tuple, dict, float, int, str):
            if isinstance(value, base):
                kind = "a %s subclass (%s)" % (base.__name__, t.__name__)
        raise _Reject("returned %s; return plain lists, dicts with string keys, numbers, strings, booleans or None"
                      % kind)
    if depth > 40:
        raise _Reject("returned a value nested more than 40 levels deep")
    budget[0] -= 1
    if budget[0] < 0:
        raise _Reject("returned a value too large to report")
    if t is float:
        if math.isnan(value):
            return {"$float": "nan"}
        if math.isinf(value):
            return {"$float": "inf" if value > 0 else "-inf"}
        return value
    if t is int and abs(value) > 2 ** 53:
        budget[0] -= len(str(value)) // 16
        return {"$int": str(value)}
    if t is str:
        budget[0] -= len(value) // 16
        return value
    if t is list or t is tuple:
        return [_encode(v, budget, depth + 1) for v in value]
    if t is dict:
        out = {}
        for k, v in value.items():
            if type(k) is not str:
                raise _Reject("returned a dict with a %s key; only string keys are reported" % type(k).__name__)
            if k.startswith("$"):
                raise _Reject("returned a dict key starting with '$', which is reserved")
            out[k] = _encode(v, budget, depth + 1)
        return out
    return value


# ---- decoding inputs ------------------------------------------------------------------------------------------

class Stream:
    """An iterator over a case's items that counts how many were pulled (for "reads the stream once" cases)."""

    def __init__(self, items):
        self._items = list(items)
        self.pulled = 0

    def __iter__(self):
        return self

    def __next__(self):
        if self.pulled >= len(self._items):
            raise StopIteration
        self.pulled += 1
        return self._items[self.pulled - 1]


class Clock:
    """A settable clock for problems that take one (`clock()` returns seconds); a case moves it with set(t)."""

    def __init__(self, t):
        self.t = float(t)

    def __call__(self):
        return self.t

    def set(self, t):
        self.t = float(t)


def _freeze(v):
    return tuple(_freeze(x) for x in v) if isinstance(v, (list, tuple)) else v


class TableFn:
    """A function given as a table (args -> result), for problems that take a callable (a model's next-token
    log-probabilities). It records its calls, so a case can report which arguments it was asked for."""

    def __init__(self, rows, default, names):
        self._rows = {_freeze(_decode(args, names)): result for args, result in rows}
        self._default = default
        self._names = names
        self.calls = []

    def __call__(self, *args):
        key = _freeze(args)
        self.calls.append(key[0] if len(key) == 1 else key)
        # Decoded per call: the caller may mutate what it gets back without changing the table.
        return _decode(self._rows.get(key, self._default), self._names)


def _decode(value, names):
    if type(value) is list:
        return [_decode(v, names) for v in value]
    if type(value) is dict:
        if len(value) == 1:
            (tag, arg), = value.items()
            if tag == "$ref":
                return _target(arg, names)
            if tag == "$rng":
                return random.Random(arg)
            if tag == "$float":
                return float(arg)
            if tag == "$int":
                return int(arg)
            if tag == "$tuple":
                return tuple(_decode(v, names) for v in arg)
            if tag == "$range":
                return range(*arg)
            if tag == "$dict":
                return {_freeze(_decode(k, names)): _decode(v, names) for k, v in arg}
            if tag == "$fn":
                return TableFn(arg["rows"], arg.get("default"), names)
            if tag == "$clock":
                return Clock(arg)
            if tag == "$stream":
                return Stream(_decode(v, names) for v in arg)
        return {k: _decode(v, names) for k, v in value.items()}
    return value


# Builtins a case may call on the submission's objects (list(loader), len(loader)), taken before it runs.
_BUILTINS = {"list": list, "len": len, "sorted": sorted, "iter": iter, "next": next}


def _target(path, names):
    head, _, rest = path.partition(".")
    if head in names:
        obj = names[head]
    elif head in _BUILTINS:
        obj = _BUILTINS[head]
    elif head in _state["ns"]:
        obj = _state["ns"][head]
    else:
        raise NameError("your code does not define %s" % head)
    for part in rest.split(".") if rest else []:
        # "r.0": the first item of a kept tuple or list; otherwise an attribute.
        obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
    return obj


def _run_steps(steps, budget):
    names = {}
    outputs = []
    for step in steps:
        if "let" in step:
            names[step["let"]] = _decode(step["value"], names)
            continue
        if "get" in step:
            outputs.append(_encode(_target(step["get"], names), budget))
            continue
        fn = _target(step["call"], names)
        args = _decode(step.get("args", []), names)
        kwargs = _decode(step.get("kwargs", {}), names)
        if step.get("raises"):
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:
                outputs.append({"$raised": type(exc).__name__,
                                "bases": [c.__name__ for c in type(exc).__mro__]})
                continue
        else:
            result = fn(*args, **kwargs)
        if "keep" in step:
            names[step["keep"]] = result
        else:
            outputs.append(_encode(result, budget))
    return outputs


def _capture():
    writer = _CappedWriter(int(_state["limits"]["stdout_bytes"]))
    saved = (sys.stdout, sys.stderr)
    sys.stdout = sys.stderr = writer
    return writer, saved


def load(user_code, limits_json="{}"):
    limits = dict(DEFAULT_LIMITS)
    limits.update({k: v for k, v in json.loads(limits_json).items() if k in DEFAULT_LIMITS})
    _state["limits"] = limits
    # Lets tracebacks quote the user's lines although the code never lived in a file.
    linecache.cache[_SOLUTION] = (len(user_code), None, user_code.splitlines(True), _SOLUTION)
    ns = {"__name__": "solution", "__builtins__": __builtins__}
    writer, saved = _capture()
    error = None
    try:
        exec(compile(user_code, _SOLUTION, "exec"), ns)
    except BaseException as exc:  # SyntaxError, SystemExit, KeyboardInterrupt…
        error = _cap_text("your code failed to load:\n" + _user_traceback(exc), int(limits["message_chars"]))
    finally:
        sys.stdout, sys.stderr = saved
    _state["ns"] = ns
    out = {"stdout": writer.getvalue()}
    if error is not None:
        out["error"] = error
    return json.dumps(out)


def run_case(steps_json):
    limits = _state["limits"]
    steps = json.loads(steps_json)
    budget = [int(limits["output_chars"]) // 8]
    writer, saved = _capture()
    try:
        out = {"outputs": _run_steps(steps, budget)}
    except _Reject as exc:
        out = {"error": "your code " + str(exc)}
    except BaseException as exc:  # includes SystemExit/KeyboardInterrupt raised by user code
        out = {"error": _cap_text(_user_traceback(exc), int(limits["message_chars"]))}
    finally:
        sys.stdout, sys.stderr = saved
    out["stdout"] = writer.getvalue()
    return json.dumps(out, allow_nan=False)
