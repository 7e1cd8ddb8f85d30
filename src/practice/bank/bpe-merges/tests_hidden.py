def test_overlapping_pairs_count_but_merge_without_overlap():
    merges = learn_bpe(["aaaa"], 3)
    check_equal(merges, [("a", "a"), ("aa", "aa")])
    check_equal(apply_bpe("aaaaa", merges), ["aaaa", "a"])


def test_stops_early_when_everything_is_merged():
    check_equal(learn_bpe(["ab", "ba"], 10), [("a", "b"), ("b", "a")])


def test_empty_corpus_and_empty_words():
    check_equal(learn_bpe([], 5), [])
    check_equal(learn_bpe(["", "x", ""], 5), [])
    check_equal(apply_bpe("", [("a", "b")]), [])


def test_merges_do_not_cross_word_boundaries():
    # 'ab' never occurs inside a word even though words end in a and start with b.
    check_equal(learn_bpe(["ca", "bd", "ca", "bd"], 2), [("b", "d"), ("c", "a")])


def test_tie_break_uses_left_then_right_symbol():
    check_equal(learn_bpe(["xb", "xa", "yb"], 1), [("x", "a")])


def test_multichar_symbols_tie_break_as_strings():
    words = ["abab", "abab"]
    check_equal(learn_bpe(words, 3), [("a", "b"), ("ab", "ab")])


def test_round_trip_concatenation():
    words = "the quick brown fox jumps over the lazy dog the end".split()
    merges = learn_bpe(words, 12)
    for w in words + ["theory", "quiz"]:
        check_equal("".join(apply_bpe(w, merges)), w)
    check_equal(apply_bpe("the", merges), ["the"])
