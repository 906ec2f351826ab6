"""Image files from strangers: no external program, no hang, bounded memory, one clean line.

Each test here failed before the fix it guards (issue 7).
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import threading
import warnings

import numpy as np
import pytest
from PIL import Image

from dense_studio.data import read_image
from dense_studio.data.preprocessing import IMAGE_FORMATS, MAX_FILE_BYTES, MAX_PIXELS
from dense_studio.errors import ImageError

from image_helpers import error_for


def test_postscript_named_png_starts_no_program(tmp_path, monkeypatch):
    started = []

    def no_programs(*args, **kwargs):
        started.append(args)
        raise AssertionError("an external program was started")

    monkeypatch.setattr(subprocess, "Popen", no_programs)
    marker = tmp_path / "written-by-postscript"
    path = tmp_path / "shirt.png"
    path.write_bytes(
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 28 28\n"
        + f"({marker}) (w) file closefile\n0 0 moveto 28 28 lineto stroke\nshowpage\n".encode()
    )
    message = error_for(path)
    assert "not an image file" in message and ", ".join(IMAGE_FORMATS) in message
    assert started == [] and not marker.exists()


def test_fifo_named_png_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "fifo.png"
    os.mkfifo(fifo)
    outcome = []
    reader = threading.Thread(target=lambda: outcome.append(_message_or_none(fifo)), daemon=True)
    reader.start()
    reader.join(timeout=60)  # a hang detector, not a speed limit
    if reader.is_alive():  # the reader is stuck in open(): give it a writer so it ends
        with open(fifo, "wb"):
            pass
        reader.join(timeout=60)
    assert outcome == [f"{fifo}: is not a regular file"]


def _message_or_none(path):
    try:
        read_image(path)
    except ImageError as error:
        return str(error)
    return None


def test_devices_and_oversized_files_are_refused_before_reading(tmp_path):
    assert "is not a regular file" in error_for("/dev/zero")
    sparse = tmp_path / "huge.png"
    with open(sparse, "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)
    assert "is too large for an image" in error_for(sparse)


def test_a_png_over_the_pixel_bound_is_refused_before_decoding(tmp_path):
    # 5000×5000 = 25 MP: under Pillow's own bomb limit, far over what a drawing needs.
    path = tmp_path / "big.png"
    Image.new("L", (5000, 5000), 255).save(path)
    assert path.stat().st_size < 100_000
    assert "too large (5000×5000 pixels" in error_for(path)


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(tmp_path):
    path = tmp_path / "photo.jpg"
    photo = np.full((4000, 5000), 230, np.uint8)
    photo[1000:3000, 2000:2400] = 20
    Image.fromarray(photo).save(path, quality=90)
    result = read_image(path)
    assert result.shape == (2000, 2500) and result.size <= MAX_PIXELS
    assert result[1000, 1100] < 60 and result[100, 100] > 200  # the content survives


def _float_tiff(path, values) -> None:
    Image.fromarray(np.asarray(values, np.float32), mode="F").save(path)


def test_nan_float_tiff_is_one_line_and_no_warning(tmp_path):
    path = tmp_path / "nan.tiff"
    values = np.ones((16, 16), np.float32)
    values[3, 4] = np.nan
    _float_tiff(path, values)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert "NaN or infinite" in error_for(path)
    assert caught == []


def _tiff_with_compression_tag(compression: int) -> bytes:
    """An LZW TIFF whose compression tag is changed afterwards (libtiff then complains)."""
    buffer = io.BytesIO()
    Image.fromarray(np.arange(64 * 64, dtype=np.uint8).reshape(64, 64)).save(
        buffer, format="TIFF", compression="tiff_lzw")
    data = bytearray(buffer.getvalue())
    ifd = struct.unpack("<I", data[4:8])[0]
    for entry in range(struct.unpack("<H", data[ifd:ifd + 2])[0]):
        at = ifd + 2 + 12 * entry
        if struct.unpack("<H", data[at:at + 2])[0] == 259:  # Compression
            data[at + 8:at + 10] = struct.pack("<H", compression)
    return bytes(data)


def _tiff_with_truncated_exif() -> bytes:
    """A TIFF whose IFD offset now points past the end (Pillow warns "Corrupt EXIF data")."""
    buffer = io.BytesIO()
    Image.fromarray(np.arange(64, dtype=np.uint8).reshape(8, 8)).save(
        buffer, format="TIFF", tiffinfo={270: "hello world description" * 3})
    data = bytearray(buffer.getvalue())
    data[5], data[23], data[226] = 138, 220, 44
    return bytes(data)


@pytest.mark.parametrize("content", [_tiff_with_compression_tag(7), _tiff_with_truncated_exif()],
                         ids=["libtiff-jpeg", "truncated-exif"])
def test_corrupt_tiff_prints_nothing_but_the_error(tmp_path, capfd, content):
    path = tmp_path / "corrupt.tiff"
    path.write_bytes(content)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            read_image(path)
        except ImageError as error:
            assert "\n" not in str(error)
    assert caught == []
    assert capfd.readouterr() == ("", "")


def test_a_large_phone_jpeg_with_a_second_picture_is_decoded_reduced_too(tmp_path):
    path = tmp_path / "phone.jpg"
    frames = [Image.new("L", (5000, 4000), 200), Image.new("L", (640, 480), 100)]
    frames[0].save(path, save_all=True, append_images=frames[1:], format="MPO")
    with Image.open(path) as opened:
        assert opened.format == "MPO"
    assert read_image(path).shape == (2000, 2500)
