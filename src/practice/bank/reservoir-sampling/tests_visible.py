import random


def test_worked_example():
    check_equal(reservoir_sample(range(10), 3, random.Random(1)), [5, 7, 6])


def test_short_stream_returns_everything_in_order():
    check_equal(reservoir_sample(["a", "b"], 5, random.Random(0)), ["a", "b"])


def test_works_on_a_generator():
    gen = (x * x for x in range(100))
    out = reservoir_sample(gen, 4, random.Random(3))
    check_equal(len(out), 4)
    check_true(all(v in {x * x for x in range(100)} for v in out), f"unexpected items {out}")
    check_equal(len(set(out)), 4, "sample is without replacement")
