"""The Dense engine: a small, fast, numpy-only re-implementation of the parts of Keras
that Dense Studio teaches (Dense/Flatten/Dropout, Sequential, SGD/Adam/RMSprop, sparse
categorical cross-entropy). No Qt, no data loading: arrays in, arrays and events out.
"""

from __future__ import annotations

from dense_studio.engine import activations, initializers, losses, optimizers
from dense_studio.engine.events import (
    BatchEnd,
    EpochEnd,
    TrainingControl,
    TrainingDiverged,
    TrainingEnd,
)
from dense_studio.engine.layers import Dense, Dropout, Flatten, Layer
from dense_studio.engine.model import Sequential
from dense_studio.engine.optimizers import SGD, Adam, CosineDecay, Optimizer, RMSprop
from dense_studio.engine.parameters import ParameterStore
from dense_studio.engine.presets import PRESETS, build_model
from dense_studio.engine.spec import (
    ACTIVATIONS,
    MAX_SEED,
    MAX_UNITS,
    OPTIMIZERS,
    DenseSpec,
    DropoutSpec,
    LayerSpec,
    TrainingConfig,
    format_layers,
    parse_layers,
)

__all__ = [
    "ACTIVATIONS", "MAX_SEED", "MAX_UNITS", "OPTIMIZERS", "PRESETS", "SGD", "Adam", "BatchEnd",
    "CosineDecay", "Dense", "DenseSpec", "Dropout", "DropoutSpec", "EpochEnd", "Flatten",
    "Layer", "LayerSpec", "Optimizer", "ParameterStore", "RMSprop", "Sequential", "TrainingConfig",
    "TrainingControl", "TrainingDiverged", "TrainingEnd", "activations", "build_model",
    "format_layers", "initializers", "losses", "optimizers", "parse_layers",
]
