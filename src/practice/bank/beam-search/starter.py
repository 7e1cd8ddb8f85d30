def beam_search(next_logprobs, start, eos, beam_width, max_len):
    """Return the final beams as [(sequence_tuple, total_logprob), ...], best first."""
    raise NotImplementedError
