"""``confusionMatrix``: the test split's counts, rows = true class, columns = predicted.

Each cell is shaded by its share of its row (so the diagonal of a good model is dark and a
common confusion stands out whatever the class sizes), with the count written in it; the
column on the right is each class's accuracy. Hover a cell for its row percentage, click it
to list its test images (``mistakesGallery``).
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from dense_studio.insight.evaluation import TestReport
from dense_studio.ui.inside import palette
from dense_studio.ui.inside.strings import Retranslating, tr, trf
from dense_studio.ui.messages import format_count
from dense_studio.ui.names import name_widget

ACCURACY_WIDTH = 64


class _MatrixGrid(QWidget):
    cellClicked = Signal(int, int)

    def __init__(self, owner: "ConfusionMatrixView") -> None:
        super().__init__(owner)
        self._owner = owner
        self.selected: Optional[tuple[int, int]] = None
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(520, 420)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(300, 260)

    def geometry_of(self) -> tuple[QRectF, float]:
        """The cells' area and one cell's side."""
        names = self._owner.class_names()
        k = max(1, len(names))
        metrics = self.fontMetrics()
        label_w = max((metrics.horizontalAdvance(n) for n in names), default=20) + 10
        line = metrics.height()
        left = line + 6 + label_w  # the rotated "true class" title, then the names
        top = line + 6 + label_w
        avail_w = self.width() - left - ACCURACY_WIDTH - 6
        avail_h = self.height() - top - 4
        side = max(8.0, min(avail_w / k, avail_h / k))
        return QRectF(left, top, side * k, side * k), side

    def cell_at(self, pos: QPointF) -> Optional[tuple[int, int]]:
        area, side = self.geometry_of()
        k = len(self._owner.class_names())
        if not k or not area.contains(pos):
            return None
        return (min(k - 1, int((pos.y() - area.top()) // side)),
                min(k - 1, int((pos.x() - area.left()) // side)))

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt name)
        owner = self._owner
        names = owner.class_names()
        k = len(names)
        if not k:
            return
        painter = QPainter(self)
        area, side = self.geometry_of()
        line = self.fontMetrics().height()
        ink = self.palette().windowText().color()
        matrix = owner.matrix()
        painter.setPen(ink)
        bold = painter.font()
        bold.setBold(True)
        painter.save()
        painter.setFont(bold)
        painter.drawText(QRectF(area.left(), 2, area.width(), line), Qt.AlignmentFlag.AlignHCenter,
                         tr("predicted class →"))
        painter.translate(QPointF(2, area.center().y()))
        painter.rotate(-90)
        painter.drawText(QRectF(-area.height() / 2, 0, area.height(), line),
                         Qt.AlignmentFlag.AlignHCenter, tr("true class →"))
        painter.restore()
        for i, name in enumerate(names):
            painter.drawText(QRectF(line + 6, area.top() + i * side, area.left() - line - 12, side),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
            painter.save()
            painter.translate(QPointF(area.left() + (i + 0.5) * side, area.top() - 4))
            painter.rotate(-90)
            painter.drawText(QRectF(0, -line / 2, area.top() - line - 10, line),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
            painter.restore()
        if matrix is None:
            painter.setPen(QColor(palette.MUTED))
            painter.drawRect(area)
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             owner.waiting_text())
            painter.end()
            return
        totals = matrix.sum(axis=1, keepdims=True)
        shares = matrix / np.maximum(totals, 1)
        colors = palette.sequential_rgb(shares)
        for i in range(k):
            for j in range(k):
                cell = QRectF(area.left() + j * side, area.top() + i * side, side, side)
                painter.fillRect(cell, palette.qcolor(colors[i, j]))
                if side >= 18:
                    painter.setPen(palette.text_color_on(colors[i, j]))
                    painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, str(matrix[i, j]))
        painter.setPen(QPen(QColor(palette.MUTED), 1))
        painter.drawRect(area)
        accuracy = owner.per_class_accuracy()
        x = area.right() + 6
        painter.setPen(ink)
        painter.drawText(QRectF(x, area.top() - line - 2, ACCURACY_WIDTH, line),
                         Qt.AlignmentFlag.AlignLeft, tr("right"))
        for i in range(k):
            row = QRectF(x, area.top() + i * side, ACCURACY_WIDTH, side)
            bar = QRectF(row.left(), row.bottom() - 4, row.width() * np.nan_to_num(accuracy[i]), 3)
            painter.fillRect(bar, QColor(palette.RIGHT))
            painter.drawText(row, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             "–" if np.isnan(accuracy[i]) else f"{100 * accuracy[i]:.1f} %")
        if self.selected is not None:
            i, j = self.selected
            painter.setPen(QPen(QColor(palette.SELECTION), 3))
            painter.drawRect(QRectF(area.left() + j * side, area.top() + i * side, side, side))
        painter.end()

    def accuracy_row_at(self, pos: QPointF) -> Optional[int]:
        area, side = self.geometry_of()
        if area.right() < pos.x() <= area.right() + 6 + ACCURACY_WIDTH \
                and area.top() <= pos.y() < area.bottom():
            return int((pos.y() - area.top()) // side)
        return None

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            pos = QPointF(event.pos())
            cell, row = self.cell_at(pos), self.accuracy_row_at(pos)
            if cell is not None:
                text = self._owner.describe_cell(*cell)
            elif row is not None:
                text = self._owner.describe_accuracy(row)
            else:
                text = self.toolTip()
            QToolTip.showText(event.globalPos(), text, self)
            return True
        return super().event(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        cell = self.cell_at(event.position())
        if cell is not None and event.button() == Qt.MouseButton.LeftButton \
                and self._owner.matrix() is not None:
            self.selected = cell
            self.update()
            self.cellClicked.emit(*cell)


class ConfusionMatrixView(Retranslating, QWidget):
    """``confusionMatrix``: counts on the test split for the weights shown."""

    cellChosen = Signal(int, int)  # true class, predicted class

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        name_widget(self, "confusionMatrix")
        self._report: Optional[TestReport] = None
        self._matrix: Optional[np.ndarray] = None
        self._names: tuple = ()
        self._evaluating = False
        self.summary = QLabel()
        self.summary.setObjectName("testSummary")
        self.summary.setWordWrap(True)
        self.grid = _MatrixGrid(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.grid, 1)
        self.grid.cellClicked.connect(self.cellChosen)
        self.retranslate()

    def matrix(self) -> Optional[np.ndarray]:
        """Int array (classes, classes) of counts [true, predicted], or None while the
        test split is not evaluated for the weights shown."""
        return None if self._matrix is None else self._matrix.copy()

    def report(self) -> Optional[TestReport]:
        return self._report

    def per_class_accuracy(self) -> Optional[np.ndarray]:
        return None if self._report is None else self._report.per_class_accuracy()

    def class_names(self) -> tuple:
        return self._names

    def set_class_names(self, names: Sequence[str]) -> None:
        self._names = tuple(names)
        self.grid.update()

    def set_report(self, report: Optional[TestReport], evaluating: bool = False) -> None:
        self._report, self._evaluating = report, evaluating
        self._matrix = None if report is None else report.matrix()
        if report is None:
            self.grid.selected = None
        self.retranslate()

    def selected(self) -> Optional[tuple[int, int]]:
        return self.grid.selected

    def waiting_text(self) -> str:
        if self._evaluating:
            return tr("Evaluating the test images…")
        return tr("The test images are evaluated when a model and its dataset are ready.")

    def describe_cell(self, true: int, predicted: int) -> str:
        if self._matrix is None:
            return self.waiting_text()
        count = int(self._matrix[true, predicted])
        total = int(self._matrix[true].sum())
        share = f"{100 * count / total:.1f}" if total else "–"
        return trf("True class %1, predicted %2:\n%3 test images, %4 % of the %5 %1 images.\n"
                   "Click to see them.", self._names[true], self._names[predicted],
                   format_count(count), share, format_count(total))

    def describe_accuracy(self, true: int) -> str:
        if self._matrix is None:
            return self.waiting_text()
        total = int(self._matrix[true].sum())
        right = int(self._matrix[true, true])
        return trf("%1: %2 of %3 test images predicted right.", self._names[true],
                   format_count(right), format_count(total))

    def retranslate(self) -> None:
        report = self._report
        if report is None:
            self.summary.setText(self.waiting_text())
        else:
            epoch = "" if report.epoch is None else trf(" after %1 epochs", f"{report.epoch:g}")
            self.summary.setText(trf(
                "<b>Test accuracy %1 %</b> · loss %2 · on %3 test images the network never "
                "trained on%4", f"{100 * report.accuracy:.1f}", f"{report.loss:.4f}",
                format_count(len(report.labels)), epoch))
        self.summary.setToolTip(tr("Accuracy: the share of test images whose most probable "
                                   "class is the true one. Loss: the average cross-entropy, "
                                   "lower is better; training minimises it."))
        self.grid.setToolTip(tr("Each row is a true class, each column what the network "
                                "predicted. The diagonal counts the right answers; any other "
                                "cell is one kind of mistake."))
        self.grid.update()
