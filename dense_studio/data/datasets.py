"""``load_dataset(name)``: one entry point for the bundled sets and ``tfds:`` sets, cached per process.

Why a cache with a lock: the window, the command line and the tests ask for the same dataset
many times; Fashion-MNIST costs ~0.5 s and ~220 MB, so it is loaded once per process, and two
threads asking at once must not load it twice (that would double the memory). The arrays in
the cache are made read-only so that no caller can change them for everyone else.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from dense_studio.data import bundled
from dense_studio.errors import DatasetError

#: The datasets shipped with Dense Studio: name -> title.
DATASETS: dict[str, str] = {name: info.title for name, info in bundled.BUNDLED.items()}

TFDS_PREFIX = "tfds:"
STYLES = ("garment", "digit")


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


_cache: dict[str, Dataset] = {}
_loading: dict[str, threading.Lock] = {}
_lock = threading.Lock()


def load_dataset(name: str) -> Dataset:
    """Load ``"fashion_mnist"``, ``"mnist"`` or ``"tfds:NAME"``; the same object on later calls.

    Raises :class:`DatasetError` (one line, naming the file when a file is at fault).
    """
    key = normalize_name(name)
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            return cached
        key_lock = _loading.setdefault(key, threading.Lock())
    # One loader per name: a second caller waits here, then finds the cached copy; loads of
    # different names do not wait for each other.
    with key_lock:
        with _lock:
            cached = _cache.get(key)
        if cached is None:
            cached = _load(key)
            with _lock:
                _cache[key] = cached
        return cached


def style_for(name: str) -> str:
    """The preprocessing style ("garment" or "digit") of a dataset, without loading it.

    For model files and the command line, which know the dataset's name only.
    """
    key = normalize_name(name)
    if key.startswith(TFDS_PREFIX):
        from dense_studio.data.tfds_source import style_for as tfds_style  # light: no TensorFlow

        return tfds_style(key[len(TFDS_PREFIX) :])
    return bundled.BUNDLED[key].style


def clear_cache() -> None:
    """Forget loaded datasets (tests; or to give the memory back)."""
    with _lock:
        _cache.clear()


def normalize_name(name: str) -> str:
    """``"Fashion-MNIST"`` and ``"fashion_mnist"`` name the same set; ``tfds:`` names pass as is."""
    if not isinstance(name, str):
        raise DatasetError(f"dataset name must be text, not {type(name).__name__}")
    text = name.strip()
    if text.lower().startswith(TFDS_PREFIX):
        rest = text[len(TFDS_PREFIX) :].strip()
        if not rest:
            raise DatasetError("missing dataset name after 'tfds:' (for example tfds:kmnist)")
        return TFDS_PREFIX + rest
    key = text.lower().replace("-", "_")
    if key not in bundled.BUNDLED:
        choices = ", ".join(DATASETS)
        raise DatasetError(f"unknown dataset '{name}': choose {choices} or tfds:NAME")
    return key


def _load(key: str) -> Dataset:
    if key.startswith(TFDS_PREFIX):
        from dense_studio.data.tfds_source import load_tfds  # imports TensorFlow: only on demand

        return _frozen(load_tfds(key[len(TFDS_PREFIX) :]))
    return _frozen(load_bundled(key))


def load_bundled(key: str, root=None, verify: bool = True) -> Dataset:
    """Read a shipped dataset from ``root`` (default: the installed resources), uncached.

    ``verify`` checks each file against ``SHA256SUMS`` while it streams (about 20 ms in all).
    """
    info = bundled.BUNDLED[key]
    root = bundled.datasets_root() if root is None else root
    sums = bundled.read_checksums(root) if verify else None
    x_train, y_train = bundled.load_split(root, key, "train", sums)
    x_test, y_test = bundled.load_split(root, key, "test", sums)
    return Dataset(key, info.title, info.class_names, info.style, x_train, y_train, x_test, y_test)


def _frozen(dataset: Dataset) -> Dataset:
    for array in (dataset.x_train, dataset.y_train, dataset.x_test, dataset.y_test):
        array.setflags(write=False)
    return dataset
