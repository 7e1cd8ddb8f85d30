import math


def lr_at(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    """Learning rate at a 0-based step: linear warmup, cosine decay to min_lr, then flat."""
    raise NotImplementedError
