"""``keras.metrics``: accuracy for integer labels, the one metric Dense Studio trains with.

``compile(metrics=[...])`` takes ``"accuracy"``, ``"acc"``, ``"sparse_categorical_accuracy"``
or a ``SparseCategoricalAccuracy()``; the name given is the key in the logs and the
``History``, as in Keras.
"""

from __future__ import annotations

import numpy as np

from dense_studio.engine.losses import accuracy
from dense_studio.errors import ConfigError
from dense_studio.keras._unsupported import module_getattr, not_available

ACCURACY_NAMES = ("accuracy", "acc", "sparse_categorical_accuracy")


class SparseCategoricalAccuracy:
    """Share of samples whose highest output is the label."""

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        self.name = name

    def __call__(self, y_true, y_pred) -> float:
        return sparse_categorical_accuracy(y_true, y_pred)


def sparse_categorical_accuracy(y_true, y_pred) -> float:
    return accuracy(np.asarray(y_true), np.asarray(y_pred))


def metric_names(metrics) -> tuple[str, ...]:
    """The log keys of ``compile(metrics=...)``, checked."""
    if metrics is None:
        return ()
    if isinstance(metrics, (str, SparseCategoricalAccuracy)) or not isinstance(metrics, (list, tuple)):
        raise ConfigError(
            f"Expected `metrics` argument to be a list, tuple, or dict. Received instead: metrics={metrics!r}"
        )
    names = []
    for metric in metrics:
        if isinstance(metric, SparseCategoricalAccuracy):
            names.append(metric.name)
        elif metric is sparse_categorical_accuracy:
            names.append("sparse_categorical_accuracy")
        elif isinstance(metric, str) and metric in ACCURACY_NAMES:
            names.append(metric)
        else:
            shown = metric if isinstance(metric, str) else getattr(metric, "__name__", type(metric).__name__)
            raise not_available(f"the metric {shown!r}", "metrics=['accuracy'] is what it measures")
    return tuple(names)


__all__ = ["SparseCategoricalAccuracy", "sparse_categorical_accuracy"]
__getattr__ = module_getattr("keras.metrics", __all__, "measures accuracy only")
