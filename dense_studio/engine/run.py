"""One run recipe: how a ``TrainingConfig`` and a training set become a training run.

The command line, the window (through the session) and the Keras export all put a run
together here, so they hold out the same validation samples, build the same model and
count the same batches. It works on plain arrays, so it knows nothing of the data package.

Validation follows Keras 3 (``keras.src.trainers.data_adapters.data_adapter_utils.
train_validation_split``): the *last* ``n - floor(n * (1 - f))`` samples, taken before any
shuffling. At 7 % of 60 000 that is 4 201 samples, because ``60000 * 0.93`` is
55 799.999… in floating point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator, Optional

import numpy as np

from dense_studio.engine.model import Sequential
from dense_studio.engine.presets import build_model
from dense_studio.engine.spec import TrainingConfig
from dense_studio.engine.events import Event, TrainingControl
from dense_studio.errors import ConfigError

# One BLAS thread: the small matmuls of training gain nothing from a second one on two
# cores, and a busy second core makes them stall (benchmarks/bench_engine.py).
TRAINING_BLAS_THREADS = 1


def validation_split_at(samples: int, fraction: float) -> int:
    """Index where the validation part starts: ``floor(samples * (1 - fraction))``.

    ``fraction`` 0 keeps every sample for training (the index is ``samples``). Otherwise
    both parts must hold at least one sample, or a ``ConfigError`` says why.
    """
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) \
            or not math.isfinite(fraction) or not 0.0 <= fraction < 1.0:
        raise ConfigError(f"validation split must be a number from 0 to below 1, not {fraction!r}")
    if fraction == 0:
        return samples
    split_at = int(math.floor(samples * (1.0 - fraction)))
    if split_at <= 0 or split_at >= samples:
        part = "training" if split_at <= 0 else "validation"
        raise ConfigError(
            f"validation split {fraction:g} of {samples:,} samples leaves no {part} samples"
        )
    return split_at


def split_validation(x: np.ndarray, y: np.ndarray, fraction: float):
    """``(x_train, y_train, validation)`` with ``validation`` ``(x_val, y_val)`` or None."""
    if len(x) != len(y):
        raise ConfigError(f"x has {len(x)} samples but y has {len(y)}")
    split_at = validation_split_at(len(x), fraction)
    if split_at == len(x):
        return x, y, None
    return x[:split_at], y[:split_at], (x[split_at:], y[split_at:])


def batches_per_epoch(samples: int, batch_size: int) -> int:
    """Batches in one epoch: the last one may be smaller (Keras's ``steps_per_epoch``)."""
    return -(-samples // min(batch_size, samples)) if samples else 0


@dataclass(frozen=True)
class Run:
    """A training run ready to go: the model (built and compiled from ``config``), the
    training part of the data and the held-out validation part."""

    config: TrainingConfig
    model: Sequential
    x_train: np.ndarray
    y_train: np.ndarray
    validation: Optional[tuple]

    @property
    def held_out(self) -> int:
        """How many samples validation holds out (0 without validation)."""
        return 0 if self.validation is None else len(self.validation[0])

    @property
    def batches_per_epoch(self) -> int:
        return batches_per_epoch(len(self.x_train), self.config.batch_size)

    @property
    def total_batches(self) -> int:
        return self.batches_per_epoch * self.config.epochs

    def train(self, control: Optional[TrainingControl] = None,
              blas_threads: Optional[int] = TRAINING_BLAS_THREADS) -> Iterator[Event]:
        """The engine's event generator for this run (see ``Sequential.train``)."""
        config = self.config
        return self.model.train(
            self.x_train, self.y_train, epochs=config.epochs, batch_size=config.batch_size,
            validation_data=self.validation, seed=config.seed, control=control,
            blas_threads=blas_threads, early_stopping=config.early_stopping_rule(),
        )


def prepare_run(config: TrainingConfig, x: np.ndarray, y: np.ndarray, *,
                num_classes: Optional[int] = None, model: Optional[Sequential] = None) -> Run:
    """Put a run together from ``config`` and the full training set ``(x, y)``.

    The model is built from the data's input shape (``x.shape[1:]``), ``config.layers``
    and ``num_classes`` (default: the largest label + 1, at least 2), with weights from
    ``config.seed``. An existing ``model`` (to train on from its current weights) is
    checked against the data and recompiled from ``config`` instead.
    """
    if not isinstance(config, TrainingConfig):
        raise ConfigError(f"not a training configuration: {config!r}")
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim < 2:
        raise ConfigError(f"x must have shape (samples, ...), not {tuple(x.shape)}")
    x_train, y_train, validation = split_validation(x, y, config.validation_split)
    input_shape = tuple(int(d) for d in x.shape[1:])
    if num_classes is None:
        num_classes = max(2, int(y.max()) + 1) if len(y) else 2
    if model is None:
        model = build_model(config.layers, input_shape=input_shape, num_classes=num_classes,
                            seed=config.seed, config=config)
    else:
        if model.input_size != math.prod(input_shape):
            raise ConfigError(
                f"the model takes {model.input_size} inputs but the data have "
                f"{math.prod(input_shape)} per sample"
            )
        if model.output_units != num_classes:
            raise ConfigError(
                f"the model has {model.output_units} outputs but the data have "
                f"{num_classes} classes"
            )
        model.compile(config.optimizer, config.learning_rate, lr_schedule=config.lr_schedule)
        model.config = config
    return Run(config, model, x_train, y_train, validation)


__all__ = ["Run", "TRAINING_BLAS_THREADS", "batches_per_epoch", "prepare_run",
           "split_validation", "validation_split_at"]
