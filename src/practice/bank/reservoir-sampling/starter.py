import random


def reservoir_sample(stream, k, rng):
    """Uniform sample of k items from a single pass over stream, using rng as specified."""
    raise NotImplementedError
