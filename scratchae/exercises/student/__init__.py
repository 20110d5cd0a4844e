"""The blank student files, copied out by ``scratchae exercises start NAME``."""
