import itertools
import math
import random


def _random_model(seed, vocab=4, eos=3):
    cache = {}

    def f(seq):
        if seq not in cache:
            rng = random.Random(f"{seed}:{seq}")
            w = [rng.random() + 0.05 for _ in range(vocab)]
            s = sum(w)
            cache[seq] = {t: math.log(x / s) for t, x in enumerate(w)}
        return cache[seq]

    return f


def _exhaustive(f, start, eos, max_len):
    """All complete-or-max-length sequences with scores."""
    out = []

    def rec(seq, score, depth):
        if (len(seq) > 1 and seq[-1] == eos) or depth == max_len:
            out.append((seq, score))
            return
        for t, lp in f(seq).items():
            rec(seq + (t,), score + lp, depth + 1)

    rec((start,), 0.0, 0)
    out.sort(key=lambda c: (-c[1], c[0]))
    return out


def test_zero_max_len_returns_start():
    check_equal(beam_search(lambda s: {1: 0.0}, 5, 1, 3, 0), [((5,), 0.0)])


def test_wide_beam_equals_exhaustive_search():
    f = _random_model(1)
    out = beam_search(f, start=4, eos=3, beam_width=10_000, max_len=3)
    ex = _exhaustive(f, 4, 3, 3)
    check_equal([s for s, _ in out], [s for s, _ in ex])
    check_close([x for _, x in out], [x for _, x in ex], rel=1e-12)


def test_ties_broken_by_smaller_sequence():
    f = lambda seq: {2: math.log(0.5), 1: math.log(0.5)} if len(seq) == 1 else {0: 0.0}
    out = beam_search(f, start=7, eos=0, beam_width=1, max_len=2)
    check_equal(out, [((7, 1, 0), math.log(0.5))])


def test_finished_beams_compete_and_are_not_extended():
    calls = []

    def f(seq):
        calls.append(seq)
        if seq == (0,):
            return {9: math.log(0.5), 1: math.log(0.5)}
        return {1: math.log(0.1), 9: math.log(0.1)}

    out = beam_search(f, start=0, eos=9, beam_width=2, max_len=4)
    check_equal(out[0][0], (0, 9))
    check_true((0, 9) not in calls, "a finished beam must not be extended")


def test_stops_early_when_all_finished():
    calls = []

    def f(seq):
        calls.append(seq)
        return {9: 0.0}

    out = beam_search(f, start=0, eos=9, beam_width=3, max_len=50)
    check_equal(out, [((0, 9), 0.0)])
    check_equal(len(calls), 1)


def test_empty_distribution_drops_beam():
    f = lambda seq: {1: math.log(0.9), 2: math.log(0.1)} if len(seq) == 1 else ({} if seq[-1] == 1 else {9: 0.0})
    out = beam_search(f, start=0, eos=9, beam_width=2, max_len=3)
    check_equal([s for s, _ in out], [(0, 2, 9)])


def test_is_deterministic():
    f = _random_model(7, vocab=5, eos=4)
    a = beam_search(f, start=0, eos=4, beam_width=3, max_len=5)
    b = beam_search(f, start=0, eos=4, beam_width=3, max_len=5)
    check_equal(a, b)
