"""Plain descriptions of a network and a training run, shared by the CLI, the window and files.

A *layer spec* names one hidden layer (``DenseSpec`` or ``DropoutSpec``); the input
``Flatten`` and the output ``Dense(classes, softmax)`` are always added around them, as in
the reference tf.keras model. ``TrainingConfig`` holds everything needed to repeat a run.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Union

from dense_studio.engine import activations as _activations
from dense_studio.engine import optimizers as _optimizers
from dense_studio.engine.early_stopping import MONITORS, EarlyStoppingRule
from dense_studio.errors import ConfigError

# The names come from the engine's registries, which own them.
ACTIVATIONS = _activations.NAMES
OPTIMIZERS = _optimizers.NAMES
# "constant": the learning rate as given (Keras's default); "cosine": Keras's CosineDecay
# from the given rate down to 0 over the run's steps.
LR_SCHEDULES = ("constant", "cosine")
MAX_UNITS = 4096
MAX_EPOCHS = 1000
MAX_BATCH_SIZE = 65536
# Seeds are whole numbers from 0 to MAX_SEED (numpy accepts any; this is the config's range).
MAX_SEED = 2**32 - 1


@dataclass(frozen=True)
class DenseSpec:
    """A hidden ``Dense(units, activation)`` layer."""

    units: int
    activation: str = "relu"

    def __post_init__(self) -> None:
        if isinstance(self.units, bool) or not isinstance(self.units, int):
            raise ConfigError(f"units must be a whole number, not {self.units!r}")
        if not 1 <= self.units <= MAX_UNITS:
            raise ConfigError(f"units must be between 1 and {MAX_UNITS}, not {self.units}")
        if self.activation not in ACTIVATIONS:
            raise ConfigError(
                f"unknown activation {self.activation!r} (choose from {', '.join(ACTIVATIONS)})"
            )

    def __str__(self) -> str:
        return f"{self.units}:{self.activation}"


@dataclass(frozen=True)
class DropoutSpec:
    """A ``Dropout(rate)`` layer: drops that fraction of its inputs while training."""

    rate: float

    def __post_init__(self) -> None:
        if isinstance(self.rate, bool) or not isinstance(self.rate, (int, float)):
            raise ConfigError(f"dropout rate must be a number, not {self.rate!r}")
        if not (math.isfinite(self.rate) and 0.0 <= self.rate < 1.0):
            raise ConfigError(f"dropout rate must be at least 0 and below 1, not {self.rate}")
        object.__setattr__(self, "rate", float(self.rate))

    def __str__(self) -> str:
        return f"dropout:{self.rate:g}"


LayerSpec = Union[DenseSpec, DropoutSpec]


def parse_layers(text: str) -> tuple[LayerSpec, ...]:
    """Parse ``"128:relu,dropout:0.2,64:tanh"`` into layer specs.

    ``"128"`` alone means ``128:relu``; an empty string means no hidden layer.
    """
    layers: list[LayerSpec] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            if text.strip():
                raise ConfigError(f"empty layer in --layers {text!r}")
            continue
        name, _, value = item.partition(":")
        name, value = name.strip().lower(), value.strip()
        if name == "dropout":
            try:
                rate = float(value)
            except ValueError:
                raise ConfigError(f"dropout needs a rate, as in dropout:0.2, not {item!r}") from None
            layers.append(DropoutSpec(rate))
            continue
        try:
            units = int(name)
        except ValueError:
            raise ConfigError(
                f"layer {item!r} should look like 128:relu or dropout:0.2"
            ) from None
        layers.append(DenseSpec(units, value.lower() or "relu"))
    return tuple(layers)


def format_layers(layers: tuple[LayerSpec, ...] | list[LayerSpec]) -> str:
    """The inverse of :func:`parse_layers`."""
    return ",".join(str(layer) for layer in layers)


def layer_to_dict(layer: LayerSpec) -> dict:
    if isinstance(layer, DenseSpec):
        return {"type": "dense", "units": layer.units, "activation": layer.activation}
    return {"type": "dropout", "rate": layer.rate}


def layer_from_dict(data: object) -> LayerSpec:
    if not isinstance(data, dict):
        raise ConfigError("a layer must be an object")
    kind = data.get("type")
    if kind == "dense" and set(data) == {"type", "units", "activation"}:
        return DenseSpec(data["units"], data["activation"])
    if kind == "dropout" and set(data) == {"type", "rate"}:
        return DropoutSpec(data["rate"])
    raise ConfigError(f"unknown layer description {data!r}"[:200])


@dataclass(frozen=True)
class TrainingConfig:
    """Everything needed to repeat a training run."""

    dataset: str = "fashion_mnist"
    layers: tuple[LayerSpec, ...] = field(default=(DenseSpec(128, "relu"),))
    optimizer: str = "adam"
    learning_rate: float = 1e-3
    batch_size: int = 32
    epochs: int = 5
    validation_split: float = 0.0
    seed: int = 0
    # "cosine" (the reference preset) decays learning_rate to 0 over the run; "constant" is
    # tf.keras's plain behaviour. Added after the first settings files: a file without the
    # key was trained with a constant rate, so from_dict reads it as "constant".
    lr_schedule: str = "cosine"
    # Early stopping (Keras's EarlyStopping): None is off. Otherwise stop after that many
    # epochs in a row in which `monitor` did not improve by more than min_delta; with
    # restore_best_weights the model ends with the best epoch's weights. Added later: a
    # file without these keys was trained without early stopping (the defaults mean that).
    early_stopping_patience: int | None = None
    monitor: str = "val_loss"
    min_delta: float = 0.0
    restore_best_weights: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", tuple(self.layers))
        for layer in self.layers:
            if not isinstance(layer, (DenseSpec, DropoutSpec)):
                raise ConfigError(f"not a layer spec: {layer!r}")
        if not isinstance(self.dataset, str) or not self.dataset:
            raise ConfigError("dataset must be a name such as fashion_mnist")
        if self.optimizer not in OPTIMIZERS:
            raise ConfigError(
                f"unknown optimizer {self.optimizer!r} (choose from {', '.join(OPTIMIZERS)})"
            )
        _check_number("learning rate", self.learning_rate, low=0.0, high=10.0, low_open=True)
        _check_int("batch size", self.batch_size, 1, MAX_BATCH_SIZE)
        _check_int("epochs", self.epochs, 1, MAX_EPOCHS)
        _check_number("validation split", self.validation_split, low=0.0, high=0.9)
        _check_int("seed", self.seed, 0, MAX_SEED)
        if self.lr_schedule not in LR_SCHEDULES:
            raise ConfigError(
                f"unknown learning-rate schedule {self.lr_schedule!r} "
                f"(choose from {', '.join(LR_SCHEDULES)})"
            )
        object.__setattr__(self, "learning_rate", float(self.learning_rate))
        object.__setattr__(self, "validation_split", float(self.validation_split))
        self._check_early_stopping()

    def _check_early_stopping(self) -> None:
        if self.monitor not in MONITORS:
            raise ConfigError(
                f"unknown monitor {self.monitor!r} (choose from {', '.join(MONITORS)})")
        _check_number("min_delta", self.min_delta, low=0.0, high=1e6)
        object.__setattr__(self, "min_delta", float(self.min_delta))
        if not isinstance(self.restore_best_weights, bool):
            raise ConfigError(
                f"restore_best_weights must be true or false, not {self.restore_best_weights!r}")
        if self.early_stopping_patience is None:
            return
        _check_int("early-stopping patience", self.early_stopping_patience, 0, MAX_EPOCHS)
        if self.validation_split == 0:
            raise ConfigError(
                f"early stopping monitors {self.monitor}: it needs a validation split")

    def early_stopping_rule(self) -> EarlyStoppingRule | None:
        """A fresh rule for one run (None when early stopping is off)."""
        if self.early_stopping_patience is None:
            return None
        return EarlyStoppingRule(self.early_stopping_patience, self.monitor, self.min_delta,
                                 self.restore_best_weights)

    def replace(self, **changes) -> "TrainingConfig":
        return replace(self, **changes)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["layers"] = [layer_to_dict(layer) for layer in self.layers]
        return data

    @classmethod
    def from_dict(cls, data: object) -> "TrainingConfig":
        """Build from untrusted JSON data; unknown or missing keys are errors (keys added
        later, in ``_LEGACY_VALUES``, may be missing: they take their pre-existing meaning)."""
        if not isinstance(data, dict):
            raise ConfigError("training settings must be an object")
        names = {f.name for f in fields(cls)}
        if not names - _OPTIONAL_KEYS <= set(data) <= names:
            extra, missing = set(data) - names, names - _OPTIONAL_KEYS - set(data)
            raise ConfigError(
                f"training settings: unexpected {sorted(extra)} missing {sorted(missing)}"
            )
        layers = data["layers"]
        if not isinstance(layers, list):
            raise ConfigError("layers must be a list")
        data = {**_LEGACY_VALUES, **data}
        return cls(**{**data, "layers": tuple(layer_from_dict(item) for item in layers)})


# Keys added later, with the value that a file written before them implies.
_LEGACY_VALUES = {"lr_schedule": "constant", "early_stopping_patience": None,
                  "monitor": "val_loss", "min_delta": 0.0, "restore_best_weights": True}
_OPTIONAL_KEYS = frozenset(_LEGACY_VALUES)


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name} must be a whole number, not {value!r}")
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, not {value}")


def _check_number(
    name: str, value: object, low: float, high: float, low_open: bool = False
) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"{name} must be a number, not {value!r}")
    too_low = value <= low if low_open else value < low
    if too_low or value > high:
        bound = "above" if low_open else "at least"
        raise ConfigError(f"{name} must be {bound} {low:g} and at most {high:g}, not {value:g}")
