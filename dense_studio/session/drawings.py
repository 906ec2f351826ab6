"""The person's own drawings: labelled 28×28 inputs to test the network on and to teach it.

Each drawing is what the network saw on the canvas (the preprocessed 28×28 image, see
``dense_studio.data.preprocessing``) with the class the person says it is. The session keeps
them (and its file stores them); they can be evaluated (accuracy and a confusion table) and
the model fine-tuned on them.

Fine-tuning trains a few more epochs on a sample of the training set plus the drawings.
A few dozen drawings among thousands of training images would change nothing, so they are
oversampled: repeated, each copy shifted by up to ``SHIFT`` pixels (a drawing is never
exactly where the last one was), until they are ``DRAWING_SHARE`` of what the run sees.
The training images in the mix keep the network from forgetting what it knew.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from dense_studio.data.catalog import normalize_dataset_name
from dense_studio.errors import ConfigError
from dense_studio.files.model_file import MAX_CLASSES
from dense_studio.files.session_file import CANVAS_SHAPE, MAX_DRAWINGS, Drawing
from dense_studio.session.canvas import checked_image
from dense_studio.session.events import EmitterGroup

__all__ = ["Drawing", "Drawings", "DrawingsScore", "FineTune", "mixed_training_set",
           "FINE_TUNE_EPOCHS", "DRAWING_SHARE", "FINE_TUNE_TRAIN_SAMPLES", "SHIFT"]

#: Epochs of a fine-tuning run.
FINE_TUNE_EPOCHS = 2
#: The drawings' share of the samples a fine-tuning run sees (oversampled to reach it).
DRAWING_SHARE = 0.1
#: Training images mixed in (a random sample; all of them when there are fewer).
FINE_TUNE_TRAIN_SAMPLES = 12_000
#: Each repeated copy of a drawing is moved by up to this many pixels in x and y.
SHIFT = 2


class Drawings:
    """The drawings, oldest first. Event ``drawings`` (value: the tuple of
    :class:`Drawing`) whenever one is added, relabelled or removed, or all are replaced."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.events = EmitterGroup.named(self, "drawings")
        self._items: list[Drawing] = []
        self._clock = clock

    @property
    def items(self) -> tuple:
        return tuple(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self):
        return iter(self._items)

    def __getitem__(self, index: int) -> Drawing:
        return self._items[self._index(index)]

    def add(self, image: np.ndarray, label: int, dataset: str) -> int:
        """Keep ``image`` (28×28, values 0…1) as class ``label`` of ``dataset``; the count
        after adding."""
        if len(self._items) >= MAX_DRAWINGS:
            raise ConfigError(f"a session keeps at most {MAX_DRAWINGS} drawings")
        self._items.append(Drawing(checked_image(image, "a drawing must be"), _checked_label(label),
                                   normalize_dataset_name(dataset), self._clock()))
        self.changed()
        return len(self._items)

    def relabel(self, index: int, label: int) -> None:
        old = self._items[self._index(index)]
        self._items[self._index(index)] = Drawing(old.image, _checked_label(label), old.dataset,
                                                  old.added_at)
        self.changed()

    def remove(self, index: int) -> None:
        del self._items[self._index(index)]
        self.changed()

    def replace_all(self, drawings) -> None:
        """The drawings read from a file (not announced: the caller announces once)."""
        self._items = [Drawing(checked_image(d.image, "a drawing must be"), _checked_label(d.label),
                               normalize_dataset_name(d.dataset), d.added_at) for d in drawings]

    def changed(self) -> None:
        self.events.drawings(self.items)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """``(images (n, 28, 28) float32, labels (n,) int64)``."""
        images = np.zeros((len(self._items), *CANVAS_SHAPE), np.float32)
        for i, drawing in enumerate(self._items):
            images[i] = drawing.image
        return images, np.array([d.label for d in self._items], np.int64)

    def of_dataset(self, dataset: str) -> np.ndarray:
        """Which drawings are labelled with ``dataset``'s classes (a bool per drawing)."""
        return np.array([d.dataset == dataset for d in self._items], bool)

    def _index(self, index) -> int:
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) \
                or not 0 <= index < len(self._items):
            raise ConfigError(f"no drawing {index!r} (there are {len(self._items)})")
        return int(index)


@dataclass(frozen=True)
class DrawingsScore:
    """How a model does on the drawings it can be asked about (of its dataset, with labels
    below its number of classes): ``right`` of ``count``, ``confusion[true, predicted]``
    counts, ``predicted`` per drawing (-1 for one left out), and ``left_out``, the others."""

    count: int
    right: int
    confusion: np.ndarray
    predicted: np.ndarray
    left_out: int

    @property
    def accuracy(self) -> Optional[float]:
        return self.right / self.count if self.count else None

    @classmethod
    def of(cls, predict: Callable[[np.ndarray], np.ndarray], images: np.ndarray,
           labels: np.ndarray, num_classes: int, usable=None) -> "DrawingsScore":
        """Score ``predict`` (images → class probabilities) on the labelled ``images``
        (those that ``usable``, a bool per drawing, allows)."""
        fits = labels < num_classes
        if usable is not None:
            fits &= usable
        predicted = np.full(len(labels), -1, np.int64)
        if fits.any():
            predicted[fits] = np.argmax(predict(images[fits]), axis=1)
        confusion = np.zeros((num_classes, num_classes), np.int64)
        np.add.at(confusion, (labels[fits], predicted[fits]), 1)
        return cls(int(fits.sum()), int(np.trace(confusion)), confusion, predicted,
                   int((~fits).sum()))


@dataclass(frozen=True)
class FineTune:
    """A fine-tuning run's plan: the drawings to mix in and how long to train."""

    images: np.ndarray
    labels: np.ndarray
    epochs: int = FINE_TUNE_EPOCHS
    share: float = DRAWING_SHARE
    train_samples: int = FINE_TUNE_TRAIN_SAMPLES

    @property
    def name(self) -> str:
        return f"fine-tune on {len(self.labels)} drawings"


def mixed_training_set(x: np.ndarray, y: np.ndarray, plan: FineTune, seed: int
                       ) -> tuple[np.ndarray, np.ndarray]:
    """A sample of the training set ``(x, y)`` plus shifted copies of the plan's drawings,
    which make up about ``plan.share`` of the result (at least one copy each); not shuffled (the
    training loop shuffles every epoch)."""
    rng = np.random.default_rng(seed)
    keep = min(len(x), plan.train_samples)
    chosen = np.sort(rng.choice(len(x), size=keep, replace=False))
    repeats = max(1, round(plan.share * keep / ((1 - plan.share) * len(plan.labels))))
    copies = np.repeat(plan.images, repeats, axis=0)
    shifts = rng.integers(-SHIFT, SHIFT + 1, size=(len(copies), 2))
    for i, (dy, dx) in enumerate(shifts):
        copies[i] = _shifted(copies[i], int(dy), int(dx))
    return (np.concatenate([x[chosen], copies]),
            np.concatenate([y[chosen], np.repeat(plan.labels, repeats)]))


def _shifted(image: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """``image`` moved by (dy, dx) pixels on a black field (nothing wraps around)."""
    out = np.zeros_like(image)
    height, width = image.shape
    out[max(dy, 0):height + min(dy, 0), max(dx, 0):width + min(dx, 0)] = \
        image[max(-dy, 0):height - max(dy, 0), max(-dx, 0):width - max(dx, 0)]
    return out


def _checked_label(label) -> int:
    if isinstance(label, bool) or not isinstance(label, (int, np.integer)) \
            or not 0 <= label < MAX_CLASSES:
        raise ConfigError(f"a drawing's label must be a class number, not {label!r}"[:100])
    return int(label)
