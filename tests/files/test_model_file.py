"""Model files: round trip, atomic writes, and refusal of every damaged or hostile file.

The hostile cases are the point: a `.dsmodel` may come from a stranger, so loading it must
never unpickle, never allocate what a header claims without checking, and always end in a
one-line ModelFileError (exit 2 on the command line).
"""

from __future__ import annotations

import io
import json
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

from dense_studio.cli import main
from dense_studio.engine import build_model
from dense_studio.engine.spec import DenseSpec, DropoutSpec, TrainingConfig
from dense_studio.errors import ModelFileError
from dense_studio.files.model_file import (
    FORMAT, VERSION, LoadedModel, load_model, read_model_file, save_model,
)

CLASSES = [str(i) for i in range(10)]
CONFIG = TrainingConfig(
    dataset="mnist", layers=(DenseSpec(16, "tanh"), DropoutSpec(0.25), DenseSpec(8, "relu")),
    optimizer="sgd", learning_rate=0.05, batch_size=64, epochs=2, seed=7,
)


def make_model(config=CONFIG, input_shape=(28, 28), classes=10):
    model = build_model(config.layers, input_shape=input_shape, num_classes=classes, seed=config.seed)
    model.compile(optimizer=config.optimizer, learning_rate=config.learning_rate)
    return model


@pytest.fixture
def saved(tmp_path) -> Path:
    path = tmp_path / "good.dsmodel"
    save_model(make_model(), path, CONFIG, "mnist", CLASSES, {"test_accuracy": 0.5, "epochs_done": 2})
    return path


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_members(path: Path, data: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, payload in data.items():
            archive.writestr(name, payload)
    return path


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def meta_of(path: Path) -> dict:
    raw = np.lib.format.read_array(io.BytesIO(members(path)["meta.npy"]))
    return json.loads(raw.tobytes())


def with_meta(path: Path, meta: dict, out: Path) -> Path:
    data = members(path)
    data["meta.npy"] = npy(np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))
    return write_members(out, data)


def test_round_trip_keeps_everything(saved):
    original = make_model()
    loaded = load_model(saved)
    assert isinstance(loaded, LoadedModel)
    assert loaded.config == CONFIG
    assert loaded.dataset_name == "mnist"
    assert loaded.class_names == tuple(CLASSES)
    assert loaded.metrics == {"test_accuracy": 0.5, "epochs_done": 2}
    assert loaded.input_shape == (28, 28)
    for a, b in zip(original.get_weights(), loaded.model.get_weights()):
        assert a.dtype == b.dtype == np.float32
        np.testing.assert_array_equal(a, b)
    x = np.random.default_rng(0).random((5, 28, 28), dtype=np.float32)
    np.testing.assert_allclose(original.predict(x), loaded.model.predict(x), rtol=1e-6)


def test_file_is_a_plain_npz_with_json_meta(saved):
    with np.load(saved, allow_pickle=False) as archive:
        assert sorted(archive.files) == ["meta", "w0", "w1", "w2", "w3", "w4", "w5"]
        meta = json.loads(archive["meta"].tobytes())
        assert archive["w0"].shape == (784, 16)
    assert meta["format"] == FORMAT and meta["version"] == VERSION
    assert [layer["type"] for layer in meta["layers"]] == ["flatten", "dense", "dropout", "dense", "dense"]


def test_save_is_atomic_and_leaves_no_temporary_files(tmp_path, saved, monkeypatch):
    target = tmp_path / "good.dsmodel"
    before = target.read_bytes()

    class Exploding:
        def get_weights(self):
            return [np.zeros((784, 16), np.float32)]  # wrong count -> refused before writing

    with pytest.raises(ModelFileError, match="do not match"):
        save_model(Exploding(), target, CONFIG, "mnist", CLASSES)
    assert target.read_bytes() == before

    # A failure in the middle of writing must not touch the existing file either.
    real = np.savez

    def crash(f, **arrays):
        real(f, **arrays)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(ModelFileError, match="No space left"):
        save_model(make_model(), target, CONFIG, "mnist", CLASSES)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.dsmodel"]


def test_refuses_to_save_non_finite_weights(tmp_path):
    weights = make_model().get_weights()
    weights[1][0] = np.nan

    class Poisoned:  # the engine itself refuses NaN in set_weights, so hand them over directly
        def get_weights(self):
            return weights

    model = Poisoned()
    with pytest.raises(ModelFileError, match="not finite"):
        save_model(model, tmp_path / "m.dsmodel", CONFIG, "mnist", CLASSES)
    assert not (tmp_path / "m.dsmodel").exists()


class Evil:
    """Unpickling this would create a marker file: proof that code ran."""

    marker = ""

    def __reduce__(self):
        return (Path(self.marker).touch, ())


def hostile_cases(good: Path, tmp: Path):
    """(name, path, expected message fragment) for every damaged or hostile file."""
    data = members(good)
    meta = meta_of(good)
    cases = []

    def case(name, path, fragment):
        cases.append(pytest.param(path, fragment, id=name))

    Evil.marker = str(tmp / "PWNED")
    evil = np.empty(1, dtype=object)
    evil[0] = Evil()
    case("pickle-weights", write_members(tmp / "pickle_w.dsmodel", {**data, "w0.npy": npy(evil)}), "pickle")
    case("pickle-meta", write_members(tmp / "pickle_m.dsmodel", {**data, "meta.npy": npy(evil)}), "pickle")
    raw_pickle = tmp / "raw.dsmodel"
    raw_pickle.write_bytes(pickle.dumps(Evil()))
    case("raw-pickle", raw_pickle, "not a zip")

    text = tmp / "text.dsmodel"
    text.write_text("hello, I am not a model\n")
    case("not-zip", text, "not a zip")
    empty = tmp / "empty.dsmodel"
    empty.write_bytes(b"")
    case("empty", empty, "empty")
    case("missing", tmp / "nope.dsmodel", "no such file")
    folder = tmp / "folder.dsmodel"
    folder.mkdir()
    case("directory", folder, "folder")
    truncated = tmp / "truncated.dsmodel"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    case("truncated", truncated, "zip")

    case("wrong-members", write_members(tmp / "members.dsmodel", {"hello.txt": b"hi"}), "no 'meta'")
    case("extra-member", write_members(tmp / "extra.dsmodel", {**data, "evil.py": b"import os"}), "unexpected member")
    case("missing-weights", write_members(tmp / "missing_w.dsmodel",
                                          {k: v for k, v in data.items() if k != "w5.npy"}), "missing w5")
    case("extra-weights", write_members(tmp / "extra_w.dsmodel", {**data, "w6.npy": data["w5.npy"]}), "extra weight")
    case("meta-not-npy", write_members(tmp / "meta_raw.dsmodel", {**data, "meta.npy": b"{}"}), "not a numpy array")
    case("meta-float", write_members(tmp / "meta_float.dsmodel",
                                     {**data, "meta.npy": npy(np.zeros(3, np.float32))}), "expected uint8")
    case("meta-not-json", write_members(tmp / "meta_bad.dsmodel",
                                        {**data, "meta.npy": npy(np.frombuffer(b"{nope", np.uint8))}), "not valid JSON")
    deep = b"[" * 100_000 + b"]" * 100_000
    case("meta-deep-json", write_members(tmp / "meta_deep.dsmodel",
                                         {**data, "meta.npy": npy(np.frombuffer(deep, np.uint8))}), "not valid JSON")

    def bad_meta(name, fragment, **changes):
        m = json.loads(json.dumps(meta))
        for dotted, value in changes.items():
            target = m
            *path, last = dotted.split("__")
            for key in path:
                target = target[key]
            if value is KeyError:
                del target[last]
            else:
                target[last] = value
        case(name, with_meta(good, m, tmp / f"{name}.dsmodel"), fragment)

    bad_meta("other-format", "not a Dense Studio model", format="something-else")
    bad_meta("newer-version", "newer Dense Studio", version=2)
    bad_meta("version-string", "invalid format version", version="1")
    bad_meta("missing-field", "missing ['metrics']", metrics=KeyError)
    bad_meta("units-string", "invalid training settings", config__layers=[{"type": "dense", "units": "16", "activation": "tanh"}])
    bad_meta("units-zero", "invalid training settings", config__layers=[{"type": "dense", "units": 0, "activation": "tanh"}])
    bad_meta("learning-rate-nan-string", "invalid training settings", config__learning_rate="NaN")
    bad_meta("class-names-int", "class_names", class_names=5)
    bad_meta("class-names-short", "9 class names but", class_names=["a"] * 9)
    bad_meta("input-shape", "input shape", input_shape=[28, -28])
    bad_meta("dataset-injection", "bad dataset name", dataset="mnist'); import os; os.system('x')#")
    bad_meta("layers-mismatch", "layer list does not match", layers=[{"type": "flatten"}])
    bad_meta("metric-string", "bad metric", metrics={"test_accuracy": "high"})
    big = [{"type": "dense", "units": 4096, "activation": "relu"}] * 40
    m = json.loads(json.dumps(meta))
    m["config"]["layers"] = big
    m["layers"] = [{"type": "flatten"}, *big, {"type": "dense", "units": 10, "activation": "softmax"}]
    case("giant-declared-model", with_meta(good, m, tmp / "giant_meta.dsmodel"), "more weights than")
    nan_meta = members(good)
    nan_meta["meta.npy"] = npy(np.frombuffer(
        json.dumps(meta).replace('"test_accuracy": 0.5', '"test_accuracy": NaN').encode(), np.uint8))
    case("nan-in-json", write_members(tmp / "nan_json.dsmodel", nan_meta), "not valid JSON")

    case("kernel-shape", write_members(tmp / "shape.dsmodel",
                                       {**data, "w0.npy": npy(np.zeros((100, 16), np.float32))}), "shape (100, 16)")
    case("kernel-float64", write_members(tmp / "f64.dsmodel",
                                         {**data, "w0.npy": npy(np.zeros((784, 16), np.float64))}), "expected float32")
    nan_w = np.zeros((784, 16), np.float32)
    nan_w[3, 4] = np.nan
    case("nan-weights", write_members(tmp / "nan.dsmodel", {**data, "w0.npy": npy(nan_w)}), "NaN")
    inf_b = np.zeros(16, np.float32)
    inf_b[0] = np.inf
    case("inf-bias", write_members(tmp / "inf.dsmodel", {**data, "w1.npy": npy(inf_b)}), "NaN or infinite")
    # A header that claims a gigantic array with almost no data behind it.
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f4", "fortran_order": False, "shape": (2**40, 784)})
    case("giant-declared-shape", write_members(tmp / "giant.dsmodel",
                                               {**data, "w0.npy": header.getvalue() + b"\0" * 64}), "shape (1099511627776, 784)")
    return cases


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    good = tmp / "good.dsmodel"
    save_model(make_model(), good, CONFIG, "mnist", CLASSES, {"test_accuracy": 0.5})
    return {p.id: p.values for p in hostile_cases(good, tmp)}


CASE_IDS = [
    "pickle-weights", "pickle-meta", "raw-pickle", "not-zip", "empty", "missing", "directory",
    "truncated", "wrong-members", "extra-member", "missing-weights", "extra-weights",
    "meta-not-npy", "meta-float", "meta-not-json", "meta-deep-json", "other-format",
    "newer-version", "version-string", "missing-field", "units-string", "units-zero",
    "learning-rate-nan-string", "class-names-int", "class-names-short", "input-shape",
    "dataset-injection", "layers-mismatch", "metric-string", "giant-declared-model",
    "nan-in-json", "kernel-shape", "kernel-float64", "nan-weights", "inf-bias",
    "giant-declared-shape",
]


@pytest.mark.parametrize("case", CASE_IDS)
def test_hostile_file_is_refused_with_one_line(hostile, case, capsys):
    path, fragment = hostile[case]
    with pytest.raises(ModelFileError) as caught:
        load_model(path)
    message = str(caught.value)
    assert "\n" not in message and len(message) < 400
    assert fragment in message, message
    assert str(path) in message  # the user learns which file is bad
    assert not Path(Evil.marker).exists(), "a pickle was executed"

    # The same file on the command line: one `error:` line, exit 2, no traceback.
    code = main(["evaluate", str(path)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err
    assert fragment in err


def test_every_hostile_case_is_covered(hostile):
    assert sorted(hostile) == sorted(CASE_IDS)


def test_newer_version_message_is_helpful(hostile):
    with pytest.raises(ModelFileError, match="please upgrade dense-studio"):
        read_model_file(hostile["newer-version"][0])
