"""A line of text that changes while training (the speed and time left).

A ``QLabel`` asks for a new layout on every ``setText``: its parent lays out again, then its
parent's parent, up to the window (7-10 ms of the GUI thread for this window, four times a
second while a run trains). ``LiveText`` is one line that only repaints itself: its size
hint depends on the font alone, and a text too long for it is elided, whole in the
tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

__all__ = ["LiveText"]


class LiveText(QWidget):
    """``setText`` / ``text`` as a QLabel's, for one line that changes often."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setText(text)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802 (Qt name)
        text = str(text)
        if text == self._text:
            return
        self._text = text
        self.setToolTip(text.strip())
        self.setAccessibleDescription(text)
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance("0") * 30, metrics.height() + 2)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(0, self.fontMetrics().height() + 2)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()  # (the zoom: the line's height follows the font)
        super().changeEvent(event)

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        group = QPalette.ColorGroup.Active if self.isEnabled() else QPalette.ColorGroup.Disabled
        painter.setPen(self.palette().color(group, QPalette.ColorRole.WindowText))
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight,
                                              rect.width())
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         shown)
