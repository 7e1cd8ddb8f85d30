import math


def batched_softmax(logits):
    """Row-wise softmax of a B x C matrix (each row sums to 1)."""
    out = []
    for row in logits:
        m = max(row)  # fix 1: per-row max, so no row underflows to 0/0
        exps = [math.exp(x - m) for x in row]
        z = sum(exps)  # fix 2: normalise over the class axis (the row), not the batch axis
        out.append([e / z for e in exps])
    return out


def predict(logits):
    """Index of the most probable class per row (ties -> smallest index)."""
    # Softmax is monotone, so the argmax of the logits is the argmax of the probabilities;
    # max() returns the first maximal index, which gives the tie-break.
    return [max(range(len(row)), key=lambda c: row[c]) for row in logits]
