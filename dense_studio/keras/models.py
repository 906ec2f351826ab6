"""``keras.Sequential`` on Dense Studio's engine, and ``keras.models.load_model``.

The model is Keras's on the outside -- built on first use or from ``Input``/``input_shape``,
``compile`` / ``fit`` / ``evaluate`` / ``predict`` with Keras 3's arguments, results and
progress line -- and the engine's ``Sequential`` inside (built when the input shape is
known). ``fit`` runs the engine's event generator ``train()`` and turns its events into
Keras's callbacks: ``BatchEnd`` → ``on_train_batch_end``, ``EpochEnd`` → ``on_epoch_end``;
``model.stop_training`` stops the engine through its ``TrainingControl``.
"""

from __future__ import annotations

import sys
import weakref

import numpy as np

from dense_studio.engine import TrainingControl
from dense_studio.engine import Sequential as _EngineSequential
from dense_studio.engine import layers as _engine_layers
from dense_studio.engine.run import TRAINING_BLAS_THREADS, batches_per_epoch, split_validation
from dense_studio.errors import ConfigError
from dense_studio.keras import _arguments, _names
from dense_studio.keras import layers as _layers
from dense_studio.keras import losses as _losses
from dense_studio.keras import metrics as _metrics
from dense_studio.keras import optimizers as _optimizers
from dense_studio.keras import saving
from dense_studio.keras._random import draw_seed
from dense_studio.keras._unsupported import (
    NotAvailableError, module_getattr, not_available, refuse_unsupported,
)
from dense_studio.keras._fit import drive_callbacks
from dense_studio.keras.callbacks import CallbackList
from dense_studio.keras.progbar import Progbar, can_encode

# The layers the engine trains; a subclass could change ``call`` and be silently ignored.
_TRAINABLE_TYPES = (_layers.Dense, _layers.Flatten, _layers.Dropout, _engine_layers.Dense,
                    _engine_layers.Flatten, _engine_layers.Dropout)

# A layer's weights live in its model's parameter buffer, so a layer belongs to one model.
_owners: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


class Sequential:
    """``keras.Sequential([...])``: a stack of Flatten, Dense and Dropout layers."""

    def __new__(cls, layers=None, trainable=True, name=None):
        if cls is Sequential and isinstance(layers, (list, tuple)) and any(
                isinstance(item, (Sequential, _layers.Softmax)) for item in layers):
            from dense_studio.keras._stacked import StackedModel

            cls = StackedModel  # the tutorial's Sequential([model, layers.Softmax()])
        return super().__new__(cls)

    def __init__(self, layers=None, trainable=True, name=None):
        refuse_unsupported("Sequential", trainable=(trainable, True))
        self.name = _names.unique("sequential") if name is None else name
        self._layers: list = []
        self._input_shape = None  # without the batch dimension
        self._engine = None
        self.optimizer = None
        self.loss = None
        self.metric_names: tuple = ()
        self.compiled = False
        self.stop_training = False
        self.history = None
        self._fit_settings: dict = {}
        self._file_dataset = None  # (dataset, class names) of the file it was loaded from
        if layers is not None:
            if not isinstance(layers, (list, tuple)):
                raise ConfigError(f"`layers` must be a list of layers, not {type(layers).__name__}")
            for layer in layers:
                self.add(layer, rebuild=False)
        self._maybe_build()

    # -- structure ------------------------------------------------------------------------
    def add(self, layer, rebuild=True) -> None:
        if isinstance(layer, _layers.InputLayer):
            if self._layers or self._input_shape is not None:
                raise ConfigError(f"Sequential model {self.name!r} already has an input; an "
                                  "Input can only be its first entry")
            self._input_shape = layer.shape_without_batch
        elif isinstance(layer, (Sequential, _layers.Softmax)):
            raise not_available(
                f"adding {type(layer).__name__} to a Sequential of layers",
                "a trained model and Softmax layers go together in Sequential([model, "
                "layers.Softmax()]), for predictions")
        elif type(layer) not in _TRAINABLE_TYPES:
            if isinstance(layer, _engine_layers.Layer):
                raise not_available(f"the custom layer {type(layer).__name__}",
                                    "models stack Flatten, Dense and Dropout")
            raise ConfigError("Only instances of `keras.Layer` can be added to a Sequential "
                              f"model. Received: {layer!r} (of type {type(layer).__name__})")
        else:
            owner = _owners.get(layer)
            if owner is not None and owner is not self:
                raise ConfigError(f"layer {layer.name!r} already belongs to model "
                                  f"{owner.name!r}; make a new layer for this model")
            if layer.name is not None and any(layer.name == other.name for other in self._layers):
                raise ConfigError("All layers added to a Sequential model should have unique "
                                  f"names. Name {layer.name!r} is already the name of a layer "
                                  "in this model.")
            declared = getattr(layer, "declared_input_shape", None)
            if not self._layers and self._input_shape is None and declared is not None:
                self._input_shape = declared
            _owners[layer] = self
            self._layers.append(layer)
        if rebuild:
            self._maybe_build()

    @property
    def layers(self) -> list:
        return list(self._layers)

    def get_layer(self, name=None, index=None):
        if index is not None:
            return self._layers[index]
        for layer in self._layers:
            if layer.name == name:
                return layer
        raise ConfigError(f"No such layer: {name}. Existing layers are: "
                          f"{[layer.name for layer in self._layers]}.")

    @property
    def built(self) -> bool:
        return self._engine is not None

    @property
    def input_shape(self):
        return None if self._input_shape is None else (None, *self._input_shape)

    @property
    def output_shape(self):
        return (None, *self._layers[-1].output_shape) if self.built else None

    @property
    def weights(self) -> list:
        return [w for layer in self._layers for w in layer.weights] if self.built else []

    def build(self, input_shape=None) -> None:
        """``build((None, 28, 28))``: the shape with its batch dimension, as Keras."""
        if input_shape is not None:
            shape = tuple(input_shape)
            if len(shape) < 2:
                raise ConfigError(f"build() takes the input shape with its batch dimension, "
                                  f"e.g. (None, 28, 28); received {input_shape!r}")
            self._input_shape = _layers.check_shape(shape[1:])
        if self._input_shape is None:
            raise ConfigError("You must provide an `input_shape` argument.")
        self._build(self._input_shape)

    def _maybe_build(self) -> None:
        dense = [layer for layer in self._layers if isinstance(layer, _engine_layers.Dense)]
        if self._input_shape is not None and dense and self._layers[-1] is dense[-1]:
            self._build(self._input_shape)

    def _build(self, shape) -> None:
        """(Re)build the engine model; layers already built keep their weights."""
        kept = {id(layer): layer.get_weights() for layer in self._layers
                if self._engine is not None and layer.built}
        engine = _EngineSequential(list(self._layers), name=self.name)
        engine.build(shape, seed=draw_seed())
        for layer in self._layers:
            old = kept.get(id(layer))
            if old and [w.shape for w in old] == [w.shape for w in layer.weights]:
                layer.set_weights(old)
        self._input_shape = tuple(shape)
        self._engine = engine
        if self.optimizer is not None:
            engine.compile(self.optimizer)

    def _build_for(self, x: np.ndarray) -> None:
        if self._engine is None:
            if x.ndim < 2:
                raise ConfigError(f"expected inputs with a batch dimension, received shape {x.shape}")
            self._build(self._input_shape or tuple(int(d) for d in x.shape[1:]))

    def _require_built(self, method: str) -> None:
        if not self.built:
            raise ConfigError(
                f"You tried to call `{method}` on model {self.name!r}, but it isn't built. "
                "Give it an input (keras.Input(shape=...) first, or input_shape=...), or "
                "call build(), fit() or predict() first.")

    # -- compile --------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True) -> None:
        """Keras 3's ``compile`` (its default optimizer is ``"rmsprop"``). ``run_eagerly``,
        ``steps_per_execution``, ``jit_compile`` and ``auto_scale_loss`` are speed settings
        of Keras's backends and change nothing here."""
        refuse_unsupported("compile", loss_weights=(loss_weights, None),
                           weighted_metrics=(weighted_metrics, None))
        self.optimizer = _optimizers.get(optimizer)
        self.loss = None if loss is None else _losses.get(loss)
        self.metric_names = _metrics.metric_names(metrics)
        self.compiled = True
        if self.built:
            self._check_loss_fits_output()
            self._engine.compile(self.optimizer)

    def _check_loss_fits_output(self) -> None:
        last = self._layers[-1]
        if self.loss is None or not isinstance(last, _engine_layers.Dense):
            return  # the engine says what is wrong when training starts
        activation = last.activation.name
        if self.loss.from_logits and activation != "linear":
            raise ConfigError(
                f"loss SparseCategoricalCrossentropy(from_logits=True) expects logits, but the "
                f"last layer has activation={activation!r}: remove it (Dense({last.units})) or "
                "use from_logits=False")
        if not self.loss.from_logits and activation != "softmax":
            raise ConfigError(
                f"loss sparse_categorical_crossentropy expects probabilities, but the last layer "
                f"has activation={activation!r}: use Dense({last.units}, activation='softmax') or "
                "SparseCategoricalCrossentropy(from_logits=True)")

    def _ready(self, x: np.ndarray, method: str) -> None:
        """Build from ``x`` if needed and check that the model can compute its loss."""
        self._build_for(x)
        if not self.compiled:
            raise ConfigError("You must call `compile()` before using the model.")
        if self.loss is None:
            raise ConfigError(f"No loss to compute in {method}(). Provide a `loss` argument in `compile()`.")
        self._check_loss_fits_output()

    # -- training -------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Train on ``(x, y)``; returns the ``History``. ``validation_split`` holds out the
        *last* part of the data before shuffling, as Keras 3 does."""
        refuse_unsupported(
            "fit", class_weight=(class_weight, None), sample_weight=(sample_weight, None),
            steps_per_epoch=(steps_per_epoch, None), validation_steps=(validation_steps, None),
            validation_batch_size=(validation_batch_size, None),
            validation_freq=(validation_freq, 1))
        if not isinstance(shuffle, bool):
            raise not_available(f"fit(shuffle={shuffle!r})", "shuffle is True or False")
        verbose = _arguments.verbose(verbose)
        x, y = _arguments.arrays(x, y, "fit")
        self._ready(x, "fit")
        batch_size = _arguments.batch_size(batch_size)
        epochs, initial_epoch = _arguments.whole("epochs", epochs), _arguments.whole("initial_epoch", initial_epoch)
        if validation_data is not None:
            validation = _arguments.validation_pair(validation_data)
        else:
            x, y, validation = split_validation(x, y, validation_split)
        steps = batches_per_epoch(len(x), batch_size)
        callbacks = CallbackList(callbacks, self, {"verbose": verbose, "epochs": epochs, "steps": steps})
        self._fit_settings = {"epochs": epochs, "batch_size": batch_size,
                              "validation_split": float(validation_split)}
        control = TrainingControl()
        run_epochs = epochs - initial_epoch
        events = () if run_epochs <= 0 else self._engine.train(
            x, y, epochs=run_epochs, batch_size=batch_size, validation_data=validation,
            seed=draw_seed(), control=control, shuffle=shuffle, blas_threads=TRAINING_BLAS_THREADS)
        self.stop_training = False
        callbacks.on_train_begin()
        drive_callbacks(self, events, callbacks, control, initial_epoch, epochs, validation)
        return callbacks.history

    def keras_logs(self, loss, accuracy, val_loss=None, val_accuracy=None) -> dict:
        """Keras's logs: the metrics and "loss" sorted by name, then the same with ``val_``."""
        def keyed(loss, accuracy):
            return dict(sorted({"loss": loss, **dict.fromkeys(self.metric_names, accuracy)}.items()))

        logs = keyed(loss, accuracy)
        if val_loss is not None:
            logs.update({f"val_{key}": value for key, value in keyed(val_loss, val_accuracy).items()})
        return logs

    def evaluate_arrays(self, x, y) -> dict:
        """The engine's ``{"loss", "accuracy"}`` on arrays, without any Keras output."""
        return self._engine.evaluate(x, y)

    # -- inference ------------------------------------------------------------------------
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False):
        """``[loss, *metrics]`` (the loss alone without metrics), or Keras's logs dict."""
        refuse_unsupported("evaluate", sample_weight=(sample_weight, None), steps=(steps, None))
        verbose = _arguments.verbose(verbose)
        x, y = _arguments.arrays(x, y, "evaluate")
        self._ready(x, "evaluate")
        batches = batches_per_epoch(len(x), _arguments.batch_size(batch_size))
        callbacks = CallbackList(callbacks, self, {"verbose": verbose, "epochs": 1, "steps": batches},
                                 add_defaults=False)
        callbacks.on_test_begin()
        progbar = Progbar(batches, verbose=verbose)
        result = self._engine.evaluate(x, y)
        logs = self.keras_logs(result["loss"], result["accuracy"])
        _show_done(progbar, batches, verbose, logs)
        callbacks.on_test_end(logs)
        if return_dict:
            return logs
        values = [logs["loss"], *(logs[name] for name in self.metric_names)]
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None) -> np.ndarray:
        """The outputs of the last layer: class probabilities for a softmax model."""
        refuse_unsupported("predict", steps=(steps, None))
        verbose = _arguments.verbose(verbose)
        x = _arguments.input_array(x, "predict")
        self._build_for(x)
        batches = batches_per_epoch(len(x), _arguments.batch_size(batch_size))
        callbacks = CallbackList(callbacks, self, {"verbose": verbose, "epochs": 1, "steps": batches},
                                 add_defaults=False)
        callbacks.on_predict_begin()
        progbar = Progbar(batches, verbose=verbose)
        out = self._engine.predict(x)
        _show_done(progbar, batches, verbose, {})
        callbacks.on_predict_end()
        return out

    def __call__(self, inputs, training=False) -> np.ndarray:
        """``model(x)``: the outputs for ``x`` (with dropout when ``training=True``)."""
        x = _arguments.input_array(inputs, "the model")
        self._build_for(x)
        if not training:
            return self._engine.predict(x)
        out = np.asarray(x, dtype=np.float32)
        for layer in self._layers:
            out = layer(out, training=True)
        return out

    # -- weights and description ----------------------------------------------------------
    def count_params(self) -> int:
        self._require_built("count_params")
        return self._engine.count_params()

    def get_weights(self) -> list:
        return self._engine.get_weights() if self.built else []

    def set_weights(self, weights) -> None:
        self._require_built("set_weights")
        self._engine.set_weights(weights)

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None) -> None:
        """Print Keras 3's table (``print_fn(text)`` instead of ``print`` if given)."""
        self._require_built("summary")
        text = self._engine.summary(unicode=can_encode(sys.stdout, "┏━┃"))
        (print_fn or print)(text)

    def save(self, filepath, overwrite=True, zipped=None, *, dataset=None) -> None:
        """Write a Dense Studio model file (``.dsmodel``), which the window opens; see
        ``keras.saving.save_model``."""
        saving.save_model(self, filepath, overwrite=overwrite, zipped=zipped, dataset=dataset)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        raise NotAvailableError(f"Sequential.{name} is not available in Dense Studio")

    def __repr__(self) -> str:
        return f"<Sequential name={self.name}, built={self.built}>"

    @classmethod
    def _from_engine(cls, engine: _EngineSequential) -> "Sequential":
        """Wrap a built engine model (as a model file gives it)."""
        model = cls(name=engine.name)
        for layer in engine.layers:
            model.add(layer, rebuild=False)
        model._input_shape, model._engine = tuple(engine.input_shape), engine
        return model


def _show_done(progbar: Progbar, batches: int, verbose: int, logs: dict) -> None:
    """evaluate/predict work in one engine call: show Keras's finished line."""
    if verbose:
        progbar.update(batches, list(logs.items()), finalize=True)


load_model = saving.load_model
save_model = saving.save_model


__all__ = ["Sequential", "load_model", "save_model"]
__getattr__ = module_getattr("keras.models", __all__, "builds Sequential models")
