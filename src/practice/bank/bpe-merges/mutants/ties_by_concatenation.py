# Mutant: ties compare the merged string instead of the (left, right) tuple
from collections import Counter


def _merge(symbols, pair):
    """Replace every left-to-right, non-overlapping occurrence of pair in symbols."""
    left, right = pair
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and symbols[i] == left and symbols[i + 1] == right:
            out.append(left + right)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return tuple(out)


def learn_bpe(words, k):
    """Learn up to k BPE merges from a list of words. Returns a list of (left, right) pairs."""
    vocab = Counter(tuple(w) for w in words if w)
    merges = []
    for _ in range(k):
        pairs = Counter()
        for symbols, freq in vocab.items():
            for a, b in zip(symbols, symbols[1:]):
                pairs[(a, b)] += freq
        if not pairs:
            break
        best = min(pairs, key=lambda p: (-pairs[p], p[0] + p[1], p))
        merges.append(best)
        new_vocab = Counter()
        for symbols, freq in vocab.items():
            new_vocab[_merge(symbols, best)] += freq
        vocab = new_vocab
    return merges


def apply_bpe(word, merges):
    """Split word into characters and apply the merges in order. Returns a list of symbols."""
    symbols = tuple(word)
    for pair in merges:
        symbols = _merge(symbols, pair)
    return list(symbols)
