"""The gallery of my drawings: each as the 28×28 image the network sees, with its label."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem

from dense_studio.ui.inside import palette
from dense_studio.ui.names import name_widget

__all__ = ["DrawingsGallery", "THUMBNAIL"]

#: Thumbnail side in pixels: each of the 28 model pixels as a 2×2 square.
_SCALE = 2
THUMBNAIL = 28 * _SCALE


class DrawingsGallery(QListWidget):
    """Thumbnails with labels; ``opened(index)`` on a click, ``deleteAsked()`` on Delete.
    ``show_drawings(drawings, text_for, label_text)`` redraws: ``text_for(drawing)`` says
    what a drawing is (None: it belongs to another dataset, shown muted, and its text is
    ``other(drawing)``), ``label_text(label)`` names a class."""

    opened = Signal(int)
    deleteAsked = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        name_widget(self, "drawingsGallery", self.tr("My drawings, with their labels"))
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.setGridSize(QSize(THUMBNAIL + 52, THUMBNAIL + 38))  # "Ankle boot" fits
        self.setMinimumHeight(THUMBNAIL + 44)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setWordWrap(True)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.itemClicked.connect(lambda item: self.opened.emit(self.row(item)))

    def show_drawings(self, drawings, label_text, other, current: str, predicted=None) -> None:
        """One item per drawing; those of another dataset than ``current`` are muted.
        ``predicted`` (class per drawing, -1 for none) marks the network's answer under the
        label, ✓ or ✗ (never colour alone)."""
        selected = {index.row() for index in self.selectedIndexes()}
        self.clear()
        for i, drawing in enumerate(drawings):
            mine = drawing.dataset == current
            text = label_text(drawing.label) if mine else other(drawing)
            if predicted is not None and i < len(predicted) and predicted[i] >= 0:
                guess = int(predicted[i])
                text += ("\n✓" if guess == drawing.label else f"\n✗ {label_text(guess)}")
            item = QListWidgetItem(_icon(drawing.image), text)
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
            item.setToolTip(text.replace("\n", " "))
            if not mine:
                item.setForeground(QColor(palette.MUTED))
            self.addItem(item)
            item.setSelected(i in selected)

    def selected_rows(self) -> list[int]:
        return sorted(index.row() for index in self.selectedIndexes())

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selected_rows():
            self.deleteAsked.emit()
            event.accept()
            return
        super().keyPressEvent(event)


def _icon(image: np.ndarray) -> QIcon:
    pixels = np.ascontiguousarray(np.clip(np.rint(image * 255), 0, 255).astype(np.uint8))
    big = np.kron(pixels, np.ones((_SCALE, _SCALE), np.uint8))  # crisp squares, like the preview
    side = big.shape[0]
    qimage = QImage(big.data, side, side, side, QImage.Format.Format_Grayscale8).copy()
    return QIcon(QPixmap.fromImage(qimage))
