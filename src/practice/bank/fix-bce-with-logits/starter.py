import math


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def bce_with_logits(logits, labels):
    """Mean binary cross-entropy from logits and its gradient w.r.t. the logits."""
    if not logits or len(logits) != len(labels):
        raise ValueError("need equally long, non-empty logits and labels")
    n = len(logits)
    loss = 0.0
    grad = []
    for x, y in zip(logits, labels):
        p = sigmoid(x)
        loss += -(y * math.log(p) + (1 - y) * math.log(1 - p))
        grad.append((p - y) / n)
    return loss / n, grad
