"""Keras export: the script is readable, and with real TensorFlow it reproduces our accuracy.

The TensorFlow test runs the exported script in a fresh process exactly as a learner would
(`python OUT.py`) and compares the accuracy it prints with `dense-studio evaluate`'s.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import io
import json
import re
import subprocess
import sys

import numpy as np
import pytest

from dense_studio.cli import main
from dense_studio.engine import build_model
from dense_studio.engine.spec import DenseSpec, DropoutSpec, TrainingConfig
from dense_studio.files.keras_export import render_script, weights_path_for
from dense_studio.files.model_file import load_model, save_model


def run_main(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def test_script_reads_like_the_reference_code(tmp_path):
    config = TrainingConfig(dataset="fashion_mnist",
                            layers=(DenseSpec(128, "relu"), DropoutSpec(0.2), DenseSpec(64, "tanh")),
                            optimizer="rmsprop", learning_rate=0.0005, lr_schedule="constant")
    model = build_model(config.layers, input_shape=(28, 28), num_classes=10, seed=0)
    path = tmp_path / "m.dsmodel"
    save_model(model, path, config, "fashion_mnist", [f"c{i}" for i in range(10)])
    source = render_script(load_model(path), "fashion.weights.npz")
    ast.parse(source)  # valid Python
    for expected in [
        "tf.keras.Sequential([",
        "tf.keras.Input(shape=(28, 28)),",
        "tf.keras.layers.Flatten(),",
        "tf.keras.layers.Dense(128, activation='relu'),",
        "tf.keras.layers.Dropout(0.2),",
        "tf.keras.layers.Dense(64, activation='tanh'),",
        "tf.keras.layers.Dense(10, activation='softmax'),",
        "optimizer=tf.keras.optimizers.RMSprop(learning_rate=0.0005)",
        "loss=tf.keras.losses.SparseCategoricalCrossentropy()",
        "metrics=['accuracy']",
        "np.load(WEIGHTS, allow_pickle=False)",
        "model.set_weights(",
        "load_dataset('fashion_mnist')",
        "print('\\nTest accuracy:', test_acc)",
    ]:
        assert expected in source, expected
    assert source.index("Dense(128") < source.index("Dropout(0.2)") < source.index("Dense(64")


def test_export_writes_script_and_weights(tmp_path, capsys):
    config = TrainingConfig(dataset="mnist", layers=(DenseSpec(8, "sigmoid"),))
    model = build_model(config.layers, input_shape=(28, 28), num_classes=10, seed=1)
    path = tmp_path / "m.dsmodel"
    save_model(model, path, config, "mnist", [str(i) for i in range(10)])
    out_py = tmp_path / "digits.py"
    assert main(["export-keras", str(path), str(out_py)]) == 0
    assert "digits.weights.npz" in capsys.readouterr().out
    weights = weights_path_for(out_py)
    assert weights == tmp_path / "digits.weights.npz"
    with np.load(weights, allow_pickle=False) as saved:
        assert saved.files == ["w0", "w1", "w2", "w3"]
        for i, w in enumerate(model.get_weights()):
            np.testing.assert_array_equal(saved[f"w{i}"], w)
    assert "digits.weights.npz" in out_py.read_text()


@pytest.mark.parametrize("name, fragment", [
    ("tensorflow.py", "would hide the 'tensorflow' module"),
    ("numpy.py", "would hide"),
    ("model.txt", "must be a .py file"),
])
def test_export_refuses_names_that_cannot_work(tmp_path, name, fragment):
    config = TrainingConfig(dataset="mnist", layers=())
    model = build_model((), input_shape=(28, 28), num_classes=10, seed=1)
    path = tmp_path / "m.dsmodel"
    save_model(model, path, config, "mnist", [str(i) for i in range(10)])
    code, out, err = run_main("export-keras", path, tmp_path / name)
    assert code == 2
    assert err.startswith("error: ") and fragment in err and err.count("\n") == 1
    assert not (tmp_path / name).exists()


HAS_TF = importlib.util.find_spec("tensorflow") is not None


@pytest.mark.skipif(not HAS_TF, reason='needs TensorFlow: pip install "dense-studio[tensorflow]"')
def test_exported_script_gives_the_same_accuracy_with_tensorflow(tmp_path):
    # A short real run with every exportable kind of layer and activation the engine has.
    model_path = tmp_path / "trained.dsmodel"
    code, _, err = run_main(
        "train", "--dataset", "mnist", "--epochs", 1, "--batch-size", 128,
        "--layers", "64:relu,dropout:0.2,32:gelu,16:leaky_relu,16:elu,16:swish,12:sigmoid,12:tanh,12:linear",
        "--output", model_path,
    )
    assert code == 0, err
    code, out, _ = run_main("evaluate", model_path, "--json")
    ours = json.loads(out)["test_accuracy"]
    assert ours > 0.5  # it learned something, so agreement is meaningful

    script = tmp_path / "exported_model.py"
    code, _, err = run_main("export-keras", model_path, script)
    assert code == 0, err
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=600,
        cwd=tmp_path, env={**__import__("os").environ, "TF_CPP_MIN_LOG_LEVEL": "2",
                           "CUDA_VISIBLE_DEVICES": "-1"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    match = re.search(r"Test accuracy: ([0-9.]+)", result.stdout)
    assert match, result.stdout[-2000:]
    assert float(match.group(1)) == pytest.approx(ours, abs=1e-4)


def test_engine_activations_all_export():
    from dense_studio.engine.spec import ACTIVATIONS
    from dense_studio.files.keras_export import _activation_source

    for name in ACTIVATIONS:
        assert _activation_source(name) == repr(name)


def test_cosine_schedule_is_exported(tmp_path):
    config = TrainingConfig(dataset="fashion_mnist", layers=(DenseSpec(32, "relu"),),
                            batch_size=128, epochs=20, lr_schedule="cosine")
    model = build_model(config.layers, input_shape=(28, 28), num_classes=10, seed=0)
    path = tmp_path / "m.dsmodel"
    save_model(model, path, config, "fashion_mnist", [f"c{i}" for i in range(10)])
    source = render_script(load_model(path), "m.weights.npz")
    ast.parse(source)
    assert "import math\n" in source
    assert "steps = 20 * math.ceil(len(train_images) / 128)" in source
    assert "tf.keras.optimizers.schedules.CosineDecay(" in source
    assert "tf.keras.optimizers.Adam(learning_rate=learning_rate)" in source
    # The constant case stays as simple as the reference code.
    plain = render_script(load_model(path).__class__(
        model, config.replace(lr_schedule="constant"), "fashion_mnist", tuple("abcdefghij"), None),
        "m.weights.npz")
    assert "import math" not in plain and "Adam(learning_rate=0.001)" in plain


@pytest.mark.parametrize("fraction", [0.0, 0.07, 0.25])
def test_script_holds_out_the_runs_validation_samples(tmp_path, monkeypatch, fraction):
    """The script's data part runs for real (TensorFlow stubbed: it is only imported there)."""
    import types

    from dense_studio.data import load_dataset
    from dense_studio.engine.run import split_validation

    config = TrainingConfig(dataset="mnist", layers=(DenseSpec(8, "relu"),),
                            validation_split=fraction, lr_schedule="cosine", batch_size=100)
    model = build_model(config.layers, input_shape=(28, 28), num_classes=10, seed=0)
    path = tmp_path / "m.dsmodel"
    save_model(model, path, config, "mnist", [str(i) for i in range(10)])
    source = render_script(load_model(path), "m.weights.npz")
    data_part = source[: source.index("model = tf.keras.Sequential(")]
    steps_line = next(line for line in source.splitlines() if line.startswith("steps = "))
    monkeypatch.setitem(sys.modules, "tensorflow", types.ModuleType("tensorflow"))
    namespace = {"__file__": str(tmp_path / "m.py")}
    exec(compile(data_part + steps_line, "m.py", "exec"), namespace)

    dataset = load_dataset("mnist")
    x_train, y_train, validation = split_validation(dataset.x_train, dataset.y_train, fraction)
    assert np.array_equal(namespace["train_images"], x_train)
    assert np.array_equal(namespace["train_labels"], y_train)
    if fraction == 0:
        assert namespace["validation"] is None
    else:
        assert np.array_equal(namespace["validation"][0], validation[0])
    assert namespace["steps"] == config.epochs * -(-len(x_train) // 100)
