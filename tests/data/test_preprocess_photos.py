"""Shop-style photos of Fashion-MNIST test garments score nearly as well as the clean images.

A smaller run of ``benchmarks/bench_photos.py`` (same photo maker, same path as
``dense-studio predict``): 300 seeded photos of real test garments, dark on uneven white,
JPEG, 200–1200 px. Before Fashion-MNIST's recipe was followed for photos (negate against
the paper, keep faint garments faint, sharpen) they scored about 0.93 of clean.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from dense_studio.data import load_dataset, preprocess, read_image

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_photos.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_photos", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_garment_photos_score_at_least_97_percent_of_clean(bench, tmp_path):
    dataset = load_dataset("fashion_mnist")
    model = bench.train_reference(dataset, epochs=1)
    indices = bench.pick_test_images(dataset, 300, seed=1)
    x_clean, y = dataset.x_test[indices], dataset.y_test[indices]
    paths = bench.write_photos(x_clean, tmp_path, seed=1)
    photos = np.stack([preprocess(read_image(path), "garment") for path in paths])
    clean = bench.accuracy(model, x_clean, y)
    assert clean > 0.8
    assert bench.accuracy(model, photos, y) >= 0.97 * clean
