"""``Sequential([model, layers.Softmax()])``: the tf.keras tutorial's ``probability_model``.

The tutorial trains a model whose last Dense layer gives logits, then stacks it with a
``Softmax`` layer to predict probabilities. Here the stack runs its parts one after the
other and shares the trained model's weights (they stay the inner model's); it is for
``predict`` and calls, as in the tutorial: training, evaluating and saving name the inner
model instead.
"""

from __future__ import annotations

import numpy as np

from dense_studio.errors import ConfigError
from dense_studio.keras import _arguments
from dense_studio.keras._unsupported import NotAvailableError
from dense_studio.keras.layers import Softmax
from dense_studio.keras.models import Sequential
from dense_studio.keras.progbar import Progbar


class StackedModel(Sequential):
    """A ``Sequential`` of trained models and ``Softmax`` layers."""

    def __init__(self, layers=None, trainable=True, name=None):
        super().__init__(None, trainable, name)
        self._parts = []
        for part in layers:
            if not isinstance(part, (Sequential, Softmax)):
                raise NotAvailableError(
                    f"mixing layers ({type(part).__name__}) with models or Softmax in one "
                    "Sequential is not available in Dense Studio; list a model's layers instead")
            self._parts.append(part)

    @property
    def layers(self) -> list:
        return list(self._parts)

    @property
    def built(self) -> bool:
        return all(part.built for part in self._parts)

    @property
    def input_shape(self):
        return next((p.input_shape for p in self._parts if isinstance(p, Sequential)), None)

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None) -> np.ndarray:
        verbose = _arguments.verbose(verbose)
        x = _arguments.input_array(x, "predict")
        batches = -(-len(x) // _arguments.batch_size(batch_size))
        progbar = Progbar(batches, verbose=verbose)
        out = self(x)
        if verbose:
            progbar.update(batches, finalize=True)
        return out

    def __call__(self, inputs, training=False) -> np.ndarray:
        out = _arguments.input_array(inputs, "the model")
        for part in self._parts:
            out = part(out, training=training)
        return out

    def count_params(self) -> int:
        return sum(part.count_params() for part in self._parts)

    def get_weights(self) -> list:
        return [w for part in self._parts if isinstance(part, Sequential) for w in part.get_weights()]

    def set_weights(self, weights) -> None:
        weights = list(weights)
        for part in self._parts:
            if isinstance(part, Sequential):
                count = len(part.get_weights())
                part.set_weights(weights[:count])
                weights = weights[count:]
        if weights:
            raise ConfigError(f"{len(weights)} weight arrays more than the model holds")

    def _for_predictions_only(self, method: str):
        raise NotAvailableError(
            f"{method}() of a Sequential that holds a model is not available in Dense Studio; "
            "it is for predictions: call the inner model's instead")

    def compile(self, *args, **kwargs):
        self._for_predictions_only("compile")

    def fit(self, *args, **kwargs):
        self._for_predictions_only("fit")

    def evaluate(self, *args, **kwargs):
        self._for_predictions_only("evaluate")

    def summary(self, *args, **kwargs):
        self._for_predictions_only("summary")

    def save(self, *args, **kwargs):
        self._for_predictions_only("save")
