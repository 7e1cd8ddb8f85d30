import math
import random


class ShardedLoader:
    """Yields per-rank batches of dataset indices; deterministic given (seed, epoch)."""

    def __init__(self, n, batch_size, rank, world_size, seed=0, shuffle=True, drop_last=False):
        self.n = n
        self.batch_size = batch_size
        self.rank = rank
        self.world_size = world_size
        self.seed = seed
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.epoch = 0

    def set_epoch(self, epoch):
        self.epoch = epoch

    def __iter__(self):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError
