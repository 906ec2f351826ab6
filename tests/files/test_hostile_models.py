"""Model files from strangers: every refusal is one ModelFileError line, bounded in memory.

Each test here failed before the fix it guards (issue 7): numpy's header parser raised
SyntaxError / TypeError, compressed members were inflated before any check, an integer
learning rate of 10**400 raised OverflowError, and shapes were checked one array at a time.
"""

from __future__ import annotations

import io
import json
import tracemalloc
import zipfile

import numpy as np
import pytest

from dense_studio.cli import main
from dense_studio.engine import build_model
from dense_studio.engine.spec import DenseSpec, TrainingConfig
from dense_studio.errors import ModelFileError
from dense_studio.files.model_file import load_model, read_model_file, save_model

CONFIG = TrainingConfig(dataset="mnist", layers=(DenseSpec(16, "tanh"),))
CLASSES = [str(i) for i in range(10)]


@pytest.fixture
def good(tmp_path):
    model = build_model(CONFIG.layers, input_shape=(28, 28), num_classes=10, seed=0)
    return save_model(model, tmp_path / "good.dsmodel", CONFIG, "mnist", CLASSES)


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write(path, data: dict[str, bytes], compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, payload in data.items():
            archive.writestr(name, payload)
    return path


def npy(array) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asarray(array))
    return buffer.getvalue()


def npy_with_header(text: str, data: bytes = b"") -> bytes:
    header = text.encode("latin-1")
    header += b" " * (-(len(header) + 11) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + data


def refusal(path) -> str:
    with pytest.raises(ModelFileError) as caught:
        load_model(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path)), message
    return message


HEADERS = {
    "unclosed": "{'descr': '<f4', 'fortran_order': False, 'shape': (784, 16), ",  # TokenError
    "syntax": "{'descr': '<f4' 'fortran_order': False 'shape': (784 16) }",  # SyntaxError
    "indent": "\n  {'descr': '<f4', 'fortran_order': False, 'shape': (784, 16), }",  # Indentation
    "descr-int": "{'descr': 5, 'fortran_order': False, 'shape': (784, 16), }",  # TypeError
    "shape-float": "{'descr': '<f4', 'fortran_order': False, 'shape': (784.5, 16), }",
    "call": "{'descr': '<f4', 'fortran_order': False, 'shape': (len('x'), 16), }",
}


@pytest.mark.parametrize("member", ["w0.npy", "meta.npy"])
@pytest.mark.parametrize("header", HEADERS.values(), ids=HEADERS.keys())
def test_malformed_npy_headers_are_one_clean_line(tmp_path, good, member, header, capsys):
    data = members(good)
    data[member] = npy_with_header(header, bytes(784 * 16 * 4))
    path = write(tmp_path / "bad-header.dsmodel", data)
    assert "malformed array header" in refusal(path)
    assert main(["evaluate", str(path)]) == 2  # bad input, not "internal error" (exit 1)
    assert "internal error" not in capsys.readouterr().err


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA],
                         ids=["deflate", "bzip2", "lzma"])
def test_only_the_stored_members_we_write_are_accepted(tmp_path, good, compression):
    path = write(tmp_path / "compressed.dsmodel", members(good), compression)
    assert "is compressed" in refusal(path)


def test_corrupt_lzma_member_is_one_clean_line(tmp_path, good):
    path = write(tmp_path / "lzma.dsmodel", members(good), zipfile.ZIP_LZMA)
    raw = bytearray(path.read_bytes())
    raw[200:260] = b"\xff" * 60
    path.write_bytes(bytes(raw))
    refusal(path)


def with_meta(good, tmp_path, change) -> object:
    data = members(good)
    meta = json.loads(np.lib.format.read_array(io.BytesIO(data["meta.npy"])).tobytes())
    text = change(meta) if callable(change) else change
    data["meta.npy"] = npy(np.frombuffer(text.encode(), np.uint8))
    return write(tmp_path / "meta.dsmodel", data)


@pytest.mark.parametrize("spelling", ["1" + "0" * 400, "1e400", "-1e400", "123456789012345678901"])
def test_out_of_range_numbers_are_refused(tmp_path, good, spelling):
    def huge_learning_rate(meta):
        meta["config"]["learning_rate"] = "PLACEHOLDER"
        return json.dumps(meta).replace('"PLACEHOLDER"', spelling)

    message = refusal(with_meta(good, tmp_path, huge_learning_rate))
    assert "out of range" in message


def test_the_engines_number_checks_cannot_overflow(tmp_path, good):
    """A large whole number within the digit bound still ends as a one-line error."""
    def big(meta):
        meta["config"]["learning_rate"] = 10**17
        return json.dumps(meta)

    assert "invalid training settings" in refusal(with_meta(good, tmp_path, big))


def big_model_file(tmp_path, units: int, broken_last_shape: bool) -> tuple:
    """A stored (valid-looking) model with a large first kernel; optionally its last array
    has the wrong shape. Returns (path, declared weight bytes)."""
    config = TrainingConfig(dataset="mnist", layers=(DenseSpec(units, "relu"),))
    model = build_model(config.layers, input_shape=(28, 28), num_classes=10, seed=0)
    path = save_model(model, tmp_path / "big.dsmodel", config, "mnist", CLASSES)
    del model
    if broken_last_shape:
        data = members(path)
        data["w3.npy"] = npy(np.zeros(9, np.float32))
        write(path, data)
    return path, (784 * units + units + units * 10 + 10) * 4


def peak_bytes(call) -> int:
    tracemalloc.start()
    try:
        call()
    except ModelFileError:
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_every_shape_is_checked_before_any_weight_is_read(tmp_path):
    path, declared = big_model_file(tmp_path, 4096, broken_last_shape=True)
    assert declared > 12_000_000
    assert "w3 has shape (9,)" in refusal(path)
    assert peak_bytes(lambda: read_model_file(path)) < 2_000_000


def test_weights_are_read_straight_into_their_arrays(tmp_path):
    path, declared = big_model_file(tmp_path, 4096, broken_last_shape=False)
    peak = peak_bytes(lambda: read_model_file(path))
    # The weights once, plus small read and check buffers (no copy, no full boolean mask).
    assert declared <= peak < declared + 1_500_000
