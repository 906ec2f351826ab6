"""Seeded fuzzing of lesson files: every mutant is read or refused in one line.

Seeds are the bundled lessons (every goal condition, locks, hints in two languages, a
train_limit); the mutators are the byte-level ones plus JSON-aware ones that swap a value
for an extreme one, or drop, duplicate or retype a key, so the checks behind the JSON parser
are reached too. ``benchmarks/bench_hostile_lessons.py`` prints the same battery's figures, larger.
"""

from __future__ import annotations

import json
import random
import re

from fuzzing import BYTE_MUTATORS, fuzz
from test_fuzz import _EXTREMES

from dense_studio.files.lesson_file import LessonFileError, read_lesson
from dense_studio.ui.lessons.bundled import bundled_lessons

CASES = 2000
SEED = 10


_TOKEN = re.compile(rb'-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|"(?:[^"\\]|\\.)*"|true|false|null')


def _extreme_value(data: bytes, rng: random.Random, seeds) -> bytes:
    """A number, string, true/false/null of the JSON replaced with an extreme value."""
    tokens = list(_TOKEN.finditer(data))
    if not tokens:
        return rng.choice(BYTE_MUTATORS)(data, rng, seeds)
    token = rng.choice(tokens)
    return data[:token.start()] + rng.choice(_EXTREMES).encode() + data[token.end():]


def _reshape(data: bytes, rng: random.Random, seeds) -> bytes:
    """Valid JSON, wrong content: a key dropped, a value moved to another key or retyped."""
    try:
        meta = json.loads(data)
    except ValueError:
        return rng.choice(BYTE_MUTATORS)(data, rng, seeds)
    target = meta
    while isinstance(target, dict) and target and rng.random() < 0.6:
        child = target[rng.choice(sorted(target))]
        if not isinstance(child, (dict, list)) or not child:
            break
        target = child if isinstance(child, dict) else child[rng.randrange(len(child))]
    if isinstance(target, dict) and target:
        key = rng.choice(sorted(target))
        action = rng.randrange(3)
        if action == 0:
            del target[key]
        elif action == 1:
            target[key] = target[rng.choice(sorted(target))]
        else:
            target[key] = rng.choice(
                [[], {}, None, "", 0, -1, 1e308, [target.get(key)], "x" * 9000])
    return json.dumps(meta, ensure_ascii=rng.random() < 0.5).encode("utf-8")


LESSON_MUTATORS = [*BYTE_MUTATORS, _extreme_value, _extreme_value, _reshape, _reshape]


def fuzz_lessons(workdir, cases: int = CASES, seed: int = SEED):
    return fuzz(read_lesson, bundled_lessons(), clean=LessonFileError, cases=cases, seed=seed,
                workdir=workdir, mutators=LESSON_MUTATORS)


def test_fuzzed_lesson_files_are_read_or_refused_cleanly(tmp_path, capfd):
    report = fuzz_lessons(tmp_path)
    assert capfd.readouterr().err == ""
    print(report.summary())
    assert report.other == []
    assert report.tried == CASES and report.clean > CASES // 2 and report.accepted > 50
    assert report.peak[0] < 20_000_000  # a lesson file is at most 256 KB
