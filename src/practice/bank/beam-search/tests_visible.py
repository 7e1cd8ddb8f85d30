import math

_TABLE = {
    (0,): {1: math.log(0.6), 2: math.log(0.4)},
    (0, 1): {3: math.log(0.35), 4: math.log(0.35), 9: math.log(0.3)},
    (0, 2): {9: math.log(0.9), 3: math.log(0.1)},
}


def _toy(seq):
    return _TABLE.get(seq, {9: 0.0})


def test_worked_example():
    out = beam_search(_toy, start=0, eos=9, beam_width=2, max_len=3)
    check_equal([s for s, _ in out], [(0, 2, 9), (0, 1, 3, 9)])
    check_close([sc for _, sc in out], [math.log(0.36), math.log(0.21)], rel=1e-12)


def test_width_one_is_greedy():
    out = beam_search(_toy, start=0, eos=9, beam_width=1, max_len=3)
    check_equal(out[0][0], (0, 1, 3, 9))
    check_close(out[0][1], math.log(0.21), rel=1e-12)


def test_max_len_limits_generated_tokens():
    out = beam_search(_toy, start=0, eos=9, beam_width=3, max_len=1)
    check_equal([s for s, _ in out], [(0, 1), (0, 2)])


def test_rejects_zero_width():
    check_raises(ValueError, beam_search, _toy, 0, 9, 0, 3)
