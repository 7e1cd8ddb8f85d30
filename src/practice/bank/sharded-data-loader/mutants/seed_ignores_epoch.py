# Mutant: the shuffle ignores the epoch
import math
import random


class ShardedLoader:
    """Yields per-rank batches of dataset indices; deterministic given (seed, epoch)."""

    def __init__(self, n, batch_size, rank, world_size, seed=0, shuffle=True, drop_last=False):
        if n < 0 or batch_size < 1 or world_size < 1 or not 0 <= rank < world_size:
            raise ValueError("invalid loader configuration")
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

    def _shard(self):
        order = list(range(self.n))
        if self.shuffle:
            random.Random(self.seed).shuffle(order)
        if self.drop_last:
            order = order[: (self.n // self.world_size) * self.world_size]
        elif order:
            total = math.ceil(self.n / self.world_size) * self.world_size
            order = [order[i % self.n] for i in range(total)]
        return order[self.rank :: self.world_size]

    def _shard_len(self):
        if self.drop_last:
            return self.n // self.world_size
        return math.ceil(self.n / self.world_size)

    def __iter__(self):
        shard = self._shard()
        bs = self.batch_size
        for start in range(0, len(shard), bs):
            batch = shard[start : start + bs]
            if self.drop_last and len(batch) < bs:
                break
            yield batch

    def __len__(self):
        m = self._shard_len()
        return m // self.batch_size if self.drop_last else math.ceil(m / self.batch_size)
