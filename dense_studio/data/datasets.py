"""``load_dataset(name)``: one entry point for the bundled sets and ``tfds:`` sets, cached per process.

Why a cache with a lock: the window, the command line and the tests ask for the same dataset
many times; Fashion-MNIST costs ~0.5 s and ~220 MB, so it is loaded once per process, and two
threads asking at once must not load it twice (that would double the memory). The arrays in
the cache are made read-only so that no caller can change them for everyone else.
"""

from __future__ import annotations

import threading

from dense_studio.data import bundled
from dense_studio.data.catalog import FOLDER_PREFIX, TFDS_PREFIX, Dataset, normalize_dataset_name

_cache: dict[str, Dataset] = {}
_loading: dict[str, threading.Lock] = {}
_lock = threading.Lock()


def load_dataset(name: str) -> Dataset:
    """Load ``"fashion_mnist"``, ``"mnist"`` or ``"tfds:NAME"``; the same object on later calls.

    Raises :class:`DatasetError` (one line, naming the file when a file is at fault).
    """
    key = normalize_dataset_name(name)
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


def clear_cache() -> None:
    """Forget loaded datasets (tests; or to give the memory back)."""
    with _lock:
        _cache.clear()


def _load(key: str) -> Dataset:
    if key.startswith(TFDS_PREFIX):
        from dense_studio.data.tfds_source import load_tfds  # imports TensorFlow: only on demand

        return _frozen(load_tfds(key[len(TFDS_PREFIX) :]))
    if key.startswith(FOLDER_PREFIX):
        from dense_studio.data.folder import load_folder  # reads images: Pillow on demand

        return _frozen(load_folder(key))
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
