"""The Keras code panel's script and ``export-keras``'s script come from one source, and
under real TensorFlow they build the same model: layers, parameter count, optimizer,
learning rate (schedule included) and loss.

Both scripts run as written, in one fresh process, on a tiny slice of the bundled data (the
runner hands them a sliced dataset through ``dense_studio.data.load_dataset``).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import pytest

from dense_studio.engine import build_model
from dense_studio.engine.spec import DenseSpec, DropoutSpec, TrainingConfig
from dense_studio.files.keras_export import (export_keras, model_source, render_script,
                                             render_training_script)
from dense_studio.files.model_file import load_model, save_model

HAS_TF = importlib.util.find_spec("tensorflow") is not None
CONFIG = TrainingConfig(dataset="fashion_mnist",
                        layers=(DenseSpec(24, "relu"), DropoutSpec(0.25), DenseSpec(12, "tanh")),
                        optimizer="rmsprop", learning_rate=0.002, batch_size=64, epochs=2,
                        validation_split=0.1, seed=5, lr_schedule="cosine",
                        early_stopping_patience=1, monitor="val_accuracy", min_delta=0.001)


def saved_model(tmp_path, config=CONFIG):
    model = build_model(config.layers, input_shape=(28, 28), num_classes=10, seed=config.seed)
    path = tmp_path / "m.dsmodel"
    save_model(model, path, config, config.dataset, [f"c{i}" for i in range(10)])
    return model, load_model(path)


def test_both_scripts_share_the_model_source(tmp_path):
    _, loaded = saved_model(tmp_path)
    shared = model_source(CONFIG, (28, 28), 10)
    panel = render_training_script(CONFIG, (28, 28), 10)
    exported = render_script(loaded, "m.weights.npz")
    assert shared in panel and shared in exported
    ast.parse(panel)
    for expected in ("model.fit(train_images, train_labels, epochs=2, batch_size=64,",
                     "validation_data=validation",
                     "tf.keras.callbacks.EarlyStopping(",
                     "monitor='val_accuracy', patience=1, min_delta=0.001",
                     "restore_best_weights=True", "callbacks=[early_stopping]",
                     "tf.keras.utils.set_random_seed(5)",
                     "tf.keras.layers.Dropout(0.25),"):
        assert expected in panel, expected
    plain = render_training_script(CONFIG.replace(early_stopping_patience=None,
                                                  validation_split=0.0,
                                                  lr_schedule="constant"))
    assert "EarlyStopping" not in plain and "import math" not in plain
    assert "RMSprop(learning_rate=0.002)" in plain


RUNNER = textwrap.dedent('''
    import json, runpy, sys
    from types import SimpleNamespace
    import dense_studio.data as data

    real = data.load_dataset

    def small(name, *args, **kwargs):
        d = real(name, *args, **kwargs)
        return SimpleNamespace(x_train=d.x_train[:400], y_train=d.y_train[:400],
                               x_test=d.x_test[:100], y_test=d.y_test[:100])

    data.load_dataset = small
    out = {}
    for label, path in (("panel", sys.argv[1]), ("export", sys.argv[2])):
        ns = runpy.run_path(path, run_name="__main__")
        model = ns["model"]
        layers = []
        for layer in model.layers:
            config = layer.get_config()
            layers.append([type(layer).__name__] + [config.get(k) for k in
                                                    ("units", "activation", "rate")])
        optimizer = model.optimizer.get_config()
        out[label] = {"layers": layers, "params": int(model.count_params()),
                      "optimizer": type(model.optimizer).__name__,
                      "learning_rate": optimizer["learning_rate"],
                      "loss": type(model.loss).__name__,
                      "test_acc": float(ns["test_acc"])}
    print("RESULT " + json.dumps(out, default=str))
''')


@pytest.mark.skipif(not HAS_TF, reason='needs TensorFlow: pip install "dense-studio[tensorflow]"')
def test_under_tensorflow_both_scripts_build_the_same_model(tmp_path):
    model, loaded = saved_model(tmp_path)
    panel = tmp_path / "panel_code.py"
    panel.write_text(render_training_script(CONFIG, (28, 28), 10), encoding="utf-8")
    exported, _weights = export_keras(loaded, tmp_path / "exported_code.py")
    runner = tmp_path / "runner.py"
    runner.write_text(RUNNER, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(runner), str(panel), str(exported)], capture_output=True,
        text=True, timeout=900, cwd=tmp_path,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "CUDA_VISIBLE_DEVICES": "-1"})
    assert result.returncode == 0, result.stderr[-3000:]
    line = [ln for ln in result.stdout.splitlines() if ln.startswith("RESULT ")][-1]
    out = json.loads(line[len("RESULT "):])
    panel_model, export_model = out["panel"], out["export"]
    for key in ("layers", "params", "optimizer", "learning_rate", "loss"):
        assert panel_model[key] == export_model[key], key
    assert panel_model["params"] == model.count_params()
    assert [layer[0] for layer in panel_model["layers"]] == [
        "Flatten", "Dense", "Dropout", "Dense", "Dense"]
    assert panel_model["layers"][1][1:3] == [24, "relu"]
    assert panel_model["layers"][2][3] == 0.25
    assert panel_model["optimizer"] == "RMSprop" and "CosineDecay" in str(
        panel_model["learning_rate"])
    assert panel_model["loss"] == "SparseCategoricalCrossentropy"
    assert 0.0 <= panel_model["test_acc"] <= 1.0
