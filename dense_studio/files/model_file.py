"""Model files (``.dsmodel``): architecture, training settings and weights in one safe file.

A model file is a zip archive as written by ``np.savez``: ``meta`` is a JSON document stored as
a ``uint8`` array, ``w0, w1, ...`` are the float32 weights in Keras order (kernel, bias per
Dense layer). Loading never unpickles and never runs code (see ``npz``): the description is
read and validated first, every weight's header is checked against it before any weight is
read, and every number in the JSON is bounded, so a file from a stranger can at worst be
rejected with a one-line :class:`ModelFileError`.

Writing is atomic (see ``atomic``) so a crash or a full disk never leaves half a model where
a good one was.
"""

from __future__ import annotations

import json
import math
import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from dense_studio import __version__
from dense_studio.engine.parameters import all_finite
from dense_studio.engine.spec import DenseSpec, TrainingConfig, layer_to_dict
from dense_studio.data.catalog import CUSTOM_DATASET, normalize_dataset_name
from dense_studio.data.untrusted import UnreadableFile, open_regular_file
from dense_studio.errors import ConfigError, DatasetError, ModelFileError, one_line
from dense_studio.files.atomic import atomic_write, check_target, check_writable
from dense_studio.files.npz import ArchiveError, NpzReader

FORMAT = "dense-studio-model"
VERSION = 1
SUFFIX = ".dsmodel"

# Limits: generous for any model a person trains in Dense Studio, small enough that a hostile
# file cannot make us allocate gigabytes or spend minutes parsing.
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_WEIGHT_BYTES = 512 * 1024 * 1024
MAX_META_BYTES = 1024 * 1024
MAX_HIDDEN_LAYERS = 64
MAX_ARRAYS = 2 * MAX_HIDDEN_LAYERS + 2
MAX_CLASSES = 1000
MAX_NAME_CHARS = 100
MAX_METRICS = 32
MAX_INPUT_VALUES = 1 << 20

_META_KEYS = frozenset(
    {"format", "version", "created_by", "config", "dataset", "class_names", "input_shape",
     "layers", "metrics"}
)
# Seeds go up to 2**32 - 1; nothing in a description needs more digits than this.
_MAX_INT_DIGITS = 18
_WEIGHT_MEMBER = re.compile(r"^w(0|[1-9][0-9]{0,3})\.npy$")
_FLOAT32 = np.dtype("<f4")
_UINT8 = np.dtype("u1")


@dataclass
class LoadedModel:
    """A model read back from a file, compiled and ready to ``predict``/``evaluate``."""

    model: Any
    config: TrainingConfig
    dataset_name: str
    class_names: tuple[str, ...]
    metrics: dict[str, float | int | None] | None
    input_shape: tuple[int, ...] = (28, 28)
    path: Path | None = None

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


# --------------------------------------------------------------------------- save


def save_model(
    model: Any,
    path: str | os.PathLike,
    config: TrainingConfig,
    dataset_name: str,
    class_names: Sequence[str],
    metrics: dict | None = None,
    *,
    input_shape: Sequence[int] | None = None,
) -> Path:
    """Write ``model`` (its weights) with the settings that made it, atomically.

    ``input_shape`` defaults to the model's own ``input_shape`` attribute, else 28×28.
    Raises :class:`ModelFileError` for anything that would make a file we could not load
    back (non-finite weights, shapes that do not match ``config``, an unwritable path).
    """
    path = check_target(path)
    if input_shape is None:
        input_shape = getattr(model, "input_shape", None) or (28, 28)
    meta = _meta(config, dataset_name, class_names, input_shape, metrics)
    expected = _check_savable(meta)
    weights = [np.asarray(w) for w in model.get_weights()]
    if [w.shape for w in weights] != expected:
        raise ModelFileError(
            "cannot save model: its weights do not match its layers "
            f"({[w.shape for w in weights]} vs {expected})"[:300]
        )
    for i, w in enumerate(weights):
        if not np.isfinite(w).all():
            raise ModelFileError(f"cannot save model: weight array w{i} is not finite (NaN or inf)")
    arrays = {"meta": np.frombuffer(json.dumps(meta, indent=1).encode("utf-8"), dtype=np.uint8)}
    arrays.update({f"w{i}": w.astype(_FLOAT32, copy=False) for i, w in enumerate(weights)})
    atomic_write(path, lambda f: np.savez(f, **arrays))
    return path


def check_savable(config: TrainingConfig, dataset_name: str, class_names: Sequence[str],
                  input_shape: Sequence[int]) -> None:
    """Fail before training if its model could not be saved (too many layers, too big...)."""
    _check_savable(_meta(config, dataset_name, class_names, input_shape, None))


def _meta(config, dataset_name, class_names, input_shape, metrics) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "created_by": f"dense-studio {__version__}",
        "config": config.to_dict(),
        "dataset": dataset_name,
        "class_names": list(class_names),
        "input_shape": [int(n) for n in input_shape],
        "layers": architecture_of(config, len(class_names)),
        "metrics": None if metrics is None else {str(k): _plain(v) for k, v in metrics.items()},
    }


def _check_savable(meta: dict) -> list[tuple[int, ...]]:
    """Validate what we are about to write exactly as a reader will, so every file we write
    loads back; return the weight shapes it needs."""
    try:
        return check_description(meta)[-1]
    except ModelFileError as error:
        raise ModelFileError(f"cannot save model: it {error}") from None


# --------------------------------------------------------------------------- load


def load_model(path: str | os.PathLike) -> LoadedModel:
    """Read, validate and rebuild a model; :class:`ModelFileError` for anything wrong."""
    path = Path(path)
    try:
        config, dataset, class_names, input_shape, metrics, model = read_archive(
            path, "model", MAX_FILE_BYTES, MAX_ARRAYS + 1,
            lambda archive: _read_archive(archive, into_model=True))
    except ModelFileError as error:
        raise ModelFileError(f"{path}: {error}") from None
    return LoadedModel(model, config, dataset, class_names, metrics, input_shape, path)


def _model_for(config: TrainingConfig, input_shape, class_names):
    """The model the file describes, compiled from its settings; its weights are then read
    straight into the model's own parameter buffer (peak memory about 1x the weights)."""
    from dense_studio.engine import build_model  # the engine is heavier; only when needed

    return build_model(
        config.layers, input_shape=input_shape, num_classes=len(class_names), seed=config.seed,
        config=config,  # compiles it with the saved optimizer settings, keeps model.config
        initialize=False,  # no initial values to throw away: the file's weights come next
    )


def read_model_file(path: str | os.PathLike):
    """Validate a model file and return ``(config, dataset, class_names, input_shape,
    metrics, weights)`` without building a model. Errors do not repeat the path."""
    return read_archive(path, "model", MAX_FILE_BYTES, MAX_ARRAYS + 1, _read_archive)


def read_archive(path, kind: str, max_bytes: int, max_members: int,
                 read: Callable[[NpzReader], Any]):
    """Open ``path`` as one of our archives (``kind``: "model" or "session") and return
    ``read(archive)``; anything wrong becomes one :class:`ModelFileError` line."""
    try:
        file, size = open_regular_file(path, max_bytes, f"a {kind} file")
    except UnreadableFile as reason:
        raise ModelFileError(str(reason)) from None
    not_ours = f"is not a Dense Studio {kind} file (not a zip archive)"
    try:
        with file:
            return read(NpzReader(file, size, max_members))
    except ModelFileError:
        raise
    except ArchiveError as reason:
        raise ModelFileError(not_ours if str(reason) == "is not a zip archive"
                             else str(reason)) from None
    except zipfile.BadZipFile:
        raise ModelFileError(not_ours) from None
    except (OSError, EOFError, ValueError, RuntimeError, NotImplementedError, KeyError,
            OverflowError, struct.error, zipfile.LargeZipFile, zlib.error) as error:
        raise ModelFileError(f"is corrupt or truncated ({one_line(error, 160)})") from None


def _read_archive(archive: NpzReader, into_model: bool = False):
    """Description first; every weight header checked against it before any weight is read.
    Returns the weights as arrays, or (``into_model``) a model holding them."""
    names = archive.names
    meta = read_description(archive, "model", _WEIGHT_MEMBER, MAX_META_BYTES)
    config, dataset, class_names, input_shape, metrics, expected = check_description(meta)

    wanted = {"meta.npy", *(f"w{i}.npy" for i in range(len(expected)))}
    if set(names) != wanted:
        missing = sorted(wanted - set(names))
        detail = f"missing {missing[0]}" if missing else "extra weight arrays"
        raise ModelFileError(f"weights do not match the layers ({detail})")
    headers = [checked_header(archive, f"w{i}.npy", _FLOAT32, shape)
               for i, shape in enumerate(expected)]
    model = _model_for(config, input_shape, class_names) if into_model else None
    targets = ([view for _layer, _attr, view in model.parameters.weight_views()] if into_model
               else [np.empty(header.shape, header.dtype) for header in headers])
    for i, (header, array) in enumerate(zip(headers, targets)):
        archive.read_into(f"w{i}.npy", header, array)
        if not all_finite(array):
            raise ModelFileError(f"weight array w{i} contains NaN or infinite values")
    return config, dataset, class_names, input_shape, metrics, model if into_model else targets


def read_description(archive: NpzReader, kind: str, members: re.Pattern, max_bytes: int) -> dict:
    """The archive's JSON ``meta`` member, parsed, once every member's name is one that
    ``members`` (besides ``meta.npy``) allows and the description is of a sane size."""
    names = archive.names
    if "meta.npy" not in names:
        raise ModelFileError(f"is not a Dense Studio {kind} file (no 'meta' member)")
    unexpected = [n for n in names if n != "meta.npy" and not members.match(n)]
    if unexpected:
        raise ModelFileError(f"has unexpected member {unexpected[0][:60]!r}")
    if archive.size_of("meta.npy") > max_bytes + 4096:
        raise ModelFileError("has an oversized description")
    meta_header = checked_header(archive, "meta.npy", _UINT8, None)
    return parse_description(archive.read("meta.npy", meta_header).tobytes())


def checked_header(archive: NpzReader, name: str, dtype: np.dtype, shape):
    """The member's header, if it has type ``dtype`` and ``shape`` (None: 1-D, any length)."""
    label = name[:-4]
    header = archive.header(name)
    if header.dtype != dtype:
        found = header.dtype if header.dtype is not None else repr(header.descr)
        raise ModelFileError(f"member {label!r} has type {found}, expected {dtype}")
    if shape is None:
        if len(header.shape) != 1:
            raise ModelFileError(f"member {label!r} has a bad shape {header.shape}"[:120])
    elif header.shape != tuple(shape):
        raise ModelFileError(
            f"weight array {label} has shape {header.shape}, the layers need {tuple(shape)}"[:160]
        )
    return header


class _BadNumber(ValueError):
    pass


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_INT_DIGITS:
        raise _BadNumber(f"the whole number {text[:20]}... is out of range")
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _BadNumber(f"the number {text[:20]} is out of range")
    return value


def _no_constant(constant: str):
    raise _BadNumber(f"{constant} is not a number a model file may hold")


def parse_description(data: bytes) -> dict:
    """The description as JSON; every number in it is finite and of sensible size."""
    try:
        meta = json.loads(data.decode("utf-8"), parse_int=_bounded_int,
                          parse_float=_finite_float, parse_constant=_no_constant)
    except _BadNumber as error:
        raise ModelFileError(f"is corrupt: its description is not valid JSON ({error})") from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ModelFileError("is corrupt: its description is not valid JSON") from None
    if not isinstance(meta, dict):
        raise ModelFileError("is corrupt: its description is not a JSON object")
    return meta


def check_description(meta: dict):
    """Validate the JSON description; return its parts and the expected weight shapes."""
    if meta.get("format") != FORMAT:
        raise ModelFileError("is not a Dense Studio model file")
    version = meta.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ModelFileError(f"has an invalid format version {version!r}"[:100])
    if version > VERSION:
        raise ModelFileError(
            f"was written by a newer Dense Studio (model format {version}); this version "
            f"{__version__} reads format {VERSION} — please upgrade dense-studio"
        )
    if set(meta) != _META_KEYS:
        extra, missing = sorted(set(meta) - _META_KEYS), sorted(_META_KEYS - set(meta))
        raise ModelFileError(f"has a bad description (unexpected {extra}, missing {missing})"[:200])
    if not isinstance(meta["created_by"], str) or len(meta["created_by"]) > MAX_NAME_CHARS:
        raise ModelFileError("has a bad 'created_by' field")

    try:
        config = TrainingConfig.from_dict(meta["config"])
    except ConfigError as error:
        raise ModelFileError(f"has invalid training settings: {error}"[:300]) from None
    except (TypeError, ValueError, KeyError, OverflowError, RecursionError):
        raise ModelFileError("has invalid training settings") from None
    hidden = [layer for layer in config.layers if isinstance(layer, DenseSpec)]
    if len(config.layers) > MAX_HIDDEN_LAYERS:
        raise ModelFileError(f"has too many layers ({len(config.layers)})")

    dataset = check_dataset_name(meta["dataset"])
    check_dataset_name(config.dataset)

    names = meta["class_names"]
    if not isinstance(names, list) or not 2 <= len(names) <= MAX_CLASSES:
        raise ModelFileError(f"class_names must be a list of 2 to {MAX_CLASSES} names")
    for name in names:
        if not isinstance(name, str) or not 0 < len(name) <= MAX_NAME_CHARS or not name.isprintable():
            raise ModelFileError(f"has a bad class name {str(name)[:40]!r}")
    class_names = tuple(names)

    shape = meta["input_shape"]
    if (
        not isinstance(shape, list)
        or not 1 <= len(shape) <= 3
        or any(isinstance(n, bool) or not isinstance(n, int) or n < 1 for n in shape)
        or math.prod(shape) > MAX_INPUT_VALUES
    ):
        raise ModelFileError(f"has a bad input shape {shape!r}"[:100])
    input_shape = tuple(shape)

    layers = meta["layers"]
    output = layers[-1] if isinstance(layers, list) and layers else None
    units = output.get("units") if isinstance(output, dict) and output.get("type") == "dense" else None
    if isinstance(units, int) and units != len(class_names):
        raise ModelFileError(f"has {len(class_names)} class names but {units} outputs")
    if layers != architecture_of(config, len(class_names)):
        raise ModelFileError("its layer list does not match its training settings")

    metrics = meta["metrics"]
    if metrics is not None:
        if not isinstance(metrics, dict) or len(metrics) > MAX_METRICS:
            raise ModelFileError("has a bad 'metrics' field")
        for key, value in metrics.items():
            ok_value = value is None or (
                not isinstance(value, bool)
                and isinstance(value, (int, float))
                and math.isfinite(value)
            )
            if len(key) > MAX_NAME_CHARS or not ok_value:
                raise ModelFileError(f"has a bad metric {key[:40]!r}")

    expected: list[tuple[int, ...]] = []
    fan_in = math.prod(input_shape)
    for units in [*(layer.units for layer in hidden), len(class_names)]:
        expected += [(fan_in, units), (units,)]
        fan_in = units
    if sum(math.prod(s) for s in expected) * 4 > MAX_WEIGHT_BYTES:
        raise ModelFileError("declares more weights than a model file may hold")
    return config, dataset, class_names, input_shape, metrics, expected


def check_dataset_name(name: object) -> str:
    """Only canonical names (as we write them) pass: they also go into exported scripts.
    ``custom`` marks a model trained on other data."""
    if name == CUSTOM_DATASET:
        return name
    try:
        canonical = normalize_dataset_name(name)
    except DatasetError as error:
        raise ModelFileError(f"has a bad dataset name: {error}") from None
    if canonical != name:
        raise ModelFileError(f"has a bad dataset name {str(name)[:40]!r} (not {canonical!r})")
    return canonical


def architecture_of(config: TrainingConfig, num_classes: int) -> list[dict]:
    """The full layer list, as stored for people reading the file's description."""
    return [
        {"type": "flatten"},
        *(layer_to_dict(layer) for layer in config.layers),
        {"type": "dense", "units": num_classes, "activation": "softmax"},
    ]


def _plain(value: Any) -> Any:
    """numpy scalars -> Python numbers so the JSON stays plain."""
    if isinstance(value, np.generic):
        return value.item()
    return value


__all__ = [
    "FORMAT", "VERSION", "SUFFIX", "LoadedModel", "save_model", "load_model",
    "read_model_file", "atomic_write", "check_savable", "check_writable",
]
