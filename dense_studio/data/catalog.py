"""What datasets there are and what they are called, without loading any of them.

One dataset-name rule for everyone: the command line checks ``--dataset`` with it, model
files check the names they store with it, and ``load_dataset`` looks names up with it. So a
run never fails at the very end because its model file would refuse the name, and a name
written into an exported script is always from a safe alphabet.

This module imports only the bundled list (no numpy arrays are read, no TensorFlow), so
the loaders (``datasets`` and ``tfds_source``) both build on it without importing each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from dense_studio.data import bundled
from dense_studio.errors import DatasetError

#: The datasets shipped with Dense Studio: name -> title.
DATASETS: dict[str, str] = {name: info.title for name, info in bundled.BUNDLED.items()}

TFDS_PREFIX = "tfds:"
#: ``folder:PATH``: a folder of labelled images, one sub-folder per class (``folder.py``).
FOLDER_PREFIX = "folder:"
#: Longest dataset name (a stored name also lands in exported scripts and messages).
MAX_NAME_CHARS = 100
# tensorflow-datasets names such as "emnist/letters" or "mnist:3.0.1": no quotes, no spaces.
_TFDS_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./:\-]*")
# A folder's path may hold any printable text but quotes and backslashes (the name lands in
# exported scripts and docstrings); Windows' backslashes are written as slashes.
_FOLDER_PATH = re.compile(r"[^\"'\\]+")


@dataclass(frozen=True, eq=False, repr=False)
class Dataset:
    """Train and test images (float32 in [0, 1], shape (N, 28, 28)) with int64 labels."""

    name: str
    title: str
    class_names: tuple[str, ...]
    style: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    @property
    def input_shape(self) -> tuple[int, int]:
        return (int(self.x_train.shape[1]), int(self.x_train.shape[2]))

    def __repr__(self) -> str:
        return (
            f"Dataset({self.name!r}, train={len(self.x_train)}, test={len(self.x_test)}, "
            f"classes={self.num_classes}, style={self.style!r})"
        )


#: The dataset name of a model trained on other data (e.g. from a script with
#: dense_studio.keras): model files may record it; there is nothing to load for it.
CUSTOM_DATASET = "custom"


def normalize_dataset_name(name: object) -> str:
    """The canonical name of a dataset, or a one-line :class:`DatasetError`.

    ``"Fashion-MNIST"`` and ``"fashion_mnist"`` name the same bundled set; ``tfds:NAME``
    keeps its NAME as given, which must be from tensorflow-datasets' alphabet;
    ``folder:PATH`` keeps its PATH (with ``/`` for ``\\``), which must be one printable line.
    """
    if not isinstance(name, str):
        raise DatasetError(f"dataset name must be text, not {type(name).__name__}")
    text = name.strip()
    if text.lower().startswith(TFDS_PREFIX):
        rest = text[len(TFDS_PREFIX):].strip()
        if not rest:
            raise DatasetError("missing dataset name after 'tfds:' (for example tfds:kmnist)")
        if len(TFDS_PREFIX + rest) > MAX_NAME_CHARS or not _TFDS_NAME.fullmatch(rest):
            raise DatasetError(f"unknown dataset {_shown(name)}: not a tensorflow-datasets name")
        return TFDS_PREFIX + rest
    if text.lower().startswith(FOLDER_PREFIX):
        return _folder_name(text[len(FOLDER_PREFIX):].strip(), name)
    key = text.lower().replace("-", "_")
    if key not in bundled.BUNDLED:
        hint = f" (did you mean tfds:{text}?)" if _TFDS_NAME.fullmatch(text) else ""
        raise DatasetError(
            f"unknown dataset {_shown(name)}: choose {', '.join(DATASETS)}, tfds:NAME or "
            f"folder:PATH{hint}"
        )
    return key


def _folder_name(path: str, name: str) -> str:
    path = path.replace("\\", "/")
    if not path:
        raise DatasetError("missing folder after 'folder:' (for example folder:my_digits)")
    if len(FOLDER_PREFIX + path) > MAX_NAME_CHARS:
        raise DatasetError(f"folder path {_shown(path)} is too long for a dataset name "
                           f"(at most {MAX_NAME_CHARS - len(FOLDER_PREFIX)} characters)")
    if not path.isprintable() or not _FOLDER_PATH.fullmatch(path):
        raise DatasetError(f"unusable folder name {_shown(name)}: no quotes or control characters")
    return FOLDER_PREFIX + path


def style_for(name: str) -> str:
    """The preprocessing style ("garment" or "digit") of a dataset, from its name only.

    Garments are centred as Fashion-MNIST did; digits, letters and characters as MNIST did.
    A tensorflow-datasets set or an image folder is of garments when its name says fashion.
    """
    key = normalize_dataset_name(name)
    if key.startswith((TFDS_PREFIX, FOLDER_PREFIX)):
        return "garment" if "fashion" in key.lower() else "digit"
    return bundled.BUNDLED[key].style


def _shown(name: str) -> str:
    return repr(name if len(name) <= 40 else name[:40] + "...")


__all__ = ["CUSTOM_DATASET", "DATASETS", "Dataset", "FOLDER_PREFIX", "MAX_NAME_CHARS", "TFDS_PREFIX", "normalize_dataset_name",
           "style_for"]
