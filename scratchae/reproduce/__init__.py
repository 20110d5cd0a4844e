"""Paper numbers re-run on real data: ``scratchae reproduce NAME`` (see ``scratchae reproduce
list``). Each module here defines ``NAME``, ``DESCRIPTION`` and ``run(out, quick=False, seed=0)``
returning a :class:`scratchae.report.Report` after writing it."""
