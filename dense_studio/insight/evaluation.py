"""How good the network is on the test split, and where it fails.

:func:`evaluate_test` runs the whole test split through a :class:`Network` (any thread: it
only reads its own copies) and returns a :class:`TestReport`: accuracy and loss computed as
``Sequential.evaluate`` computes them (cross-entropy from the logits, plus the L2 penalty),
the confusion matrix of counts (rows = true class, columns = predicted), per-class accuracy,
and the test images of each cell or of all mistakes, most confident first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Optional

import numpy as np

from dense_studio.engine.losses import log_softmax
from dense_studio.insight.network import Network

__all__ = ["TestItem", "TestReport", "evaluate_test", "CHUNK"]

#: Images per matrix product: big enough for BLAS, small enough to keep memory flat.
CHUNK = 2048


class TestItem(NamedTuple):
    """One test image as the views list it: ``index`` in the test split, ``true`` and
    ``predicted`` class, the ``confidence`` (probability of the predicted class)."""

    index: int
    true: int
    predicted: int
    confidence: float


@dataclass(frozen=True, eq=False)
class TestReport:
    """The network's results on the test split (``epoch``: the weights' epoch)."""

    probabilities: np.ndarray  # (samples, classes), the model's output
    labels: np.ndarray  # (samples,) true classes
    predicted: np.ndarray  # (samples,) argmax of the output (first on ties)
    loss: float
    epoch: Optional[float] = None

    @property
    def num_classes(self) -> int:
        return int(self.probabilities.shape[1])

    @property
    def confidence(self) -> np.ndarray:
        return self.probabilities[np.arange(len(self.predicted)), self.predicted]

    @property
    def accuracy(self) -> float:
        return float(np.mean(self.predicted == self.labels)) if len(self.labels) else 0.0

    def matrix(self) -> np.ndarray:
        """Counts, shape (classes, classes): ``[true, predicted]``."""
        k = self.num_classes
        return np.bincount(self.labels * k + self.predicted, minlength=k * k).reshape(k, k)

    def per_class_accuracy(self) -> np.ndarray:
        """For each true class, the fraction predicted right (NaN for a class with no
        test image)."""
        matrix = self.matrix()
        totals = matrix.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(totals > 0, np.diag(matrix) / np.maximum(totals, 1), np.nan)

    def cell(self, true: int, predicted: int, limit: Optional[int] = None) -> list[TestItem]:
        """The test images of class ``true`` predicted as ``predicted``, most confident first."""
        where = np.flatnonzero((self.labels == true) & (self.predicted == predicted))
        return self._items(where, limit)

    def mistakes(self, limit: Optional[int] = None) -> list[TestItem]:
        """Wrong predictions, most confident first."""
        return self._items(np.flatnonzero(self.labels != self.predicted), limit)

    def top(self, index: int, count: int = 3) -> list[tuple[int, float]]:
        """The ``count`` most probable classes of test image ``index``, with probabilities."""
        p = self.probabilities[index]
        order = np.argsort(-p, kind="stable")[:count]
        return [(int(c), float(p[c])) for c in order]

    def _items(self, where: np.ndarray, limit: Optional[int] = None) -> list[TestItem]:
        confidence = self.confidence[where]
        order = where[np.argsort(-confidence, kind="stable")][:limit]
        conf = self.confidence
        return [TestItem(int(i), int(self.labels[i]), int(self.predicted[i]), float(conf[i]))
                for i in order]


def evaluate_test(network: Network, x: np.ndarray, y: np.ndarray) -> TestReport:
    """Run the test split ``(x, y)`` through ``network``."""
    x = network.flat_inputs(x) if len(x) else np.zeros((0, network.input_size), np.float32)
    labels = np.array(y, dtype=np.int64).reshape(-1)  # a copy: it is frozen below
    probabilities = np.empty((len(x), network.num_classes), np.float32)
    loss_sum = 0.0
    for start in range(0, len(x), CHUNK):
        stop = min(start + CHUNK, len(x))
        logits, probabilities[start:stop] = network.forward(x[start:stop])
        rows = np.arange(stop - start)
        loss_sum += float(-log_softmax(logits)[rows, labels[start:stop]].sum(dtype=np.float64))
    penalty = sum(step.l2 * float(np.dot(step.kernel.reshape(-1), step.kernel.reshape(-1)))
                  for step in network.steps)
    loss = loss_sum / len(x) + penalty if len(x) else float("nan")
    predicted = np.argmax(probabilities, axis=1)
    for array in (probabilities, labels, predicted):
        array.setflags(write=False)
    return TestReport(probabilities, labels, predicted, loss, network.epoch)
