"""The model's life: built for the editor's layers, trained, reset, opened from a file.

Who owns what, so that nothing races:

* ``model`` is the network being trained. While a run is going, only the training
  worker's thread touches it; the window gets it back when the worker says ``finished``.
* ``predictor`` is a second model with the same layers that belongs to the GUI thread. It
  gets a *copy* of the weights at every epoch end (taken by the worker between two
  batches), so live predictions and "Save" always see one consistent set of weights.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal

from dense_studio.engine import build_model
from dense_studio.errors import DenseStudioError

__all__ = ["ModelController"]


class ModelController(QObject):
    """State: ``model``, ``predictor``, ``layers`` and ``dataset_name`` it was built for,
    ``input_shape``, ``num_classes``, ``epochs_trained``, ``metrics`` (the last epoch's),
    ``config`` (the settings of the run that trained it, or None) and ``trained``.

    ``predictorChanged(predictor)`` after its weights change; ``trainedChanged(bool)``.
    """

    predictorChanged = Signal(object)
    trainedChanged = Signal(bool)

    def __init__(self, notices, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._notices = notices
        self.model = None
        self.predictor = None
        self.layers: tuple = ()
        self.dataset_name: str | None = None
        self.input_shape: tuple[int, ...] = ()
        self.num_classes = 0
        self.trained = False
        self.epochs_trained = 0.0
        self.metrics: dict = {}
        self.config = None

    def build(self, layers, *, input_shape, num_classes: int, seed: int,
              dataset_name: str) -> bool:
        """A fresh, untrained model (and its predictor); False, with a message, if not."""
        layers = tuple(layers)
        try:
            model = build_model(layers, input_shape=input_shape, num_classes=num_classes,
                                seed=seed)
            predictor = build_model(layers, input_shape=input_shape, num_classes=num_classes,
                                    seed=seed)
        except MemoryError:
            self._notices.error(self.tr("Network"), self.tr(
                "Not enough memory for this network: use fewer or smaller layers."))
            return False
        except DenseStudioError as error:
            self._notices.error(self.tr("Network"), str(error))
            return False
        self.model, self.predictor = model, predictor
        self.layers = layers
        self.dataset_name = dataset_name
        self.input_shape, self.num_classes = tuple(input_shape), int(num_classes)
        self._forget_training()
        self.sync()
        return True

    def adopt(self, loaded) -> None:
        """Take over a model read from a file (``files.model_file.LoadedModel``)."""
        config = loaded.config
        self.model = loaded.model
        self.predictor = build_model(config.layers, input_shape=loaded.input_shape,
                                     num_classes=loaded.num_classes, seed=config.seed)
        self.layers = tuple(config.layers)
        self.dataset_name = loaded.dataset_name
        self.input_shape, self.num_classes = tuple(loaded.input_shape), loaded.num_classes
        metrics = loaded.metrics or {}
        epochs = metrics.get("epochs_trained")
        self.epochs_trained = float(epochs) if isinstance(epochs, (int, float)) \
            else float(config.epochs)
        self.metrics = {k: v for k, v in metrics.items()
                        if k in ("loss", "accuracy", "val_loss", "val_accuracy")}
        self.config = config
        self.sync()
        self._set_trained(True)

    def reset_weights(self, seed: int) -> None:
        self.model.reset_weights(seed)
        self._forget_training()
        self.sync()

    def sync(self, weights=None) -> None:
        """Give the predictor a copy of ``weights`` (default: the model's own)."""
        weights = weights if weights is not None else self.model.get_weights()
        self.predictor.set_weights([np.array(w, copy=True) for w in weights])
        self.predictorChanged.emit(self.predictor)

    def epoch_done(self, weights, epochs_trained: float, metrics: dict) -> None:
        self.sync(weights)
        self.epochs_trained = epochs_trained
        self.metrics = dict(metrics)
        self._set_trained(True)

    def run_ended(self, weights, epochs_trained: float, trained: bool) -> None:
        self.sync(weights)
        self.epochs_trained = epochs_trained
        if trained:
            self._set_trained(True)

    def saved_metrics(self) -> dict:
        """The metrics a model file records: the last epoch's and the epochs trained."""
        return {**self.metrics, "epochs_trained": round(self.epochs_trained, 4)}

    def _forget_training(self) -> None:
        self.epochs_trained = 0.0
        self.metrics = {}
        self.config = None
        self._set_trained(False)

    def _set_trained(self, trained: bool) -> None:
        self.trained = trained
        self.trainedChanged.emit(trained)
