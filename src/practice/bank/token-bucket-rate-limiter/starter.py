class TokenBucket:
    """Token bucket: `rate` tokens/second, at most `capacity`, time taken from clock()."""

    def __init__(self, rate, capacity, clock):
        self.rate = rate
        self.capacity = capacity
        self.clock = clock

    def try_acquire(self, tokens=1.0):
        raise NotImplementedError

    def available(self):
        raise NotImplementedError

    def wait_time(self, tokens=1.0):
        raise NotImplementedError
