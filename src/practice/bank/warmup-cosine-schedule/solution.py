import math


def lr_at(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    """Learning rate at a 0-based step: linear warmup, cosine decay to min_lr, then flat."""
    if step < 0 or warmup_steps < 0 or total_steps < warmup_steps:
        raise ValueError("invalid schedule arguments")
    if step < warmup_steps:
        return base_lr * step / warmup_steps
    if step >= total_steps:
        return min_lr
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return min_lr + 0.5 * (base_lr - min_lr) * (1.0 + math.cos(math.pi * progress))
