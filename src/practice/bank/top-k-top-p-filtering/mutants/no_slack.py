# Mutant: no slack at the top-p boundary
def _ranked(probs):
    # sorted() is stable, so equal probabilities stay in ascending index order.
    return sorted(range(len(probs)), key=lambda i: -probs[i])


def _keep(probs, kept):
    total = sum(probs[i] for i in kept)
    out = [0.0] * len(probs)
    for i in kept:
        out[i] = probs[i] / total
    return out


def top_k_filter(probs, k):
    """Keep the k most likely tokens (ties -> lower index), zero the rest, renormalise."""
    if k < 1:
        raise ValueError("k must be at least 1")
    if not probs:
        return []
    return _keep(probs, _ranked(probs)[:k])


def top_p_filter(probs, p):
    """Keep the smallest most-likely prefix with cumulative mass >= p, zero the rest, renormalise."""
    if not 0.0 < p <= 1.0:
        raise ValueError("p must be in (0, 1]")
    if not probs:
        return []
    total = sum(probs)
    kept, cum = [], 0.0
    for i in _ranked(probs):
        kept.append(i)
        cum += probs[i] / total
        if cum >= p:
            break
    return _keep(probs, kept)
