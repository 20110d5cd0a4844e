"""The grader: runs a student's functions on prepared inputs and says what is right or wrong.

Each exercise is a list of :class:`Task` objects, one per function the student writes. A task
knows

* ``cases(rng)``: the inputs, a list of ``(label, args)``, several shapes and the numerical edge
  cases the library handles (large |z|, near-zero variances);
* ``reference(*args)``: the library's own answer (``scratchae.nn``, ``scratchae.models.vae_math``,
  ...), compared with the student's by the relative error of :mod:`scratchae.gradcheck`;
* ``mistakes``: ``(hint, wrong(*args))`` pairs, the common mistakes computed by the grader. When
  the student's *output* matches one of them (and the mistake differs from the right answer on
  that input), its hint is shown. The student's source is never read;
* ``fd``: optionally, a finite-difference check (through :mod:`scratchae.gradcheck`) of a gradient
  the student returns, against the library's value function.

The grader never changes the inputs it keeps: each call gets fresh copies, and a function that
writes into its inputs is reported.
"""
import copy
import math
import traceback
import warnings
from dataclasses import dataclass, field

import numpy as np


__all__ = ["Task", "Result", "grade_task", "compare", "TOL"]

#: Agreement with the library's implementation: both are exact formulas, so only round-off
#: separates them.
TOL = 1e-7
#: How close the student's output must be to a known-wrong variant for its hint to apply.
MATCH_TOL = 1e-6


@dataclass
class Task:
    """One function the student writes (see the module docstring)."""

    name: str
    cases: callable
    reference: callable
    mistakes: list = field(default_factory=list)
    tol: float = TOL
    fd: callable = None              # fd(fn, rng) -> (relative error, tolerance)
    source: str = ""                 # what the answer is compared with, for the report
    compare: callable = None         # compare(out, ref) -> relative error (default: compare)


@dataclass
class Result:
    name: str
    status: str                      # "PASS", "FAIL", "TODO"
    error: float = float("nan")
    fd_error: float = None
    hint: str = None
    where: str = None                # label of the input that failed
    detail: str = None               # a traceback or further explanation (several lines)
    source: str = ""

    @property
    def passed(self):
        return self.status == "PASS"

    def line(self):
        if self.status == "TODO":
            return f"TODO  {self.name:<28} not done yet"
        err = "inf" if not math.isfinite(self.error) else f"{self.error:.1e}"
        text = f"{self.status}  {self.name:<28} rel. error {err}"
        if self.source:
            text += f" vs {self.source}"
        if self.fd_error is not None:
            fd = "inf" if not math.isfinite(self.fd_error) else f"{self.fd_error:.1e}"
            text += f"; {fd} vs finite differences"
        if self.status == "FAIL":
            if self.where:
                text += f"\n      on input: {self.where}"
            text += f"\n      hint: {self.hint}" if self.hint else \
                "\n      hint: no known mistake matches; recheck the derivation step by step"
        if self.detail:
            text += "\n" + "\n".join("      " + l for l in self.detail.rstrip().splitlines())
        return text


# ------------------------------------------------------------------------------- comparison
def _shape(x):
    return np.shape(x)


def _rel(a, b):
    """Relative error of two arrays of one shape; inf if ``a`` (the candidate) is non-finite
    where ``b`` is finite."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return float("inf")
    if a.size == 0:
        return 0.0
    fa, fb = np.isfinite(a), np.isfinite(b)
    if not np.array_equal(fa, fb) or not np.array_equal(a[~fa], b[~fb], equal_nan=True):
        return float("inf")
    if not fa.any():
        return 0.0
    a, b = a[fa], b[fb]
    return float(np.max(np.abs(a - b)) / max(1e-12, np.max(np.abs(a)) + np.max(np.abs(b))))


def compare(out, ref):
    """Relative error between an answer and the reference: arrays, scalars, tuples of them, or
    dicts of them (every key of ``ref`` must be present). inf for a wrong structure or shape."""
    if isinstance(ref, dict):
        if not isinstance(out, dict) or set(out) != set(ref):
            return float("inf")
        return max((compare(out[k], ref[k]) for k in ref), default=0.0)
    if isinstance(ref, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(ref):
            return float("inf")
        return max((compare(o, r) for o, r in zip(out, ref)), default=0.0)
    try:
        if isinstance(out, (tuple, dict)) or out is None:
            return float("inf")
        return _rel(out, ref)                   # a list of numbers is read as an array
    except (TypeError, ValueError):
        return float("inf")


def _finite(x):
    if isinstance(x, dict):
        return all(_finite(v) for v in x.values())
    if isinstance(x, (tuple, list)):
        return all(_finite(v) for v in x)
    try:
        return bool(np.all(np.isfinite(np.asarray(x, dtype=np.float64))))
    except (TypeError, ValueError):
        return True


def _structure_hint(out, ref):
    """A hint from the shape alone: a transposed matrix, a wrong shape, a wrong container."""
    if isinstance(ref, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(ref):
            return f"return a tuple of {len(ref)} values, in the order the docstring gives"
        for i, (o, r) in enumerate(zip(out, ref)):
            h = _structure_hint(o, r)
            if h:
                return f"item {i} of the returned tuple: {h}"
        return None
    if isinstance(ref, dict):
        if not isinstance(out, dict):
            return f"return a dict with the keys {sorted(ref)}"
        if set(out) != set(ref):
            return f"the dict's keys must be exactly {sorted(ref)}; got {sorted(out)}"
        for k in ref:
            h = _structure_hint(out[k], ref[k])
            if h:
                return f"{k!r}: {h}"
        return None
    if out is None:
        return "the function returns None: did you forget `return`?"
    so, sr = _shape(out), _shape(ref)
    if so != sr:
        if len(sr) == 2 and so == sr[::-1]:
            return f"off by a transpose (got shape {so}, expected {sr})"
        return f"wrong shape: got {so}, expected {sr}"
    return None


def _copy_args(args):
    return copy.deepcopy(args)


def _args_changed(before, after):
    for i, (b, a) in enumerate(zip(before, after)):
        if isinstance(b, np.ndarray) and not np.array_equal(b, a, equal_nan=True):
            return i
    return None


def _describe(label, args):
    parts = []
    for a in args:
        if isinstance(a, np.ndarray):
            if a.size <= 8:
                parts.append(np.array2string(a, precision=4, separator=", ",
                                             max_line_width=10 ** 6).replace("\n", ""))
            else:
                parts.append(f"array{a.shape}")
        else:
            parts.append(repr(a))
    return f"{label}: ({', '.join(parts)})"


def _student_traceback(exc, grader_files):
    """The traceback without the grader's own frames."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if f.filename not in grader_files]
    lines = ["Traceback (your code):"] + traceback.format_list(frames)
    lines += traceback.format_exception_only(type(exc), exc)
    return "".join(l if l.endswith("\n") else l + "\n" for l in lines)


def _quiet_call(fn, args):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args)


# ------------------------------------------------------------------------------- grading
def grade_task(task, fn, seed=0, grader_files=()):
    """Grade the student's function ``fn`` (or None if missing) on ``task``; a :class:`Result`."""
    if fn is None or not callable(fn):
        return Result(task.name, "FAIL", float("inf"),
                      hint=f"your file defines no function {task.name}()", source=task.source)
    rng = np.random.default_rng(seed)
    cmp = task.compare or compare
    worst, failure, crash, wrong = 0.0, None, None, []
    for label, args in task.cases(rng):
        ref = task.reference(*_copy_args(args))
        given = _copy_args(args)
        try:
            out = _quiet_call(fn, given)
        except NotImplementedError:
            return Result(task.name, "TODO")
        except Exception as exc:                       # the student's bug: show it
            if crash is None:
                crash = (_describe(label, args),
                         _student_traceback(exc, set(grader_files) | {__file__}))
            worst = float("inf")
            continue
        changed = _args_changed(args, given)
        if changed is not None:
            worst = float("inf")
            if failure is None:
                failure = (_describe(label, args), f"your function changes its argument number "
                           f"{changed + 1} in place; work on a copy")
            continue
        err = cmp(out, ref)
        worst = max(worst, err)
        if err > task.tol:
            wrong.append((label, args, out, ref))
    if wrong and failure is None:
        failure = _explain(task, cmp, wrong)
    fd_error = None
    if task.fd is not None and crash is None and failure is None:
        try:
            fd_error, fd_tol = task.fd(fn, np.random.default_rng(seed + 1))
        except NotImplementedError:
            return Result(task.name, "TODO")
        except Exception as exc:
            crash = ("finite-difference check", _student_traceback(
                exc, set(grader_files) | {__file__}))
        else:
            if not fd_error < fd_tol:
                failure = ("finite-difference check",
                           f"your gradient disagrees with finite differences of the value "
                           f"(relative error {fd_error:.1e} >= {fd_tol:.0e})")
    if failure is None and crash is None:
        return Result(task.name, "PASS", worst, fd_error=fd_error, source=task.source)
    res = Result(task.name, "FAIL", worst, fd_error=fd_error, source=task.source)
    if failure is not None:
        res.where, res.hint = failure
    if crash is not None:
        if res.where is None:
            res.where = crash[0]
            res.hint = "your code raised an exception (traceback below)"
        res.detail = (f"raised on {crash[0]}\n" if res.where != crash[0] else "") + crash[1]
    return res


def _explain(task, cmp, wrong):
    """(where, hint) for the failing cases ``wrong`` = [(label, args, out, ref)].

    A known mistake explains the answer if, on every failing input where the mistake can be
    computed, it is itself wrong and the student's output equals it; one that matches on some
    of them only is the fallback. Then: non-finite output where the answer is finite, a
    transposed or wrongly shaped result."""
    partial = None
    for hint, bad_fn in task.mistakes:
        matched, all_match = None, True
        for label, args, out, ref in wrong:
            try:
                bad = _quiet_call(bad_fn, _copy_args(args))
            except Exception:
                continue                          # this mistake cannot run on this input
            if cmp(bad, ref) > task.tol and cmp(out, bad) <= MATCH_TOL:
                matched = matched or (label, args)
            else:
                all_match = False
        if matched and all_match:
            return _describe(*matched), hint
        if matched and partial is None:
            partial = (_describe(*matched), hint)
    if partial is not None:
        return partial
    label, args, out, ref = wrong[0]
    for label, args, out, ref in wrong:
        if _finite(ref) and not _finite(out):
            return _describe(label, args), (
                f"overflows for {label} (your output is inf or nan there, the answer is "
                f"finite): rewrite it in a stable form")
    label, args, out, ref = wrong[0]
    return _describe(label, args), _structure_hint(out, ref)
