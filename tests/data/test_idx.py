"""The IDX reader: correct arrays for good files, one-line DatasetError naming the file otherwise."""

from __future__ import annotations

import gzip
import hashlib

import numpy as np
import pytest

from dense_studio.data.idx import MAX_VALUES, read_idx
from dense_studio.errors import DatasetError

RNG = np.random.default_rng(0)
IMAGES = RNG.integers(0, 256, size=(3, 28, 28), dtype=np.uint8)


def error_for(path, **options) -> str:
    with pytest.raises(DatasetError) as caught:
        read_idx(path, **options)
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message, message
    return message


def test_reads_gzip_and_plain_files(write_idx):
    gz = write_idx("images.gz", IMAGES)
    plain = write_idx("images.idx", IMAGES, gz=False)
    assert np.array_equal(read_idx(gz), IMAGES)
    assert read_idx(gz).dtype == np.uint8
    assert np.array_equal(read_idx(plain, expected_shape=(None, 28, 28)), IMAGES)


def test_float_output_is_exact_division_by_255(write_idx):
    all_values = np.arange(256, dtype=np.uint8).reshape(1, 16, 16)
    result = read_idx(write_idx("all.gz", all_values), as_float=True)
    assert result.dtype == np.float32
    assert np.array_equal(result, (all_values / 255.0).astype(np.float32))


def test_checksum_is_checked(write_idx):
    path = write_idx("images.gz", IMAGES)
    good = hashlib.sha256(path.read_bytes()).hexdigest()
    assert np.array_equal(read_idx(path, sha256=good), IMAGES)
    assert "SHA-256" in error_for(path, sha256="0" * 64)


def test_wrong_magic(write_idx):
    path = write_idx("bad.gz", IMAGES)
    data = bytearray(gzip.decompress(path.read_bytes()))
    data[0] = 0x08  # magic must start with two zero bytes
    path.write_bytes(gzip.compress(bytes(data)))
    assert "not an IDX file" in error_for(path)


@pytest.mark.parametrize(
    ("code", "words"), [(0x0D, "not supported"), (0x42, "unknown IDX data type")]
)
def test_data_type_codes(write_idx, code, words):
    assert words in error_for(write_idx("t.gz", IMAGES, dtype_code=code))


@pytest.mark.parametrize("dims", [(), (1, 1, 1, 1, 1)])
def test_bad_number_of_dimensions(write_idx, dims):
    path = write_idx("d.gz", IMAGES, dims=dims)
    assert "dimensions" in error_for(path)


def test_header_declaring_more_than_present_is_truncated(write_idx):
    path = write_idx("lying.gz", IMAGES, dims=(4, 28, 28))
    assert "truncated" in error_for(path)


def test_header_declaring_less_than_present(write_idx):
    path = write_idx("lying.gz", IMAGES, dims=(2, 28, 28))
    assert "more data" in error_for(path)


@pytest.mark.parametrize("dims", [(0xFFFFFFFF, 28, 28), (0xFFFFFFFF,) * 4, (1 << 16,) * 4])
def test_absurd_dims_are_refused_before_allocating(write_idx, dims):
    # (2**16,)*4 is 2**64 values: it would wrap to 0 in int64 arithmetic.
    path = write_idx("huge.gz", IMAGES, dims=dims)
    assert f"{MAX_VALUES:,}" in error_for(path)


def test_accepts_str_paths(write_idx):
    assert np.array_equal(read_idx(str(write_idx("s.gz", IMAGES))), IMAGES)


def test_expected_shape(write_idx):
    path = write_idx("wide.gz", np.zeros((2, 28, 29), np.uint8))
    assert "(N, 28, 28)" in error_for(path, expected_shape=(None, 28, 28))


def test_truncated_gzip(write_idx):
    path = write_idx("cut.gz", IMAGES)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert "truncated" in error_for(path)


def test_gzip_crc_catches_a_flipped_byte(write_idx, encode_idx):
    # Stored (level 0) gzip: a flipped payload byte still inflates, so only the CRC can tell.
    path = write_idx("flip.gz", IMAGES)
    path.write_bytes(gzip.compress(encode_idx(IMAGES), compresslevel=0))
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    assert "corrupt gzip" in error_for(path)


def test_trailing_garbage_after_gzip(write_idx):
    path = write_idx("tail.gz", IMAGES)
    path.write_bytes(path.read_bytes() + b"garbage")
    assert "after the end" in error_for(path)


def test_garbage_and_empty_files(tmp_path):
    garbage = tmp_path / "garbage.gz"
    garbage.write_bytes(RNG.integers(0, 256, 5000, dtype=np.uint8).tobytes())
    error_for(garbage)
    fake_gzip = tmp_path / "fake.gz"
    fake_gzip.write_bytes(b"\x1f\x8b" + b"\x00" * 100)
    assert "gzip" in error_for(fake_gzip)
    empty = tmp_path / "empty.gz"
    empty.write_bytes(b"")
    assert "truncated" in error_for(empty)


def test_missing_file_and_directory(tmp_path):
    assert "not found" in error_for(tmp_path / "missing.gz")
    assert "directory" in error_for(tmp_path)


def test_gzip_bomb_stops_early(tmp_path, encode_idx, monkeypatch):
    """A small file claiming one image but inflating to 64 MB stops at the first extra chunk."""
    from dense_studio.data import idx

    path = tmp_path / "bomb.gz"
    header = encode_idx(np.zeros((1, 28, 28), np.uint8))
    path.write_bytes(gzip.compress(header + bytes(64 << 20), compresslevel=9))
    assert path.stat().st_size < 200_000
    inflated = []
    real_chunks = idx._payload_chunks

    def counted(*args):
        for chunk in real_chunks(*args):
            inflated.append(len(chunk))
            yield chunk

    monkeypatch.setattr(idx, "_payload_chunks", counted)
    assert "more data" in error_for(path)
    assert sum(inflated) <= len(header) + 2 * idx._CHUNK_OUT
