"""Further 28×28 grayscale datasets (``tfds:kmnist``, ``tfds:emnist/letters``, ...) via tensorflow-datasets.

Why lazily imported: tensorflow-datasets and TensorFlow take seconds to import and are only
needed when someone asks for a ``tfds:`` name; the bundled sets and ``dense-studio --help``
never pay for them. Why so many checks before downloading: only 28×28×1 images fit the
Flatten(28, 28) input of every model here, so other datasets are refused from their metadata,
before any download. Every failure (no TensorFlow, unknown name, no network) becomes a one-line
:class:`DatasetError`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys

import numpy as np

from dense_studio.data.catalog import TFDS_PREFIX, Dataset, style_for
from dense_studio.errors import DatasetError, one_line

INSTALL_COMMAND = 'pip install "dense-studio[tensorflow]"'

#: More images than this would not fit comfortably in memory as float32 (e.g. emnist/byclass
#: has 814 255 images = 2.6 GB); the bundled sets have 70 000.
MAX_IMAGES = 300_000

_BATCH = 8192

_LETTERS = tuple(chr(code) for code in range(ord("A"), ord("Z") + 1))


def load_tfds(name: str) -> Dataset:
    """Load the train and test splits of a tensorflow-datasets image set as float32 in [0, 1]."""
    if not name or name != name.strip():
        raise DatasetError(f"invalid tensorflow-datasets name {name!r}")
    tfds = _import_tfds(name)
    builder = _builder(tfds, name)
    image_key, label_key = _check_features(builder.info, name)

    try:
        with _quiet_and_quick_download():
            builder.download_and_prepare()
    except Exception as error:  # network, disk, missing helper package: all are one line
        raise DatasetError(
            f"tfds:{name}: could not download or prepare it ({_connection_hint(error)}); "
            "an internet connection is needed the first time"
        ) from None
    _check_size(builder.info, name)
    try:
        train, test = tfds.load(name, split=["train", "test"], as_supervised=True, download=False)
    except Exception as error:
        raise DatasetError(f"tfds:{name}: could not read its train and test splits ({one_line(error)})") from None

    label_feature = builder.info.features[label_key]
    num_classes = int(label_feature.num_classes)
    x_train, y_train = _to_arrays(tfds, train, name, "train", num_classes)
    x_test, y_test = _to_arrays(tfds, test, name, "test", num_classes)
    return Dataset(
        name=f"tfds:{name}",
        title=f"{name} (tensorflow-datasets)",
        class_names=class_names_for(name, tuple(label_feature.names)),
        style=style_for(TFDS_PREFIX + name),
        x_train=x_train,
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
    )


def class_names_for(name: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """The label names from the dataset's metadata, with readable letters for EMNIST letters.

    tensorflow-datasets declares ``emnist/letters`` with 37 anonymous classes "0".."36"; the
    letters A-Z are labels 1-26 (upper and lower case merged), the others never occur.
    """
    base = name.split(":")[0].lower()
    if base == "emnist/letters" and names == tuple(str(i) for i in range(len(names))):
        return tuple(
            _LETTERS[i - 1] if 1 <= i <= 26 else f"unused {i}" for i in range(len(names))
        )
    return names


def _import_tfds(name: str):
    # TensorFlow first: tensorflow-datasets itself imports without it but cannot load then.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's C++ chatter quiet
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        raise DatasetError(
            f"tfds:{name} needs TensorFlow, which is not installed; install it with: {INSTALL_COMMAND}"
        ) from None
    except Exception as error:  # a broken install: say so, in one line
        raise DatasetError(
            f"TensorFlow is installed but cannot be imported ({one_line(error)}); "
            f"reinstall it with: {INSTALL_COMMAND}"
        ) from None
    try:
        import tensorflow_datasets as tfds
    except ImportError:
        raise DatasetError(
            f"tfds:{name} needs tensorflow-datasets, which is not installed; "
            f"install it with: {INSTALL_COMMAND}"
        ) from None
    return tfds


@contextlib.contextmanager
def _quiet_and_quick_download():
    """While tensorflow-datasets downloads: its chatter goes to stderr (stdout may carry the
    CLI's JSON lines), and offline it gives up in a second instead of retrying for minutes."""
    try:
        from tensorflow_datasets.core.download import downloader
    except ImportError:  # a layout we do not know: keep its own retry policy
        downloader = None
    retries = getattr(downloader, "MAX_RETRIES", None)
    if isinstance(retries, int):
        downloader.MAX_RETRIES = min(retries, 2)
    # One "Retrying..." warning per file and attempt, some from download threads that finish
    # after we return: silenced for the rest of the process.
    logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        if isinstance(retries, int):
            downloader.MAX_RETRIES = retries


def _connection_hint(error: BaseException) -> str:
    """A short cause: offline is the usual one, and urllib3's own message is very long."""
    text = one_line(error)
    if "NameResolutionError" in text or "Failed to resolve" in text:
        return "cannot reach the download server: no internet connection?"
    return text


def _builder(tfds, name: str):
    try:
        return tfds.builder(name)
    except tfds.core.registered.DatasetNotFoundError:
        raise DatasetError(f"unknown tensorflow-datasets dataset '{name}'") from None
    except Exception as error:
        raise DatasetError(f"tfds:{name}: {one_line(error)}") from None


def _check_features(info, name: str) -> tuple[str, str]:
    keys = info.supervised_keys
    if not keys or len(keys) != 2 or not all(isinstance(key, str) for key in keys):
        raise DatasetError(f"tfds:{name} has no (image, label) pairs; Dense Studio needs a labelled image set")
    image_key, label_key = keys
    image = info.features[image_key]
    label = info.features[label_key]
    shape = tuple(getattr(image, "shape", ()) or ())
    dtype = np.dtype(getattr(image, "np_dtype", None) or "O")
    if shape != (28, 28, 1) or dtype != np.uint8:
        raise DatasetError(
            f"tfds:{name} has images of shape {shape} ({dtype}); "
            "Dense Studio needs 28×28 grayscale images (28, 28, 1) of uint8"
        )
    if not hasattr(label, "num_classes") or not getattr(label, "names", None):
        raise DatasetError(f"tfds:{name} has no class labels")
    return image_key, label_key


def _check_size(info, name: str) -> None:
    total = sum(split.num_examples for split in info.splits.values()) if info.splits else 0
    if total > MAX_IMAGES:
        raise DatasetError(
            f"tfds:{name} has {total:,} images, more than Dense Studio keeps in memory ({MAX_IMAGES:,})"
        )


def _to_arrays(tfds, split, name: str, split_name: str, num_classes: int):
    images: list[np.ndarray] = []
    labels: list[np.ndarray] = []
    count = 0
    try:
        for batch_images, batch_labels in tfds.as_numpy(split.batch(_BATCH)):
            count += len(batch_images)
            if count > MAX_IMAGES:
                raise DatasetError(
                    f"tfds:{name} has more than {MAX_IMAGES:,} images in its {split_name} split"
                )
            images.append(np.asarray(batch_images, dtype=np.uint8).reshape(-1, 28, 28))
            labels.append(np.asarray(batch_labels, dtype=np.int64).reshape(-1))
    except DatasetError:
        raise
    except Exception as error:
        raise DatasetError(f"tfds:{name}: could not read its {split_name} split ({one_line(error)})") from None
    if not images:
        raise DatasetError(f"tfds:{name}: its {split_name} split is empty")
    pixels = np.concatenate(images)
    del images
    x = np.empty(pixels.shape, dtype=np.float32)
    np.divide(pixels, np.float32(255), out=x, dtype=np.float32)
    y = np.concatenate(labels)
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise DatasetError(
            f"tfds:{name}: {split_name} label {int(y.max() if y.max() >= num_classes else y.min())} "
            f"is outside 0-{num_classes - 1}"
        )
    return x, y
