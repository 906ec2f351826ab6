"""The training settings a person chooses, and the ``TrainingConfig`` they make.

``TrainingSettings`` is ``TrainingConfig`` without the layers and the dataset (those have
their own places in the session). Its defaults and its checks are the config's own, so
there is one rule for each setting (the seed's range included).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Optional, Sequence

from dense_studio.engine.spec import LayerSpec, TrainingConfig
from dense_studio.errors import ConfigError

__all__ = ["TrainingSettings", "SETTING_NAMES", "EARLY_STOPPING_NAMES"]

_DEFAULT = TrainingConfig()


@dataclass(frozen=True)
class TrainingSettings:
    """Optimizer, learning rate and its schedule, batch size, epochs, validation split, seed,
    and early stopping (Keras's ``EarlyStopping``: patience None is off; it needs a
    validation split, by the config's rule)."""

    optimizer: str = _DEFAULT.optimizer
    learning_rate: float = _DEFAULT.learning_rate
    lr_schedule: str = _DEFAULT.lr_schedule
    batch_size: int = _DEFAULT.batch_size
    epochs: int = _DEFAULT.epochs
    validation_split: float = _DEFAULT.validation_split
    seed: int = _DEFAULT.seed
    early_stopping_patience: Optional[int] = _DEFAULT.early_stopping_patience
    monitor: str = _DEFAULT.monitor
    min_delta: float = _DEFAULT.min_delta
    restore_best_weights: bool = _DEFAULT.restore_best_weights

    def __post_init__(self) -> None:
        checked = TrainingConfig(**asdict(self))  # the config's rules, and its float()s
        for name in SETTING_NAMES:
            object.__setattr__(self, name, getattr(checked, name))

    def config(self, layers: Sequence[LayerSpec], dataset: str) -> TrainingConfig:
        """The run's full configuration: these settings with ``layers`` on ``dataset``."""
        return TrainingConfig(dataset=dataset, layers=tuple(layers), **asdict(self))

    @classmethod
    def from_config(cls, config: TrainingConfig) -> "TrainingSettings":
        return cls(**{name: getattr(config, name) for name in SETTING_NAMES})

    def replace(self, **changes) -> "TrainingSettings":
        unknown = set(changes) - set(SETTING_NAMES)
        if unknown:
            raise ConfigError(f"unknown training setting {sorted(unknown)[0]!r}")
        return replace(self, **changes)

    def to_dict(self) -> dict:
        return asdict(self)


SETTING_NAMES = tuple(f.name for f in fields(TrainingSettings))
#: The early-stopping settings (the window shows them in a group of their own).
EARLY_STOPPING_NAMES = ("early_stopping_patience", "monitor", "min_delta", "restore_best_weights")
