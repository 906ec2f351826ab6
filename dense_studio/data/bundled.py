"""The Fashion-MNIST and MNIST copies shipped inside the package, and how to read them.

Why importlib.resources: the files live in ``resources/`` in the repository but are installed
as the package ``dense_studio.resources``; ``files()`` finds them in a regular install, an
editable install and a zip alike, so nothing here guesses paths relative to ``__file__``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from dense_studio.data.idx import Openable, read_idx
from dense_studio.errors import DatasetError

FASHION_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
DIGIT_CLASSES = tuple(str(digit) for digit in range(10))

IMAGE_SHAPE = (28, 28)


@dataclass(frozen=True)
class BundledInfo:
    """What we know about one shipped dataset before reading it."""

    name: str
    title: str
    class_names: tuple[str, ...]
    style: str


BUNDLED = {
    "fashion_mnist": BundledInfo("fashion_mnist", "Fashion-MNIST", FASHION_CLASSES, "garment"),
    "mnist": BundledInfo("mnist", "MNIST", DIGIT_CLASSES, "digit"),
}

SPLIT_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}


def datasets_root():
    """The folder (a Traversable) holding ``SHA256SUMS`` and one folder per dataset."""
    try:
        return resources.files("dense_studio.resources").joinpath("datasets")
    except ModuleNotFoundError:
        # ``dense_studio`` imported from a source checkout (e.g. ``python -m pytest`` puts the
        # checkout first on sys.path): there ``resources/`` sits beside the package instead
        # of inside it, because the mapping to dense_studio.resources happens at install.
        source = Path(__file__).resolve().parents[2] / "resources" / "datasets"
        if source.is_dir():
            return source
        raise DatasetError(
            "the bundled datasets are missing (package dense_studio.resources not found); "
            "reinstall dense-studio"
        ) from None


def read_checksums(root) -> dict[str, str]:
    """Parse ``SHA256SUMS`` (``<hex>  <relative path>`` per line, as sha256sum writes it)."""
    sums_file = root.joinpath("SHA256SUMS")
    try:
        text = sums_file.read_text(encoding="ascii")
    except FileNotFoundError:
        raise DatasetError(f"{sums_file}: file not found (the bundled data is incomplete)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise DatasetError(f"{sums_file}: cannot be read ({error})") from None
    sums: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split(maxsplit=1)
        if len(parts) != 2 or len(parts[0]) != 64:
            raise DatasetError(f"{sums_file}: line {number} is not '<sha256>  <file>'")
        sums[parts[1].lstrip("*").strip()] = parts[0].lower()
    return sums


def load_split(root, name: str, split: str, sums: dict[str, str] | None):
    """Read one split of a bundled dataset: (float32 images in [0, 1], int64 labels).

    With ``sums`` every file must match its SHA-256 line (hashing streams with the
    decompression and costs about 20 ms for the largest file).
    """
    images_file, labels_file = SPLIT_FILES[split]
    images_path = root.joinpath(name, images_file)
    labels_path = root.joinpath(name, labels_file)
    labels = read_idx(
        labels_path, expected_shape=(None,), sha256=_sum_for(sums, name, labels_file, labels_path)
    )
    images = read_idx(
        images_path,
        expected_shape=(None, *IMAGE_SHAPE),
        as_float=True,
        sha256=_sum_for(sums, name, images_file, images_path),
    )
    if len(images) != len(labels):
        raise DatasetError(
            f"{images_path}: holds {len(images):,} images but {labels_file} holds {len(labels):,} labels"
        )
    if labels.size and int(labels.max()) > 9:
        raise DatasetError(f"{labels_path}: label {int(labels.max())} is outside 0-9")
    return images, labels.astype(np.int64)


def _sum_for(sums: dict[str, str] | None, name: str, file: str, path: Openable) -> str | None:
    if sums is None:
        return None
    key = f"{name}/{file}"
    if key not in sums:
        raise DatasetError(f"{path}: no checksum listed for it in SHA256SUMS")
    return sums[key]
