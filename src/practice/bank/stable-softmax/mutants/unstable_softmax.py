# Mutant: softmax without subtracting the maximum
import math


def logsumexp(xs):
    """Return log(sum(exp(x) for x in xs)) without overflow. -inf for empty input."""
    if not xs:
        return float("-inf")
    m = max(xs)
    return m + math.log(sum(math.exp(x - m) for x in xs))


def log_softmax(xs):
    """Return [x - logsumexp(xs) for x in xs]."""
    if not xs:
        return []
    lse = logsumexp(xs)
    return [x - lse for x in xs]


def softmax(xs):
    """Return the probability vector exp(x_i) / sum_j exp(x_j), computed stably."""
    if not xs:
        return []
    exps = [math.exp(x) for x in xs]
    total = sum(exps)
    return [e / total for e in exps]
