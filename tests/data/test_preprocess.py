"""Preprocessing drawings and photos into MNIST / Fashion-MNIST-like 28×28 inputs."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from dense_studio.data import load_dataset, preprocess
from dense_studio.errors import ImageError

INDEX = np.arange(28)


def drawing(ink: int = 0, paper: int = 255, width: int = 18, size: int = 280) -> np.ndarray:
    """A '7' drawn as on the canvas."""
    image = Image.new("L", (size, size), paper)
    ImageDraw.Draw(image).line([(80, 60), (200, 60), (120, 230)], fill=ink, width=width)
    return np.asarray(image)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    total = image.sum()
    return float(image.sum(axis=1) @ INDEX / total), float(image.sum(axis=0) @ INDEX / total)


def ink_extent(image: np.ndarray) -> tuple[int, int]:
    rows = np.flatnonzero(image.any(axis=1))
    cols = np.flatnonzero(image.any(axis=0))
    return int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)


def test_white_and_black_backgrounds_give_the_same_digit():
    on_white = preprocess(drawing(ink=0, paper=255), "digit")
    on_black = preprocess(drawing(ink=255, paper=0), "digit")
    assert on_white.shape == (28, 28) and on_white.dtype == np.float32
    assert on_white.min() == 0.0 and on_white.max() == 1.0
    np.testing.assert_allclose(on_white, on_black, atol=1e-6)
    assert on_white[0].sum() == 0 and on_white[:, 0].sum() == 0  # background is black


def test_digit_follows_the_mnist_recipe():
    digit = preprocess(drawing(), "digit")
    assert max(ink_extent(digit)) == 20
    cy, cx = centre_of_mass(digit)
    assert abs(cy - 14) <= 0.75 and abs(cx - 14) <= 0.75


def test_tall_thin_digit_keeps_its_aspect():
    image = np.zeros((280, 280), np.uint8)
    image[40:240, 130:150] = 255  # a '1': 200 tall, 20 wide
    digit = preprocess(image, "digit")
    height, width = ink_extent(digit)
    assert height == 20 and width <= 3


def test_garment_follows_the_fashion_recipe():
    image = Image.new("RGB", (400, 300), (235, 235, 235))
    ImageDraw.Draw(image).rectangle([50, 100, 350, 200], fill=(40, 60, 150))  # 301×101
    garment = preprocess(np.asarray(image), "garment")
    height, width = ink_extent(garment)
    assert width == 28 and 9 <= height <= 11
    rows = np.flatnonzero(garment.any(axis=1))
    assert abs((rows[0] + rows[-1]) / 2 - 13.5) <= 0.5  # centred


@pytest.mark.parametrize(
    "blank",
    [
        np.full((280, 280), 255, np.uint8),
        np.zeros((280, 280), np.uint8),
        np.full((100, 50), 0.5, np.float32),
        np.clip(np.random.default_rng(0).normal(200, 4, (280, 280)), 0, 255).astype(np.uint8),
        np.zeros((280, 280, 4), np.uint8),  # fully transparent
    ],
)
def test_blank_images_give_none(blank):
    assert preprocess(blank, "digit") is None
    assert preprocess(blank, "garment") is None


def test_thin_faint_stroke_does_not_vanish():
    image = Image.new("L", (280, 280), 255)
    ImageDraw.Draw(image).line([(140, 40), (150, 240)], fill=170, width=1)  # 1 px, 1/3 contrast
    digit = preprocess(np.asarray(image), "digit")
    assert digit is not None
    assert digit.max() == 1.0 and ink_extent(digit)[0] == 20


def test_faint_stroke_beside_a_strong_one_is_kept():
    image = Image.new("L", (280, 280), 255)
    draw = ImageDraw.Draw(image)
    draw.line([(60, 40), (60, 240)], fill=0, width=16)
    draw.line([(220, 40), (220, 240)], fill=180, width=2)  # faint and thin, far right
    digit = preprocess(np.asarray(image), "digit")
    # Without the faint stroke the digit would be 2 px wide; the box spans 170 of 200 px.
    assert ink_extent(digit) == (20, 17)
    cols = np.flatnonzero(digit.any(axis=0))
    assert digit[:, cols[-1]].max() > 0.1  # the faint stroke is still visible (not 0.04)


def test_noise_and_a_speck_on_a_light_photo_do_not_count_as_ink():
    rng = np.random.default_rng(3)
    photo = rng.normal(205, 5, (300, 400))
    photo[100:220, 200:260] -= 130  # the object
    clean = preprocess(np.clip(photo, 0, 255).astype(np.uint8), "garment")
    photo[20:22, 20:22] = 0  # a black 2×2 dust speck far away
    specked = preprocess(np.clip(photo, 0, 255).astype(np.uint8), "garment")
    assert ink_extent(clean)[0] == 28 and ink_extent(specked)[0] == 28
    assert np.corrcoef(clean.ravel(), specked.ravel())[0, 1] > 0.99


def test_transparent_background_is_background():
    rgba = np.zeros((200, 200, 4), np.uint8)
    rgba[40:160, 90:110] = (0, 0, 0, 255)  # black stroke, transparent elsewhere
    white = np.full((200, 200, 3), 255, np.uint8)
    white[40:160, 90:110] = 0
    np.testing.assert_allclose(preprocess(rgba, "digit"), preprocess(white, "digit"), atol=1e-6)
    rgba[40:160, 90:110] = (255, 255, 255, 255)  # white stroke on transparent
    np.testing.assert_allclose(preprocess(rgba, "digit"), preprocess(white, "digit"), atol=1e-6)


def test_input_types():
    base = preprocess(drawing(), "digit")
    as_float = drawing().astype(np.float32) / 255
    np.testing.assert_allclose(preprocess(as_float, "digit"), base, atol=1e-5)
    np.testing.assert_allclose(preprocess(as_float * 255, "digit"), base, atol=1e-5)
    np.testing.assert_allclose(preprocess(drawing()[:, :, None], "digit"), base)
    rgb = np.repeat(drawing()[:, :, None], 3, axis=2)
    np.testing.assert_allclose(preprocess(rgb, "digit"), base, atol=1e-5)
    assert preprocess(drawing() < 128, "digit") is not None


def test_large_photo_is_handled():
    image = Image.new("L", (3000, 2000), 250)
    ImageDraw.Draw(image).ellipse([1000, 500, 2000, 1500], fill=30)
    garment = preprocess(np.asarray(image), "garment")
    assert ink_extent(garment) == (28, 28)


@pytest.mark.parametrize(
    "bad", [np.zeros((5, 5, 2)), np.zeros((0, 10)), np.zeros(10), np.full((5, 5), np.nan)]
)
def test_bad_arrays_raise_image_error(bad):
    with pytest.raises(ImageError):
        preprocess(bad, "digit")


def test_unknown_style():
    with pytest.raises(ValueError):
        preprocess(drawing(), "sketch")


def test_real_mnist_digits_survive_a_round_trip():
    """MNIST test digits printed ×10 as dark ink on paper come back nearly as they were."""
    x_test = load_dataset("mnist").x_test[:40]
    correlations = []
    for original in x_test:
        big = Image.fromarray((original * 255).astype(np.uint8)).resize((280, 280), Image.BILINEAR)
        paper = 255 - np.asarray(big)
        correlations.append(np.corrcoef(preprocess(paper, "digit").ravel(), original.ravel())[0, 1])
    assert np.mean(correlations) > 0.9
    assert min(correlations) > 0.6


def test_real_fashion_items_survive_a_round_trip():
    x_test = load_dataset("fashion_mnist").x_test[:40]
    correlations = []
    for original in x_test:
        big = Image.fromarray((original * 255).astype(np.uint8)).resize((280, 280), Image.BILINEAR)
        result = preprocess(255 - np.asarray(big), "garment")
        correlations.append(np.corrcoef(result.ravel(), original.ravel())[0, 1])
    assert np.mean(correlations) > 0.85
