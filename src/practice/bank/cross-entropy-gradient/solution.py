import math


def cross_entropy(logits, targets, ignore_index=-100):
    """Mean softmax cross-entropy over non-ignored rows and its gradient w.r.t. logits.

    Returns (loss: float, grad: list[list[float]]) with grad shaped like logits.
    """
    if len(logits) != len(targets):
        raise ValueError("logits and targets must have the same batch size")
    active = [b for b, t in enumerate(targets) if t != ignore_index]
    for b in active:
        if not 0 <= targets[b] < len(logits[b]):
            raise ValueError(f"target {targets[b]} out of range for row {b}")
    grad = [[0.0] * len(row) for row in logits]
    if not active:
        return 0.0, grad
    n = len(active)
    total = 0.0
    for b in active:
        row, t = logits[b], targets[b]
        m = max(row)
        exps = [math.exp(z - m) for z in row]
        s = sum(exps)
        lse = m + math.log(s)
        total += lse - row[t]
        g = grad[b]
        for c, e in enumerate(exps):
            g[c] = (e / s) / n
        g[t] -= 1.0 / n
    return total / n, grad
