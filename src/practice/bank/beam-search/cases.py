import math
import random

L = math.log


def model(f, start, eos, max_len, vocab_hint=None):
    """Tabulates a next-token function over every sequence beam search can reach from `start`."""
    rows = []
    frontier = [(start,)]
    for _ in range(max_len):
        nxt = []
        for seq in frontier:
            if len(seq) > 1 and seq[-1] == eos:
                continue
            dist = f(seq)
            rows.append(((seq,), pydict(dist)))
            nxt.extend(seq + (t,) for t in dist)
        frontier = nxt
    return table_fn(rows, default=pydict({}))


TABLE = {
    (0,): {1: L(0.6), 2: L(0.4)},
    (0, 1): {3: L(0.35), 4: L(0.35), 9: L(0.3)},
    (0, 2): {9: L(0.9), 3: L(0.1)},
}
toy = model(lambda s: TABLE.get(s, {9: 0.0}), 0, 9, 4)

case("worked_example", call("beam_search", toy, start=0, eos=9, beam_width=2, max_len=3), rel=1e-12,
     expect=[[[[0, 2, 9], L(0.36)], [[0, 1, 3, 9], L(0.21)]]])
case("width_one_is_greedy", call("beam_search", toy, start=0, eos=9, beam_width=1, max_len=3), rel=1e-12,
     expect=[[[[0, 1, 3, 9], L(0.21)]]])
case("max_len_limits_generated_tokens", call("beam_search", toy, start=0, eos=9, beam_width=3, max_len=1), rel=1e-12)
case("rejects_zero_width", raises("beam_search", toy, 0, 9, 0, 3))


def random_model(seed, vocab=4):
    cache = {}

    def f(seq):
        if seq not in cache:
            r = random.Random(f"{seed}:{seq}")
            w = [r.random() + 0.05 for _ in range(vocab)]
            s = sum(w)
            cache[seq] = {t: L(x / s) for t, x in enumerate(w)}
        return cache[seq]
    return f


case("zero_max_len_returns_start", call("beam_search", table_fn([], pydict({1: 0.0})), 5, 1, 3, 0), hidden=True,
     expect=[[[[5], 0.0]]])
case("wide_beam_equals_exhaustive_search",
     call("beam_search", model(random_model(1), 4, 3, 3), start=4, eos=3, beam_width=10_000, max_len=3),
     hidden=True, rel=1e-12)
tie = model(lambda s: {2: L(0.5), 1: L(0.5)} if len(s) == 1 else {0: 0.0}, 7, 0, 2)
case("ties_broken_by_smaller_sequence", call("beam_search", tie, start=7, eos=0, beam_width=1, max_len=2),
     hidden=True, expect=[[[[7, 1, 0], L(0.5)]]])
compete = model(lambda s: {9: L(0.5), 1: L(0.5)} if s == (0,) else {1: L(0.1), 9: L(0.1)}, 0, 9, 4)
case("finished_beams_compete_and_are_not_extended", let("f", compete),
     call("beam_search", ref("f"), start=0, eos=9, beam_width=2, max_len=4), get("f.calls"), hidden=True, rel=1e-12)
# A finished beam holds one of the beam_width slots: here (0, 9) keeps its slot and pushes out (0, 2), so only
# (0, 1) is extended. Keeping finished beams outside the slots gives a different answer.
slots = model(lambda s: {9: L(0.6), 1: L(0.3), 2: L(0.1)} if s == (0,) else
              ({3: L(0.9), 9: L(0.1)} if s == (0, 1) else {9: L(0.95), 5: L(0.05)}), 0, 9, 3)
case("finished_beams_take_beam_slots", let("f", slots),
     call("beam_search", ref("f"), start=0, eos=9, beam_width=2, max_len=3), get("f.calls"), hidden=True, rel=1e-12)
case("finished_beams_take_beam_slots_random",
     call("beam_search", model(random_model(11, vocab=3), 0, 2, 4), start=0, eos=2, beam_width=2, max_len=4),
     hidden=True, rel=1e-12)
stop = model(lambda s: {9: 0.0}, 0, 9, 50)
case("stops_early_when_all_finished", let("f", stop),
     call("beam_search", ref("f"), start=0, eos=9, beam_width=3, max_len=50), get("f.calls"), hidden=True,
     expect=[[[[0, 9], 0.0]], [[0]]])
empty = model(lambda s: {1: L(0.9), 2: L(0.1)} if len(s) == 1 else ({} if s[-1] == 1 else {9: 0.0}), 0, 9, 3)
case("empty_distribution_drops_beam", call("beam_search", empty, start=0, eos=9, beam_width=2, max_len=3),
     hidden=True, rel=1e-12)
case("is_deterministic", call("beam_search", model(random_model(7, vocab=5), 0, 4, 5), start=0, eos=4, beam_width=3,
     max_len=5), hidden=True, rel=1e-12)
