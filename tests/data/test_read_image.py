"""Reading image files: formats, orientation, transparency, 16 bits, and hostile files."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from dense_studio.data import preprocess, read_image

from image_helpers import error_for


def digit_image(ink: int = 0, paper: int = 255) -> np.ndarray:
    array = np.full((120, 80), paper, np.uint8)
    array[20:100, 30:50] = ink
    array[20:35, 10:70] = ink
    return array


@pytest.mark.parametrize("suffix", [".png", ".bmp", ".gif", ".tiff", ".webp"])
def test_common_formats_read_as_uint8_gray(tmp_path, suffix):
    path = tmp_path / f"digit{suffix}"
    Image.fromarray(digit_image()).convert("RGB").save(path, lossless=True)  # (webp)
    result = read_image(path)
    assert result.dtype == np.uint8 and result.shape == (120, 80)
    assert np.array_equal(result, digit_image())


def test_jpeg_is_close(tmp_path):
    path = tmp_path / "digit.jpg"
    Image.fromarray(digit_image()).save(path, quality=95)
    assert np.abs(read_image(path).astype(int) - digit_image()).mean() < 3


def test_exif_orientation_is_applied(tmp_path):
    path = tmp_path / "rotated.jpg"
    image = Image.fromarray(digit_image())
    exif = image.getexif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    image.save(path, exif=exif, quality=95)
    result = read_image(path)
    assert result.shape == (80, 120)
    expected = np.rot90(digit_image(), k=-1)
    assert np.abs(result.astype(int) - expected).mean() < 3


def test_sixteen_bit_is_scaled_not_clipped(tmp_path):
    path = tmp_path / "deep.png"
    array = (digit_image().astype(np.uint16) * 257)  # 0..65535
    array[0, 0] = 30000
    Image.fromarray(array).save(path)
    result = read_image(path)
    assert result[0, 0] == round(30000 / 257)
    assert np.array_equal(result[1:], digit_image()[1:])


def test_transparent_background_becomes_background(tmp_path):
    stroke = digit_image(ink=255, paper=0) > 0
    dark = np.zeros((120, 80, 4), np.uint8)
    dark[stroke] = (10, 10, 10, 255)  # dark strokes on transparent
    light = np.zeros((120, 80, 4), np.uint8)
    light[stroke] = (250, 250, 250, 255)  # light strokes on transparent
    Image.fromarray(dark).save(tmp_path / "dark.png")
    Image.fromarray(light).save(tmp_path / "light.png")
    on_white = read_image(tmp_path / "dark.png")
    on_black = read_image(tmp_path / "light.png")
    assert on_white[0, 0] == 255 and on_white[stroke].max() == 10
    assert on_black[0, 0] == 0 and on_black[stroke].min() == 250
    np.testing.assert_allclose(
        preprocess(on_white, "digit"), preprocess(on_black, "digit"), atol=0.02
    )


def test_palette_with_transparency(tmp_path):
    path = tmp_path / "palette.png"
    image = Image.fromarray(digit_image(ink=0, paper=255)).convert("P")
    white_index = image.getpixel((0, 0))
    image.save(path, transparency=white_index)
    result = read_image(path)
    assert result[0, 0] == 255 and result[50, 40] == 0


def test_animation_uses_first_frame(tmp_path):
    path = tmp_path / "anim.gif"
    frames = [Image.fromarray(digit_image()), Image.fromarray(np.full((120, 80), 128, np.uint8))]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    assert np.array_equal(read_image(path), digit_image())


def test_garbage_truncated_missing_and_directory(tmp_path):
    garbage = tmp_path / "garbage.png"
    garbage.write_bytes(np.random.default_rng(0).integers(0, 256, 4000, dtype=np.uint8).tobytes())
    assert "not an image" in error_for(garbage)
    truncated = tmp_path / "truncated.png"
    Image.fromarray(np.random.default_rng(1).integers(0, 256, (200, 200), dtype=np.uint8)).save(truncated)
    truncated.write_bytes(truncated.read_bytes()[:5000])
    assert "corrupt" in error_for(truncated)
    assert "no such file" in error_for(tmp_path / "missing.png")
    assert "is a folder, not an image" in error_for(tmp_path)


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width × height pixels (a decompression bomb's header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("size", [(60_000, 60_000), (8_000, 8_000)])
def test_huge_images_are_refused_before_decoding(tmp_path, size):
    path = tmp_path / "bomb.png"
    path.write_bytes(png_claiming(*size))
    assert "too large" in error_for(path)
