"""Paper numbers re-run on real data: ``scratchae reproduce NAME`` (see ``scratchae reproduce
list``). Each module here defines ``NAME``, ``DESCRIPTION``, its configuration ``FULL`` (the run
the README reports) and ``QUICK`` (what a ``--quick`` smoke run changes), ``add_arguments(parser)``
(one flag per setting, see :mod:`scratchae.reproduce._common`) and
``run(out, quick=False, seed=0, **settings)``, which writes and returns a
:class:`scratchae.report.Report`. A run is defined by its data, seed and passes, never by
minutes."""
