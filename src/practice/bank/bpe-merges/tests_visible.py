def test_worked_example_merges():
    words = ["low", "low", "lower", "newest", "newest", "widest"]
    check_equal(learn_bpe(words, 4), [("e", "s"), ("es", "t"), ("l", "o"), ("lo", "w")])


def test_apply_worked_example():
    merges = [("e", "s"), ("es", "t"), ("l", "o"), ("lo", "w")]
    check_equal(apply_bpe("lowest", merges), ["low", "est"])
    check_equal(apply_bpe("newer", merges), ["n", "e", "w", "e", "r"])


def test_frequency_beats_alphabetical_order():
    check_equal(learn_bpe(["zz", "zz", "ab"], 1), [("z", "z")])


def test_no_merges_requested():
    check_equal(learn_bpe(["hello"], 0), [])
    check_equal(apply_bpe("hi", []), ["h", "i"])
