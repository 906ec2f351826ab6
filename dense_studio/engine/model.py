"""``Sequential``: a stack of layers with Keras's methods (build, compile, summary, predict,
evaluate, fit) plus ``train``, the event generator the window and the command line use.

The model's weights live in a ``ParameterStore`` (``model.parameters``): flat buffers of
which each layer's ``kernel`` and ``bias`` are views (see ``parameters.py`` for why). The
layers always point at the current buffer, so reading ``layer.kernel`` between training
events shows the weights as they are. Every computation runs the layers' own ``forward``
and ``backward`` through a ``BatchPlan`` (``plan.py``).
"""

from __future__ import annotations

import math
from typing import Iterator, Optional, Sequence

import numpy as np

from dense_studio.engine import losses as _losses
from dense_studio.engine import optimizers as _optimizers
from dense_studio.engine.describe import format_bytes
from dense_studio.engine.early_stopping import EarlyStoppingRule
from dense_studio.engine.events import Event, TrainingControl, TrainingDiverged, TrainingEnd
from dense_studio.engine.layers import Dense, Dropout, Flatten, Layer
from dense_studio.engine.parameters import ParameterStore, all_finite
from dense_studio.engine.plan import BatchPlan, chunks, evaluate_arrays
from dense_studio.engine.spec import LR_SCHEDULES, MAX_SEED
from dense_studio.engine.training import run_training
from dense_studio.errors import ConfigError

LOSS = _losses.NAME


class _RunSchedule(_optimizers.LearningRateSchedule):
    """A schedule counted from the first step of one ``train()`` run."""

    def __init__(self, schedule: _optimizers.LearningRateSchedule, offset: int) -> None:
        self.schedule, self.offset = schedule, offset

    def __call__(self, step: int) -> float:
        return self.schedule(step - self.offset)

    def get_config(self) -> dict:
        return self.schedule.get_config()


class Sequential:
    """A linear stack of layers, as ``keras.Sequential``.

    >>> model = Sequential([Flatten(input_shape=(28, 28)), Dense(128, "relu"),
    ...                     Dense(10, "softmax")])
    >>> model.build(seed=0); model.compile("adam")
    >>> model.count_params()
    101770
    """

    def __init__(self, layers: Optional[Sequence[Layer]] = None, name: str = "sequential",
                 dtype="float32") -> None:
        self.name = name
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise ConfigError(f"dtype must be float32 or float64, not {dtype!r}")
        self.layers: list[Layer] = []
        self.optimizer: Optional[_optimizers.Optimizer] = None
        self.lr_schedule = "constant"
        self.config = None  # TrainingConfig, when built from one
        self.built = False
        self.input_shape: Optional[tuple] = None
        self.parameters: Optional[ParameterStore] = None
        for layer in layers or ():
            self.add(layer)

    # -- structure ----------------------------------------------------------------------
    def add(self, layer: Layer) -> None:
        if not isinstance(layer, Layer):
            raise ConfigError(f"not a layer: {layer!r}")
        if self.built:
            raise ConfigError("cannot add layers to a built model; make a new one")
        taken = {existing.name for existing in self.layers}
        if layer.name is None:
            stem, number = layer.base_name, 0
            layer.name = stem
            while layer.name in taken:
                number += 1
                layer.name = f"{stem}_{number}"
        elif layer.name in taken:
            raise ConfigError(f"two layers are named {layer.name!r}")
        self.layers.append(layer)

    @staticmethod
    def is_dense(layer: Layer) -> bool:
        return isinstance(layer, Dense)

    def build(self, input_shape: Optional[Sequence[int]] = None, seed: Optional[int] = 0,
              initialize: bool = True) -> None:
        """Fix every shape and create the weights (initialized from ``seed``).

        ``input_shape`` excludes the batch dimension; it may come from the first layer
        (``Flatten(input_shape=...)``) instead. ``initialize=False`` leaves the weights at
        zero, for a model whose weights are about to be read in (no initial values made).
        """
        if input_shape is None:
            first = self.layers[0] if self.layers else None
            input_shape = getattr(first, "declared_input_shape", None)
            if input_shape is None:
                raise ConfigError("the model needs an input shape, e.g. Flatten(input_shape=(28, 28))")
        input_shape = tuple(int(d) for d in input_shape)
        if not any(self.is_dense(layer) for layer in self.layers):
            raise ConfigError("the model needs at least one Dense layer")
        if not self.is_dense(self.layers[-1]):
            raise ConfigError("the last layer must be a Dense layer")
        shape = input_shape
        for layer in self.layers:
            layer.input_shape = shape
            layer.output_shape = shape = layer.compute_output_shape(shape)
        self.input_shape = input_shape
        self.parameters = ParameterStore(self.layers, self.dtype)
        if initialize:
            self._initialize(seed)
        for layer in self.layers:
            layer.built = True
        self.built = True

    def _initialize(self, seed: Optional[int]) -> None:
        rng = np.random.default_rng(seed)
        for layer in self.layers:
            layer.initialize(rng, self.dtype)  # writes into the store's views

    def _require_built(self) -> None:
        if not self.built:
            raise ConfigError("the model is not built yet; call build() first")

    @property
    def input_size(self) -> int:
        return math.prod(self.input_shape)

    @property
    def output_units(self) -> int:
        return self.layers[-1].units

    # -- compile ------------------------------------------------------------------------
    def compile(self, optimizer="adam", learning_rate=None, loss: str = LOSS,
                lr_schedule: str = "constant") -> None:
        """Choose the optimizer (a name with Keras's defaults, or an ``Optimizer``).

        ``learning_rate`` None keeps the optimizer's Keras default (Adam and RMSprop
        0.001, SGD 0.01). The loss is always sparse categorical cross-entropy on the
        softmax output (or on the logits when the last layer is linear).
        ``lr_schedule="cosine"`` decays the learning rate to 0 along each ``train()`` run
        (Keras's ``CosineDecay`` with ``decay_steps`` = the run's steps).
        """
        if loss not in (LOSS, "SparseCategoricalCrossentropy"):
            raise ConfigError(f"only {LOSS} is supported as loss, not {loss!r}")
        if lr_schedule not in LR_SCHEDULES:
            raise ConfigError(
                f"unknown learning-rate schedule {lr_schedule!r} (choose from {', '.join(LR_SCHEDULES)})"
            )
        self._check_loss_fits()
        # The optimizer's state (Adam: two more copies of every weight) is allocated when
        # training starts, not here: a model opened only to predict never holds it.
        self.optimizer = _optimizers.get(optimizer, learning_rate)
        self.lr_schedule = lr_schedule

    def _check_loss_fits(self) -> None:
        """The loss is defined for a softmax (or linear: logits) output; refuse others in
        compile, evaluate and training alike rather than report a meaningless number."""
        last = self.layers[-1] if self.layers else None
        if self.is_dense(last):
            _losses.check_output_activation(last.activation.name)

    def _require_compiled(self) -> None:
        self._require_built()
        self._check_loss_fits()
        if self.optimizer is None:
            raise ConfigError("the model is not compiled yet; call compile() first")

    # -- description --------------------------------------------------------------------
    def count_params(self) -> int:
        self._require_built()
        return self.parameters.size

    def layer_rows(self) -> list[tuple[str, tuple, int]]:
        """``[("dense", (None, 128), 100480), ...]``: name, output shape and parameter
        count of each layer, the rows of ``summary()`` (which adds the type: "dense (Dense)")."""
        self._require_built()
        return [(layer.name, (None, *layer.output_shape), layer.count_params())
                for layer in self.layers]

    def summary(self, unicode: bool = False) -> str:
        """Keras 3's summary table. ASCII lines by default (safe in any console);
        ``unicode=True`` draws Keras's box characters."""
        rows = [(f"{name} ({type(layer).__name__})", str(shape), f"{params:,}")
                for layer, (name, shape, params) in zip(self.layers, self.layer_rows())]
        header = ("Layer (type)", "Output Shape", "Param #")
        widths = [max(31, *(len(r[0]) for r in rows)), max(22, *(len(r[1]) for r in rows)),
                  max(13, *(len(r[2]) for r in rows))]
        if unicode:
            v, top, mid, sep, bot = "│", "┏┳┓━", "┡╇┩━", "├┼┤─", "└┴┘─"
            hv = "┃"
        else:
            v, top, mid, sep, bot = "|", "+++-", "+++=", "+++-", "+++-"
            hv = "|"

        def rule(chars: str) -> str:
            left, cross, right, fill = chars
            return left + cross.join(fill * (w + 2) for w in widths) + right

        def line(cells, bar) -> str:
            a, b, c = cells
            return (f"{bar} {a:<{widths[0]}} {bar} {b:<{widths[1]}} {bar} {c:>{widths[2]}} {bar}")

        out = [f'Model: "{self.name}"', rule(top), line(header, hv), rule(mid)]
        for i, row in enumerate(rows):
            out.append(line(row, v))
            out.append(rule(sep if i < len(rows) - 1 else bot))
        total = self.count_params()
        size = total * self.dtype.itemsize
        out += [
            f" Total params: {total:,} ({format_bytes(size)})",
            f" Trainable params: {total:,} ({format_bytes(size)})",
            f" Non-trainable params: 0 ({format_bytes(0)})",
        ]
        return "\n".join(out)

    # -- data checks --------------------------------------------------------------------
    def _inputs(self, x, what: str = "x") -> np.ndarray:
        self._require_built()
        try:
            x = np.asarray(x)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{what} is not a numeric array") from exc
        if x.dtype.kind not in "fiub":
            raise ConfigError(f"{what} must be numbers, not {x.dtype}")
        shape = tuple(x.shape[1:])
        if x.ndim < 2 or (shape != self.input_shape and shape != (self.input_size,)):
            raise ConfigError(
                f"{what} must have shape (samples, {', '.join(map(str, self.input_shape))}) "
                f"or (samples, {self.input_size}), not {tuple(x.shape)}"
            )
        x = np.ascontiguousarray(x.reshape(len(x), self.input_size), dtype=self.dtype)
        if len(x) and not math.isfinite(float(np.add.reduce(x, axis=None))):
            if not np.isfinite(x).all():
                raise ConfigError(f"{what} contains NaN or infinite values")
        return x

    def _labels(self, y, count: int, what: str = "y") -> np.ndarray:
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1 or len(y) != count:
            raise ConfigError(f"{what} must hold one class index per sample ({count}), "
                              f"not shape {tuple(y.shape)}")
        if y.dtype.kind == "f":
            if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
                raise ConfigError(f"{what} must hold whole class indices")
        elif y.dtype.kind not in "iu":
            raise ConfigError(f"{what} must hold class indices, not {y.dtype}")
        y = y.astype(np.int64, copy=False)
        if count and (y.min() < 0 or y.max() >= self.output_units):
            raise ConfigError(
                f"{what} holds class {int(y.min()) if y.min() < 0 else int(y.max())} but the "
                f"model has {self.output_units} classes (0..{self.output_units - 1})"
            )
        return np.ascontiguousarray(y)

    # -- inference ----------------------------------------------------------------------
    def predict(self, x, batch_size: int = 1024) -> np.ndarray:
        """Outputs of the last layer (class probabilities for a softmax model)."""
        x = self._inputs(x)
        _check_batch_size(batch_size)
        out = np.empty((len(x), self.output_units), self.dtype)
        last = self.layers[-1]
        for start, stop, plan in chunks(self, x, None, batch_size):
            logits = plan.forward()  # the output layer's activation, applied straight into out
            last.activation.forward(logits, out[start:stop], np.empty_like(logits))
        return out

    def evaluate(self, x, y, batch_size: int = 1024) -> dict:
        """``{"loss": mean cross-entropy (+ L2 penalty), "accuracy": ...}``, as Keras.

        The loss is that of the outputs ``predict`` gives: the cross-entropy of the softmax
        probabilities, or of the logits for a linear output; other output activations are
        refused (ConfigError)."""
        self._require_built()
        self._check_loss_fits()
        _check_batch_size(batch_size)
        x = self._inputs(x)
        y = self._labels(y, len(x))
        if len(x) == 0:
            raise ConfigError("cannot evaluate on zero samples")
        return evaluate_arrays(self, x, y, batch_size)

    def regularization_loss(self) -> float:
        return sum(layer.regularization_loss() for layer in self.layers)

    def compute_gradients(self, x, y, training: bool = False, seed: int = 0):
        """``(loss, gradients)`` of the mean loss on ``(x, y)``, gradients in
        ``get_weights()`` order; with ``training`` the Dropout masks are drawn from
        ``seed`` (the same masks on every call with that seed). For tests and teaching."""
        self._require_built()
        self._check_loss_fits()
        x = self._inputs(x)
        y = self._labels(y, len(x))
        if len(x) == 0:
            raise ConfigError("cannot compute gradients on zero samples")
        self.parameters.allocate_training()
        plan = BatchPlan(self, len(x), backward=True,
                         rng=np.random.default_rng(seed) if training else None)
        plan.x[...] = x
        plan.y[...] = y
        loss_sum, _ = plan.loss.forward(plan.forward())
        plan.backward(plan.loss.backward(1.0 / len(x)), 1.0)
        grads = [np.array(view) for view in self.parameters.gradient_views()]
        return loss_sum / len(x) + self.regularization_loss(), grads

    # -- weights ------------------------------------------------------------------------
    def get_weights(self) -> list[np.ndarray]:
        """Copies, in Keras's order: kernel then bias for each Dense layer."""
        self._require_built()
        return [np.array(view) for _layer, _attr, view in self.parameters.weight_views()]

    def set_weights(self, weights: Sequence[np.ndarray]) -> None:
        """Load weights in ``get_weights()`` order; shapes and finiteness are checked
        before anything is changed."""
        self._require_built()
        targets = [(layer.name, attr, view) for layer, attr, view in self.parameters.weight_views()]
        weights = list(weights)
        if len(weights) != len(targets):
            raise ConfigError(f"the model has {len(targets)} weight arrays, got {len(weights)}")
        checked = []
        for (name, attr, view), value in zip(targets, weights):
            value = np.asarray(value)
            if value.shape != view.shape:
                raise ConfigError(
                    f"{name}.{attr} must have shape {view.shape}, not {tuple(value.shape)}"
                )
            if value.dtype.kind not in "fiu" or not all_finite(value):
                raise ConfigError(f"{name}.{attr} must be finite numbers")
            checked.append(value)
        for (_, _, view), value in zip(targets, checked):
            view[...] = value

    def reset_weights(self, seed: Optional[int] = 0) -> None:
        """Fresh initial weights from ``seed`` and a fresh optimizer state."""
        self._require_built()
        self._initialize(seed)
        if self.optimizer is not None:
            self.optimizer.reset()

    # -- training -----------------------------------------------------------------------
    def train(self, x, y, epochs: int = 1, batch_size: int = 32, validation_data=None,
              seed: int = 0, control: Optional[TrainingControl] = None, shuffle: bool = True,
              blas_threads: Optional[int] = None,
              early_stopping: Optional[EarlyStoppingRule] = None) -> Iterator[Event]:
        """Train, yielding ``BatchEnd`` after every batch, ``EpochEnd`` after every epoch
        and one ``TrainingEnd`` last (see ``events.py``). The data are checked before
        the first event, so a ConfigError is raised by the first ``next()``.

        The order of samples is reshuffled every epoch from ``seed``; the same seed, data
        and starting weights give the same run. ``control`` pauses, resumes or stops it
        from another thread. ``blas_threads`` limits BLAS's threads during the run.
        ``early_stopping`` (an ``EarlyStoppingRule``, used for one run) stops it when the
        monitored validation metric stops improving; it needs ``validation_data``.
        """
        self._require_compiled()
        _check_count("epochs", epochs)
        _check_batch_size(batch_size)
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) \
                or not 0 <= seed <= MAX_SEED:
            raise ConfigError(f"seed must be a whole number from 0 to {MAX_SEED}, not {seed!r}")
        x = self._inputs(x)
        y = self._labels(y, len(x))
        if len(x) == 0:
            raise ConfigError("cannot train on zero samples")
        if validation_data is not None:
            try:
                xv, yv = validation_data
            except (TypeError, ValueError):
                raise ConfigError("validation_data must be a pair (x, y)") from None
            xv = self._inputs(xv, "validation x")
            yv = self._labels(yv, len(xv), "validation y")
            validation_data = (xv, yv) if len(xv) else None
        if early_stopping is not None and validation_data is None:
            raise ConfigError(
                f"early stopping monitors {early_stopping.monitor}: it needs validation data "
                "(a validation split)")
        return self._train(x, y, int(epochs), int(batch_size), validation_data, int(seed),
                           control, shuffle, blas_threads, early_stopping)

    def _train(self, x, y, epochs, batch_size, validation_data, seed, control, shuffle,
               blas_threads, early_stopping):
        optimizer = self.optimizer
        base = optimizer.learning_rate
        if self.lr_schedule == "cosine" and not isinstance(base, _optimizers.LearningRateSchedule):
            steps = epochs * -(-len(x) // min(batch_size, len(x)))
            optimizer.learning_rate = _RunSchedule(
                _optimizers.CosineDecay(base, steps), optimizer.iterations)
        try:
            yield from run_training(self, x, y, epochs, batch_size, validation_data, seed,
                                    control, shuffle, blas_threads, early_stopping)
        finally:
            optimizer.learning_rate = base

    def fit(self, x, y, epochs: int = 1, batch_size: int = 32, validation_data=None,
            seed: int = 0, control: Optional[TrainingControl] = None, shuffle: bool = True,
            blas_threads: Optional[int] = None) -> dict:
        """Run ``train`` to the end and return its history, as Keras's ``fit``.

        Raises ``TrainingDiverged`` (with the weights restored) if the loss blew up.
        """
        end = None
        for event in self.train(x, y, epochs, batch_size, validation_data, seed, control,
                                shuffle, blas_threads):
            if isinstance(event, TrainingEnd):
                end = event
        if end.status == "diverged":
            raise TrainingDiverged(end.message)
        return end.history

    def __repr__(self) -> str:
        return f"<Sequential {self.name!r} layers={[layer.name for layer in self.layers]}>"


def _check_count(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {value!r}")


def _check_batch_size(value) -> None:
    _check_count("batch size", value)


__all__ = ["Sequential", "Dense", "Flatten", "Dropout"]
