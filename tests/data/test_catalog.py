"""One dataset-name rule: what ``--dataset`` accepts is what a model file may store."""

from __future__ import annotations

from argparse import Namespace

import pytest

from dense_studio.cli import _training_config
from dense_studio.data import normalize_dataset_name
from dense_studio.data.catalog import MAX_NAME_CHARS
from dense_studio.engine import build_model
from dense_studio.errors import DatasetError, ModelFileError
from dense_studio.files.model_file import load_model, save_model

GOOD = {"fashion_mnist": "fashion_mnist", " Fashion-MNIST ": "fashion_mnist", "MNIST": "mnist",
        "tfds:kmnist": "tfds:kmnist", "tfds:emnist/letters": "tfds:emnist/letters",
        "TFDS:mnist:3.0.1": "tfds:mnist:3.0.1", "tfds:" + "a" * (MAX_NAME_CHARS - 5): None}
BAD = ["", "cifar", "tfds:", "tfds:a'b", "tfds:a b", "tfds:-x", "tfds:" + "a" * MAX_NAME_CHARS,
       "tfds:\u00e9", 'tfds:x"+__import__("os")', 7, None]


def _args(dataset):
    return Namespace(preset=None, dataset=dataset, layers="", epochs=None, batch_size=None,
                     optimizer=None, learning_rate=None, validation_split=None, seed=None,
                     lr_schedule=None)


@pytest.mark.parametrize("name, canonical", GOOD.items())
def test_a_name_the_cli_accepts_is_saved_and_loaded_back(tmp_path, name, canonical):
    config = _training_config(_args(name))
    assert config.dataset == (canonical or name)
    model = build_model((), input_shape=(28, 28), num_classes=2, seed=0)
    path = save_model(model, tmp_path / "m.dsmodel", config, config.dataset, ["a", "b"])
    assert load_model(path).dataset_name == config.dataset


@pytest.mark.parametrize("name", BAD)
def test_a_name_the_cli_refuses_no_model_file_may_store(tmp_path, name):
    with pytest.raises(DatasetError) as caught:
        normalize_dataset_name(name)
    assert "\n" not in str(caught.value)
    if isinstance(name, str):
        with pytest.raises(DatasetError):
            _training_config(_args(name))
    model = build_model((), input_shape=(28, 28), num_classes=2, seed=0)
    with pytest.raises(ModelFileError, match="bad dataset name"):
        save_model(model, tmp_path / "m.dsmodel", _training_config(_args(None)), name, ["a", "b"])


def test_a_model_file_stores_only_canonical_names(tmp_path):
    model = build_model((), input_shape=(28, 28), num_classes=2, seed=0)
    with pytest.raises(ModelFileError, match="not 'fashion_mnist'"):
        save_model(model, tmp_path / "m.dsmodel", _training_config(_args(None)), "Fashion-MNIST",
                   ["a", "b"])
