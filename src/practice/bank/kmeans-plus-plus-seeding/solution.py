import random


def _sqdist(a, b):
    return sum((x - y) ** 2 for x, y in zip(a, b))


def kmeans_pp_init(points, k, rng):
    """Return the indices of k centres chosen by k-means++ using rng as specified."""
    if k == 0:
        return []
    n = len(points)
    if k > n:
        raise ValueError("k cannot exceed the number of points")
    first = rng.randrange(n)
    chosen = [first]
    d2 = [_sqdist(p, points[first]) for p in points]
    while len(chosen) < k:
        total = sum(d2)
        if total == 0:
            raise ValueError("fewer than k distinct points")
        r = rng.random() * total
        cum = 0.0
        pick = None
        for i, w in enumerate(d2):
            cum += w
            if cum > r:
                pick = i
                break
        if pick is None:  # only reachable through rounding; fall back to last positive weight
            pick = max(i for i, w in enumerate(d2) if w > 0)
        chosen.append(pick)
        c = points[pick]
        d2 = [min(old, _sqdist(p, c)) for old, p in zip(d2, points)]
    return chosen
