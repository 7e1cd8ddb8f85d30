from collections import Counter


def learn_bpe(words, k):
    """Learn up to k BPE merges from a list of words. Returns a list of (left, right) pairs."""
    raise NotImplementedError


def apply_bpe(word, merges):
    """Split word into characters and apply the merges in order. Returns a list of symbols."""
    raise NotImplementedError
