# Mutant: writes the results into the caller's lists
import math


def adam_step(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Take one Adam step (t starts at 1). Returns (new_params, new_m, new_v) as new lists."""
    if t < 1:
        raise ValueError("t counts steps from 1")
    n = len(params)
    if not (len(grads) == len(m) == len(v) == n):
        raise ValueError("params, grads, m and v must have equal length")
    c1 = 1.0 - beta1 ** t
    c2 = 1.0 - beta2 ** t
    new_p, new_m, new_v = params, m, v
    params, m, v = list(params), list(m), list(v)
    new_p.clear(); new_m.clear(); new_v.clear()
    for p, g, mi, vi in zip(params, grads, m, v):
        mi = beta1 * mi + (1.0 - beta1) * g
        vi = beta2 * vi + (1.0 - beta2) * g * g
        m_hat = mi / c1
        v_hat = vi / c2
        new_p.append(p - lr * m_hat / (math.sqrt(v_hat) + eps))
        new_m.append(mi)
        new_v.append(vi)
    return new_p, new_m, new_v
