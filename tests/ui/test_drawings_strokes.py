"""Digits drawn on the real canvas with its own stroke code (mouse events), varied by a
seeded generator: the material of the drawings tests and of benchmarks/bench_drawings.py.

Each digit is a few strokes in canvas fractions (x right, y down); a drawing of it is that
template moved, scaled, slanted and rotated a little, with wobbly points and a brush of
varying size, as different people draw the same digit.
"""

from __future__ import annotations

import math

import numpy as np

from dense_studio.data import preprocess

from ui_helpers import draw_stroke  # tests/ui is on sys.path (pytest's rootdir rule; benchmarks add it)


def _arc(cx, cy, rx, ry, start, stop, n=14):
    return [(cx + rx * math.cos(math.radians(a)), cy + ry * math.sin(math.radians(a)))
            for a in np.linspace(start, stop, n)]


#: Strokes of each digit, in fractions of a unit box.
DIGIT_STROKES = {
    0: [_arc(0.5, 0.5, 0.28, 0.42, -90, 275, 20)],
    1: [[(0.38, 0.22), (0.55, 0.06), (0.55, 0.95)]],
    2: [_arc(0.5, 0.3, 0.28, 0.22, 200, 380, 10) + [(0.62, 0.58), (0.2, 0.93), (0.85, 0.92)]],
    3: [_arc(0.48, 0.28, 0.27, 0.2, 210, 450, 10) + _arc(0.48, 0.7, 0.3, 0.23, -90, 150, 10)],
    4: [[(0.62, 0.05), (0.15, 0.65), (0.88, 0.65)], [(0.64, 0.35), (0.64, 0.96)]],
    5: [[(0.8, 0.07), (0.3, 0.07), (0.25, 0.45)] + _arc(0.48, 0.66, 0.32, 0.27, -120, 150, 12)],
    6: [[(0.72, 0.06), (0.45, 0.3)] + _arc(0.5, 0.7, 0.27, 0.25, 200, 560, 16)],
    7: [[(0.15, 0.08), (0.86, 0.08), (0.42, 0.96)]],
    8: [[(0.5 + 0.24 * math.sin(2 * t), 0.5 - 0.44 * math.cos(t))
         for t in np.linspace(0, 2 * math.pi, 28)]],
    9: [_arc(0.48, 0.3, 0.26, 0.22, 0, 370, 16) + [(0.72, 0.35), (0.66, 0.96)]],
}


#: One person's own way with some digits, which MNIST's writers rarely had: a 1 with a flag
#: and a foot, a crossed 7, a closed 4, a 2 with a loop, an 8 of two stacked rings, a 9 with
#: a straight stem, a slashed 0, a flat-topped 3, a 6 with a long straight back. An MNIST
#: model gets many of these wrong: what fine-tuning on my drawings is for.
PERSONAL_STROKES = {
    0: [_arc(0.5, 0.5, 0.3, 0.42, -90, 275, 20), [(0.22, 0.9), (0.78, 0.1)]],
    1: [[(0.25, 0.28), (0.55, 0.05), (0.55, 0.93)], [(0.25, 0.94), (0.85, 0.94)]],
    2: [_arc(0.5, 0.3, 0.28, 0.22, 200, 380, 10) + [(0.55, 0.62), (0.22, 0.86)]
        + _arc(0.3, 0.84, 0.1, 0.08, 180, 520, 8) + [(0.88, 0.86)]],
    3: [[(0.18, 0.08), (0.82, 0.08), (0.42, 0.42)] + _arc(0.48, 0.68, 0.32, 0.27, -100, 150, 12)],
    4: [[(0.66, 0.96), (0.66, 0.04), (0.1, 0.66), (0.9, 0.66)]],
    5: [[(0.85, 0.07), (0.25, 0.07), (0.25, 0.48), (0.8, 0.5), (0.8, 0.92), (0.15, 0.92)]],
    6: [[(0.6, 0.03), (0.25, 0.55)] + _arc(0.5, 0.72, 0.26, 0.22, 180, 540, 16)],
    7: [[(0.15, 0.08), (0.86, 0.08), (0.42, 0.96)], [(0.3, 0.52), (0.78, 0.52)]],
    8: [_arc(0.5, 0.26, 0.2, 0.21, 0, 365, 14), _arc(0.5, 0.72, 0.28, 0.24, 0, 365, 16)],
    9: [_arc(0.46, 0.24, 0.24, 0.19, 0, 365, 16), [(0.7, 0.22), (0.7, 0.98)]],
}


def random_strokes(digit: int, rng: np.random.Generator,
                   templates=DIGIT_STROKES) -> tuple[list, int]:
    """The strokes of one drawing of ``digit`` (canvas fractions) and its brush size."""
    size = rng.uniform(0.45, 0.8)  # of the canvas
    aspect = rng.uniform(0.75, 1.2)
    angle = math.radians(rng.uniform(-12, 12))
    slant = rng.uniform(-0.25, 0.2)
    centre = 0.5 + rng.uniform(-0.12, 0.12, size=2)
    wobble = rng.uniform(0.005, 0.025)
    cos, sin = math.cos(angle), math.sin(angle)
    strokes = []
    for stroke in templates[digit]:
        points = []
        for x, y in stroke:
            x, y = (x - 0.5) * aspect, y - 0.5
            x += slant * -y
            x, y = x * cos - y * sin, x * sin + y * cos
            x, y = x + rng.normal(0, wobble), y + rng.normal(0, wobble)
            points.append((float(np.clip(centre[0] + size * x, 0.02, 0.98)),
                           float(np.clip(centre[1] + size * y, 0.02, 0.98))))
        strokes.append(points)
    return strokes, int(rng.integers(14, 34))


def draw_digits(canvas, digits, rng: np.random.Generator, style: str = "digit",
                settle=lambda: None, templates=DIGIT_STROKES) -> np.ndarray:
    """Draw each digit on ``canvas`` (a DrawCanvas) with real mouse events and return what
    the network sees of each, preprocessed as the window does: (n, 28, 28) float32."""
    images = []
    for digit in digits:
        canvas.clear()
        strokes, brush = random_strokes(int(digit), rng, templates)
        canvas.set_brush_size(brush)
        for stroke in strokes:
            draw_stroke(canvas, stroke, steps=3)
        settle()
        images.append(preprocess(canvas.image(), style))
    return np.stack(images)


# ---------------------------------------------------------------- the generator's own tests

def test_digits_are_drawn_with_the_canvas_and_vary(qtbot):
    from dense_studio.ui.draw_canvas import CANVAS_SIZE, DrawCanvas

    canvas = DrawCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(CANVAS_SIZE, CANVAS_SIZE)
    canvas.show()
    qtbot.waitExposed(canvas)
    first = draw_digits(canvas, [7, 7, 1], np.random.default_rng(1))
    again = draw_digits(canvas, [7, 7, 1], np.random.default_rng(1))
    np.testing.assert_array_equal(first, again)  # seeded
    assert first.shape == (3, 28, 28) and all(image.max() == 1.0 for image in first)
    assert np.abs(first[0] - first[1]).mean() > 0.02  # two sevens, drawn differently
    # A "1" is narrow, a "7" has its bar at the top: the strokes look like their digits.
    columns = (first[2] > 0.3).any(axis=0).sum()
    assert columns < (first[0] > 0.3).any(axis=0).sum()
    assert first[0][:10].sum() > first[0][18:].sum()
