"""preprocess_steps: every step the network's input went through, and the photo recipe."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from dense_studio.data.preprocessing import preprocess, preprocess_steps


def canvas_drawing(points, width: int = 18, size: int = 280) -> np.ndarray:
    """White strokes on black, as the window's canvas holds them."""
    image = Image.new("L", (size, size), 0)
    ImageDraw.Draw(image).line(points, fill=255, width=width, joint="curve")
    return np.asarray(image)


def photo(shape=(300, 400), paper=220, box=(100, 200, 220, 260), value=60, uneven=False,
          seed=0) -> np.ndarray:
    """A dark object (rows, columns of ``box``) photographed on grainy paper."""
    rng = np.random.default_rng(seed)
    height, width = shape
    ys, xs = np.mgrid[0:height, 0:width] / np.array([height, width])[:, None, None] - 0.5
    light = np.ones(shape)
    if uneven:  # a gradient and a vignette
        light = (1 + 0.2 * xs - 0.1 * ys) * (1 - 0.6 * (xs**2 + ys**2))
    picture = paper * light
    top, left, bottom, right = box
    picture[top:bottom, left:right] *= value / paper
    picture += rng.normal(0, 3, shape)
    return np.clip(picture, 0, 255).astype(np.uint8)


OFF_CENTRE_SEVEN = [(180, 20), (260, 20), (215, 120)]


@pytest.mark.parametrize("style", ["digit", "garment"])
@pytest.mark.parametrize("make", [
    lambda: canvas_drawing(OFF_CENTRE_SEVEN),
    lambda: photo(),
    lambda: photo(uneven=True),
    lambda: np.zeros((280, 280), np.uint8),
])
def test_the_last_step_is_what_preprocess_returns(make, style):
    image = make()
    steps = preprocess_steps(image, style)
    expected = preprocess(image, style)
    if expected is None:
        assert steps.final is None and steps.ink is None and steps.box is None
    else:
        np.testing.assert_array_equal(steps.final, expected)
        assert steps.final.dtype == np.float32 and steps.final.shape == (28, 28)


def test_an_off_centre_digit_is_cropped_scaled_to_20_and_centred_by_mass():
    drawing = canvas_drawing(OFF_CENTRE_SEVEN)
    steps = preprocess_steps(drawing, "digit")
    assert steps.background == 0.0 and not steps.dark_ink and steps.recipe == "drawing"
    assert steps.bars == (0, 0, 0, 0)
    np.testing.assert_array_equal(steps.ink, drawing / np.float32(255))
    # The box: inside the stroke's own box, holding all but a speck's worth of its ink.
    rows, cols = np.flatnonzero(drawing.any(axis=1)), np.flatnonzero(drawing.any(axis=0))
    top, left, bottom, right = steps.box
    assert rows[0] <= top and left >= cols[0] and bottom <= rows[-1] + 1 and right <= cols[-1] + 1
    assert drawing[top:bottom, left:right].sum() >= 0.995 * drawing.sum()
    assert bottom < 140 and left > 140  # in the top-right corner
    assert max(steps.scaled.shape) == 20
    assert steps.scale == pytest.approx(20 / max(bottom - top, right - left))
    assert steps.centred_by == "mass"
    final = steps.final
    rows, cols = np.arange(28) @ final.sum(axis=1), np.arange(28) @ final.sum(axis=0)
    assert abs(rows / final.sum() - 14) <= 0.75 and abs(cols / final.sum() - 14) <= 0.75
    placed = np.zeros((28, 28), np.float32)
    (y, x), (h, w) = steps.offset, steps.scaled.shape
    placed[y : y + h, x : x + w] = steps.scaled
    np.testing.assert_array_equal(placed, final)  # digits are not sharpened


def test_a_garment_is_centred_by_its_box():
    steps = preprocess_steps(photo(), "garment")
    assert steps.recipe == "photo" and steps.dark_ink and steps.centred_by == "box"
    assert steps.background == pytest.approx(220 / 255, abs=0.02)
    assert steps.box == (100, 200, 220, 260)
    height, width = steps.scaled.shape
    assert height == 28 and steps.offset == ((28 - height) // 2, (28 - width) // 2)


def test_uneven_paper_is_flattened():
    """Gradient and dark corners: the paper is fitted, so none of it becomes ink."""
    steps = preprocess_steps(photo(uneven=True), "garment")
    top, left, bottom, right = steps.box
    assert steps.box == (100, 200, 220, 260)
    outside = steps.ink.copy()
    outside[top:bottom, left:right] = 0
    assert outside.max() < 0.05


@pytest.mark.parametrize("value, ink", [(40, 0.82), (180, 0.18)])
def test_a_photo_keeps_how_dark_the_garment_is(value, ink):
    """Fashion-MNIST negated the photo: a light shirt on white stays faint (not stretched to
    full ink as a drawing's strokes are)."""
    final = preprocess(photo(value=value), "garment")
    assert np.median(final[final > 0]) == pytest.approx(ink, abs=0.06)


def test_a_drawing_of_a_garment_on_the_canvas_keeps_the_drawing_recipe():
    steps = preprocess_steps(canvas_drawing([(60, 60), (220, 60), (220, 220)], width=30),
                             "garment")
    assert steps.recipe == "drawing" and steps.final.max() == 1.0


def test_black_bars_around_a_light_photo_are_cut():
    """The window's canvas shows a wide photo centred on black (set_image)."""
    picture = photo(shape=(140, 280), box=(30, 100, 110, 180))
    boxed = np.zeros((280, 280), np.uint8)
    boxed[70:210] = picture
    steps = preprocess_steps(boxed, "garment")
    assert steps.bars == (72, 72, 0, 0)
    assert steps.box == (30 - 2, 100, 110 - 2, 180)  # in the picture inside the bars
    alone = preprocess(picture, "garment")
    assert np.abs(steps.final - alone).max() < 0.05


@pytest.mark.parametrize("points", [
    [(0, 140), (279, 140)],  # a thick line across the canvas, bars of black above and below
    [(140, 0), (140, 279)],
])
def test_a_drawing_on_black_is_never_taken_for_a_photo_in_bars(points):
    steps = preprocess_steps(canvas_drawing(points, width=48), "digit")  # the widest brush
    assert steps.bars == (0, 0, 0, 0) and steps.final is not None
