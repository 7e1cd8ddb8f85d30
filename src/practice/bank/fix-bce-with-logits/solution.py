import math


def sigmoid(x):
    # Branch on the sign so exp() only ever sees a non-positive argument.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def bce_with_logits(logits, labels):
    """Mean binary cross-entropy from logits and its gradient w.r.t. the logits."""
    if not logits or len(logits) != len(labels):
        raise ValueError("need equally long, non-empty logits and labels")
    n = len(logits)
    loss = 0.0
    grad = []
    for x, y in zip(logits, labels):
        # -[y log σ(x) + (1-y) log(1-σ(x))] = max(x, 0) - x*y + log(1 + exp(-|x|))
        loss += max(x, 0.0) - x * y + math.log1p(math.exp(-abs(x)))
        grad.append((sigmoid(x) - y) / n)
    return loss / n, grad
