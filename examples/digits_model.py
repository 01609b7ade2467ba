"""A small CNN for scikit-learn's 8x8 handwritten digits, on fastconv's layers.

Shared by ``examples/train_digits.py`` (the training run) and ``tests/test_layers.py``
(a short training run and a step-by-step comparison with PyTorch), which import it by
putting this folder on ``sys.path``.

The network (for a 1x8x8 input and the default ``width=32``)::

    Conv2d(1, 32, 5, padding=2)             -> 32x8x8,  ReLU
    Conv2d(32, 64, 3, stride=2, padding=1)  -> 64x4x4,  ReLU   (stride 2 instead of pooling)
    Conv2d(64, 128, 3, stride=2, padding=1) -> 128x2x2, ReLU
    flatten -> Dense(512, 10) -> softmax cross-entropy

The convolutions are :mod:`fastconv.layers` (forward and backward in fastconv's C
kernels); ReLU, the dense layer, the loss and the optimiser are a few lines of NumPy.
:class:`SGD` follows ``torch.optim.SGD`` exactly (momentum buffer started at the first
gradient, weight decay added to the gradient), so one step can be checked against
PyTorch.
"""
import math

import numpy as np

from fastconv.layers import Conv2d

__all__ = ["load_digits_split", "Dense", "DigitsCNN", "SGD", "softmax_cross_entropy",
           "minibatches", "random_shift", "train_step", "evaluate"]


def load_digits_split(seed=0, test_size=0.2, dtype="float32"):
    """scikit-learn's digits (1797 8x8 images, shipped with sklearn: no download), split
    into a stratified, seeded train/test partition.

    Returns ``x_train, x_test, y_train, y_test`` with images ``(N, 1, 8, 8)`` scaled
    to [0, 1] and int64 labels.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.images / 16.0).astype(dtype)[:, None, :, :]
    y = digits.target.astype(np.int64)
    return train_test_split(x, y, test_size=test_size, stratify=y, random_state=seed)


class Dense:
    """Fully connected layer ``y = x @ weight.T + bias`` (PyTorch's ``nn.Linear`` layout:
    weight ``(out_features, in_features)``), initialised N(0, 1 / in_features)."""

    def __init__(self, in_features, out_features, rng, dtype="float32"):
        std = math.sqrt(1.0 / in_features)
        self.weight = (rng.standard_normal((out_features, in_features)) * std).astype(dtype)
        self.bias = np.zeros(out_features, dtype=dtype)
        self.grad_weight = np.zeros_like(self.weight)
        self.grad_bias = np.zeros_like(self.bias)
        self._x = None

    def forward(self, x):
        self._x = x
        return x @ self.weight.T + self.bias

    def backward(self, grad_out):
        self.grad_weight += grad_out.T @ self._x
        self.grad_bias += grad_out.sum(axis=0)
        return grad_out @ self.weight

    def parameters(self):
        return [(self.weight, self.grad_weight), (self.bias, self.grad_bias)]

    def zero_grad(self):
        self.grad_weight.fill(0)
        self.grad_bias.fill(0)


def softmax_cross_entropy(logits, labels):
    """Mean cross-entropy of softmax(logits) and its gradient w.r.t. the logits."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = logits.shape[0]
    loss = -log_p[np.arange(n), labels].mean()
    grad = np.exp(log_p)
    grad[np.arange(n), labels] -= 1.0
    return float(loss), grad / n


class DigitsCNN:
    """Three fastconv convolutions (ReLU, stride 2 instead of pooling) and a dense
    softmax layer for 1x8x8 images.  ``seed`` fixes every initial weight; ``width`` is
    the first layer's channel count (doubled by each strided layer); ``flip_filters``
    is passed to every convolution."""

    def __init__(self, seed=0, dtype="float32", width=32, flip_filters=False):
        rng = np.random.default_rng(seed)
        w = width
        kw = dict(dtype=dtype, seed=rng, flip_filters=flip_filters)
        self.convs = [
            Conv2d(1, w, 5, padding=2, **kw),
            Conv2d(w, 2 * w, 3, stride=2, padding=1, **kw),
            Conv2d(2 * w, 4 * w, 3, stride=2, padding=1, **kw),
        ]
        self.dense = Dense(4 * w * 2 * 2, 10, rng, dtype=dtype)
        self._masks = None
        self._shape = None

    def forward(self, x):
        """Logits ``(N, 10)`` of images ``(N, 1, 8, 8)``."""
        masks = []
        h = x
        for conv in self.convs:
            h = conv.forward(h)
            mask = h > 0
            h = h * mask
            masks.append(mask)
        self._masks = masks
        self._shape = h.shape
        return self.dense.forward(h.reshape(h.shape[0], -1))

    def backward(self, grad_logits):
        """Accumulate every parameter gradient from ``dLoss/dlogits``."""
        g = self.dense.backward(grad_logits).reshape(self._shape)
        for i in reversed(range(len(self.convs))):
            g = g * self._masks[i]
            g = self.convs[i].backward(g, input_grad=i > 0)

    def parameters(self):
        pairs = []
        for conv in self.convs:
            pairs.extend(conv.parameters())
        pairs.extend(self.dense.parameters())
        return pairs

    def zero_grad(self):
        for conv in self.convs:
            conv.zero_grad()
        self.dense.zero_grad()

    def predict(self, x, batch_size=512):
        return np.concatenate([self.forward(x[i:i + batch_size]).argmax(axis=1)
                               for i in range(0, len(x), batch_size)])


class SGD:
    """Stochastic gradient descent with momentum, as ``torch.optim.SGD`` (dampening 0,
    no Nesterov): ``g += weight_decay * p; v = momentum * v + g`` (``v = g`` at the
    first step); ``p -= lr * v``.  Updates the (param, grad) pairs in place."""

    def __init__(self, pairs, lr, momentum=0.9, weight_decay=0.0):
        self.pairs = list(pairs)
        self.lr = lr
        self.momentum = momentum
        self.weight_decay = weight_decay
        self._velocity = [None] * len(self.pairs)

    def step(self):
        for i, (p, g) in enumerate(self.pairs):
            d = g + self.weight_decay * p if self.weight_decay else g.copy()
            v = self._velocity[i]
            if v is None:
                v = self._velocity[i] = d
            else:
                v *= self.momentum
                v += d
            p -= self.lr * v


def minibatches(n, batch_size, rng):
    """Index arrays of a random permutation of ``range(n)`` in batches."""
    perm = rng.permutation(n)
    return [perm[i:i + batch_size] for i in range(0, n, batch_size)]


def random_shift(x, rng, max_shift=1):
    """Each image of ``x`` (N, C, H, W) translated by a random whole number of pixels in
    ``[-max_shift, max_shift]`` on both axes, zero-filled (data augmentation)."""
    n, _, h, w = x.shape
    m = max_shift
    padded = np.pad(x, ((0, 0), (0, 0), (m, m), (m, m)))
    dy = rng.integers(0, 2 * m + 1, size=n)
    dx = rng.integers(0, 2 * m + 1, size=n)
    rows = (dy[:, None] + np.arange(h))[:, None, :, None]
    cols = (dx[:, None] + np.arange(w))[:, None, None, :]
    return padded[np.arange(n)[:, None, None, None], np.arange(x.shape[1])[None, :, None, None],
                  rows, cols]


def train_step(model, opt, xb, yb):
    """One SGD step on a batch; returns the batch loss and the number classified right."""
    model.zero_grad()
    logits = model.forward(xb)
    loss, grad = softmax_cross_entropy(logits, yb)
    model.backward(grad)
    opt.step()
    return loss, int((logits.argmax(axis=1) == yb).sum())


def evaluate(model, x, y, batch_size=512):
    """Mean loss and accuracy on ``(x, y)``."""
    total, correct = 0.0, 0
    for i in range(0, len(x), batch_size):
        logits = model.forward(x[i:i + batch_size])
        loss, _ = softmax_cross_entropy(logits, y[i:i + batch_size])
        total += loss * len(logits)
        correct += int((logits.argmax(axis=1) == y[i:i + batch_size]).sum())
    return total / len(x), correct / len(x)
