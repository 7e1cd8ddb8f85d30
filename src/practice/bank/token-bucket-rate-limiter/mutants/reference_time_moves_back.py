# Mutant: the reference time follows the clock backwards
class TokenBucket:
    """Token bucket: `rate` tokens/second, at most `capacity`, time taken from clock()."""

    _SLACK = 1e-9

    def __init__(self, rate, capacity, clock):
        if rate <= 0 or capacity <= 0:
            raise ValueError("rate and capacity must be positive")
        self.rate = float(rate)
        self.capacity = float(capacity)
        self.clock = clock
        self._tokens = self.capacity
        self._last = clock()

    def _refill(self):
        now = self.clock()
        elapsed = now - self._last
        if elapsed > 0:
            self._tokens = min(self.capacity, self._tokens + elapsed * self.rate)
        # Moving _last backwards would double-count time later, so only move it forward.
        self._last = now

    def _check(self, tokens):
        if not 0 < tokens <= self.capacity:
            raise ValueError("tokens must be in (0, capacity]")

    def try_acquire(self, tokens=1.0):
        self._check(tokens)
        self._refill()
        if self._tokens + self._SLACK >= tokens:
            self._tokens = max(0.0, self._tokens - tokens)
            return True
        return False

    def available(self):
        self._refill()
        return self._tokens

    def wait_time(self, tokens=1.0):
        self._check(tokens)
        self._refill()
        missing = tokens - self._tokens
        if missing <= self._SLACK:
            return 0.0
        # After the clock went backwards, tokens accrue again only once it passes the reference time.
        return max(0.0, self._last - self.clock()) + missing / self.rate
