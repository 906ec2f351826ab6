"""Seeded fuzzing of session files: every mutant is read or refused in one line.

Seeds are real sessions (a trained model, two runs with per-batch rows, a drawing on the
canvas, and an empty one); the mutators are the model files' (bytes, .npy headers, JSON
values inside the description).
"""

from __future__ import annotations

import pytest
from test_fuzz import MODEL_MUTATORS

from fuzzing import fuzz

from dense_studio.data import load_dataset
from dense_studio.engine.spec import DenseSpec
from dense_studio.errors import ModelFileError
from dense_studio.files.session_file import read_session
from dense_studio.session import Session, TrainingSettings


@pytest.fixture(scope="module")
def session_seeds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("session-seeds")
    fashion = load_dataset("fashion_mnist")
    trained = Session(layers=(DenseSpec(6, "tanh"),), train_limit=256,
                      settings=TrainingSettings(epochs=1, batch_size=64, validation_split=0.25))
    trained.dataset_loaded(fashion)
    trained.train()
    trained.train()
    trained.show_test_sample(3)
    empty = Session(layers=())
    return [trained.save(folder / "trained.dssession"), empty.save(folder / "empty.dssession")]


def test_the_seeds_are_read_back(session_seeds):
    assert read_session(session_seeds[0]).model is not None
    assert len(read_session(session_seeds[0]).runs) == 2
    assert read_session(session_seeds[0]).canvas_source.test_index == 3


def test_fuzzed_session_files_are_read_or_refused_cleanly(session_seeds, tmp_path, capfd):
    report = fuzz(read_session, session_seeds, clean=ModelFileError, cases=1500, seed=5,
                  workdir=tmp_path, mutators=MODEL_MUTATORS)
    assert capfd.readouterr().err == ""
    print(report.summary())
    assert report.other == []
    assert report.tried == 1500 and report.clean > 900
    assert report.peak[0] < 50_000_000
