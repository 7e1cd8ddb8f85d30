def top_k_filter(probs, k):
    """Keep the k most likely tokens (ties -> lower index), zero the rest, renormalise."""
    raise NotImplementedError


def top_p_filter(probs, p):
    """Keep the smallest most-likely prefix with cumulative mass >= p, zero the rest, renormalise."""
    raise NotImplementedError
