"""Lesson files: what is written reads back the same; anything hostile is one clear line.

A lesson file is plain JSON read like model files are (regular file, size bound, bounded
numbers, every key known and every value checked), so each case below must end in a
``LessonFileError`` naming the file, never in another exception.
"""

from __future__ import annotations

import copy
import json
import os

import pytest

from dense_studio.engine.spec import DenseSpec, DropoutSpec, TrainingConfig
from dense_studio.errors import DenseStudioError
from dense_studio.files import lesson_file
from dense_studio.files.lesson_file import (CONTROL_NAMES, GOAL_CONDITIONS, Lesson,
                                            LessonFileError, read_lesson, write_lesson)
from dense_studio.ui.lessons.bundled import bundled_lessons

LESSON = Lesson(
    title={"en": "Dropout", "zh_TW": "丟棄"}, text={"en": "Line one.\nLine two."},
    config=TrainingConfig(dataset="mnist", layers=(DenseSpec(32, "tanh"), DropoutSpec(0.25)),
                          learning_rate=0.01, epochs=3, validation_split=0.2, seed=7),
    goal={"val_accuracy_at_least": 0.9, "min_dropout_layers": 1,
          "datasets_trained": ["mnist", "fashion_mnist"]},
    hints=({"en": "Try 0.5", "zh_TW": "試試 0.5"},), train_limit=500,
    locked=frozenset({"layerEditor", "seedSpin"}), hidden=frozenset({"decayCheck"}))


def test_a_lesson_reads_back_as_written(tmp_path):
    path = write_lesson(tmp_path / "dropout", LESSON)
    assert path.name == "dropout.dslesson"
    back = read_lesson(path)
    assert back == LESSON and back.path == path
    assert back.config.layers == (DenseSpec(32, "tanh"), DropoutSpec(0.25))
    assert json.loads(path.read_text("utf-8"))["version"] == lesson_file.VERSION


def test_a_hand_written_lesson_may_leave_settings_and_lists_out(tmp_path):
    path = tmp_path / "short.dslesson"
    path.write_text(json.dumps({
        "format": "dense-studio-lesson", "version": 1, "title": {"en": "Short"},
        "text": {"en": "Train."}, "config": {"layers": [], "epochs": 2},
        "goal": {"test_accuracy_at_least": 0.8}}), "utf-8")
    lesson = read_lesson(path)
    assert lesson.config == TrainingConfig(layers=(), epochs=2)
    assert lesson.hints == () and lesson.locked == frozenset() and lesson.train_limit is None
    assert lesson.in_language(lesson.title, "zh_TW") == "Short"  # English when untranslated


def test_every_bundled_lesson_is_valid_and_in_both_languages():
    paths = bundled_lessons()
    assert len(paths) >= 7
    for path in paths:
        lesson = read_lesson(path)
        for texts in (lesson.title, lesson.text, *lesson.hints):
            assert set(texts) == {"en", "zh_TW"}, path.name
        assert lesson.hints, path.name


def _valid() -> dict:
    return lesson_file.lesson_to_dict(LESSON)


def _set(path: str, value):
    """A change to the valid description: ``path`` like ``config.layers.0.units``."""
    def change(meta):
        *parents, last = path.split(".")
        target = meta
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if isinstance(target, list):
            target[int(last)] = value
        elif value is _DELETE:
            del target[last]
        else:
            target[last] = value
        return meta
    return change


_DELETE = object()

HOSTILE_DESCRIPTIONS = {
    "another format": _set("format", "dense-studio-model"),
    "a newer version": _set("version", 2),
    "version as text": _set("version", "1"),
    "version true": _set("version", True),
    "an unknown key": _set("run_this", "import os"),
    "no goal": _set("goal", _DELETE),
    "empty goal": _set("goal", {}),
    "unknown goal": _set("goal", {"exec": "rm -rf /"}),
    "goal accuracy above 1": _set("goal.val_accuracy_at_least", 1.5),
    "goal accuracy as text": _set("goal.val_accuracy_at_least", "0.9"),
    "goal count negative": _set("goal.min_dropout_layers", -1),
    "goal count float": _set("goal.min_dropout_layers", 1.0),
    "goal count bool": _set("goal.min_dropout_layers", True),
    "goal datasets not a list": _set("goal.datasets_trained", "mnist"),
    "goal unknown dataset": _set("goal.datasets_trained", ["../../etc/passwd"]),
    "goal min above max": lambda m: {**m, "goal": {"min_hidden_layers": 3, "max_hidden_layers": 1}},
    "goal rate zero": lambda m: {**m, "goal": {"max_learning_rate": 0}},
    "title not an object": _set("title", "Dropout"),
    "title without English": _set("title", {"zh_TW": "丟棄"}),
    "title in another language": _set("title.fr", "Abandon"),
    "title empty": _set("title.en", ""),
    "title too long": _set("title.en", "x" * 1000),
    "title with a control character": _set("title.en", "bell\x07"),
    "text as a number": _set("text.en", 3),
    "hints not a list": _set("hints", {"en": "x"}),
    "too many hints": _set("hints", [{"en": "x"}] * 100),
    "hint as text": _set("hints.0", "Try 0.5"),
    "config not an object": _set("config", []),
    "config unknown key": _set("config.eval", "1"),
    "config unknown dataset": _set("config.dataset", "cifar100"),
    "config non-canonical dataset": _set("config.dataset", "MNIST"),
    "layers not a list": _set("config.layers", "128:relu"),
    "units too large": _set("config.layers.0.units", 10**9),
    "unknown activation": _set("config.layers.0.activation", "__import__"),
    "dropout rate 1": _set("config.layers.1.rate", 1.0),
    "too many layers": _set("config.layers", [{"type": "dropout", "rate": 0.1}] * 65),
    "learning rate negative": _set("config.learning_rate", -1),
    "batch size zero": _set("config.batch_size", 0),
    "train_limit zero": _set("train_limit", 0),
    "train_limit as text": _set("train_limit", "1000"),
    "train_limit huge": _set("train_limit", 10**12),
    "locked unknown control": _set("locked", ["trainButton"]),
    "locked not a list": _set("locked", "layerEditor"),
    "locked with a number": _set("locked", [1]),
    "hidden too many": _set("hidden", list(CONTROL_NAMES) * 3),
    "created_by not text": _set("created_by", ["x"]),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_DESCRIPTIONS))
def test_a_bad_description_is_refused_in_one_line(tmp_path, case):
    meta = HOSTILE_DESCRIPTIONS[case](copy.deepcopy(_valid()))
    path = tmp_path / "bad.dslesson"
    path.write_text(json.dumps(meta), "utf-8")
    with pytest.raises(LessonFileError) as caught:
        read_lesson(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and "\n" not in message and len(message) <= 400


HOSTILE_BYTES = {
    "not JSON": b"import os; os.system('x')",
    "a JSON list": b"[1, 2, 3]",
    "truncated": json.dumps(lesson_file.lesson_to_dict(LESSON)).encode()[:200],
    "not UTF-8": b'{"format": "\xff\xfe"}',
    "NaN": json.dumps(lesson_file.lesson_to_dict(LESSON)).replace(
        '"learning_rate": 0.01', '"learning_rate": NaN').encode(),
    "Infinity": b'{"format": "dense-studio-lesson", "version": Infinity}',
    "a huge integer": b'{"format": "dense-studio-lesson", "version": 1' + b"0" * 5000 + b"}",
    "a huge exponent": b'{"format": "dense-studio-lesson", "version": 1e999}',
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "a zip (a model file)": b"PK\x03\x04" + bytes(100),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_BYTES))
def test_bad_bytes_are_refused_in_one_line(tmp_path, case):
    path = tmp_path / "bad.dslesson"
    path.write_bytes(HOSTILE_BYTES[case])
    with pytest.raises(LessonFileError) as caught:
        read_lesson(path)
    assert "\n" not in str(caught.value)


def test_what_is_not_a_small_regular_file_is_refused_before_reading(tmp_path):
    (tmp_path / "folder.dslesson").mkdir()
    (tmp_path / "empty.dslesson").write_bytes(b"")
    (tmp_path / "large.dslesson").write_bytes(b" " * (lesson_file.MAX_FILE_BYTES + 1))
    fifo = tmp_path / "fifo.dslesson"
    os.mkfifo(fifo)  # reading one would wait forever for a writer
    reasons = {}
    for name in ("missing", "folder", "empty", "large", "fifo"):
        with pytest.raises(LessonFileError) as caught:
            read_lesson(tmp_path / f"{name}.dslesson")
        reasons[name] = str(caught.value)
    assert "no such file" in reasons["missing"]
    assert "folder" in reasons["folder"] and "empty" in reasons["empty"]
    assert "too large" in reasons["large"] and "not a regular file" in reasons["fifo"]


def test_building_a_lesson_applies_the_readers_rules():
    with pytest.raises(LessonFileError, match="unknown control"):
        Lesson(title={"en": "x"}, text={"en": "x"}, config=TrainingConfig(),
               goal={"max_params": 10}, locked={"quitAction"})
    with pytest.raises(LessonFileError, match="unknown condition"):
        Lesson(title={"en": "x"}, text={"en": "x"}, config=TrainingConfig(), goal={"win": 1})


def test_writing_refuses_a_target_that_is_not_a_file(tmp_path):
    (tmp_path / "taken.dslesson").mkdir()
    with pytest.raises(DenseStudioError, match="folder"):
        write_lesson(tmp_path / "taken.dslesson", LESSON)


def test_every_goal_condition_has_a_kind_the_reader_checks():
    assert {kind for kind, _low, _high in GOAL_CONDITIONS.values()} == {
        "fraction", "count", "rate", "dataset", "datasets"}
