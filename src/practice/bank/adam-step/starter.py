import math


def adam_step(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Take one Adam step (t starts at 1). Returns (new_params, new_m, new_v) as new lists."""
    raise NotImplementedError
