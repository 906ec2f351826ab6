"""Lesson files (``.dslesson``): a guided exercise as plain JSON, never executed.

A lesson holds its title, text and hints in English and 繁體中文 (``{"en": …, "zh_TW": …}``),
the starting network, dataset and training settings (one ``TrainingConfig``, in the
vocabulary of model and session files, checked by the same ``spec`` code), an optional
``train_limit`` (train on the first N training images only: small sets overfit), which of
the window's controls are locked or hidden, and a goal (conditions that
``dense_studio.session.lesson.check_goal`` checks live).

The file is read as model files are: a regular file of bounded size (``data/untrusted``),
JSON with bounded numbers, every key known and every value type- and range-checked. Anything
wrong is one :class:`LessonFileError` line naming the file. Written atomically.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping, Optional

from dense_studio import __version__
from dense_studio.data.untrusted import UnreadableFile, open_regular_file
from dense_studio.engine.spec import TrainingConfig
from dense_studio.errors import ConfigError, ModelFileError
from dense_studio.files.atomic import atomic_write
from dense_studio.files.model_file import (  # the model files' own checks, reused
    MAX_HIDDEN_LAYERS,
    check_dataset_name,
    parse_description,
)
from dense_studio.files.session_file import _real, _whole  # the session files' number checks

__all__ = [
    "FORMAT", "VERSION", "SUFFIX", "LANGUAGES", "CONTROL_NAMES", "GOAL_CONDITIONS",
    "LessonFileError", "Lesson", "read_lesson", "write_lesson", "lesson_from_dict",
    "lesson_to_dict",
]

FORMAT = "dense-studio-lesson"
VERSION = 1
SUFFIX = ".dslesson"
LANGUAGES = ("en", "zh_TW")

MAX_FILE_BYTES = 1 << 20  # 1 MB: a long lesson is some 10 KB
MAX_TITLE_CHARS = 120
MAX_TEXT_CHARS = 8000
MAX_HINTS = 12
MAX_HINT_CHARS = 1000
MAX_TRAIN_LIMIT = 10_000_000
MAX_PARAMS = 10**9

#: The window's controls a lesson may lock or hide, by objectName (the window exposes each
#: as an attribute of that name). One list, read by the reader and the lesson UI.
CONTROL_NAMES = ("datasetCombo", "optimizerCombo", "learningRateSpin", "decayCheck",
                 "batchSizeSpin", "epochsSpin", "validationSpin", "seedSpin", "layerEditor")

#: Goal conditions: name -> (kind, low, high). "fraction" is a share 0…1, "count" a whole
#: number, "rate" a positive number, "dataset" a dataset name, "datasets" a list of them.
GOAL_CONDITIONS: dict[str, tuple[str, float, float]] = {
    "test_accuracy_at_least": ("fraction", 0.0, 1.0),
    "val_accuracy_at_least": ("fraction", 0.0, 1.0),
    "max_train_val_gap": ("fraction", 0.0, 1.0),
    "min_hidden_layers": ("count", 0, MAX_HIDDEN_LAYERS),
    "max_hidden_layers": ("count", 0, MAX_HIDDEN_LAYERS),
    "min_dropout_layers": ("count", 0, MAX_HIDDEN_LAYERS),
    "max_params": ("count", 1, MAX_PARAMS),
    "max_learning_rate": ("rate", 0.0, 10.0),
    "dataset": ("dataset", 0, 0),
    "datasets_trained": ("datasets", 1, 8),
    "drawing_confidence_at_least": ("fraction", 0.0, 1.0),
}

_KEYS = frozenset({"format", "version", "created_by", "title", "text", "hints", "config",
                   "train_limit", "locked", "hidden", "goal"})
_REQUIRED = frozenset({"format", "version", "title", "text", "config", "goal"})


class LessonFileError(ModelFileError):
    """A lesson file that is missing, corrupt or hostile (a kind of model-file error)."""


@dataclass(frozen=True)
class Lesson:
    """One lesson. Texts are ``{"en": …, "zh_TW": …}``; ``config`` the starting network,
    dataset and settings; ``goal`` maps :data:`GOAL_CONDITIONS` names to targets."""

    title: Mapping[str, str]
    text: Mapping[str, str]
    config: TrainingConfig
    goal: Mapping[str, Any]
    hints: tuple = ()
    train_limit: Optional[int] = None
    locked: frozenset = frozenset()
    hidden: frozenset = frozenset()
    path: Optional[Path] = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # The reader's rules, whoever builds a lesson (a file, the "Save as lesson" dialog).
        if not isinstance(self.config, TrainingConfig):
            raise LessonFileError("a lesson's config must be a TrainingConfig")
        _check_network(self.config)
        if not isinstance(self.hints, (list, tuple)) or len(self.hints) > MAX_HINTS:
            raise LessonFileError(f"'hints' must be a list of at most {MAX_HINTS} hints")
        for name, value in (
                ("title", _texts(self.title, "title", MAX_TITLE_CHARS)),
                ("text", _texts(self.text, "text", MAX_TEXT_CHARS)),
                ("hints", tuple(_texts(hint, "hint", MAX_HINT_CHARS) for hint in self.hints)),
                ("train_limit", _train_limit(self.train_limit)),
                ("locked", _controls(self.locked, "locked")),
                ("hidden", _controls(self.hidden, "hidden")),
                ("goal", _goal(self.goal))):
            object.__setattr__(self, name, value)

    def in_language(self, texts: Mapping[str, str], language: str) -> str:
        """``texts`` in ``language``, else English."""
        return texts.get(language) or texts["en"]


# --------------------------------------------------------------------------- write


def lesson_to_dict(lesson: Lesson) -> dict:
    return {
        "format": FORMAT, "version": VERSION, "created_by": f"dense-studio {__version__}",
        "title": dict(lesson.title), "text": dict(lesson.text),
        "hints": [dict(hint) for hint in lesson.hints],
        "config": lesson.config.to_dict(), "train_limit": lesson.train_limit,
        "locked": sorted(lesson.locked), "hidden": sorted(lesson.hidden),
        "goal": dict(lesson.goal),
    }


def write_lesson(path, lesson: Lesson) -> Path:
    """Write ``lesson`` atomically (``.dslesson`` added if missing); one line if it cannot."""
    path = Path(path)
    if path.suffix.lower() != SUFFIX:
        path = path.with_name(path.name + SUFFIX)
    data = json.dumps(lesson_to_dict(lesson), ensure_ascii=False, indent=1,
                      allow_nan=False).encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        raise LessonFileError(f"cannot save lesson: it is larger than {MAX_FILE_BYTES} bytes")
    atomic_write(path, lambda f: f.write(data))
    return path


# --------------------------------------------------------------------------- read


def read_lesson(path) -> Lesson:
    """Read and validate a lesson file; :class:`LessonFileError` naming the file."""
    path = Path(path)
    try:
        try:
            file, _size = open_regular_file(path, MAX_FILE_BYTES, "a lesson file")
        except UnreadableFile as reason:
            raise LessonFileError(str(reason)) from None
        try:
            with file:
                data = file.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise LessonFileError(f"cannot read: {error.strerror or error}") from None
        try:
            meta = parse_description(data)
        except ModelFileError:
            raise LessonFileError("is not a Dense Studio lesson file (not valid JSON)") from None
        lesson = lesson_from_dict(meta)
    except ModelFileError as error:
        raise LessonFileError(f"{path}: {error}"[:400]) from None
    return replace(lesson, path=path)


def lesson_from_dict(meta: Any) -> Lesson:
    """Validate a lesson's JSON; :class:`LessonFileError` (without a file name)."""
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise LessonFileError("is not a Dense Studio lesson file")
    version = meta.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise LessonFileError(f"has an invalid format version {version!r}"[:100])
    if version > VERSION:
        raise LessonFileError(f"was written by a newer Dense Studio (lesson format {version}); "
                              f"this version {__version__} reads format {VERSION} — please "
                              "upgrade dense-studio")
    if not _REQUIRED <= set(meta) <= _KEYS:
        extra, missing = sorted(set(meta) - _KEYS), sorted(_REQUIRED - set(meta))
        raise LessonFileError(
            f"has a bad description (unexpected {extra}, missing {missing})"[:200])
    created = meta.get("created_by", "")
    if not isinstance(created, str) or len(created) > MAX_TITLE_CHARS:
        raise LessonFileError("has a bad 'created_by' field")
    hints = meta.get("hints", [])
    if not isinstance(hints, list):
        raise LessonFileError("'hints' must be a list")
    return Lesson(title=meta["title"], text=meta["text"], config=_config(meta["config"]),
                  goal=meta["goal"], hints=tuple(hints), train_limit=meta.get("train_limit"),
                  locked=meta.get("locked", []), hidden=meta.get("hidden", []))


def _texts(value: Any, what: str, limit: int) -> dict:
    """``{"en": …, "zh_TW": …}``: English required, both short printable texts."""
    if not isinstance(value, Mapping) or "en" not in value or not set(value) <= set(LANGUAGES):
        raise LessonFileError(f"its {what} must be an object with 'en' (and 'zh_TW') texts")
    for language, text in value.items():
        if not isinstance(text, str) or not 0 < len(text) <= limit \
                or not text.replace("\n", " ").isprintable():
            raise LessonFileError(f"has a bad {what} ({language}): "
                                  f"a text of 1 to {limit} printable characters")
    return dict(value)


def _config(value: Any) -> TrainingConfig:
    """The starting network, dataset and settings; keys left out take their defaults."""
    if not isinstance(value, dict):
        raise LessonFileError("its 'config' must be an object")
    try:
        config = TrainingConfig.from_dict({**TrainingConfig().to_dict(), **value})
    except ConfigError as error:
        raise LessonFileError(f"has invalid settings: {error}"[:300]) from None
    except (TypeError, ValueError, KeyError, OverflowError, RecursionError):
        raise LessonFileError("has invalid settings") from None
    return config


def _check_network(config: TrainingConfig) -> None:
    if len(config.layers) > MAX_HIDDEN_LAYERS:
        raise LessonFileError(f"has too many layers ({len(config.layers)})")
    _dataset(config.dataset)


def _dataset(name: Any) -> str:
    try:
        return check_dataset_name(name)
    except ModelFileError as error:
        raise LessonFileError(str(error)) from None


def _train_limit(value: Any) -> Optional[int]:
    if value is None:
        return None
    if not _whole(value, 1, MAX_TRAIN_LIMIT):
        raise LessonFileError(f"'train_limit' must be a whole number from 1 to {MAX_TRAIN_LIMIT}"
                              " or null")
    return value


def _controls(value: Any, what: str) -> frozenset:
    if not isinstance(value, (list, tuple, set, frozenset)) or len(value) > len(CONTROL_NAMES) \
            or not all(isinstance(n, str) for n in value):
        raise LessonFileError(f"'{what}' must be a list of control names")
    unknown = sorted(set(value) - set(CONTROL_NAMES))
    if unknown:
        raise LessonFileError(f"'{what}' names an unknown control {unknown[0][:40]!r} "
                              f"(known: {', '.join(CONTROL_NAMES)})")
    return frozenset(value)


def _goal(value: Any) -> dict:
    if not isinstance(value, Mapping) or not value:
        raise LessonFileError("its 'goal' must be an object with at least one condition")
    goal = {}
    for name, target in value.items():
        if name not in GOAL_CONDITIONS:
            raise LessonFileError(f"its goal has an unknown condition {str(name)[:40]!r}")
        kind, low, high = GOAL_CONDITIONS[name]
        if kind == "dataset":
            target = _dataset(target)
        elif kind == "datasets":
            if not isinstance(target, list) or not low <= len(target) <= high:
                raise LessonFileError(f"goal {name!r} must be a list of dataset names")
            target = [_dataset(item) for item in target]
        elif kind == "count":
            if not _whole(target, low, high):
                raise LessonFileError(f"goal {name!r} must be a whole number from {low} to {high}")
        elif not _real(target, low, high) or (kind == "rate" and target <= 0):
            raise LessonFileError(f"goal {name!r} must be a number from {low:g} to {high:g}")
        goal[name] = target
    if goal.get("min_hidden_layers", 0) > goal.get("max_hidden_layers", MAX_HIDDEN_LAYERS):
        raise LessonFileError("its goal asks for more hidden layers than it allows")
    return goal
