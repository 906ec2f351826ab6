"""Fixtures for the data tests: writing small IDX files and isolating the dataset cache."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest


def idx_bytes(array: np.ndarray, *, dtype_code: int = 0x08, dims: tuple[int, ...] | None = None) -> bytes:
    """IDX encoding of ``array`` (uint8); ``dims`` overrides the declared shape (to lie)."""
    shape = array.shape if dims is None else dims
    header = struct.pack(">BBBB", 0, 0, dtype_code, len(shape)) + struct.pack(f">{len(shape)}I", *shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


@pytest.fixture
def write_idx(tmp_path: Path):
    """``write_idx(name, array, gz=True, **idx_bytes_options) -> Path`` in a temporary folder."""

    def write(name: str, array: np.ndarray, *, gz: bool = True, **options) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = idx_bytes(array, **options)
        path.write_bytes(gzip.compress(data, mtime=0) if gz else data)
        return path

    return write


@pytest.fixture
def encode_idx():
    """The IDX encoder itself, for tests that build files byte by byte."""
    return idx_bytes


@pytest.fixture
def isolated_cache(monkeypatch):
    """A private dataset cache, so mock or fake datasets never leak into other tests."""
    from dense_studio.data import datasets

    monkeypatch.setattr(datasets, "_cache", {})
    monkeypatch.setattr(datasets, "_loading", {})
    return datasets
