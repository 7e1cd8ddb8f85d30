import math

NEG = -1e9  # "minus infinity" for masked positions


def causal_attention_weights(scores):
    """Row i: softmax over scores[i][0..i]; entries j > i are exactly 0."""
    T = len(scores)
    weights = []
    for i in range(T):
        row = []
        for j in range(T):
            if j <= i + 1:
                row.append(scores[i][j])
            else:
                row.append(NEG)
        m = max(row)
        exps = [math.exp(s - m) for s in row]
        z = sum(exps)
        weights.append([e / z for e in exps])
    return weights
