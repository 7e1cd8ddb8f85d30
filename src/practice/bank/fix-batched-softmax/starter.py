import math


def batched_softmax(logits):
    """Row-wise softmax of a B x C matrix (each row sums to 1)."""
    if not logits:
        return []
    B, C = len(logits), len(logits[0])
    m = max(max(row) for row in logits)
    exps = [[math.exp(x - m) for x in row] for row in logits]
    col_sums = [sum(exps[b][c] for b in range(B)) for c in range(C)]
    return [[exps[b][c] / col_sums[c] for c in range(C)] for b in range(B)]


def predict(logits):
    """Index of the most probable class per row (ties -> smallest index)."""
    probs = batched_softmax(logits)
    return [max(range(len(row)), key=lambda c: row[c]) for row in probs]
