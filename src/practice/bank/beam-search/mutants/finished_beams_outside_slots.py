# Mutant: finished beams are kept in a list of their own instead of competing for the beam_width slots
def beam_search(next_logprobs, start, eos, beam_width, max_len):
    """Return the final beams as [(sequence_tuple, total_logprob), ...], best first."""
    if beam_width < 1:
        raise ValueError("beam_width must be at least 1")

    def finished(seq):
        return len(seq) > 1 and seq[-1] == eos

    beams = [((start,), 0.0)]
    done = []
    for _ in range(max_len):
        pool = []
        for seq, score in beams:
            if finished(seq):
                done.append((seq, score))
                continue
            for tok, lp in next_logprobs(seq).items():
                pool.append((seq + (tok,), score + lp))
        pool.sort(key=lambda c: (-c[1], c[0]))
        beams = pool[:beam_width]
        if not beams:
            break
    out = sorted(done + beams, key=lambda c: (-c[1], c[0]))
    return out[:beam_width]
