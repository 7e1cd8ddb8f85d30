"""Bench test harness: runs a problem's tests against a user's solution.

Plain standard-library Python so the same file runs under CPython 3.11+ (unit
tests, CI), under Pyodide in the grader child process, and later in the
browser runner.

Public API (the problem bank is written against exactly this):

    run_tests(user_code, test_code, limits=None) -> list[dict]
    iter_events(user_code, test_code, limits=None) -> iterator of dict
    collect_test_names(test_code) -> list[str]

`iter_events` is the streaming variant. It yields, in order:
    {"event": "plan", "names": [...]}           once tests are known
    {"event": "start", "name": ...}             before each test body runs
    {"event": "result", **result}               after each test
so a supervisor that has to kill the interpreter knows which test was running.
It is a generator rather than a callback so the host never has to hand Python
a host-side function object (in Pyodide that would be a JsProxy, i.e. a way
out of Python).

limits (all optional): {"stdout_bytes": 4096, "repr_chars": 300, "message_chars": 2000}
"""

import ast
import io
import linecache
import math
import sys
import traceback

__all__ = ["run_tests", "iter_events", "collect_test_names", "CheckFailure"]

DEFAULT_LIMITS = {"stdout_bytes": 4096, "repr_chars": 300, "message_chars": 2000}
TRUNCATED = "…truncated"


def _limits(limits):
    merged = dict(DEFAULT_LIMITS)
    if limits:
        merged.update({k: v for k, v in limits.items() if k in DEFAULT_LIMITS})
    return merged


def _cap_text(text, max_chars):
    """Messages come from user code (an exception's text): cap them like stdout, so one huge string cannot flood
    the verdict that is stored and shown."""
    return text if len(text) <= max_chars else text[:max_chars] + TRUNCATED


def _short_repr(value, max_chars):
    try:
        text = repr(value)
    except Exception as exc:  # a user __repr__ may itself raise
        text = "<unrepresentable %s: %s>" % (type(value).__name__, exc)
    if len(text) > max_chars:
        text = text[:max_chars] + TRUNCATED
    return text


class CheckFailure(AssertionError):
    """Raised by the check_* helpers; carries reprs of expected and actual."""

    def __init__(self, message, expected=None, actual=None):
        super().__init__(message)
        self.expected = expected
        self.actual = actual


class _CappedWriter(io.TextIOBase):
    """A stdout stand-in that keeps at most `cap` bytes and drops the rest.

    Dropping (rather than buffering then slicing) keeps a print-in-a-loop
    submission from using memory proportional to its output.
    """

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


def _make_helpers(repr_chars):
    def fail(message, expected, actual, label):
        prefix = (label + ": ") if label else ""
        raise CheckFailure(
            prefix + message,
            expected=_short_repr(expected, repr_chars),
            actual=_short_repr(actual, repr_chars),
        )

    def check_equal(actual, expected, label=""):
        if not (actual == expected):
            fail("values differ", expected, actual, label)

    def _close(a, e, rel, abs_):
        if isinstance(e, bool) or isinstance(a, bool):
            return a == e
        if isinstance(e, (int, float)) and isinstance(a, (int, float)):
            if math.isnan(e) or math.isnan(a):
                return math.isnan(e) and math.isnan(a)
            return math.isclose(a, e, rel_tol=rel, abs_tol=abs_)
        if isinstance(e, complex) or isinstance(a, complex):
            try:
                return abs(complex(a) - complex(e)) <= max(rel * abs(complex(e)), abs_)
            except TypeError:
                return False
        if isinstance(e, (list, tuple)) and isinstance(a, (list, tuple)):
            return len(a) == len(e) and all(_close(x, y, rel, abs_) for x, y in zip(a, e))
        if isinstance(e, dict) and isinstance(a, dict):
            return a.keys() == e.keys() and all(_close(a[k], e[k], rel, abs_) for k in e)
        # Anything else (e.g. numpy arrays later) falls back to equality.
        try:
            return bool(a == e)
        except Exception:
            return False

    def check_close(actual, expected, rel=1e-6, abs=1e-9, label=""):
        if not _close(actual, expected, rel, abs):
            fail("values not close (rel=%g, abs=%g)" % (rel, abs), expected, actual, label)

    def check_true(cond, message=""):
        if not cond:
            raise CheckFailure(message or "condition is false", expected="True",
                               actual=_short_repr(cond, repr_chars))

    def check_raises(exc_type, fn, *args, **kwargs):
        name = getattr(exc_type, "__name__", str(exc_type))
        try:
            fn(*args, **kwargs)
        except exc_type:
            return
        except Exception as exc:  # wrong exception type is a failure, not an error
            raise CheckFailure("expected %s to be raised" % name, expected=name,
                               actual=type(exc).__name__ + ": " + _short_repr(str(exc), repr_chars))
        raise CheckFailure("expected %s to be raised" % name, expected=name,
                           actual="no exception")

    return {
        "check_equal": check_equal,
        "check_close": check_close,
        "check_true": check_true,
        "check_raises": check_raises,
        "CheckFailure": CheckFailure,
    }


def _short_traceback(exc, filename_hint=None, lines=6):
    """Last few lines of the traceback, with harness frames removed."""
    tb = exc.__traceback__
    # Skip frames that belong to this file so users see their own code.
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    text = "".join(traceback.format_exception(type(exc), exc, tb))
    tail = [ln for ln in text.rstrip().splitlines() if ln.strip()]
    return "\n".join(tail[-lines:])


def collect_test_names(test_code):
    """Names of top-level `def test_*` in definition order, without running anything."""
    try:
        tree = ast.parse(test_code)
    except SyntaxError:
        return []
    return [n.name for n in tree.body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name.startswith("test_")]


def _register_source(filename, source):
    # Lets tracebacks (and plain-assert messages) quote the user's lines even
    # though the code never lived in a file. mtime None keeps checkcache away.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)


def _capture(cap):
    writer = _CappedWriter(cap)
    saved = (sys.stdout, sys.stderr)
    sys.stdout = sys.stderr = writer
    return writer, saved


def _restore(saved):
    sys.stdout, sys.stderr = saved


def iter_events(user_code, test_code, limits=None):
    lim = _limits(limits)
    cap, repr_chars, msg_chars = int(lim["stdout_bytes"]), int(lim["repr_chars"]), int(lim["message_chars"])

    _register_source("solution.py", user_code)
    _register_source("tests.py", test_code)
    user_ns = {"__name__": "solution", "__builtins__": __builtins__}
    writer, saved = _capture(cap)
    try:
        exec(compile(user_code, "solution.py", "exec"), user_ns)
        user_error = None
    except BaseException as exc:  # SyntaxError, SystemExit, KeyboardInterrupt…
        user_error = exc
    finally:
        _restore(saved)
    load_stdout = writer.getvalue()

    if user_error is not None:
        names = collect_test_names(test_code) or ["test_solution_loads"]
        yield {"event": "plan", "names": names}
        message = _cap_text("your code failed to load:\n" + _short_traceback(user_error), msg_chars)
        for name in names:
            yield {"event": "result", "name": name, "status": "error",
                   "message": message, "stdout": load_stdout}
        return

    test_ns = dict(user_ns)
    test_ns.update(_make_helpers(repr_chars))
    test_ns["__name__"] = "tests"
    try:
        exec(compile(test_code, "tests.py", "exec"), test_ns)
    except BaseException as exc:
        yield {"event": "plan", "names": ["test_suite_loads"]}
        yield {"event": "result", "name": "test_suite_loads", "status": "error",
               "message": _cap_text("the test suite failed to load:\n" + _short_traceback(exc), msg_chars), "stdout": ""}
        return

    # Definition order: top-level names in source order, filtered to the
    # callables the exec actually produced (dict order follows assignment).
    names = [n for n, v in test_ns.items()
             if n.startswith("test_") and callable(v) and user_ns.get(n) is not v]
    yield {"event": "plan", "names": names}
    for name in names:
        yield {"event": "start", "name": name}
        yield dict(_run_one(name, test_ns[name], cap, msg_chars), event="result")


def _run_one(name, fn, cap, msg_chars):
    writer, saved = _capture(cap)
    result = {"name": name, "status": "pass", "message": ""}
    try:
        fn()
    except AssertionError as exc:
        result["status"] = "fail"
        result["message"] = str(exc) or "assertion failed"
        if getattr(exc, "expected", None) is not None:
            result["expected"] = exc.expected
        if getattr(exc, "actual", None) is not None:
            result["actual"] = exc.actual
        if not str(exc):
            # Plain `assert x == y` with no message: quote the failing line.
            frames = traceback.extract_tb(exc.__traceback__)
            line = (frames[-1].line or "").strip() if frames else ""
            result["message"] = ("assertion failed: " + line) if line else "assertion failed"
    except BaseException as exc:  # includes SystemExit/KeyboardInterrupt from user code
        result["status"] = "error"
        result["message"] = _short_traceback(exc)
    finally:
        _restore(saved)
    result["message"] = _cap_text(result["message"], msg_chars)
    result["stdout"] = writer.getvalue()
    return result


def run_tests(user_code, test_code, limits=None):
    out = []
    for ev in iter_events(user_code, test_code, limits):
        if ev["event"] == "result":
            ev = dict(ev)
            del ev["event"]
            out.append(ev)
    return out
