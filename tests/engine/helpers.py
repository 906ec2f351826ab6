"""Small data for engine tests: synthetic blobs, and a raw IDX reader for real images.

Engine tests do not import dense_studio.data (the engine must stand on its own); the
reader below only knows the IDX format (gzip, 16-byte image header, 8-byte label header).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA_DIRS = [ROOT / "resources" / "datasets", ROOT.parent / "shared" / "datasets"]


def dataset_dir(name: str) -> Path | None:
    for base in DATA_DIRS:
        folder = base / name
        if (folder / "train-images-idx3-ubyte.gz").exists():
            return folder
    return None


def load_idx(name: str, split: str = "train", limit: int | None = None):
    """``(x float32 (N, 28, 28) in [0, 1], y int64)``; skips the test if the files are absent."""
    folder = dataset_dir(name)
    if folder is None:
        pytest.skip(f"{name} IDX files not found")
    prefix = "train" if split == "train" else "t10k"
    with gzip.open(folder / f"{prefix}-images-idx3-ubyte.gz") as f:
        header = f.read(16)
        count = int.from_bytes(header[4:8], "big") if limit is None else limit
        images = np.frombuffer(f.read(count * 784), np.uint8).reshape(count, 28, 28)
    with gzip.open(folder / f"{prefix}-labels-idx1-ubyte.gz") as f:
        f.read(8)
        labels = np.frombuffer(f.read(count), np.uint8).astype(np.int64)
    return images.astype(np.float32) / 255.0, labels


def blobs(n: int = 300, features: int = 6, classes: int = 3, seed: int = 0, spread: float = 0.6):
    """Separable Gaussian blobs: ``(x float32 (n, features), y int64)``."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 2.0, size=(classes, features))
    y = rng.integers(0, classes, size=n)
    x = centers[y] + rng.normal(0, spread, size=(n, features))
    return x.astype(np.float32), y.astype(np.int64)
