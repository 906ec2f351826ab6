"""``model.save`` / ``keras.models.load_model`` through Dense Studio's model files.

A model file (``dense_studio.files.model_file``, what the window opens and saves) holds
``Flatten(input)`` → hidden ``Dense``/``Dropout`` layers → ``Dense(classes, softmax)`` with
the training settings and the weights. A script model of that shape is saved as the window
would save it; any other shape is refused with one line saying what the file cannot hold.
The file keeps the optimizer's name and learning rate; other optimizer settings are named
in a warning, as they are not kept.
"""

from __future__ import annotations

import math
import os
import warnings
from pathlib import Path

from dense_studio.data.catalog import CUSTOM_DATASET
from dense_studio.engine import layers as _engine_layers
from dense_studio.engine.optimizers import LearningRateSchedule
from dense_studio.engine.spec import ACTIVATIONS, DenseSpec, DropoutSpec, TrainingConfig
from dense_studio.errors import ConfigError, ModelFileError
from dense_studio.files import model_file
from dense_studio.keras._unsupported import module_getattr

FILE_LAYOUT = "Flatten → Dense/Dropout layers → Dense(classes, activation='softmax')"
KERAS_SUFFIXES = (".keras", ".h5", ".hdf5")


def save_model(model, filepath, overwrite=True, zipped=None, *, dataset=None) -> Path:
    """``keras.saving.save_model``: write ``model`` as a ``.dsmodel`` file. ``dataset``
    (default: the one the script loaded through ``keras.datasets``, else Fashion-MNIST)
    names the data and class names the window shows with it."""
    path = _path(filepath, "saving")
    if not overwrite and path.exists():
        raise ModelFileError(f"{path} already exists (overwrite=False)")
    if not model.built:
        raise ModelFileError(f"cannot save {model.name!r}: it is not built yet (give it an "
                             "input shape, or fit it first)")
    hidden, classes = _hidden_layers(model)
    input_shape = tuple(model.input_shape[1:])
    dataset, class_names = _dataset_for(model, dataset, classes, input_shape)
    config = _config(model, dataset, hidden)
    return model_file.save_model(model, path, config, dataset, class_names, _metrics(model),
                                 input_shape=input_shape)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """``keras.saving.load_model``: a ``Sequential`` from a ``.dsmodel`` file (saved by the
    window or a script), compiled with its optimizer and learning rate unless
    ``compile=False``. Files are checked field by field and never unpickled."""
    from dense_studio.keras import optimizers
    from dense_studio.keras.models import Sequential

    path = _path(filepath, "loading")
    loaded = model_file.load_model(path)
    model = Sequential._from_engine(loaded.model)
    model._file_dataset = (loaded.dataset_name, loaded.class_names)
    if compile:
        config = loaded.config
        optimizer = optimizers.get(config.optimizer)
        optimizer.learning_rate = config.learning_rate
        model.compile(optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _path(filepath, doing: str) -> Path:
    if not isinstance(filepath, (str, os.PathLike)):
        raise ConfigError(f"filepath must be a path, not {type(filepath).__name__}")
    path = Path(filepath)
    if path.suffix.lower() != model_file.SUFFIX:
        keras_file = path.suffix.lower() in KERAS_SUFFIXES
        raise ModelFileError(
            f"Invalid filepath extension for {doing}: Dense Studio "
            f"{'saves' if doing == 'saving' else 'reads'} {model_file.SUFFIX} model files "
            f"(the format its window opens){'; ' + path.suffix + ' files are for TensorFlow Keras' if keras_file else ''}. "
            f"Received: filepath={filepath}")
    return path


def _refuse(model, reason: str) -> ModelFileError:
    return ModelFileError(f"cannot save {model.name!r} as a Dense Studio model file: {reason} "
                          f"(a model file holds {FILE_LAYOUT})")


def _hidden_layers(model):
    """The hidden layers as the file's specs, and the number of classes; or why not."""
    layers = model.layers
    if isinstance(layers[0], _engine_layers.Flatten):
        layers = layers[1:]
    elif len(model.input_shape) != 2:
        raise _refuse(model, "its first layer is not Flatten")
    *hidden, last = layers
    specs = []
    for layer in hidden:
        if isinstance(layer, _engine_layers.Dropout):
            specs.append(DropoutSpec(layer.rate))
        elif isinstance(layer, _engine_layers.Dense):
            specs.append(_dense_spec(model, layer))
        else:
            raise _refuse(model, f"layer {layer.name!r} ({type(layer).__name__}) is not Dense or Dropout")
    if not isinstance(last, _engine_layers.Dense) or last.activation.name != "softmax":
        raise _refuse(model, "its last layer is not a Dense layer with activation='softmax'")
    _dense_spec(model, last)
    if not 2 <= last.units <= model_file.MAX_CLASSES:
        raise _refuse(model, f"its last layer has {last.units} units (classes: 2 to {model_file.MAX_CLASSES})")
    if len(specs) > model_file.MAX_HIDDEN_LAYERS:
        raise _refuse(model, f"it has {len(specs)} hidden layers (at most {model_file.MAX_HIDDEN_LAYERS})")
    return specs, last.units


def _dense_spec(model, layer) -> DenseSpec:
    if not layer.use_bias:
        raise _refuse(model, f"layer {layer.name!r} has use_bias=False")
    if layer.kernel_regularizer:
        raise _refuse(model, f"layer {layer.name!r} has a kernel_regularizer")
    if layer.activation.name not in ACTIVATIONS:
        raise _refuse(model, f"layer {layer.name!r} has activation {layer.activation.name!r}")
    try:
        return DenseSpec(layer.units, layer.activation.name)
    except ConfigError as error:
        raise _refuse(model, f"layer {layer.name!r}: {error}") from None


def _dataset_for(model, dataset, classes: int, input_shape):
    """The dataset the file names (the one the script loaded, unless given) and its classes."""
    from dense_studio.data.bundled import BUNDLED
    from dense_studio.keras.datasets._bundled import last_loaded

    if dataset is None and model._file_dataset is not None:
        dataset, names = model._file_dataset
        if len(names) == classes:
            return dataset, names
    if dataset is None:
        dataset = last_loaded[0] if last_loaded else "fashion_mnist"
        if len(BUNDLED[dataset].class_names) != classes:
            dataset = CUSTOM_DATASET  # not that data: the window then says it cannot offer it
    model_file.check_dataset_name(dataset)
    info = BUNDLED.get(dataset)
    if info is not None and len(info.class_names) == classes:
        return dataset, info.class_names
    return dataset, tuple(str(i) for i in range(classes))


def _metrics(model) -> dict | None:
    """The last ``fit``'s final results, under the keys the window shows."""
    history = model.history
    if history is None or not history.epoch:
        return None
    metrics = {key: float(values[-1]) for key, values in history.history.items()
               if key in ("loss", "accuracy", "val_loss", "val_accuracy")
               and math.isfinite(values[-1])}
    return {**metrics, "epochs_trained": len(history.epoch)}


def _config(model, dataset: str, hidden) -> TrainingConfig:
    """The training settings the file records: the optimizer and the last ``fit``'s."""
    optimizer = model.optimizer
    name, rate = "adam", 1e-3
    if optimizer is not None:
        name, rate = optimizer.name, optimizer.learning_rate
        lost = _unsaved_settings(optimizer)
        if lost:
            warnings.warn(f"the model file keeps the optimizer's name and learning rate; "
                          f"not kept: {', '.join(lost)}", UserWarning, stacklevel=4)
        if isinstance(rate, LearningRateSchedule):
            rate = rate.initial_learning_rate if hasattr(rate, "initial_learning_rate") else 1e-3
    base = dict(dataset=dataset, layers=tuple(hidden), optimizer=name, learning_rate=rate,
                seed=0, lr_schedule="constant")
    try:
        return TrainingConfig(**base, **model._fit_settings)
    except ConfigError:
        try:
            return TrainingConfig(**base)  # the last fit's settings are outside the window's range
        except ConfigError as error:
            raise _refuse(model, str(error)) from None


def _unsaved_settings(optimizer) -> list[str]:
    defaults = type(optimizer)().get_config()
    lost = [f"{key}={value!r}" for key, value in optimizer.get_config().items()
            if key not in ("name", "learning_rate") and defaults.get(key) != value]
    if isinstance(optimizer.learning_rate, LearningRateSchedule):
        lost.insert(0, "the learning-rate schedule (its initial rate is kept)")
    return lost


__all__ = ["load_model", "save_model"]
__getattr__ = module_getattr("keras.saving", __all__, "saves .dsmodel files")
