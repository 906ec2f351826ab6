"""The ``tfds:`` path, on tensorflow-datasets' mock data (no network), and without TensorFlow."""

from __future__ import annotations

import builtins
import sys

import numpy as np
import pytest

from dense_studio.data import load_dataset
from dense_studio.errors import DatasetError

INSTALL = 'pip install "dense-studio[tensorflow]"'


def one_line_error(name: str) -> str:
    with pytest.raises(DatasetError) as caught:
        load_dataset(name)
    message = str(caught.value)
    assert "\n" not in message, message
    return message


def test_without_tensorflow_names_the_install_command(isolated_cache, monkeypatch):
    """The real import fails (as on a machine without TensorFlow), not a stubbed check."""
    monkeypatch.setitem(sys.modules, "tensorflow", None)  # `import tensorflow` -> ImportError
    assert INSTALL in one_line_error("tfds:kmnist")


def test_without_tensorflow_datasets(isolated_cache, monkeypatch):
    real_import = builtins.__import__

    def no_tfds(name, *args, **kwargs):
        if name == "tensorflow_datasets" or name == "tensorflow":
            raise ModuleNotFoundError(f"No module named '{name}'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tfds)
    assert INSTALL in one_line_error("tfds:mnist")


@pytest.fixture
def tfds():
    pytest.importorskip("tensorflow")
    return pytest.importorskip("tensorflow_datasets")


@pytest.mark.parametrize(
    ("name", "first_classes"), [("kmnist", ("o", "ki", "su")), ("mnist", ("0", "1", "2"))]
)
def test_mock_datasets_load_as_arrays(tfds, isolated_cache, name, first_classes):
    with tfds.testing.mock_data(num_examples=6):
        ds = load_dataset(f"tfds:{name}")
    assert ds.name == f"tfds:{name}" and ds.style == "digit"
    assert ds.class_names[:3] == first_classes and ds.num_classes == 10
    assert ds.x_train.shape == (6, 28, 28) and ds.x_test.shape == (6, 28, 28)
    assert ds.x_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    assert 0.0 <= ds.x_train.min() and ds.x_train.max() <= 1.0 and ds.x_train.max() > 0.5
    assert ds.y_train.min() >= 0 and ds.y_train.max() < 10
    assert load_dataset(f"tfds:{name}") is ds  # cached


def test_emnist_letters_get_letter_names(tfds, isolated_cache):
    with tfds.testing.mock_data(num_examples=4):
        ds = load_dataset("tfds:emnist/letters")
    assert ds.num_classes == 37
    assert ds.class_names[1] == "A" and ds.class_names[26] == "Z"
    assert ds.y_train.max() < 37


def test_fashion_through_tfds_is_garment(tfds, isolated_cache):
    with tfds.testing.mock_data(num_examples=3):
        ds = load_dataset("tfds:fashion_mnist")
    assert ds.style == "garment" and ds.class_names[0] == "T-shirt/top"


def test_colour_images_are_refused_before_download(tfds, isolated_cache, monkeypatch):
    def no_download(self, *args, **kwargs):
        raise AssertionError("must not download a dataset it will refuse")

    monkeypatch.setattr(tfds.core.DatasetBuilder, "download_and_prepare", no_download)
    message = one_line_error("tfds:cifar10")
    assert "28×28 grayscale" in message and "(32, 32, 3)" in message


def test_unknown_name(tfds, isolated_cache):
    assert "unknown tensorflow-datasets dataset 'no_such_set_xyz'" in one_line_error("tfds:no_such_set_xyz")


def test_download_failure_is_one_line(tfds, isolated_cache, monkeypatch):
    def offline(self, *args, **kwargs):
        raise ConnectionError("Failed to establish a new connection\n  (long traceback text)")

    monkeypatch.setattr(tfds.core.DatasetBuilder, "download_and_prepare", offline)
    message = one_line_error("tfds:kmnist")
    assert "could not download" in message and "Failed to establish" in message
    assert "traceback" not in message


def test_downloads_keep_stdout_clean_and_fail_fast_offline(capsys):
    """stdout may carry the CLI's JSON lines; offline, tfds must not retry for minutes."""
    from tensorflow_datasets.core.download import downloader

    from dense_studio.data.tfds_source import _connection_hint, _quiet_and_quick_download

    before = downloader.MAX_RETRIES
    with _quiet_and_quick_download():
        print("Downloading and preparing dataset...")
        assert downloader.MAX_RETRIES <= 2
    assert downloader.MAX_RETRIES == before
    out, err = capsys.readouterr()
    assert out == "" and "Downloading" in err
    offline = ConnectionError("HTTPConnectionPool(host='x'): Max retries (Caused by NameResolutionError(...))")
    assert "no internet connection" in _connection_hint(offline)
