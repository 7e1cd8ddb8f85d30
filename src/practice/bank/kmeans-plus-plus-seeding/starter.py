import random


def kmeans_pp_init(points, k, rng):
    """Return the indices of k centres chosen by k-means++ using rng as specified."""
    raise NotImplementedError
