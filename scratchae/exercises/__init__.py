"""Exercises: derive it yourself, and let the grader check it.

Each exercise is a student file (``scratchae/exercises/student/NN_name.py``) whose functions
raise ``NotImplementedError`` until the student writes them, and a list of graded tasks (one per
function) in ``scratchae/exercises/_eNN_name.py``. The command line:

    scratchae exercises list                     # slide order, lesson, status of your copy
    scratchae exercises start NAME [--dir DIR]   # copy the student file (never overwrites)
    scratchae exercises check NAME [--file F]    # grade each function

and each student file grades itself when run: ``python 03_four_equations.py``.
"""
import importlib
import importlib.util
from pathlib import Path

from scratchae.exercises import _grader

__all__ = ["EXERCISES", "names", "student_file", "tasks", "load_file", "grade", "check",
           "check_file", "DEFAULT_DIR"]

#: (name, lessons, title) in slide order.
EXERCISES = [
    ("01_activations", "01-02", "sigmoid, tanh, softplus and ReLU derivatives"),
    ("02_losses", "02-03", "losses as likelihoods: values, gradients, deltas"),
    ("03_four_equations", "01", "the four equations of backpropagation"),
    ("04_softmax", "03, 12", "softmax, its Jacobian-vector product, the categorical NLL"),
    ("05_tied_autoencoder", "07-08", "tied weights (both uses of W) and the denoising loss"),
    ("06_contractive", "09", "the contractive penalty ||J_f(x)||_F^2 and its gradient"),
    ("07_vae", "11", "reparameterisation, KL, Bernoulli decoder, IWAE, the loss ledger"),
    ("08_rbm", "10", "the RBM's free energy and the CD-1 update"),
    ("09_parzen", "06", "Parzen log density and the Manifold Parzen covariance"),
    ("10_pca_isomap", "04-05", "PCA reconstruction error and classical MDS"),
]

DEFAULT_DIR = "scratchae-exercises"
_STUDENT_DIR = Path(__file__).resolve().parent / "student"


def names():
    return [e[0] for e in EXERCISES]


def _entry(name):
    for e in EXERCISES:
        if e[0] == name:
            return e
    raise KeyError(f"no exercise named {name!r}; the exercises are: {', '.join(names())}")


def student_file(name):
    """Path of the shipped (blank) student file of exercise ``name``."""
    _entry(name)
    return _STUDENT_DIR / f"{name}.py"


def _spec(name):
    _entry(name)
    return importlib.import_module(f"scratchae.exercises._e{name}")


def tasks(name):
    """The graded tasks of exercise ``name``, one per student function."""
    return _spec(name).TASKS


def load_file(path):
    """Import a student file from ``path`` as a fresh module (its name starts with digits, so
    it cannot be imported by name)."""
    path = Path(path).resolve()
    mod_name = "_scratchae_student_" + "".join(c if c.isalnum() else "_" for c in path.stem)
    spec = importlib.util.spec_from_file_location(mod_name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def grade(name, module):
    """Grade every function of exercise ``name`` found on ``module`` (a module or any object
    with those attributes). Returns a list of :class:`~scratchae.exercises._grader.Result`."""
    spec = _spec(name)
    files = {_grader.__file__, spec.__file__}
    return [_grader.grade_task(t, getattr(module, t.name, None), seed=i, grader_files=files)
            for i, t in enumerate(spec.TASKS)]


def summary(results):
    n_pass = sum(r.passed for r in results)
    if all(r.status == "TODO" for r in results):
        return "not done yet"
    if n_pass == len(results):
        return "passes"
    return f"{n_pass} of {len(results)} pass"


def check(name, path, out=print):
    """Grade the file at ``path`` as exercise ``name``, print one line per function, and return
    the exit status (0 only when every function passes)."""
    path = Path(path)
    if not path.is_file():
        out(f"no file {path}; run `scratchae exercises start {name}` first, or give --file")
        return 2
    try:
        module = load_file(path)
    except Exception as exc:
        import traceback
        out(f"{path} could not be imported:")
        out("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip())
        return 1
    out(f"exercise {name} ({path})")
    results = grade(name, module)
    for r in results:
        out(r.line())
    out(f"{sum(r.passed for r in results)} of {len(results)} functions pass"
        + ("" if all(r.passed for r in results) else
           f"; {sum(r.status == 'TODO' for r in results)} not done yet"))
    return 0 if all(r.passed for r in results) else 1


def check_file(path, name):
    """What a student file runs under ``if __name__ == "__main__"``."""
    return check(name, path)
