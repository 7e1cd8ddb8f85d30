"""STAND-IN HARNESS (client branch only).

The real harness is written on the `grader` branch at this same path. On merge,
TAKE THE GRADER'S VERSION OF THIS FILE: this one exists only so the browser
runner can be built and tested before that branch lands. It implements the same
contract, minimally:

    run_tests(user_code, test_code, limits=None) -> list[dict]
    iter_events(user_code, test_code, limits=None) -> iterator of dict
        {"event": "plan", "names": [...]}, {"event": "start", "name": ...},
        {"event": "result", name, status, message, expected?, actual?, stdout}
    collect_test_names(test_code) -> list[str]

status is one of pass | fail | error | timeout (timeouts are decided by the
host, which stops the interpreter). check_equal / check_close / check_true /
check_raises are injected into the tests' namespace.
"""

import ast
import io
import math
import sys
import traceback

STDOUT_CAP = 4096
REPR_CAP = 300


class CheckFailure(AssertionError):
    def __init__(self, message, expected=None, actual=None):
        super().__init__(message)
        self.expected = expected
        self.actual = actual


def _repr(value):
    text = repr(value)
    return text if len(text) <= REPR_CAP else text[:REPR_CAP] + "…truncated"


def _close(a, e, rel, abs_):
    if isinstance(e, (list, tuple)) and isinstance(a, (list, tuple)):
        return len(a) == len(e) and all(_close(x, y, rel, abs_) for x, y in zip(a, e))
    if isinstance(e, (int, float)) and isinstance(a, (int, float)) and not isinstance(a, bool):
        return math.isclose(a, e, rel_tol=rel, abs_tol=abs_)
    return a == e


def check_equal(actual, expected, label=""):
    if not actual == expected:
        raise CheckFailure((label + ": " if label else "") + "values differ", _repr(expected), _repr(actual))


def check_close(actual, expected, rel=1e-6, abs=1e-9, label=""):
    if not _close(actual, expected, rel, abs):
        raise CheckFailure((label + ": " if label else "") + "values not close", _repr(expected), _repr(actual))


def check_true(cond, message=""):
    if not cond:
        raise CheckFailure(message or "condition is false", "True", _repr(cond))


def check_raises(exc_type, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except exc_type:
        return
    except Exception as exc:
        raise CheckFailure("expected %s to be raised" % exc_type.__name__, exc_type.__name__, type(exc).__name__)
    raise CheckFailure("expected %s to be raised" % exc_type.__name__, exc_type.__name__, "no exception")


def collect_test_names(test_code):
    try:
        tree = ast.parse(test_code)
    except SyntaxError:
        return []
    return [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")]


def _captured(fn):
    buf, saved = io.StringIO(), (sys.stdout, sys.stderr)
    sys.stdout = sys.stderr = buf
    try:
        fn()
        error = None
    except BaseException as exc:
        error = exc
    finally:
        sys.stdout, sys.stderr = saved
    out = buf.getvalue()
    return error, (out if len(out) <= STDOUT_CAP else out[:STDOUT_CAP] + "\n…truncated")


def _tail(exc):
    return "\n".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-3:]).strip()


def iter_events(user_code, test_code, limits=None):
    ns = {"__name__": "solution"}
    error, out = _captured(lambda: exec(compile(user_code, "solution.py", "exec"), ns))
    names = collect_test_names(test_code) or ["test_solution_loads"]
    if error is not None:
        yield {"event": "plan", "names": names}
        for name in names:
            yield {"event": "result", "name": name, "status": "error",
                   "message": "your code failed to load:\n" + _tail(error), "stdout": out}
        return
    tests = dict(ns, check_equal=check_equal, check_close=check_close, check_true=check_true,
                 check_raises=check_raises, __name__="tests")
    error, _ = _captured(lambda: exec(compile(test_code, "tests.py", "exec"), tests))
    if error is not None:
        yield {"event": "plan", "names": ["test_suite_loads"]}
        yield {"event": "result", "name": "test_suite_loads", "status": "error",
               "message": "the test suite failed to load:\n" + _tail(error), "stdout": ""}
        return
    names = [n for n in names if callable(tests.get(n))]
    yield {"event": "plan", "names": names}
    for name in names:
        yield {"event": "start", "name": name}
        error, out = _captured(tests[name])
        result = {"event": "result", "name": name, "status": "pass", "message": "", "stdout": out}
        if isinstance(error, AssertionError):
            result.update(status="fail", message=str(error) or "assertion failed")
            for key in ("expected", "actual"):
                if getattr(error, key, None) is not None:
                    result[key] = getattr(error, key)
        elif error is not None:
            result.update(status="error", message=_tail(error))
        yield result


def run_tests(user_code, test_code, limits=None):
    return [{k: v for k, v in ev.items() if k != "event"}
            for ev in iter_events(user_code, test_code, limits) if ev["event"] == "result"]
