class _Clock:
    def __init__(self, t=0.0):
        self.t = t

    def __call__(self):
        return self.t


def test_failed_acquire_consumes_nothing():
    clock = _Clock()
    b = TokenBucket(1.0, 2.0, clock)
    b.try_acquire(1.5)
    check_equal(b.try_acquire(1.0), False)
    check_close(b.available(), 0.5)


def test_clock_going_backwards_does_not_remove_tokens_or_double_count():
    clock = _Clock(100.0)
    b = TokenBucket(1.0, 10.0, clock)
    b.try_acquire(10)
    clock.t = 99.0
    check_close(b.available(), 0.0, abs=1e-12)
    clock.t = 101.0
    check_close(b.available(), 1.0)


def test_rounding_slack_allows_exact_refill():
    clock = _Clock()
    b = TokenBucket(10.0, 1.0, clock)
    b.try_acquire(1.0)
    clock.t = 0.1  # 0.1 * 10 may round to 0.9999999999999999
    check_equal(b.try_acquire(1.0), True)


def test_sustained_rate_over_many_requests():
    clock = _Clock()
    b = TokenBucket(4.0, 2.0, clock)
    ok = 0
    for i in range(0, 641):
        clock.t = i / 64  # a request every 1/64 s from t=0 to t=10
        ok += b.try_acquire()
    check_equal(ok, 2 + 40, "initial burst plus rate * duration")


def test_invalid_arguments():
    clock = _Clock()
    check_raises(ValueError, TokenBucket, 0.0, 1.0, clock)
    check_raises(ValueError, TokenBucket, 1.0, 0.0, clock)
    b = TokenBucket(1.0, 2.0, clock)
    check_raises(ValueError, b.try_acquire, 3.0)
    check_raises(ValueError, b.try_acquire, 0)
    check_raises(ValueError, b.wait_time, -1)


def test_wait_time_does_not_consume():
    clock = _Clock()
    b = TokenBucket(1.0, 2.0, clock)
    b.wait_time(2)
    b.wait_time(2)
    check_equal(b.try_acquire(2), True)
