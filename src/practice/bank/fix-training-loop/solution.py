def train_linear(xs, ys, lr=0.05, epochs=100):
    """Full-batch gradient descent on mean squared error for y ~ w*x + b.

    Returns (w, b, losses) where losses[e] is the loss at the start of epoch e.
    """
    if not xs or len(xs) != len(ys):
        raise ValueError("need equally long, non-empty xs and ys")
    n = len(xs)
    w, b = 0.0, 0.0
    losses = []
    for epoch in range(epochs):
        grad_w, grad_b = 0.0, 0.0  # fix 1: reset the accumulators every step ("zero_grad")
        loss = 0.0
        for x, y in zip(xs, ys):
            err = w * x + b - y
            loss += err * err / n
            grad_w += 2.0 * err * x / n
            grad_b += 2.0 * err / n
        losses.append(loss)
        w -= lr * grad_w  # fix 2: descend, i.e. move against the gradient
        b -= lr * grad_b
    return w, b, losses
