"""Datasets and image preprocessing for Dense Studio (no Qt here).

``load_dataset`` gives the bundled Fashion-MNIST / MNIST or a ``tfds:`` set as float32 in
[0, 1]; ``read_image`` and ``preprocess`` turn files and canvas drawings into 28×28 inputs
laid out like the training data.
"""

from __future__ import annotations

from dense_studio.data.catalog import (
    DATASETS, Dataset, normalize_dataset_name, style_for,
)
from dense_studio.data.datasets import clear_cache, load_dataset

# Pillow loads only when an image is read: model and session files use this package's
# untrusted-file opener, and their readers (and dense_studio.keras) need no image library.
_PREPROCESS_NAMES = ("STYLES", "preprocess", "read_image")


def __getattr__(name: str):
    if name in _PREPROCESS_NAMES:
        import importlib

        module = importlib.import_module("dense_studio.data.preprocessing")
        globals().update({key: getattr(module, key) for key in _PREPROCESS_NAMES})
        return globals()[name]
    raise AttributeError(f"module 'dense_studio.data' has no attribute {name!r}")


__all__ = [
    "DATASETS",
    "Dataset",
    "STYLES",
    "clear_cache",
    "load_dataset",
    "normalize_dataset_name",
    "preprocess",
    "read_image",
    "style_for",
]
