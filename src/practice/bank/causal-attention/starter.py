import math


def causal_attention(q, k, v):
    """Single-head scaled dot-product attention where position i attends to positions 0..i.

    q, k: T x d_k lists; v: T x d_v list. Returns a T x d_v list.
    """
    raise NotImplementedError
