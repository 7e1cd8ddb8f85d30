class _Clock:
    def __init__(self, t=0.0):
        self.t = t

    def __call__(self):
        return self.t


def test_starts_full_then_refuses():
    clock = _Clock()
    b = TokenBucket(rate=2.0, capacity=4.0, clock=clock)
    check_equal([b.try_acquire() for _ in range(5)], [True, True, True, True, False])


def test_refills_over_time():
    clock = _Clock()
    b = TokenBucket(2.0, 4.0, clock)
    for _ in range(4):
        b.try_acquire()
    clock.t = 0.75
    check_close(b.available(), 1.5)
    check_equal(b.try_acquire(2), False)
    check_equal(b.try_acquire(1), True)
    check_close(b.available(), 0.5)


def test_wait_time():
    clock = _Clock(10.0)
    b = TokenBucket(2.0, 4.0, clock)
    check_close(b.wait_time(4), 0.0)
    b.try_acquire(4)
    check_close(b.wait_time(1), 0.5)
    check_close(b.wait_time(3), 1.5)


def test_never_exceeds_capacity():
    clock = _Clock()
    b = TokenBucket(5.0, 3.0, clock)
    clock.t = 1000.0
    check_close(b.available(), 3.0)
