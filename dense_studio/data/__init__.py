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
from dense_studio.data.preprocess import STYLES, preprocess, read_image

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
