"""``preprocessSteps``: how the picture on the canvas becomes the network's 28×28 input.

Six small images, left to right: the picture with the background found in its frame, the
ink with the background taken away (and the box around it), the crop, the crop scaled to
20 px (digits) or 28 px (garments), its place in the 28×28 field (by centre of mass or by
box), and the final input. Every image and number comes from one
:func:`dense_studio.data.preprocessing.preprocess_steps` call on the canvas's pixels: the
function the predictor runs, so the last step is the array the network received.

Mounting: the Inside panel holds it as a tab and feeds it (``show_input``);
:func:`attach_to_window` gives it the window's canvas and lets the input preview's
"Steps" button open it.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from dense_studio.data.preprocessing import PreprocessSteps, centre_of_mass, preprocess_steps
from dense_studio.files.session_file import InputSource
from dense_studio.ui.draw_canvas import array_to_image, to_uint8_image
from dense_studio.ui.inside import palette
from dense_studio.ui.inside.strings import Retranslating, tr, trf
from dense_studio.ui.names import name_widget

__all__ = ["PreprocessView", "attach_to_window", "STEP_KEYS"]

#: The tiles, in order (objectName ``preprocessStep_<key>``).
STEP_KEYS = ("picture", "ink", "crop", "scaled", "centred", "final")
#: Below this width a tile is too small to read: the row wraps into 3 (or 2) columns.
TILE_MIN_WIDTH = 116
#: Images at most this large are drawn as crisp squares (the 28×28 ones); larger smoothly.
CRISP_UP_TO = 64


class StepImage(QWidget):
    """One gray image, fitted into the widget with its aspect kept, plus an optional box
    (top, left, bottom, right) or point (row, column) in the image's own pixels. With a
    ``field`` (rows, columns) the image is drawn at that field's scale, centred in its
    outline: the scaled crop beside the 28×28 it will be placed in."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._image: Optional[QImage] = None
        self._array: Optional[np.ndarray] = None
        self._box: Optional[tuple] = None
        self._point: Optional[tuple] = None
        self._field: Optional[tuple] = None
        self.setMinimumSize(40, 72)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_image(self, array: Optional[np.ndarray], box=None, point=None, field=None) -> None:
        self._array = None if array is None else np.asarray(array)
        self._image = None if array is None else array_to_image(to_uint8_image(array))
        self._box, self._point, self._field = box, point, field
        self.update()

    def array(self) -> Optional[np.ndarray]:
        return self._array

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(110, 110)

    def field_rect(self) -> QRectF:
        """Where the field (or, without one, the image) is drawn."""
        if self._image is None:
            side = min(self.width(), self.height())
            return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        height, width = self._field or (self._image.height(), self._image.width())
        scale = min(self.width() / width, self.height() / height)
        if max(width, height) <= CRISP_UP_TO and scale >= 1:
            scale = int(scale)  # whole screen pixels per model pixel: every square alike
        return QRectF((self.width() - width * scale) / 2, (self.height() - height * scale) / 2,
                      width * scale, height * scale)

    def target(self) -> QRectF:
        """Where the image is drawn."""
        field = self.field_rect()
        if self._image is None or self._field is None:
            return field
        scale = field.width() / self._field[1]
        width, height = self._image.width() * scale, self._image.height() * scale
        return QRectF(field.center().x() - width / 2, field.center().y() - height / 2,
                      width, height)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        target = self.target()
        if self._field is not None and self._image is not None:
            painter.setPen(QPen(QColor(palette.MUTED), 1, Qt.PenStyle.DashLine))
            painter.drawRect(self.field_rect().adjusted(0, 0, -1, -1))
        if self._image is None:
            painter.fillRect(target, QColor(palette.MUTED).lighter(170))
        else:
            small = max(self._image.width(), self._image.height()) <= CRISP_UP_TO
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, not small)
            painter.drawImage(target, self._image)
            scale = target.width() / self._image.width()
            pen = QPen(QColor(palette.POSITIVE), 2)
            painter.setPen(pen)
            if self._box is not None:
                top, left, bottom, right = self._box
                painter.drawRect(QRectF(target.left() + left * scale, target.top() + top * scale,
                                        (right - left) * scale, (bottom - top) * scale))
            if self._point is not None:
                row, col = self._point
                centre = QPointF(target.left() + (col + 0.5) * scale,
                                 target.top() + (row + 0.5) * scale)
                arm = max(4.0, 1.5 * scale)
                painter.drawLine(centre - QPointF(arm, 0), centre + QPointF(arm, 0))
                painter.drawLine(centre - QPointF(0, arm), centre + QPointF(0, arm))
        painter.setPen(QPen(QColor(110, 110, 110), 1))
        painter.drawRect(target.adjusted(0, 0, -1, -1))
        painter.end()


class StepTile(QFrame):
    """A title, the step's image and a line saying what happened."""

    def __init__(self, key: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName(f"preprocessStep_{key}")
        # The view chooses how many tiles share a row from its width: a tile's own minimum
        # must not hold the panel wide.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.title = QLabel()
        bold = self.title.font()
        bold.setBold(True)
        self.title.setFont(bold)
        self.title.setWordWrap(True)
        self.image = StepImage()
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # Two lines for every caption: the images of one row stay the same size.
        self.caption.setMinimumHeight(2 * self.caption.fontMetrics().lineSpacing())
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.image, 1)
        layout.addWidget(self.caption)


class PreprocessView(Retranslating, QWidget):
    """``preprocessSteps``: the steps of the current input (see the module docstring)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        name_widget(self, "preprocessSteps")
        self._canvas = None  # the window's DrawCanvas (its ``image()`` is what is preprocessed)
        self._style = "garment"
        self._steps: Optional[PreprocessSteps] = None
        self._image28: Optional[np.ndarray] = None
        self._source = InputSource()
        self._columns = 0
        self.header = QLabel()
        self.header.setObjectName("preprocessStepsHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.tiles = {key: StepTile(key) for key in STEP_KEYS}
        self._grid = QGridLayout()
        self._grid.setSpacing(6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.header)
        layout.addLayout(self._grid, 1)
        self._arrange(len(STEP_KEYS))
        self.retranslate()

    # ---------------------------------------------------------------- feeding
    def follow_canvas(self, canvas) -> None:
        """The canvas widget whose pixels the predictor preprocesses (``canvas.image()``)."""
        self._canvas = canvas

    def set_style(self, style: str) -> None:
        """The dataset's recipe ("digit" or "garment"), as the predictor uses it."""
        self._style = style

    def show_input(self, image28: Optional[np.ndarray], source: InputSource = InputSource(),
                   raw: Optional[np.ndarray] = None) -> None:
        """The network's input ``image28`` and where it came from; ``raw`` is the picture it
        was made from (default: the followed canvas's pixels, for drawings and files)."""
        self._image28, self._source = image28, source
        # An image file in which nothing stands out has no input, but its steps say why.
        if raw is None and self._canvas is not None and source.kind != "test_sample" \
                and (image28 is not None or source.kind == "image_file"):
            raw = self._canvas.image()
        self._steps = None if raw is None else preprocess_steps(raw, self._style)
        self._show()

    def steps(self) -> Optional[PreprocessSteps]:
        """The steps shown (None: a test image, or nothing on the canvas)."""
        return self._steps

    def images(self) -> dict:
        """The arrays the tiles show, by key (None: an empty tile)."""
        return {key: tile.image.array() for key, tile in self.tiles.items()}

    # ---------------------------------------------------------------- showing
    def _show(self) -> None:
        steps, empty = self._steps, {"box": None, "point": None, "field": None}
        shown = dict.fromkeys(STEP_KEYS)
        marks = {key: dict(empty) for key in STEP_KEYS}
        if steps is not None:
            shown["picture"] = steps.gray
            if steps.final is not None:
                top, left, bottom, right = steps.box
                shown["ink"], marks["ink"]["box"] = steps.ink, steps.box
                shown["crop"] = steps.ink[top:bottom, left:right]
                shown["scaled"] = steps.scaled
                marks["scaled"]["field"] = steps.final.shape
                shown["centred"], marks["centred"] = self._placed(steps)
                shown["final"] = steps.final
        elif self._image28 is not None:
            shown["final"] = self._image28  # a test image: it goes in as it is
        for key, tile in self.tiles.items():
            tile.image.set_image(shown[key], **marks[key])
        self.retranslate()

    @staticmethod
    def _placed(steps: PreprocessSteps) -> tuple[np.ndarray, dict]:
        """The scaled crop in the 28×28 field, before any sharpening, and its mark: the
        centre of mass (digits) or the box (garments)."""
        placed = np.zeros_like(steps.final)
        top, left = steps.offset
        height, width = steps.scaled.shape
        placed[top : top + height, left : left + width] = steps.scaled
        if steps.centred_by == "mass":
            return placed, {"box": None, "point": centre_of_mass(placed), "field": None}
        return placed, {"box": (top, left, top + height, left + width), "point": None,
                        "field": None}

    # ---------------------------------------------------------------- layout
    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        usable = max(1, self.width() - 12)
        fits = max(2, min(len(STEP_KEYS), usable // TILE_MIN_WIDTH))
        self._arrange(len(STEP_KEYS) if fits >= len(STEP_KEYS) else (3 if fits >= 3 else 2))

    def _arrange(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for index, key in enumerate(STEP_KEYS):
            self._grid.addWidget(self.tiles[key], index // columns, index % columns)
        for column in range(len(STEP_KEYS)):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)

    def columns(self) -> int:
        return self._columns

    # ---------------------------------------------------------------- language
    def retranslate(self) -> None:
        titles = {
            "picture": tr("1. Your picture"), "ink": tr("2. Background removed"),
            "crop": tr("3. Cropped to the ink"), "scaled": tr("4. Scaled"),
            "centred": tr("5. Centred"), "final": tr("6. The 28×28 input"),
        }
        tips = {
            "picture": tr("The picture as gray values. The background is the usual colour of a "
                          "thin frame around the edge; black bars the canvas adds around a "
                          "photo are cut off first."),
            "ink": tr("Everything that differs from the background, drawn light on black as in "
                      "the training images. The orange box is where the ink is; specks and a "
                      "faint haze outside it do not count."),
            "crop": tr("Only the box is kept, so where you drew or how big does not matter."),
            "scaled": tr("Shrunk so the longest side fits: 20 pixels for digits (as MNIST), 28 "
                         "for garments (as Fashion-MNIST), smoothly, keeping the shape."),
            "centred": tr("Put in the middle of a 28×28 field: digits so that their centre of "
                          "mass (the cross) is at the centre, as MNIST did; garments by their "
                          "box, as Fashion-MNIST did."),
            "final": tr("Exactly the 784 numbers the network gets, from 0 (black) to 1 "
                        "(white)."),
        }
        for key, tile in self.tiles.items():
            tile.title.setText(titles[key])
            tile.setToolTip(tips[key])
            tile.caption.setText(self._caption(key))
        self.header.setText(self._header())

    def _header(self) -> str:
        steps = self._steps
        if steps is None and self._image28 is not None:
            return tr("<b>A test image</b> is already laid out like the training data: the "
                      "network gets it as it is.")
        if steps is None:
            return tr("Draw on the canvas or open an image: the steps that turn it into the "
                      "network's 28×28 input appear here.")
        if steps.final is None:
            return tr("<b>Nothing stands out from the background</b>, so the network gets no "
                      "input.")
        if steps.recipe == "photo":
            return tr("<b>A photo of a garment</b>, prepared with Fashion-MNIST's own recipe: "
                      "negated against the paper, trimmed to the garment, longest edge to 28, "
                      "centred, sharpened.")
        return tr("<b>How your picture becomes the network's input</b>, step by step: why a "
                  "drawing in a corner, small or large, still works.")

    def _caption(self, key: str) -> str:
        steps = self._steps
        if steps is None:
            return tr("as it is") if key == "final" and self._image28 is not None else ""
        if key == "picture":
            text = trf("background %1 (%2)", f"{steps.background:.2f}",
                       tr("light: the ink is darker") if steps.dark_ink
                       else tr("dark: the ink is lighter"))
            if any(steps.bars):
                text += "; " + tr("black bars cut off")
            return text
        if steps.final is None:
            return ""
        top, left, bottom, right = steps.box
        if key == "ink":
            return tr("negated against the paper: a faint garment stays faint") \
                if steps.recipe == "photo" else tr("strongest ink = 1")
        if key == "crop":
            return trf("%1 × %2 px from row %3, column %4", bottom - top, right - left, top, left)
        if key == "scaled":
            height, width = steps.scaled.shape
            return trf("%1 × %2 px (× %3)", height, width, f"{steps.scale:.3g}")
        if key == "centred":
            return tr("centre of mass at (14, 14)") if steps.centred_by == "mass" \
                else tr("box in the middle")
        return tr("sharpened, as Fashion-MNIST did") if steps.recipe == "photo" \
            else tr("what the network gets")


def attach_to_window(window) -> None:
    """Give the window's Inside panel the canvas to preprocess, and let the input preview's
    "Steps" button open this view (one call from the window; nothing without a session)."""
    panel = getattr(window, "insidePanel", None)
    if panel is None:
        return
    panel.preprocess_steps.follow_canvas(window.drawCanvas)
    window.inputPreview.stepsRequested.connect(
        lambda: (window.centerTabs.show_inside(), panel.show_preprocess_steps()))
