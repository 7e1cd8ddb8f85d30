import math
import random


def _reference(q, k, v):
    T = len(q)
    d = len(q[0])
    out = []
    for i in range(T):
        s = [sum(a * b for a, b in zip(q[i], k[j])) / math.sqrt(d) for j in range(T)]
        s = [x if j <= i else float("-inf") for j, x in enumerate(s)]
        m = max(s)
        e = [math.exp(x - m) for x in s]
        z = sum(e)
        out.append([sum(e[j] / z * v[j][c] for j in range(T)) for c in range(len(v[0]))])
    return out


def test_empty_sequence():
    check_equal(causal_attention([], [], []), [])


def test_future_values_do_not_leak():
    rng = random.Random(11)
    T, d = 5, 3
    q = [[rng.gauss(0, 1) for _ in range(d)] for _ in range(T)]
    k = [[rng.gauss(0, 1) for _ in range(d)] for _ in range(T)]
    v = [[rng.gauss(0, 1) for _ in range(2)] for _ in range(T)]
    base = causal_attention(q, k, v)
    v2 = [row[:] for row in v]
    v2[4] = [1e6, -1e6]
    k2 = [row[:] for row in k]
    k2[4] = [100.0, 100.0, 100.0]
    changed = causal_attention(q, k2, v2)
    check_close(changed[:4], base[:4], rel=1e-12, label="rows 0..3 must ignore position 4")


def test_matches_reference_on_random_input():
    rng = random.Random(5)
    T, d, dv = 6, 4, 3
    q = [[rng.gauss(0, 1) for _ in range(d)] for _ in range(T)]
    k = [[rng.gauss(0, 1) for _ in range(d)] for _ in range(T)]
    v = [[rng.gauss(0, 1) for _ in range(dv)] for _ in range(T)]
    check_close(causal_attention(q, k, v), _reference(q, k, v), rel=1e-9, abs=1e-12)


def test_large_scores_are_stable():
    q = [[100.0], [100.0]]
    k = [[100.0], [99.0]]
    v = [[1.0], [0.0]]
    out = causal_attention(q, k, v)
    # scores 10000 and 9900 -> weight on key 1 is e^-100
    check_close(out, [[1.0], [1.0]], rel=1e-12)


def test_value_dim_differs_from_key_dim():
    out = causal_attention([[0.0]] * 2, [[0.0]] * 2, [[1.0, 2.0, 3.0, 4.0], [3.0, 2.0, 1.0, 0.0]])
    check_close(out, [[1.0, 2.0, 3.0, 4.0], [2.0, 2.0, 2.0, 2.0]])


def test_single_position():
    check_close(causal_attention([[5.0, 5.0]], [[-5.0, 1.0]], [[0.25]]), [[0.25]])
