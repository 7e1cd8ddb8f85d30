# Mutant: each position also sees the next one
import math


def causal_attention(q, k, v):
    """Single-head scaled dot-product attention where position i attends to positions 0..i.

    q, k: T x d_k lists; v: T x d_v list. Returns a T x d_v list.
    """
    T = len(q)
    if T == 0:
        return []
    d_k = len(q[0])
    d_v = len(v[0])
    scale = 1.0 / math.sqrt(d_k)
    out = []
    for i in range(T):
        scores = [scale * sum(a * b for a, b in zip(q[i], k[j])) for j in range(min(T, i + 2))]
        m = max(scores)
        w = [math.exp(s - m) for s in scores]
        total = sum(w)
        row = [0.0] * d_v
        for j in range(len(w)):
            wj = w[j] / total
            vj = v[j]
            for c in range(d_v):
                row[c] += wj * vj[c]
        out.append(row)
    return out
