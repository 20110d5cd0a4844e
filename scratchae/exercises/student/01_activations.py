"""Exercise 01: activations and their derivatives (lessons 01-02).

Slides: part 01, "Backpropagation Algorithm" (the sigma'(z) of BP1 and BP2) and "Type 2 : Cross
Entropy" (sigma'(z) = (1 - sigma(z)) sigma(z) = (1 - a) a).

Derive, then write, element by element (z is an array of any shape; return the same shape):

    sigma(z)      = 1 / (1 + e^-z)           sigma'(z)    = ?   (in terms of sigma(z))
    tanh(z)                                   tanh'(z)     = ?   (in terms of tanh(z))
    softplus(z)   = log(1 + e^z)              softplus'(z) = ?
    relu(z)       = max(0, z)                 relu'(z)     = ?   (what at the kink z = 0?
                                                                  scratchae takes 0 there)

Numerics count: the grader tries z = -800 and z = 800. e^800 overflows to inf in float64, and
inf / inf is nan. Write sigmoid and softplus so that no intermediate overflows into the answer
(hint: rewrite each so that exp is only ever taken of a number <= 0; np.log1p helps).

Check your answers:  python 01_activations.py   (or: scratchae exercises check 01_activations)
"""
import numpy as np  # noqa: F401  (you will need it)


def sigmoid(z):
    """sigma(z) = 1 / (1 + e^-z), finite for every z.  Same shape as z."""
    raise NotImplementedError


def sigmoid_prime(z):
    """sigma'(z), written with sigma(z).  Same shape as z."""
    raise NotImplementedError


def tanh_prime(z):
    """tanh'(z), written with tanh(z) (np.tanh is allowed).  Same shape as z."""
    raise NotImplementedError


def softplus(z):
    """softplus(z) = log(1 + e^z), without overflow for z = 800.  Same shape as z."""
    raise NotImplementedError


def softplus_prime(z):
    """softplus'(z): which function you already know is it?  Same shape as z."""
    raise NotImplementedError


def relu_prime(z):
    """relu'(z): 1 where z > 0, 0 where z < 0, and 0 at the kink z = 0.  Same shape as z,
    floating point."""
    raise NotImplementedError


if __name__ == "__main__":
    from scratchae.exercises import check_file
    raise SystemExit(check_file(__file__, "01_activations"))
