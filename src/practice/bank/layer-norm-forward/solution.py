import math


def layer_norm(x, gamma, beta, eps=1e-5):
    """Normalise each row of x to zero mean / unit variance, then apply gamma and beta."""
    out = []
    for row in x:
        d = len(row)
        if len(gamma) != d or len(beta) != d:
            raise ValueError("gamma and beta must match the feature dimension")
        mu = sum(row) / d
        var = sum((v - mu) ** 2 for v in row) / d
        inv = 1.0 / math.sqrt(var + eps)
        out.append([(v - mu) * inv * g + b for v, g, b in zip(row, gamma, beta)])
    return out
