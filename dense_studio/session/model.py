"""The model and its weights: the one being trained, and the predictor the window reads.

Two models, so that nothing races: ``model`` is the network being trained (while a run is
``training`` only the worker thread touches it), ``predictor`` is a second model of the same
shape that belongs to the session's thread. The predictor gets a *copy* of the weights as of
the last epoch end (taken by the worker between two batches), so a prediction, a weight view
or "Save" always sees one consistent set of weights and never waits for training.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from dense_studio.engine.model import Sequential
from dense_studio.engine.presets import build_model
from dense_studio.engine.spec import TrainingConfig
from dense_studio.session.events import EmitterGroup

__all__ = ["ModelState", "ModelStatus"]


@dataclass(frozen=True)
class ModelStatus:
    """What the window shows about the model (the ``model`` event's value)."""

    built: bool
    trained: bool
    epochs_trained: float
    training: bool
    stale: bool  # the layer stack no longer matches the model
    dataset: Optional[str]
    path: Optional[Path]  # the model file it came from or was saved to
    dirty: bool  # weights not in that file (or in no file at all, once trained)


class ModelState:
    """Events: ``model`` (value: :class:`ModelStatus`) whenever any of it changes, and
    ``weights`` (value: the predictor) whenever the predictor's weights change."""

    def __init__(self) -> None:
        self.events = EmitterGroup.named(self, "model", "weights")
        self._empty()

    def _empty(self) -> None:
        self.model: Optional[Sequential] = None
        self.predictor: Optional[Sequential] = None
        self.config: Optional[TrainingConfig] = None  # what built / last trained the model
        self.dataset: Optional[str] = None
        self.class_names: tuple = ()
        self.trained = False
        self.epochs_trained = 0.0
        self.metrics: dict = {}  # the last epoch's loss, accuracy (and val_*)
        self.path: Optional[Path] = None
        self.dirty = False
        self.training = False
        self.stale = False

    @property
    def layers(self) -> tuple:
        return tuple(self.config.layers) if self.config is not None else ()

    def status(self) -> ModelStatus:
        return ModelStatus(self.model is not None, self.trained, self.epochs_trained,
                           self.training, self.stale, self.dataset, self.path, self.dirty)

    # -- changes (the session's thread) --------------------------------------------------
    def set(self, model: Sequential, config: TrainingConfig, dataset: str,
            class_names: Sequence[str], *, trained: bool = False, epochs_trained: float = 0.0,
            metrics: Optional[dict] = None, path: Optional[Path] = None) -> None:
        """A new model (built, or read from a file at ``path``) and a predictor copy of it."""
        predictor = build_model(config.layers, input_shape=model.input_shape,
                                num_classes=model.output_units, seed=config.seed)
        predictor.set_weights(model.get_weights())
        self.model, self.predictor, self.config = model, predictor, config
        self.dataset, self.class_names = dataset, tuple(class_names)
        self.trained, self.epochs_trained = trained, float(epochs_trained)
        self.metrics = dict(metrics or {})
        self.path, self.dirty, self.stale = path, False, False
        self.announce()
        self.events.weights(self.predictor)

    def clear(self) -> None:
        """No model (e.g. a session file without one, before its dataset is loaded)."""
        self._empty()
        self.announce()
        self.events.weights(None)

    def sync(self, weights: Optional[Sequence[np.ndarray]] = None) -> None:
        """Copy ``weights`` (default: the model's own, when no run holds it) into the
        predictor, and announce them."""
        if weights is None:
            weights = self.model.get_weights()
        self.predictor.set_weights(weights)  # copies into the predictor's own buffers
        self.events.weights(self.predictor)

    def update(self, **changes) -> None:
        """Change status fields (trained, epochs_trained, metrics, training, stale, path,
        dirty, config) and announce once if anything changed."""
        before = self.status(), self.metrics, self.config
        for name, value in changes.items():
            if name not in _FIELDS:
                raise AttributeError(f"not a model status field: {name}")
            setattr(self, name, value)
        if (self.status(), self.metrics, self.config) != before:
            self.announce()

    def announce(self) -> None:
        self.events.model(self.status())

    def predict(self, images: np.ndarray) -> Optional[np.ndarray]:
        """Class probabilities from the predictor (None without a model)."""
        if self.predictor is None:
            return None
        return np.asarray(self.predictor.predict(np.asarray(images, np.float32)), np.float32)


_FIELDS = frozenset({"trained", "epochs_trained", "metrics", "training", "stale", "path",
                     "dirty", "config"})
