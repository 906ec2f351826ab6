"""``TextBox``: rich text that changes often without laying the window out again.

``QLabel.setText`` calls ``updateGeometry()``, and Qt then lays out the label's parent, and
its parent's parent, up to the window, and repaints what moved: with the Inside tab shown,
~13 ms of every input update went there. A TextBox has a constant size hint (``lines``
lines of its font, or whatever room its layout gives it when ``expanding``); new text only
repaints the box. Text that does not fit is cut off at the bottom.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QSizePolicy, QWidget

__all__ = ["TextBox"]

_LINE_SLACK = 1.2  # CJK fallback fonts are taller than the widget font's line spacing


class TextBox(QWidget):
    """Shows ``setText``'s text (HTML when it has tags, else plain), word-wrapped."""

    def __init__(self, lines: int = 1, expanding: bool = False, parent=None) -> None:
        super().__init__(parent)
        self._lines = lines
        self._text = ""
        self._doc = QTextDocument(self)
        self._doc.setDocumentMargin(0)
        self._doc.setDefaultFont(self.font())
        vertical = QSizePolicy.Policy.Expanding if expanding else QSizePolicy.Policy.Fixed
        self.setSizePolicy(QSizePolicy.Policy.Ignored, vertical)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802 (QLabel's name)
        if text == self._text:
            return
        self._text = text
        if "<" in text:
            self._doc.setHtml(text)
        else:
            self._doc.setHtml(html.escape(text).replace("\n", "<br>"))
        self.update()

    def clear(self) -> None:
        self.setText("")

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        height = round(self._lines * self.fontMetrics().lineSpacing() * _LINE_SLACK)
        return QSize(120, height)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return self.sizeHint()

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        self._doc.setTextWidth(self.width())
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text,
                                 self.palette().color(QPalette.ColorRole.WindowText))
        self._doc.documentLayout().draw(painter, context)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.FontChange:
            self._doc.setDefaultFont(self.font())
            self.updateGeometry()
        super().changeEvent(event)
