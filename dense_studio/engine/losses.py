"""Sparse categorical cross-entropy fused with softmax, and accuracy.

Cross-entropy of a softmax output is computed from the logits as
``logsumexp(z) - z[label]`` after subtracting the row maximum: nothing overflows, so even
logits of 1e4 give a finite loss (a naive ``-log(softmax(z)[label])`` gives ``inf`` or
``nan``). Its gradient with respect to the logits is simply ``softmax(z) - onehot(label)``,
which is why the model computes the output layer's softmax and the loss together.

The functions are the readable reference; ``SoftmaxCrossEntropy`` is the same computation on
preallocated buffers, the one training and ``evaluate`` run. The loss is defined for an
output layer whose activation is in ``OUTPUT_ACTIVATIONS``: softmax (the loss applies it to
the logits ``z``) or linear (the outputs *are* logits, Keras's ``from_logits=True``).
"""

from __future__ import annotations

import math

import numpy as np

from dense_studio.errors import ConfigError

NAME = "sparse_categorical_crossentropy"
OUTPUT_ACTIVATIONS = ("softmax", "linear")

# Keras clips probabilities to [EPSILON, 1 - EPSILON] when given probabilities, not logits.
EPSILON = 1e-7


def log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def sparse_categorical_crossentropy(y_true, y_pred, from_logits: bool = False) -> np.ndarray:
    """Per-sample loss ``-log p[label]`` (Keras semantics, including the clipping of
    probabilities when ``from_logits`` is False)."""
    y_true = np.asarray(y_true).astype(np.int64).reshape(-1)
    y_pred = np.asarray(y_pred)
    rows = np.arange(len(y_true))
    if from_logits:
        return -log_softmax(y_pred)[rows, y_true]
    p = np.clip(y_pred[rows, y_true], EPSILON, 1.0 - EPSILON)
    return -np.log(p)


def softmax_cross_entropy_grad(logits: np.ndarray, y_true) -> tuple[np.ndarray, np.ndarray]:
    """``(per-sample loss, d mean_loss / d logits)`` for integer labels."""
    y_true = np.asarray(y_true).astype(np.int64).reshape(-1)
    rows = np.arange(len(y_true))
    logp = log_softmax(logits)
    grad = np.exp(logp)
    grad[rows, y_true] -= 1.0
    return -logp[rows, y_true], grad / len(y_true)


def accuracy(y_true, y_pred) -> float:
    """Fraction of rows whose highest score is the label (first maximum on ties, as argmax)."""
    y_true = np.asarray(y_true).reshape(-1)
    if len(y_true) == 0:
        return 0.0
    return float(np.mean(np.argmax(y_pred, axis=-1) == y_true))


def check_output_activation(name: str) -> None:
    """Refuse an output activation the loss is not defined for, in one clear line."""
    if name not in OUTPUT_ACTIVATIONS:
        raise ConfigError(
            "sparse categorical cross-entropy needs a last Dense layer with softmax "
            f"(or linear) activation, not {name}"
        )


class SoftmaxCrossEntropy:
    """Softmax fused with sparse categorical cross-entropy, on buffers for one batch size.

    ``labels`` is the batch's label buffer (int64, filled before each ``forward``).
    ``forward(z)``: the sum over the batch of ``logsumexp(z) - z[label]`` and the
    number of rows whose largest ``z`` is the label. ``backward(scale)``: the error at the
    logits, ``dz = scale · (softmax(z) - onehot(label))``, written over ``z``'s buffer.
    """

    def __init__(self, labels: np.ndarray, classes: int, dtype) -> None:
        batch = len(labels)
        self.labels = labels
        self.label_column = labels.reshape(batch, 1)
        self.classes = np.arange(classes, dtype=np.int64)
        self.onehot = np.empty((batch, classes), dtype)
        self.row_max = np.empty((batch, 1), dtype)
        self.row_sum = np.empty((batch, 1), dtype)
        self.argmax = np.empty(batch, np.int64)
        self.hits = np.empty(batch, bool)
        # sum(log(s)) as log(prod(s)) when the float64 product cannot overflow: each s is in
        # [1, classes]. One call instead of two; otherwise a log per row.
        self.product_fits = batch * math.log10(max(classes, 2)) < 300
        self.log_sum = None if self.product_fits else np.empty((batch, 1), dtype)
        self.exp = None  # exp(z - max z), left in z's buffer by forward for backward

    def forward(self, z: np.ndarray) -> tuple[float, int]:
        """``(sum of the per-sample losses, correct predictions)``; ``z`` is overwritten."""
        # (ufunc.reduce rather than np.max/np.sum: half the call overhead on tiny arrays)
        np.maximum.reduce(z, axis=1, keepdims=True, out=self.row_max)
        np.argmax(z, axis=1, out=self.argmax)
        np.subtract(z, self.row_max, out=z)
        np.equal(self.label_column, self.classes, out=self.onehot)
        true_logit_sum = float(np.vdot(z, self.onehot))
        self.exp = np.exp(z, out=z)
        np.add.reduce(z, axis=1, keepdims=True, out=self.row_sum)
        if self.product_fits:
            loss_sum = math.log(np.multiply.reduce(self.row_sum, axis=None, dtype=np.float64))
        else:
            np.log(self.row_sum, out=self.log_sum)
            loss_sum = float(np.add.reduce(self.log_sum, axis=None))
        np.equal(self.argmax, self.labels, out=self.hits)
        return loss_sum - true_logit_sum, int(np.count_nonzero(self.hits))

    def backward(self, scale: float) -> np.ndarray:
        """``dz = scale · (softmax(z) - onehot)``, in the buffer ``forward`` was given."""
        dz = self.exp
        np.divide(dz, self.row_sum, out=dz)
        np.subtract(dz, self.onehot, out=dz)
        np.multiply(dz, scale, out=dz)
        return dz
