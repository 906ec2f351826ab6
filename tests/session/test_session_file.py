"""Session files: the whole session round-trips, and damaged or hostile files are refused
with one line (the model files' battery, applied to sessions) and change nothing."""

import io
import json
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

from dense_studio.engine.spec import DenseSpec, DropoutSpec, TrainingConfig
from dense_studio.files.model_file import ModelFileError
from dense_studio.files.session_file import (
    FORMAT, MAX_RUNS, SessionData, SessionFileError, read_session, write_session,
)
from dense_studio.session import InputSource, Session, TrainingSettings

from .helpers import Recorder


@pytest.fixture
def trained(small_session):
    session = small_session
    session.layers.set((DenseSpec(24, "tanh"), DropoutSpec(0.1)))
    session.update_settings(seed=5, lr_schedule="constant")
    session.train()
    session.runs.rename(1, "first")
    session.update_settings(epochs=1)
    session.train()
    session.show_test_sample(11)
    return session


def test_the_whole_session_round_trips(trained, tmp_path, fashion):
    path = trained.save(tmp_path / "work.dssession")
    again = Session()
    log = Recorder(again.events)
    again.open(path)
    types = log.types()
    assert all(types.count(name) == 1 for name in set(types)), types  # one redraw per view
    assert {"layers", "settings", "model", "weights", "runs", "canvas", "prediction",
            "file"} <= set(types)
    assert again.config == trained.config and again.path == path and not again.dirty
    assert again.model.epochs_trained == trained.model.epochs_trained == 3
    assert again.model.metrics == trained.model.metrics
    for mine, theirs in zip(again.model.predictor.get_weights(),
                            trained.model.predictor.get_weights()):
        np.testing.assert_array_equal(mine, theirs)
    assert len(again.runs) == 2
    for mine, theirs in zip(again.runs, trained.runs):
        assert (mine.id, mine.name, mine.config, mine.status, mine.message, mine.started_at,
                mine.seconds, mine.initial_epoch, mine.metrics) == \
               (theirs.id, theirs.name, theirs.config, theirs.status, theirs.message,
                theirs.started_at, theirs.seconds, theirs.initial_epoch, theirs.metrics)
        assert mine.epochs == theirs.epochs
        np.testing.assert_array_equal(mine.batches, theirs.batches)
    assert again.canvas.source == InputSource("test_sample", 11, int(fashion.y_test[11]))
    np.testing.assert_array_equal(again.canvas.image, trained.canvas.image)
    np.testing.assert_array_equal(again.canvas.probabilities, trained.canvas.probabilities)
    again.train_limit = 512
    again.dataset_loaded(fashion)  # the dataset arrives: the session's model is kept
    assert again.model.trained and again.model.epochs_trained == 3
    assert again.train().id == 3  # and the history goes on


def test_a_run_still_training_is_stored_as_stopped(small_session, tmp_path):
    small_session.start_run()
    data = small_session.to_data()
    assert data.runs[0].status == "stopped"
    write_session(tmp_path / "autosave.dssession", data)
    assert read_session(tmp_path / "autosave.dssession").runs[0].status == "stopped"


def test_a_session_without_model_or_canvas(tmp_path):
    path = Session(dataset="mnist").save(tmp_path / "empty.dssession")
    data = read_session(path)
    assert data.model is None and data.runs == () and data.canvas is None
    assert data.config.dataset == "mnist"


def test_the_file_is_plain_json_and_raw_arrays(trained, tmp_path):
    path = trained.save(tmp_path / "s.dssession")
    with zipfile.ZipFile(path) as archive:
        names = sorted(archive.namelist())
        meta = json.loads(np.load(io.BytesIO(archive.read("meta.npy"))).tobytes())
    assert names == ["b0.npy", "b1.npy", "canvas.npy", "meta.npy", "w0.npy", "w1.npy",
                     "w2.npy", "w3.npy"]
    assert meta["format"] == FORMAT and meta["runs"][0]["name"] == "first"
    assert meta["model"]["format"] == "dense-studio-model"  # a model file's description


def test_writing_refuses_what_reading_would_refuse(tmp_path):
    canvas = np.full((28, 28), np.nan, np.float32)
    with pytest.raises(SessionFileError, match="cannot save session.*canvas"):
        write_session(tmp_path / "x.dssession", SessionData(TrainingConfig(), canvas=canvas))
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- hostile files

class Evil:
    """Unpickling this would create a marker file: proof that code ran."""

    marker = ""

    def __reduce__(self):
        return (Path(self.marker).touch, ())


def npy(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def members(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_members(path, data):
    with zipfile.ZipFile(path, "w") as archive:
        for name, payload in data.items():
            archive.writestr(name, payload)
    return path


def meta_bytes(meta) -> bytes:
    return npy(np.frombuffer(json.dumps(meta).encode(), np.uint8))


def hostile_cases(good: Path, tmp: Path) -> dict:
    data = members(good)
    meta = json.loads(np.load(io.BytesIO(data["meta.npy"])).tobytes())
    cases = {}

    def with_meta(name, fragment, change):
        m = json.loads(json.dumps(meta))
        change(m)
        cases[name] = (write_members(tmp / f"{name}.dssession",
                                     {**data, "meta.npy": meta_bytes(m)}), fragment)

    def with_member(name, fragment, member, payload):
        cases[name] = (write_members(tmp / f"{name}.dssession", {**data, member: payload}),
                       fragment)

    Evil.marker = str(tmp / "PWNED")
    evil = np.empty(1, dtype=object)
    evil[0] = Evil()
    with_member("pickle-batches", "pickle", "b0.npy", npy(evil))
    with_member("pickle-meta", "pickle", "meta.npy", npy(evil))
    raw = tmp / "raw.dssession"
    raw.write_bytes(pickle.dumps(Evil()))
    cases["raw-pickle"] = (raw, "not a zip")
    truncated = tmp / "truncated.dssession"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    cases["truncated"] = (truncated, "zip")
    empty = tmp / "empty.dssession"
    empty.write_bytes(b"")
    cases["empty"] = (empty, "empty")
    cases["missing"] = (tmp / "nope.dssession", "no such file")
    with_member("extra-member", "unexpected member", "evil.py", b"import os")
    cases["missing-batches"] = (write_members(
        tmp / "missing_b.dssession", {k: v for k, v in data.items() if k != "b1.npy"}),
        "missing b1")
    with_member("meta-not-json", "not valid JSON", "meta.npy",
                npy(np.frombuffer(b"{nope", np.uint8)))
    nan = json.dumps(meta).replace('"seconds": ', '"seconds": NaN, "x": ', 1)
    with_member("nan-in-json", "not valid JSON", "meta.npy",
                npy(np.frombuffer(nan.encode(), np.uint8)))
    with_meta("model-file-instead", "not a Dense Studio session", lambda m: m.update(format="dense-studio-model"))
    with_meta("newer-version", "newer Dense Studio", lambda m: m.update(version=2))
    with_meta("runs-not-list", "'runs' must be a list", lambda m: m.update(runs="many"))
    with_meta("too-many-runs", "'runs' must be a list", lambda m: m.update(runs=[{}] * (MAX_RUNS + 1)))
    with_meta("run-id-string", "bad 'id'", lambda m: m["runs"][0].update(id="1"))
    with_meta("duplicate-run-ids", "two runs with id", lambda m: m["runs"][1].update(id=m["runs"][0]["id"]))
    with_meta("run-status", "bad 'status'", lambda m: m["runs"][0].update(status="exploded"))
    with_meta("epoch-loss-string", "bad epoch 'loss'", lambda m: m["runs"][0]["epochs"][0].update(loss="low"))
    with_meta("run-settings", "invalid training settings", lambda m: m["runs"][0]["config"].update(batch_size=0))
    with_meta("settings-units-zero", "invalid training settings",
              lambda m: m["config"].update(layers=[{"type": "dense", "units": 0, "activation": "relu"}]))
    with_meta("dataset-injection", "bad dataset name",
              lambda m: m["config"].update(dataset="mnist'); import os #"))
    with_meta("model-class-names", "its model", lambda m: m["model"].update(class_names=5))
    with_meta("canvas-source", "bad canvas", lambda m: m["canvas"].update(kind="webcam"))
    with_meta("batch-rows-huge", "bad 'batch_rows'", lambda m: m["runs"][0].update(batch_rows=10**12))
    nan_rows = np.load(io.BytesIO(data["b0.npy"])).copy()
    nan_rows[4] = np.nan
    with_member("nan-batches", "NaN", "b0.npy", npy(nan_rows))
    with_member("batches-float32", "expected float64", "b0.npy",
                npy(np.zeros(3 * meta["runs"][0]["batch_rows"], np.float32)))
    with_member("batches-short", "holds 3 values", "b0.npy", npy(np.zeros(3)))
    with_member("canvas-out-of-range", "outside 0…1", "canvas.npy",
                npy(np.full(784, 2.0, np.float32)))
    with_member("kernel-shape", "shape (100, 24)", "w0.npy", npy(np.zeros((100, 24), np.float32)))
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (2**40,)})
    with_member("giant-declared-shape", "holds 1099511627776 values", "b0.npy", header.getvalue() + b"\0" * 64)
    return cases


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, fashion):
    tmp = tmp_path_factory.mktemp("hostile")
    session = Session(layers=(DenseSpec(24, "tanh"),),
                      settings=TrainingSettings(epochs=1, batch_size=128, validation_split=0.25),
                      train_limit=512)
    session.dataset_loaded(fashion)
    session.train()
    session.train()
    session.show_test_sample(1)
    good = session.save(tmp / "good.dssession")
    return hostile_cases(good, tmp)


CASE_IDS = [
    "pickle-batches", "pickle-meta", "raw-pickle", "truncated", "empty", "missing",
    "extra-member", "missing-batches", "meta-not-json", "nan-in-json", "model-file-instead",
    "newer-version", "runs-not-list", "too-many-runs", "run-id-string", "duplicate-run-ids",
    "run-status", "epoch-loss-string", "run-settings", "settings-units-zero",
    "dataset-injection", "model-class-names", "canvas-source", "batch-rows-huge",
    "nan-batches", "batches-float32", "batches-short", "canvas-out-of-range", "kernel-shape",
    "giant-declared-shape",
]


def test_every_hostile_case_is_covered(hostile):
    assert sorted(hostile) == sorted(CASE_IDS)


@pytest.mark.parametrize("case", CASE_IDS)
def test_hostile_file_is_refused_with_one_line_and_changes_nothing(hostile, case, small_session):
    path, fragment = hostile[case]
    session = small_session
    session.layers.append(DenseSpec(7))
    before = (session.config, session.layers.layers, session.model.model, len(session.runs),
              session.canvas.image, session.dirty)
    with pytest.raises(SessionFileError) as caught:
        session.open(path)
    message = str(caught.value)
    assert isinstance(caught.value, ModelFileError)  # handled wherever model files are
    assert "\n" not in message and len(message) <= 400
    assert fragment in message, message
    assert str(path) in message
    assert not Path(Evil.marker).exists(), "a pickle was executed"
    assert (session.config, session.layers.layers, session.model.model, len(session.runs),
            session.canvas.image, session.dirty) == before
