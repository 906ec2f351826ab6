"""``keras.optimizers.schedules``: the engine's ``CosineDecay`` (Keras's formula)."""

from __future__ import annotations

from dense_studio.engine.optimizers import CosineDecay as _CosineDecay
from dense_studio.engine.optimizers import LearningRateSchedule
from dense_studio.keras._unsupported import module_getattr, refuse_unsupported


class CosineDecay(_CosineDecay):
    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        refuse_unsupported("CosineDecay", warmup_target=(warmup_target, None),
                           warmup_steps=(warmup_steps, 0))
        super().__init__(initial_learning_rate, decay_steps, alpha)


__all__ = ["CosineDecay", "LearningRateSchedule"]
__getattr__ = module_getattr("keras.optimizers.schedules", __all__)
