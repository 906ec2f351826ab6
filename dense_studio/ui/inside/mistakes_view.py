"""``mistakesGallery``: test images with what the network made of them.

By default the most confident mistakes (wrong, and sure of it: the most instructive
ones); after a click on a confusion-matrix cell, that cell's images. Most confident first,
each with its top three classes; clicking one puts it on the canvas.
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dense_studio.insight.evaluation import TestItem, TestReport
from dense_studio.ui.inside import palette
from dense_studio.ui.inside.strings import Retranslating, tr, trf
from dense_studio.ui.messages import format_count
from dense_studio.ui.names import name_widget

#: Thumbnails listed at most (the rest are counted): building thousands costs seconds.
MAX_SHOWN = 60
CHUNK = 6  # thumbnails added per event-loop pass
THUMB = 56


def thumbnail(image: np.ndarray, right: bool) -> QPixmap:
    """The test image (as the network sees it), framed green if right, vermillion if wrong."""
    pixmap = QPixmap.fromImage(palette.to_qimage(palette.gray_rgb(image))).scaled(
        THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation)
    painter = QPainter(pixmap)
    painter.setPen(QPen(QColor(palette.RIGHT if right else palette.WRONG), 4))
    painter.drawRect(1, 1, THUMB - 3, THUMB - 3)
    painter.end()
    return pixmap


class MistakesGallery(Retranslating, QWidget):
    """``mistakesGallery``: the most confident mistakes, or one confusion cell's images."""

    testImageChosen = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        name_widget(self, "mistakesGallery")
        self._report: Optional[TestReport] = None
        self._images: Optional[np.ndarray] = None
        self._names: tuple = ()
        self._cell: Optional[tuple[int, int]] = None
        self._items: list[TestItem] = []
        self._total = 0
        self._next = 0
        self._more = QTimer(self)
        self._more.setSingleShot(True)
        self._more.timeout.connect(self._add_some)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.back = QPushButton()
        self.back.setObjectName("mistakesShowAll")
        self.back.clicked.connect(lambda: self.show_cell(None))
        self.list = QListWidget()
        self.list.setObjectName("mistakesList")
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setGridSize(QSize(THUMB + 30, THUMB + 40))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(True)
        self.list.itemClicked.connect(self._clicked)
        self.list.itemActivated.connect(self._clicked)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.back)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        self.retranslate()

    def items(self) -> list[tuple[int, int, int, float]]:
        """(test index, true class, predicted class, confidence) as listed, most
        confident first."""
        return [tuple(item) for item in self._items]

    def set_test_images(self, images: Optional[np.ndarray], class_names: Sequence[str]) -> None:
        self._images, self._names = images, tuple(class_names)
        self._fill()

    def set_report(self, report: Optional[TestReport]) -> None:
        self._report = report
        self._fill()

    def show_cell(self, cell: Optional[tuple[int, int]]) -> None:
        """List confusion cell (true, predicted), or the most confident mistakes (None)."""
        self._cell = cell
        self._fill()

    def cell(self) -> Optional[tuple[int, int]]:
        return self._cell

    def _name(self, index: int) -> str:
        return self._names[index] if index < len(self._names) else str(index)

    def _fill(self) -> None:
        self._more.stop()
        self.list.clear()
        report = self._report
        if report is None or self._images is None:
            self._items, self._total = [], 0
        else:
            if self._cell is None:
                self._total = int((report.labels != report.predicted).sum())
                self._items = report.mistakes(MAX_SHOWN)
            else:
                self._total = int(report.matrix()[self._cell])
                self._items = report.cell(*self._cell, limit=MAX_SHOWN)
        self._next = 0
        self._add_some()
        self._retitle()

    def _add_some(self) -> None:
        """Add the next few thumbnails, then let the event loop run: listing 60 at once
        would hold the GUI thread for tens of milliseconds."""
        stop = min(self._next + CHUNK, len(self._items))
        for item in self._items[self._next:stop]:
            entry = QListWidgetItem(QIcon(thumbnail(self._images[item.index],
                                                    item.true == item.predicted)),
                                    f"#{item.index}\n{100 * item.confidence:.0f} %")
            entry.setData(Qt.ItemDataRole.UserRole, item.index)
            entry.setToolTip(self._describe(item))
            self.list.addItem(entry)
        self._next = stop
        if stop < len(self._items):
            self._more.start()

    def _describe(self, item: TestItem) -> str:
        mark = tr("✓ right") if item.true == item.predicted else tr("✗ wrong")
        top = "\n".join(f"  {self._name(c)}: {100 * p:.1f} %" for c, p in
                        self._report.top(item.index, 3))
        return trf("Test image #%1 %2\ntrue class: %3\nthe network's top three:\n%4\n"
                   "Click to put it on the canvas.", item.index, mark, self._name(item.true),
                   top)

    def _clicked(self, entry: QListWidgetItem) -> None:
        self.testImageChosen.emit(int(entry.data(Qt.ItemDataRole.UserRole)))

    def retranslate(self) -> None:
        self._fill()  # the thumbnails' tooltips are texts too

    def _retitle(self) -> None:
        self.back.setText(tr("Show all mistakes"))
        self.back.setToolTip(tr("Back to every wrong prediction, most confident first"))
        self.back.setVisible(self._cell is not None)
        more = ""
        if self._total > len(self._items):
            more = " " + trf("(the first %1 of %2)", len(self._items), format_count(self._total))
        if self._report is None:
            text = tr("Mistakes on the test images appear here once they are evaluated.")
        elif self._cell is None:
            text = trf("<b>Most confident mistakes</b>: %1 wrong predictions, surest first%2. "
                       "The frame is vermillion for wrong, green for right.",
                       format_count(self._total), more)
        else:
            true, predicted = self._cell
            text = trf("<b>True %1, predicted %2</b>: %3 test images, most confident first%4.",
                       self._name(true), self._name(predicted), format_count(self._total), more)
        self.title.setText(text)
        self.list.setToolTip(tr("Each image with the network's confidence in its answer. "
                                "Hover for its top three classes; click to put it on the "
                                "canvas."))
