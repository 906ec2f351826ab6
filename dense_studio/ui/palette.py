"""The app's one palette, colour-blind safe (Okabe & Ito's eight colours).

Curves, bars and heat maps take their colours from here, by meaning:

* the learning curves: :data:`TRAIN` (blue) and :data:`VALIDATION` (orange), the previous
  run the same colours dimmed (:func:`dimmed`);
* the prediction bars: :data:`BAR` (sky blue), the top class :data:`TOP` (vermillion),
  an untrained network's bars :data:`UNTRAINED` (grey);
* one diverging map for every signed quantity (weights, z, activations, weight × input):
  blue ``#0072B2`` for negative, white for zero, vermillion ``#D55E00`` for positive, on a
  scale symmetric around zero so that white always means 0 and equal sizes look equally
  strong. Blue–vermillion stays distinct under the common colour-vision deficiencies
  (deuteranopia, protanopia, tritanopia), unlike red–green. Counts (the confusion matrix)
  use one sequential map, white to blue. Right and wrong also carry a symbol (✓ / ✗), never
  colour alone.

Text and axes are not coloured here: they follow the window's palette (light or dark,
:func:`plot_colors`). The numpy functions are cheap enough to run on every repaint.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

__all__ = ["OKABE_ITO", "NEGATIVE", "ZERO", "POSITIVE", "COUNT", "RIGHT", "WRONG",
           "SELECTION", "MUTED", "TRAIN", "VALIDATION", "BAR", "TOP", "UNTRAINED",
           "RUN_COLORS", "dimmed", "plot_colors", "is_dark", "diverging_rgb", "sequential_rgb",
           "gray_rgb",
           "qcolor", "diverging_color", "text_color_on", "to_qimage", "DivergingLegend"]

#: Okabe & Ito (2008), "Color Universal Design": distinct for every common colour vision.
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9",
    "bluish_green": "#009E73", "yellow": "#F0E442", "blue": "#0072B2",
    "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
}
NEGATIVE = "#0072B2"  # Okabe–Ito blue
ZERO = "#FFFFFF"
POSITIVE = "#D55E00"  # Okabe–Ito vermillion
COUNT = NEGATIVE  # the sequential map's end
RIGHT = "#009E73"  # Okabe–Ito bluish green
WRONG = POSITIVE
SELECTION = "#000000"
MUTED = "#6b6b6b"  # secondary text and "+N more"
TRAIN = OKABE_ITO["blue"]  # the training curves
VALIDATION = OKABE_ITO["orange"]  # the validation curves
BAR = OKABE_ITO["sky_blue"]  # a class's probability bar
TOP = OKABE_ITO["vermillion"]  # the most probable class: its bar and its name
UNTRAINED = "#a7b1bc"  # an untrained network's bars: grey, "not meaningful yet"
DIM_ALPHA = 80  # the previous run's curves
#: Ticked runs overlaid on the curves, in this order (then again, dashed).
RUN_COLORS = tuple(OKABE_ITO[name] for name in (
    "vermillion", "bluish_green", "reddish_purple", "sky_blue", "black", "orange", "blue",
    "yellow"))


def dimmed(color: str) -> QColor:
    """``color`` see-through, for the previous run drawn behind the current one."""
    dim = QColor(color)
    dim.setAlpha(DIM_ALPHA)
    return dim


def is_dark(palette: QPalette) -> bool:
    """Whether ``palette`` is a dark one (light text on a dark background)."""
    return palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5


def plot_colors(palette: QPalette) -> tuple[QColor, QColor]:
    """(background, foreground) for a plot in a window with ``palette``: its Base and Text
    colours, so plots follow the light or dark scheme like the text around them."""
    return (palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text))


def _rgb(color: str) -> np.ndarray:
    return np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)], np.float32)


_NEG, _ZERO, _POS = _rgb(NEGATIVE), _rgb(ZERO), _rgb(POSITIVE)


#: The diverging map as a table: 2 × 255 + 1 steps, −1 … +1 (finer than 8-bit colour).
_STEPS = 255
_T = np.linspace(-1.0, 1.0, 2 * _STEPS + 1, dtype=np.float32)[:, np.newaxis]
_TABLE = np.rint(_ZERO + np.abs(_T) * (np.where(_T < 0, _NEG, _POS) - _ZERO)).astype(np.uint8)


def diverging_rgb(values: np.ndarray, limit: float) -> np.ndarray:
    """uint8 RGB (..., 3) for ``values`` on the scale −``limit`` … +``limit`` (NaN: white).

    A table lookup: the layer math recolours a 784 × 128 kernel after every epoch, on the
    GUI thread, while training holds the GIL in between."""
    values = np.asarray(values, np.float32)
    scale = np.float32(_STEPS / (limit if limit > 0 else 1.0))
    v = values.reshape(-1) * scale  # a new array, worked on in place
    np.clip(v, -_STEPS, _STEPS, out=v)
    np.rint(v, out=v)
    v[np.isnan(v)] = 0
    return _TABLE[v.astype(np.intp) + _STEPS].reshape(values.shape + (3,))


def sequential_rgb(fractions: np.ndarray) -> np.ndarray:
    """uint8 RGB (..., 3): white for 0 to blue for 1."""
    t = np.clip(np.nan_to_num(np.asarray(fractions, np.float32)), 0, 1)[..., np.newaxis]
    return np.rint(_ZERO + t * (_NEG - _ZERO)).astype(np.uint8)


def gray_rgb(values: np.ndarray) -> np.ndarray:
    """uint8 RGB (..., 3) of pixel values 0 (black) … 1 (white), as the canvas shows them."""
    v = np.rint(np.clip(np.nan_to_num(np.asarray(values, np.float32)), 0, 1) * 255)
    return np.repeat(v.astype(np.uint8)[..., np.newaxis], 3, axis=-1)


def qcolor(rgb) -> QColor:
    return QColor(int(rgb[0]), int(rgb[1]), int(rgb[2]))


def diverging_color(value: float, limit: float) -> QColor:
    return qcolor(diverging_rgb(np.float32(value), limit))


def text_color_on(rgb) -> QColor:
    """Black or white, whichever reads better on ``rgb``."""
    r, g, b = (float(c) for c in rgb[:3])
    return QColor("#000000") if 0.299 * r + 0.587 * g + 0.114 * b > 140 else QColor("#ffffff")


def to_qimage(rgb: np.ndarray) -> QImage:
    """A QImage (RGB888, its own copy) of a uint8 (rows, cols, 3) array."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    rows, cols = rgb.shape[:2]
    return QImage(rgb.data, cols, rows, 3 * cols, QImage.Format.Format_RGB888).copy()


class DivergingLegend(QWidget):
    """The colour scale: blue −limit, white 0, vermillion +limit, with its numbers."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._limit = 1.0
        self._words = ("", "")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_limit(self, limit: float) -> None:
        self._limit = float(limit)
        self.update()

    def limit(self) -> float:
        return self._limit

    def set_words(self, negative: str, positive: str) -> None:
        """What the ends mean in plain words (e.g. "lowers the unit", "raises it")."""
        self._words = (negative, positive)
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(240, 2 * self.fontMetrics().height() + 16)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(120, self.sizeHint().height())

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        metrics = self.fontMetrics()
        line = metrics.height()
        bar = QRectF(4, 2, self.width() - 8, 10)
        gradient = QLinearGradient(bar.topLeft(), bar.topRight())
        gradient.setColorAt(0.0, QColor(NEGATIVE))
        gradient.setColorAt(0.5, QColor(ZERO))
        gradient.setColorAt(1.0, QColor(POSITIVE))
        painter.fillRect(bar, gradient)
        painter.setPen(QPen(QColor(MUTED), 1))
        painter.drawRect(bar)
        painter.setPen(self.palette().windowText().color())
        y = bar.bottom() + 2
        rect = QRectF(bar.left(), y, bar.width(), line)
        limit = f"{self._limit:.3g}"
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft, f"−{limit}")
        painter.drawText(rect, Qt.AlignmentFlag.AlignHCenter, "0")
        painter.drawText(rect, Qt.AlignmentFlag.AlignRight, f"+{limit}")
        negative, positive = self._words
        if negative or positive:
            rect = QRectF(bar.left(), y + line, bar.width(), line)
            painter.setPen(QColor(MUTED))
            painter.drawText(rect, Qt.AlignmentFlag.AlignLeft, negative)
            painter.drawText(rect, Qt.AlignmentFlag.AlignRight, positive)
        painter.end()
