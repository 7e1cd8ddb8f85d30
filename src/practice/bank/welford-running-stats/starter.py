import math


class RunningStats:
    """Streaming count / mean / variance (Welford), mergeable across workers."""

    def __init__(self):
        raise NotImplementedError

    def push(self, x):
        raise NotImplementedError

    @property
    def count(self):
        raise NotImplementedError

    @property
    def mean(self):
        raise NotImplementedError

    def variance(self, ddof=0):
        raise NotImplementedError

    def merge(self, other):
        raise NotImplementedError
