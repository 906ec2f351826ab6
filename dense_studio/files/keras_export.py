"""Export a trained Dense Studio model as a plain tf.keras script plus its weights.

The point is teaching: the script reads like the TensorFlow beginner tutorial (Sequential,
Flatten, Dense, compile, evaluate), so a learner can see that the network they built in Dense
Studio *is* that Keras model. Weights go beside it as ``OUT.weights.npz`` (float32 arrays in
Keras order, read with ``allow_pickle=False`` and passed to ``model.set_weights``); the test
split comes from the copy bundled with dense-studio, so running it needs no network, and the
accuracy it prints equals ``dense-studio evaluate``'s.
"""

from __future__ import annotations

import keyword
import os
from pathlib import Path

import numpy as np

from dense_studio import __version__
from dense_studio.data import DATASETS, normalize_dataset_name
from dense_studio.engine import optimizers
from dense_studio.engine.spec import (ACTIVATIONS, DenseSpec, DropoutSpec, TrainingConfig,
                                      format_layers)
from dense_studio.errors import ConfigError
from dense_studio.files.model_file import LoadedModel, atomic_write

# The engine's optimizer classes carry Keras's class names (Adam, SGD, RMSprop), and their
# arguments other than the learning rate have Keras's defaults (Adam 0.9/0.999/1e-7, SGD
# momentum 0, RMSprop rho 0.9), so the script names the same class.
def _keras_optimizer(name: str) -> str:
    return type(optimizers.get(name)).__name__


# Every engine activation has Keras 3's semantics under the same name (the engine follows
# keras.activations: exact GELU, leaky_relu with negative_slope 0.2), so names carry over.
# TensorFlow >= 2.16 (the `tensorflow` extra) ships Keras 3.
_KERAS_ACTIVATIONS = frozenset(ACTIVATIONS)

# Module names the exported script imports: a script named like one of them would import
# itself instead (Python puts the script's folder first on sys.path).
_SHADOWED = {"tensorflow", "keras", "numpy", "pathlib", "dense_studio", "tf", "np"}


def weights_path_for(out_py: str | os.PathLike) -> Path:
    """``model.py`` -> ``model.weights.npz`` beside it."""
    out_py = Path(out_py)
    stem = out_py.name[:-3] if out_py.name.endswith(".py") else out_py.name
    return out_py.with_name(f"{stem}.weights.npz")


def export_keras(loaded: LoadedModel, out_py: str | os.PathLike) -> tuple[Path, Path]:
    """Write the script and its weights; return both paths. Raises ConfigError for a bad name."""
    out_py = Path(out_py)
    if not out_py.name.endswith(".py") or out_py.name == ".py":
        raise ConfigError(f"the Keras script must be a .py file, not {str(out_py)!r}")
    module = out_py.name[:-3]
    if module in _SHADOWED or module.split(".")[0] in _SHADOWED or keyword.iskeyword(module):
        raise ConfigError(
            f"call the script something other than {out_py.name}: it would hide the "
            f"'{module}' module it imports"
        )
    weights_path = weights_path_for(out_py)
    source = render_script(loaded, weights_path.name)
    weights = [np.asarray(w, dtype=np.float32) for w in loaded.model.get_weights()]
    atomic_write(weights_path, lambda f: np.savez(f, **{f"w{i}": w for i, w in enumerate(weights)}))
    atomic_write(out_py, lambda f: f.write(source.encode("utf-8")))
    return out_py, weights_path


def model_source(config: TrainingConfig, input_shape, num_classes: int) -> str:
    """The tf.keras code of the network and its compile settings: ``model =
    tf.keras.Sequential([...])`` and ``model.compile(...)``, with the cosine schedule when the
    config uses one (it reads ``train_images``). One source for the exported script and the
    window's Keras code panel, so the two always build the same model."""
    lines = [f"    tf.keras.Input(shape={_shape(input_shape)}),", "    tf.keras.layers.Flatten(),"]
    for layer in config.layers:
        if isinstance(layer, DenseSpec):
            lines.append(
                f"    tf.keras.layers.Dense({layer.units}, "
                f"activation={_activation_source(layer.activation)}),"
            )
        elif isinstance(layer, DropoutSpec):
            lines.append(f"    tf.keras.layers.Dropout({layer.rate!r}),")
    lines.append(f"    tf.keras.layers.Dense({int(num_classes)}, activation='softmax'),")
    optimizer = _keras_optimizer(config.optimizer)
    learning_rate, learning_rate_source = repr(config.learning_rate), ""
    if config.lr_schedule == "cosine":
        # The script says how the model is trained: the rate decays along a cosine to 0
        # over all the run's steps.
        learning_rate = "learning_rate"
        learning_rate_source = (
            "# The learning rate decays along a cosine to 0 over the run.\n"
            f"steps = {config.epochs} * math.ceil(len(train_images) / {config.batch_size})\n"
            "learning_rate = tf.keras.optimizers.schedules.CosineDecay(\n"
            f"    initial_learning_rate={config.learning_rate!r}, decay_steps=steps)\n\n"
        )
    return (
        "model = tf.keras.Sequential([\n" + "\n".join(lines) + "\n])\n\n"
        + learning_rate_source
        + f"model.compile(optimizer=tf.keras.optimizers.{optimizer}(learning_rate={learning_rate}),\n"
        "              loss=tf.keras.losses.SparseCategoricalCrossentropy(),\n"
        "              metrics=['accuracy'])\n"
    )


def _data_source(dataset: str, validation_split: float) -> str:
    """Loading the bundled copy of the dataset and holding out the validation part."""
    return (
        f"dataset = load_dataset({dataset!r})\n"
        "test_images, test_labels = dataset.x_test, dataset.y_test   # float32 in [0, 1], int labels\n"
        f"{_held_out_comment(validation_split)}\n"
        "train_images, train_labels, validation = split_validation(\n"
        f"    dataset.x_train, dataset.y_train, {validation_split!r})\n"
    )


def _imports(config: TrainingConfig, pathlib: bool) -> str:
    """``pathlib`` and numpy for the exported script (it reads its weights file)."""
    return (("import math\n" if config.lr_schedule == "cosine" else "")
            + ("import pathlib\n\nimport numpy as np\n" if pathlib else "")
            + "import tensorflow as tf\n\n"
            "from dense_studio.data import load_dataset\n"
            "from dense_studio.engine.run import split_validation\n")


def render_script(loaded: LoadedModel, weights_name: str) -> str:
    """The Python source of the exported script."""
    config = loaded.config
    # A stored name is checked on load; checked again, as it is written into Python source.
    dataset = normalize_dataset_name(loaded.dataset_name)
    hidden = format_layers(config.layers) or "(none)"
    metrics = loaded.metrics or {}
    accuracy = metrics.get("test_accuracy")
    expected = (
        f"\nDense Studio measured a test accuracy of {accuracy:.4f} for these weights.\n"
        if isinstance(accuracy, (int, float))
        else ""
    )
    return f'''"""{_title(dataset)} classifier trained in Dense Studio, as a plain tf.keras script.

Exported by dense-studio {__version__}.
Hidden layers: {hidden}
Trained with: {config.optimizer} (learning rate {config.learning_rate:g}), batch size {config.batch_size}, {config.epochs} epoch(s), seed {config.seed}

It rebuilds the same network with tf.keras, loads the trained weights from
{weights_name} (beside this file) and evaluates it on the test split of the copy of
{_title(dataset)} that ships with dense-studio, so nothing is downloaded.
{expected}
Run it with TensorFlow installed:
    pip install "dense-studio[tensorflow]"
    python {weights_name.removesuffix(".weights.npz")}.py
"""

{_imports(config, pathlib=True)}
WEIGHTS = pathlib.Path(__file__).with_name({weights_name!r})

{_data_source(dataset, config.validation_split)}
{model_source(config, loaded.input_shape, loaded.num_classes)}
# Keras order: kernel then bias for each Dense layer (Flatten and Dropout have no weights).
with np.load(WEIGHTS, allow_pickle=False) as saved:
    model.set_weights([saved[f"w{{i}}"] for i in range(len(saved.files))])

model.summary()

test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)

print('\\nTest accuracy:', test_acc)
'''


def render_training_script(config: TrainingConfig, input_shape=(28, 28),
                           num_classes: int = 10) -> str:
    """The window's network and settings as a tf.keras script that trains it (the Keras
    code panel): the tutorial's Sequential, compile, fit and evaluate on the bundled data,
    with Keras's EarlyStopping callback when early stopping is on."""
    dataset = normalize_dataset_name(config.dataset)
    callbacks, fit_callbacks = "", ""
    if config.early_stopping_patience is not None:
        callbacks = (
            "early_stopping = tf.keras.callbacks.EarlyStopping(\n"
            f"    monitor={config.monitor!r}, patience={config.early_stopping_patience}, "
            f"min_delta={config.min_delta!r},\n"
            f"    restore_best_weights={config.restore_best_weights!r})\n\n")
        fit_callbacks = ",\n          callbacks=[early_stopping]"
    return f'''"""{_title(dataset)}: the network on Dense Studio's screen, as a tf.keras script.

Written by dense-studio {__version__}. Run it with TensorFlow installed:
    pip install "dense-studio[tensorflow]"
TensorFlow draws its own initial weights, so its numbers differ a little from those of
Dense Studio's run with seed {config.seed}.
"""

{_imports(config, pathlib=False)}
{_data_source(dataset, config.validation_split)}
tf.keras.utils.set_random_seed({config.seed})

{model_source(config, input_shape, num_classes)}
model.summary()

{callbacks}model.fit(train_images, train_labels, epochs={config.epochs}, batch_size={config.batch_size},
          validation_data=validation{fit_callbacks})

test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)

print('\\nTest accuracy:', test_acc)
'''


def _activation_source(name: str) -> str:
    """Keras spelling of an engine activation."""
    if name not in _KERAS_ACTIVATIONS:
        raise ConfigError(f"cannot export activation {name!r} to Keras")
    return repr(name)


def _held_out_comment(fraction: float) -> str:
    if not fraction:
        return "# The run trained on all the training images (validation is None)."
    return (
        "# The run trained on these images: like Keras's validation_split, it held out the\n"
        f"# last {100 * fraction:g} % of the training images for validation."
    )


def _shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(int(n)) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def _title(dataset: str) -> str:
    return DATASETS.get(dataset, dataset)
