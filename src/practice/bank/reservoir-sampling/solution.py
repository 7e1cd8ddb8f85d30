import random


def reservoir_sample(stream, k, rng):
    """Uniform sample of k items from a single pass over stream, using rng as specified."""
    if k < 0:
        raise ValueError("k must be non-negative")
    if k == 0:
        return []
    reservoir = []
    for i, item in enumerate(stream):
        if i < k:
            reservoir.append(item)
        else:
            j = rng.randrange(i + 1)
            if j < k:
                reservoir[j] = item
    return reservoir
