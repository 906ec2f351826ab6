"""``keras.losses``: sparse categorical cross-entropy, the loss Dense Studio trains with.

``from_logits=False`` (Keras's default) goes with a last ``Dense(..., activation="softmax")``;
``from_logits=True`` with a last Dense without activation. The engine fuses the softmax with
the loss in both cases; the other two combinations, which Keras runs but which train a
model wrongly, are refused when the model is compiled and built.
"""

from __future__ import annotations

import numpy as np

from dense_studio.engine.losses import sparse_categorical_crossentropy as _per_sample
from dense_studio.errors import ConfigError
from dense_studio.keras._unsupported import module_getattr, not_available, refuse_unsupported

NAME = "sparse_categorical_crossentropy"


class SparseCategoricalCrossentropy:
    """Mean of ``-log p[label]`` over the samples."""

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 axis=-1, name=NAME, dtype=None):
        refuse_unsupported("SparseCategoricalCrossentropy", ignore_class=(ignore_class, None),
                           reduction=(reduction, "sum_over_batch_size"), axis=(axis, -1))
        if not isinstance(from_logits, bool):
            raise ConfigError(f"from_logits must be True or False, not {from_logits!r}")
        self.from_logits = from_logits
        self.name = name

    def __call__(self, y_true, y_pred, sample_weight=None) -> float:
        refuse_unsupported("SparseCategoricalCrossentropy()", sample_weight=(sample_weight, None))
        return float(np.mean(sparse_categorical_crossentropy(y_true, y_pred, self.from_logits)))

    def get_config(self) -> dict:
        return {"name": self.name, "from_logits": self.from_logits}

    def __repr__(self) -> str:
        return f"SparseCategoricalCrossentropy(from_logits={self.from_logits})"


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Per-sample losses, as Keras's function."""
    refuse_unsupported("sparse_categorical_crossentropy", ignore_class=(ignore_class, None),
                       axis=(axis, -1))
    return _per_sample(y_true, y_pred, from_logits=from_logits)


def get(identifier) -> SparseCategoricalCrossentropy:
    """The loss of ``compile(loss=...)``: its name, the function or an instance."""
    if isinstance(identifier, SparseCategoricalCrossentropy):
        return identifier
    if identifier in (NAME, "SparseCategoricalCrossentropy") or identifier is sparse_categorical_crossentropy:
        return SparseCategoricalCrossentropy()
    if isinstance(identifier, str) or callable(identifier):
        shown = identifier if isinstance(identifier, str) else getattr(identifier, "__name__", identifier)
        raise not_available(f"the loss {shown!r}", f"it trains with loss={NAME!r}")
    raise ConfigError(f"Could not interpret loss identifier: {identifier!r}")


__all__ = ["SparseCategoricalCrossentropy", "sparse_categorical_crossentropy", "get"]
__getattr__ = module_getattr("keras.losses", __all__, "trains with sparse categorical cross-entropy")
