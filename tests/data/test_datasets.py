"""The bundled Fashion-MNIST and MNIST: published facts, caching, and damaged copies."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from dense_studio.data import DATASETS, Dataset, load_dataset
from dense_studio.data import bundled
from dense_studio.data.datasets import load_bundled
from dense_studio.errors import DatasetError

FASHION_NAMES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)


def test_fashion_mnist_matches_published_facts():
    ds = load_dataset("fashion_mnist")
    assert (ds.name, ds.title, ds.style) == ("fashion_mnist", "Fashion-MNIST", "garment")
    assert ds.class_names == FASHION_NAMES and ds.num_classes == 10
    assert ds.input_shape == (28, 28)
    assert ds.x_train.shape == (60000, 28, 28) and ds.x_test.shape == (10000, 28, 28)
    assert ds.x_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    assert ds.y_train.shape == (60000,) and ds.y_test.shape == (10000,)
    assert ds.x_train.min() == 0.0 and ds.x_train.max() == 1.0
    assert ds.x_train.mean(dtype=np.float64) * 255 == pytest.approx(72.94, abs=0.005)
    assert ds.x_test.mean(dtype=np.float64) * 255 == pytest.approx(73.15, abs=0.005)
    assert ds.y_train[0] == 9
    assert np.array_equal(np.bincount(ds.y_train), np.full(10, 6000))


def test_mnist_matches_published_facts():
    ds = load_dataset("mnist")
    assert (ds.name, ds.title, ds.style) == ("mnist", "MNIST", "digit")
    assert ds.class_names == tuple("0123456789")
    assert ds.x_train.mean(dtype=np.float64) == pytest.approx(0.1307, abs=0.00005)
    assert ds.x_train.mean(dtype=np.float64) * 255 == pytest.approx(33.32, abs=0.005)
    assert ds.y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert ds.x_test.shape == (10000, 28, 28) and ds.y_test.max() == 9


def test_cached_and_read_only():
    first = load_dataset("mnist")
    assert load_dataset(" MNIST ") is first
    with pytest.raises(ValueError):
        first.x_train[0, 0, 0] = 1.0
    assert "mnist" in repr(first) and len(repr(first)) < 200


def test_names():
    assert DATASETS == {"fashion_mnist": "Fashion-MNIST", "mnist": "MNIST"}
    assert load_dataset("Fashion-MNIST") is load_dataset("fashion_mnist")
    for bad in ("cifar10", "", "tfds:"):
        with pytest.raises(DatasetError) as caught:
            load_dataset(bad)
        assert "\n" not in str(caught.value)


def test_style_for_names_without_loading():
    from dense_studio.data import style_for

    assert style_for("fashion_mnist") == "garment" and style_for("MNIST") == "digit"
    assert style_for("tfds:kmnist") == "digit" and style_for("tfds:fashion_mnist") == "garment"
    with pytest.raises(DatasetError):
        style_for("nope")


def test_data_package_imports_no_tensorflow():
    """`dense-studio --help`, predict and the window stay fast: TensorFlow only for tfds: loads."""
    code = (
        "import sys, dense_studio.data as d; d.style_for('tfds:kmnist'); "
        "print(sorted(m for m in ('tensorflow', 'tensorflow_datasets', 'PySide6') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_bundled_files_are_found_and_listed():
    root = bundled.datasets_root()
    sums = bundled.read_checksums(root)
    assert len(sums) == 8
    for relative in sums:
        assert root.joinpath(*relative.split("/")).is_file(), relative
    licence = root.joinpath("README.md").read_text(encoding="utf-8")
    assert "Zalando SE" in licence and "CC BY-SA 3.0" in licence and "Permission is hereby granted" in licence


def test_two_threads_load_once(isolated_cache, monkeypatch):
    calls = []

    def slow_load(key):
        calls.append(key)
        time.sleep(0.1)
        return Dataset(key, key, ("a",), "digit", *(np.zeros(1),) * 4)

    monkeypatch.setattr(isolated_cache, "_load", slow_load)
    results = []
    threads = [threading.Thread(target=lambda: results.append(load_dataset("mnist"))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == ["mnist"]
    assert len(results) == 3 and all(result is results[0] for result in results)


def test_failed_load_is_not_cached(isolated_cache, monkeypatch):
    def failing(key):
        raise DatasetError("broken")

    monkeypatch.setattr(isolated_cache, "_load", failing)
    with pytest.raises(DatasetError):
        load_dataset("mnist")
    assert isolated_cache._cache == {}


# --- damaged copies (small synthetic datasets in the bundled layout) -------------------------


@pytest.fixture
def small_copy(tmp_path, write_idx):
    """A tiny 'mnist' folder with a SHA256SUMS, in the layout of the bundled one."""
    rng = np.random.default_rng(1)
    counts = {"train": 12, "t10k": 5}
    for prefix, count in counts.items():
        write_idx(f"mnist/{prefix}-images-idx3-ubyte.gz", rng.integers(0, 256, (count, 28, 28), dtype=np.uint8))
        write_idx(f"mnist/{prefix}-labels-idx1-ubyte.gz", rng.integers(0, 10, count, dtype=np.uint8))
    write_sums(tmp_path)
    return tmp_path


def write_sums(root):
    lines = [
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(root).as_posix()}"
        for path in sorted(root.glob("mnist/*.gz"))
    ]
    (root / "SHA256SUMS").write_text("\n".join(lines) + "\n")


def error_for(root, verify=True) -> str:
    with pytest.raises(DatasetError) as caught:
        load_bundled("mnist", root=root, verify=verify)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_small_copy_loads(small_copy):
    ds = load_bundled("mnist", root=small_copy)
    assert ds.x_train.shape == (12, 28, 28) and ds.x_test.shape == (5, 28, 28)
    assert ds.y_train.dtype == np.int64


def test_damaged_bundled_file_is_named(small_copy):
    target = small_copy / "mnist" / "train-labels-idx1-ubyte.gz"
    data = target.read_bytes()
    target.write_bytes(data[:-6])
    message = error_for(small_copy)
    assert str(target) in message and "truncated" in message


def test_replaced_file_fails_its_checksum(small_copy, write_idx):
    target = write_idx("mnist/t10k-labels-idx1-ubyte.gz", np.array([1, 2, 3, 4, 5], np.uint8))
    message = error_for(small_copy)
    assert str(target) in message and "SHA-256" in message


def test_label_out_of_range(small_copy, write_idx):
    target = write_idx("mnist/train-labels-idx1-ubyte.gz", np.array([1] * 11 + [12], np.uint8))
    write_sums(small_copy)
    message = error_for(small_copy)
    assert str(target) in message and "12" in message and "0-9" in message


def test_images_and_labels_disagree(small_copy, write_idx):
    target = write_idx("mnist/t10k-images-idx3-ubyte.gz", np.zeros((4, 28, 28), np.uint8))
    write_sums(small_copy)
    message = error_for(small_copy)
    assert str(target) in message and "4 images" in message and "5 labels" in message


def test_missing_checksums_file(small_copy):
    (small_copy / "SHA256SUMS").unlink()
    assert "SHA256SUMS" in error_for(small_copy)
    assert load_bundled("mnist", root=small_copy, verify=False).x_test.shape == (5, 28, 28)
