import random


def test_exact_output_for_seed():
    check_equal(reservoir_sample("abcdefghijklmnop", 4, random.Random(2024)), ["a", "f", "c", "m"])


def test_rng_is_used_exactly_as_specified():
    rng = random.Random(5)
    reservoir_sample(range(50), 5, rng)
    ref = random.Random(5)
    for i in range(5, 50):
        ref.randrange(i + 1)
    check_equal(rng.random(), ref.random(), "rng state after sampling")


def test_k_zero_and_empty_stream():
    check_equal(reservoir_sample(range(10), 0, random.Random(0)), [])
    check_equal(reservoir_sample([], 3, random.Random(0)), [])


def test_negative_k_raises():
    check_raises(ValueError, reservoir_sample, [1, 2, 3], -1, random.Random(0))


def test_inclusion_probabilities_are_uniform():
    rng = random.Random(123)
    counts = [0] * 10
    trials = 2000
    for _ in range(trials):
        for x in reservoir_sample(range(10), 3, rng):
            counts[x] += 1
    # expected 600 each; std ~ 20
    check_true(all(520 <= c <= 680 for c in counts), f"counts far from uniform: {counts}")


def test_consumes_stream_once_lazily():
    pulled = []

    def gen():
        for i in range(1000):
            pulled.append(i)
            yield i

    out = reservoir_sample(gen(), 2, random.Random(8))
    check_equal(len(pulled), 1000)
    check_equal(len(out), 2)
