"""Session files (``.dssession``): everything on the window's desk in one safe file.

The layers, training settings and dataset (one ``TrainingConfig``), the model and its
weights if there is one, the history of runs with their curves, and the input on the canvas.
The safety rules are the model files' (``model_file.py``), and so are its helpers: a zip as
written by ``np.savez`` with a JSON ``meta`` stored as ``uint8`` and raw little-endian arrays,
every ``.npy`` header checked before its data are read, ``allow_pickle=False``, limits on
every size, every JSON field validated, NaN refused, written atomically. A file from a
stranger can at worst be refused with one line (:class:`SessionFileError`).

Members: ``meta``; ``w0 w1 …`` the model's float32 weights (Keras order); ``b0 b1 …`` each
run's per-batch rows (loss, accuracy, samples seen) as flat float64; ``canvas`` the 28×28
input as flat float32; ``drawings`` the person's own labelled drawings (28×28 each) as flat
float32, their labels and times in ``meta["drawings"]`` (a part added later: a file without
it has no drawings, and a session without drawings writes none, so older readers still
open it). The model part of ``meta`` is exactly a model file's description, so
it is checked by the same code.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Optional

import numpy as np

from dense_studio import __version__
from dense_studio.engine.spec import MAX_EPOCHS, TrainingConfig
from dense_studio.engine.training import EpochEnd
from dense_studio.errors import ConfigError, ModelFileError
from dense_studio.engine.parameters import all_finite
from dense_studio.files import model_file
from dense_studio.files.model_file import (  # the model files' own checks, reused
    FORMAT as MODEL_FORMAT,
    LoadedModel,
    architecture_of,
    atomic_write,
    check_dataset_name,
    check_description,
    checked_header,
    read_description,
)
from dense_studio.files.npz import NpzReader

__all__ = [
    "FORMAT", "VERSION", "SUFFIX", "SessionFileError", "SessionData", "RunData",
    "InputSource", "SOURCE_KINDS", "RUN_STATUSES", "CANVAS_SHAPE", "MAX_RUNS",
    "MAX_BATCH_ROWS", "write_session", "read_session", "Drawing", "MAX_DRAWINGS",
]

FORMAT = "dense-studio-session"
VERSION = 1
SUFFIX = ".dssession"

MAX_RUNS = 200
#: Per-batch rows kept per run; a longer run keeps every k-th batch (see session/runs.py).
MAX_BATCH_ROWS = 50_000
MAX_META_BYTES = 16 * 1024 * 1024
MAX_TEXT_CHARS = 300
CANVAS_SHAPE = (28, 28)
SOURCE_KINDS = ("drawing", "test_sample", "image_file")
RUN_STATUSES = ("finished", "stopped", "diverged", "failed")
BATCH_COLUMNS = ("loss", "accuracy", "samples_seen")
#: The person's own drawings kept in one session (each is 28×28 float32: 3 KB).
MAX_DRAWINGS = 5000

_META_KEYS = frozenset({"format", "version", "created_by", "config", "model", "runs", "canvas"})
_OPTIONAL_META_KEYS = frozenset({"drawings"})
_DRAWINGS_KEYS = frozenset({"labels", "datasets", "added_at"})
_RUN_KEYS = frozenset({"id", "name", "config", "initial_epoch", "status", "message",
                       "started_at", "seconds", "batches_per_epoch", "batch_rows", "epochs",
                       "metrics"})
_EPOCH_KEYS = tuple(f.name for f in fields(EpochEnd))
_SOURCE_KEYS = frozenset({"kind", "test_index", "true_label", "file_name"})
_MEMBER = re.compile(r"^(meta|canvas|drawings|[wb](0|[1-9][0-9]{0,3}))\.npy$")
_FLOAT32, _FLOAT64, _UINT8 = np.dtype("<f4"), np.dtype("<f8"), np.dtype("u1")


class SessionFileError(ModelFileError):
    """A session file that is missing, corrupt or hostile (a kind of model-file error)."""


@dataclass(frozen=True)
class InputSource:
    """Where the input on the canvas came from: a drawing, test image ``test_index`` (whose
    true class is ``true_label``), or an image file (its name only)."""

    kind: str = "drawing"
    test_index: Optional[int] = None
    true_label: Optional[int] = None
    file_name: Optional[str] = None

    def __post_init__(self) -> None:
        if self.kind not in SOURCE_KINDS:
            raise ConfigError(f"unknown input source {self.kind!r}"[:100])
        sample = self.kind == "test_sample"
        for name in ("test_index", "true_label"):
            value = getattr(self, name)
            if (value is None) == sample or (value is not None and not _whole(value, 0, 10**9)):
                raise ConfigError(f"input source: bad {name} {value!r}"[:100])
        name = self.file_name
        if (name is None) == (self.kind == "image_file") or (
                name is not None and not _short_text(name)):
            raise ConfigError(f"input source: bad file name {str(name)[:40]!r}")


@dataclass(frozen=True, eq=False)
class RunData:
    """One run as stored: its config (seed included), where it started (epochs trained
    before it), status, times, per-epoch ``EpochEnd`` metrics, final ``metrics`` and the
    per-batch rows ``batches`` (shape (n, 3): loss, accuracy, samples seen)."""

    id: int
    name: str
    config: TrainingConfig
    initial_epoch: float
    status: str
    message: str
    started_at: float
    seconds: float
    batches_per_epoch: int
    epochs: tuple
    metrics: dict
    batches: np.ndarray


@dataclass(frozen=True, eq=False)
class Drawing:
    """One of the person's own drawings: the 28×28 input the network sees (float32 in
    0…1, as the canvas preprocessed it), its class index ``label`` among the classes of
    ``dataset`` (a "3" of MNIST is a dress in Fashion-MNIST) and when it was added."""

    image: np.ndarray
    label: int
    dataset: str
    added_at: float = 0.0


@dataclass(frozen=True, eq=False)
class SessionData:
    """A whole session: ``config`` holds its settings, layers and dataset name."""

    config: TrainingConfig
    model: Optional[LoadedModel] = None
    runs: tuple = ()
    canvas: Optional[np.ndarray] = None
    canvas_source: Optional[InputSource] = None
    path: Optional[Path] = field(default=None, compare=False)
    drawings: tuple = ()  # of Drawing


# --------------------------------------------------------------------------- write


def write_session(path, data: SessionData) -> Path:
    """Write ``data`` atomically; refuse (one line) anything a reader would refuse."""
    path = Path(path)
    arrays: dict[str, np.ndarray] = {}
    model = None
    if data.model is not None:
        loaded = data.model
        model = _model_meta(loaded)
        arrays.update({f"w{i}": np.asarray(w, _FLOAT32)
                       for i, w in enumerate(loaded.model.get_weights())})
    runs = []
    for i, run in enumerate(data.runs):
        rows = np.asarray(run.batches, _FLOAT64).reshape(-1, len(BATCH_COLUMNS))
        runs.append(_run_meta(run, len(rows)))
        arrays[f"b{i}"] = rows.ravel()
    canvas = None
    if data.canvas is not None:
        canvas = _source_meta(data.canvas_source or InputSource())
        arrays["canvas"] = np.asarray(data.canvas, _FLOAT32).ravel()
    meta = {"format": FORMAT, "version": VERSION, "created_by": f"dense-studio {__version__}",
            "config": data.config.to_dict(), "model": model, "runs": runs, "canvas": canvas}
    if data.drawings:
        meta["drawings"] = _drawings_meta(data.drawings)
        arrays["drawings"] = np.stack([np.asarray(d.image, _FLOAT32).ravel()
                                       for d in data.drawings]).ravel()
    try:
        encoded = json.dumps(meta, allow_nan=False, default=_plain).encode("utf-8")
        _check(json.loads(encoded), arrays)
    except (ModelFileError, ValueError, TypeError) as error:
        raise SessionFileError(f"cannot save session: {error}"[:300]) from None
    arrays["meta"] = np.frombuffer(encoded, dtype=_UINT8)
    atomic_write(path, lambda f: np.savez(f, **arrays))
    return path


def _model_meta(loaded: LoadedModel) -> dict:
    """A model file's description of ``loaded``, built as ``save_model`` builds it."""
    return {"format": MODEL_FORMAT, "version": model_file.VERSION,
            "created_by": f"dense-studio {__version__}", "config": loaded.config.to_dict(),
            "dataset": loaded.dataset_name, "class_names": list(loaded.class_names),
            "input_shape": [int(n) for n in loaded.input_shape],
            "layers": architecture_of(loaded.config, len(loaded.class_names)),
            "metrics": None if loaded.metrics is None else dict(loaded.metrics)}


def _run_meta(run: RunData, rows: int) -> dict:
    epochs = [{key: getattr(e, key) for key in _EPOCH_KEYS} for e in run.epochs]
    return {"id": run.id, "name": run.name, "config": run.config.to_dict(),
            "initial_epoch": run.initial_epoch, "status": run.status, "message": run.message,
            "started_at": run.started_at, "seconds": run.seconds,
            "batches_per_epoch": run.batches_per_epoch, "batch_rows": rows, "epochs": epochs,
            "metrics": dict(run.metrics)}


def _drawings_meta(drawings) -> dict:
    return {"labels": [d.label for d in drawings], "datasets": [d.dataset for d in drawings],
            "added_at": [d.added_at for d in drawings]}


def _source_meta(source: InputSource) -> dict:
    return {key: getattr(source, key) for key in sorted(_SOURCE_KEYS)}


# --------------------------------------------------------------------------- read


def read_session(path) -> SessionData:
    """Read and validate a whole session file; :class:`SessionFileError` naming the file."""
    path = Path(path)
    try:
        return _read(path)
    except ModelFileError as error:
        raise SessionFileError(f"{path}: {error}"[:400]) from None


def _read(path: Path) -> SessionData:
    return model_file.read_archive(
        path, "session", model_file.MAX_FILE_BYTES + MAX_META_BYTES,
        2 * MAX_RUNS + model_file.MAX_ARRAYS + 3, lambda archive: _read_archive(archive, path))


def _read_archive(archive: NpzReader, path: Path) -> SessionData:
    names = archive.names
    meta = read_description(archive, "session", _MEMBER, MAX_META_BYTES)
    shapes = _check_meta_shapes(meta)
    if set(names) != {"meta.npy", *(f"{name}.npy" for name in shapes)}:
        missing = sorted({f"{name}.npy" for name in shapes} - set(names))
        raise ModelFileError(f"members do not match its description "
                             f"({'missing ' + missing[0][:-4] if missing else 'extra arrays'})")
    # Every header against the description before any array is read.
    headers = {}
    for name, shape in shapes.items():
        dtype = _FLOAT64 if name.startswith("b") else _FLOAT32
        header = checked_header(archive, f"{name}.npy", dtype,
                                shape if name.startswith("w") else None)
        if not name.startswith("w") and header.shape != (math.prod(shape),):
            raise ModelFileError(f"array {name} holds {math.prod(header.shape)} values, "
                                 f"not {math.prod(shape)}")
        headers[name] = header
    arrays = {}
    for name, shape in shapes.items():
        array = archive.read(f"{name}.npy", headers[name]).reshape(shape)
        if not all_finite(array):
            raise ModelFileError(f"array {name} contains NaN or infinite values")
        arrays[name] = array
    return _build(meta, arrays, path)


def _check_meta_shapes(meta: dict) -> dict:
    """Validate the description; the shape each array member must have, by name."""
    if meta.get("format") != FORMAT:
        raise ModelFileError("is not a Dense Studio session file")
    version = meta.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ModelFileError(f"has an invalid format version {version!r}"[:100])
    if version > VERSION:
        raise ModelFileError(f"was written by a newer Dense Studio (session format {version}); "
                             f"this version {__version__} reads format {VERSION} — please "
                             "upgrade dense-studio")
    if not _META_KEYS <= set(meta) <= _META_KEYS | _OPTIONAL_META_KEYS:
        extra = sorted(set(meta) - _META_KEYS - _OPTIONAL_META_KEYS)
        missing = sorted(_META_KEYS - set(meta))
        raise ModelFileError(f"has a bad description (unexpected {extra}, missing {missing})"[:200])
    if not _short_text(meta["created_by"]):
        raise ModelFileError("has a bad 'created_by' field")
    config = _config(meta["config"], "its settings")
    check_dataset_name(config.dataset)
    shapes: dict[str, tuple] = {}
    if meta["model"] is not None:
        if not isinstance(meta["model"], dict):
            raise ModelFileError("has a bad 'model' field")
        try:
            *_, expected = check_description(meta["model"])
        except ModelFileError as error:
            raise ModelFileError(f"its model {error}"[:300]) from None
        shapes.update({f"w{i}": tuple(s) for i, s in enumerate(expected)})
    runs = meta["runs"]
    if not isinstance(runs, list) or len(runs) > MAX_RUNS:
        raise ModelFileError(f"'runs' must be a list of at most {MAX_RUNS} runs")
    ids = set()
    for i, run in enumerate(runs):
        rows = _check_run(run, i)
        if run["id"] in ids:
            raise ModelFileError(f"has two runs with id {run['id']}")
        ids.add(run["id"])
        shapes[f"b{i}"] = (rows, len(BATCH_COLUMNS))
    if meta["canvas"] is not None:
        _source(meta["canvas"])
        shapes["canvas"] = CANVAS_SHAPE
    if "drawings" in meta:
        shapes["drawings"] = (_check_drawings(meta["drawings"]), *CANVAS_SHAPE)
    return shapes


def _check_drawings(drawings: Any) -> int:
    """Validate the drawings' description; how many drawings the array holds."""
    if not isinstance(drawings, dict) or set(drawings) != _DRAWINGS_KEYS:
        raise ModelFileError("has a bad description of its drawings")
    labels, datasets, times = drawings["labels"], drawings["datasets"], drawings["added_at"]
    if not all(isinstance(part, list) for part in (labels, datasets, times)) \
            or not 0 < len(labels) <= MAX_DRAWINGS or not len(times) == len(datasets) == len(labels):
        raise ModelFileError(f"its drawings must be 1 to {MAX_DRAWINGS} labels with a dataset "
                             "and a time each")
    if not all(isinstance(name, str) for name in datasets):
        raise ModelFileError("its drawings have a bad dataset name")
    for name in set(datasets):
        try:
            check_dataset_name(name)
        except ModelFileError as error:
            raise ModelFileError(f"its drawings {error}"[:300]) from None
    if not all(_whole(label, 0, model_file.MAX_CLASSES - 1) for label in labels):
        raise ModelFileError("its drawings have a bad label (a class index is expected)")
    if not all(_real(when, 0, 10**11) for when in times):
        raise ModelFileError("its drawings have a bad time")
    return len(labels)


def _check_run(run: Any, i: int) -> int:
    """Validate run ``i``'s description; its number of per-batch rows."""
    what = f"run {i}"
    if not isinstance(run, dict) or set(run) != _RUN_KEYS:
        raise ModelFileError(f"has a bad description of {what}")
    config = _config(run["config"], what)
    check_dataset_name(config.dataset)
    checks = {
        "id": _whole(run["id"], 0, 10**9),
        "name": isinstance(run["name"], str) and (run["name"] == "" or _short_text(run["name"])),
        "initial_epoch": _real(run["initial_epoch"], 0, 10**7),
        "status": run["status"] in RUN_STATUSES,
        "message": isinstance(run["message"], str) and len(run["message"]) <= MAX_TEXT_CHARS,
        "started_at": _real(run["started_at"], 0, 10**11),
        "seconds": _real(run["seconds"], 0, 10**9),
        "batches_per_epoch": _whole(run["batches_per_epoch"], 0, 10**9),
        "batch_rows": _whole(run["batch_rows"], 0, MAX_BATCH_ROWS),
        "epochs": isinstance(run["epochs"], list) and len(run["epochs"]) <= MAX_EPOCHS,
        "metrics": _metrics_ok(run["metrics"]),
    }
    for key, ok in checks.items():
        if not ok:
            raise ModelFileError(f"{what} has a bad {key!r}")
    for epoch in run["epochs"]:
        _epoch_end(epoch, what)
    return run["batch_rows"]


def _epoch_end(data: Any, what: str) -> EpochEnd:
    if not isinstance(data, dict) or set(data) != set(_EPOCH_KEYS):
        raise ModelFileError(f"{what} has a bad epoch entry")
    counts = ("epoch", "epochs")
    for key in _EPOCH_KEYS:
        value = data[key]
        ok = _whole(value, 0, MAX_EPOCHS) if key in counts else (
            (value is None and key.startswith("val_")) or _real(value, 0, 1e30))
        if not ok:
            raise ModelFileError(f"{what} has a bad epoch {key!r}")
    return EpochEnd(**data)


def _config(data: Any, what: str) -> TrainingConfig:
    try:
        return TrainingConfig.from_dict(data)
    except ConfigError as error:
        raise ModelFileError(f"{what}: invalid training settings: {error}"[:300]) from None
    except (TypeError, ValueError, KeyError):
        raise ModelFileError(f"{what}: invalid training settings") from None


def _source(data: Any) -> InputSource:
    if not isinstance(data, dict) or set(data) != _SOURCE_KEYS:
        raise ModelFileError("has a bad description of the canvas")
    try:
        return InputSource(**data)
    except ConfigError as error:
        raise ModelFileError(f"has a bad canvas: {error}"[:200]) from None


def _build(meta: dict, arrays: dict, path: Path) -> SessionData:
    model = None
    if meta["model"] is not None:
        config, dataset, class_names, input_shape, metrics, expected = check_description(meta["model"])
        from dense_studio.engine import build_model  # heavier; only when there is a model

        built = build_model(config.layers, input_shape=input_shape,
                            num_classes=len(class_names), seed=config.seed, config=config)
        built.set_weights([arrays[f"w{i}"] for i in range(len(expected))])
        model = LoadedModel(built, config, dataset, class_names, metrics, input_shape, path)
    runs = tuple(
        RunData(run["id"], run["name"], TrainingConfig.from_dict(run["config"]),
                float(run["initial_epoch"]), run["status"], run["message"],
                float(run["started_at"]), float(run["seconds"]), run["batches_per_epoch"],
                tuple(_epoch_end(e, "") for e in run["epochs"]), dict(run["metrics"]),
                arrays[f"b{i}"])
        for i, run in enumerate(meta["runs"]))
    canvas = arrays.get("canvas")
    _check_canvas(canvas)
    source = None if meta["canvas"] is None else _source(meta["canvas"])
    drawings = ()
    if "drawings" in meta:
        _check_canvas(arrays["drawings"], "drawings")
        part = meta["drawings"]
        drawings = tuple(Drawing(image, label, dataset, float(when))
                         for image, label, dataset, when in zip(
                             arrays["drawings"], part["labels"], part["datasets"],
                             part["added_at"]))
    return SessionData(TrainingConfig.from_dict(meta["config"]), model, runs, canvas, source,
                       path, drawings)


def _check(meta: dict, arrays: dict) -> None:
    """What a writer checks: the description and the arrays, exactly as a reader would."""
    wanted = _check_meta_shapes(meta)
    if set(wanted) != set(arrays):
        raise ModelFileError("its arrays do not match its description")
    for name, shape in wanted.items():
        array = arrays[name]
        if array.size != math.prod(shape) or (name.startswith("w") and array.shape != shape):
            raise ModelFileError(f"array {name} has shape {array.shape}, not {shape}")
        if not np.isfinite(array).all():
            raise ModelFileError(f"array {name} is not finite (NaN or inf)")
    _check_canvas(arrays.get("canvas"))
    _check_canvas(arrays.get("drawings"), "drawings")


def _check_canvas(canvas: Optional[np.ndarray], what: str = "canvas") -> None:
    if canvas is not None and not ((canvas >= 0).all() and (canvas <= 1).all()):
        raise ModelFileError(f"its {what} holds values outside 0…1")


def _plain(value: Any) -> Any:
    """numpy scalars as Python numbers, for ``json.dumps``."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not plain JSON")


# --------------------------------------------------------------------------- checks


def _whole(value: Any, low: int, high: int) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and low <= value <= high


def _real(value: Any, low: float, high: float) -> bool:
    return (not isinstance(value, bool) and isinstance(value, (int, float))
            and math.isfinite(value) and low <= value <= high)


def _short_text(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= model_file.MAX_NAME_CHARS \
        and value.isprintable()


def _metrics_ok(metrics: Any) -> bool:
    return isinstance(metrics, dict) and len(metrics) <= model_file.MAX_METRICS and all(
        _short_text(k) and (v is None or _real(v, -1e30, 1e30)) for k, v in metrics.items())
