import math


def logsumexp(xs):
    """Return log(sum(exp(x) for x in xs)) without overflow. -inf for empty input."""
    raise NotImplementedError


def log_softmax(xs):
    """Return [x - logsumexp(xs) for x in xs]."""
    raise NotImplementedError


def softmax(xs):
    """Return the probability vector exp(x_i) / sum_j exp(x_j), computed stably."""
    raise NotImplementedError
