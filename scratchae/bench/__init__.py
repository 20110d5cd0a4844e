"""Side-by-side timings against PyTorch CPU and scikit-learn: ``scratchae bench NAME``.
Each module here defines ``NAME``, ``DESCRIPTION`` and ``run(out, quick=False, seed=0)``."""
