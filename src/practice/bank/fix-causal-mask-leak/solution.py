import math


def causal_attention_weights(scores):
    """Row i: softmax over scores[i][0..i]; entries j > i are exactly 0."""
    T = len(scores)
    weights = []
    for i in range(T):
        # Fix 1: position i sees j = 0..i (the old test `j <= i + 1` leaked the next token).
        # Fix 2: mask with -inf instead of a finite sentinel, so masked entries get exactly
        # zero weight even when real scores are below -1e9.
        row = [scores[i][j] if j <= i else float("-inf") for j in range(T)]
        m = max(row)  # finite: row[i] is never masked
        exps = [math.exp(s - m) for s in row]
        z = sum(exps)
        weights.append([e / z for e in exps])
    return weights
