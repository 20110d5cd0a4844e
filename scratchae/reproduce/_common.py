"""What every reproduction shares: its flags and how a run ends.

A reproduction module declares its configuration as two dicts, ``FULL`` (the run its README row
reports) and ``QUICK`` (the changes a ``--quick`` smoke run makes), and a few words per key in
``HELP``. :func:`add_config_arguments` turns every key into a flag of
``scratchae reproduce NAME`` (``n_train`` -> ``--n-train``) whose help shows both defaults, and
:func:`resolve` merges the defaults with the flags a user gave. A run is defined by its data, its
seed and its number of passes; ``--budget-minutes`` is only an extra stop, and :class:`Budget`
records whether it, rather than the configuration, ended the run.
"""
import time

__all__ = ["add_config_arguments", "resolve", "Budget", "add_passes_row", "parse_pairs"]


def _parse_list(kind):
    def parse(text):
        return [kind(v) for v in text.split(",") if v.strip()]
    parse.__name__ = f"comma-separated {kind.__name__} list"
    return parse


def parse_pairs(text):
    """``"8:6,11:7"`` -> ``[[8, 6], [11, 7]]`` (a flag that takes a list of integer pairs)."""
    pairs = []
    for item in text.split(","):
        a, b = item.split(":")
        pairs.append([int(a), int(b)])
    return pairs


def _parse_bool(text):
    low = str(text).lower()
    if low in ("1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected true or false, got {text!r}")


def _kind(value, types, key):
    if key in types:
        return types[key]
    if isinstance(value, bool):
        return _parse_bool
    if isinstance(value, int):
        return int
    if isinstance(value, float):
        return float
    if isinstance(value, (list, tuple)):
        return _parse_list(type(value[0]) if value else float)
    return str


def _show(value):
    if isinstance(value, (list, tuple)):
        return ",".join(":".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v)
                        for v in value)
    return "none" if value is None else str(value)


def add_config_arguments(parser, full, quick=None, help=None, types=None):
    """One ``--key`` flag per key of ``full`` (default ``None``, meaning "the configuration's
    value"); the help text names the full and the quick default."""
    quick, help, types = quick or {}, help or {}, types or {}
    for key, value in full.items():
        text = help.get(key, "").replace("%", "%%")     # argparse %-formats help texts
        default = f"default {_show(value)}"
        if key in quick and quick[key] != value:
            default += f"; --quick: {_show(quick[key])}"
        parser.add_argument("--" + key.replace("_", "-"), dest=key, default=None,
                            type=_kind(value, types, key),
                            help=f"{text} ({default})" if text else f"({default})")


def resolve(full, quick_changes, quick, flags):
    """The configuration of a run: ``full``, updated by ``quick_changes`` if ``quick``, then by
    every flag that is not ``None``. Unknown flag names are an error (a typo must not pass)."""
    unknown = set(flags) - set(full)
    if unknown:
        raise TypeError(f"unknown settings {sorted(unknown)}; known: {sorted(full)}")
    cfg = dict(full)
    if quick:
        cfg.update(quick_changes)
    cfg.update({k: v for k, v in flags.items() if v is not None})
    return cfg


class Budget:
    """An optional wall-clock stop: ``Budget(None)`` never expires; ``Budget(m)`` expires ``m``
    minutes after it is made. ``expired()`` remembers that it fired (``self.fired``)."""

    def __init__(self, minutes):
        self.minutes = None if minutes is None else float(minutes)
        self._t0 = time.perf_counter()
        self.fired = False

    def expired(self):
        if self.minutes is not None and time.perf_counter() - self._t0 > 60.0 * self.minutes:
            self.fired = True
        return self.fired


def add_passes_row(report, made, configured, budget, what="passes over the training set"):
    """A table row and ``params`` entries saying how many passes ran and what ended the run."""
    if budget.fired and made < configured:
        ended = f"the {budget.minutes:g}-minute budget (--budget-minutes), not the configuration"
    else:
        ended = "the configuration (--epochs)"
    report.params.update(passes_made=made, passes_configured=configured, ended_by=ended)
    report.add(f"{what} made, of {configured} configured; ended by {ended}", made, None,
               "this run", "epochs")
