"""Sparse categorical cross-entropy fused with softmax, and accuracy.

Cross-entropy of a softmax output is computed from the logits as
``logsumexp(z) - z[label]`` after subtracting the row maximum: nothing overflows, so even
logits of 1e4 give a finite loss (a naive ``-log(softmax(z)[label])`` gives ``inf`` or
``nan``). Its gradient with respect to the logits is simply ``softmax(z) - onehot(label)``,
which is why the model computes the output layer's softmax and the loss together.

The training loop has a buffered copy of this computation (``training._TrainPlan``); these
functions are the readable reference and are used by tests and tools.
"""

from __future__ import annotations

import numpy as np

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
