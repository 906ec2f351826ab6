"""The chart's headline: the best guess and its probability ("Sneaker  93.1 %"), or a hint.

Painted by this small widget, which keeps its size from one prediction to the next: a
rich-text QLabel re-laid out its text and asked the layout to recheck its size on every
change, half of the cost of a chart update.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

__all__ = ["Headline"]


class Headline(QWidget):
    """The top class (in the highlight colour) and its probability, or a grey hint.

    Painted directly. Its height is one line of the big font while it shows predictions
    (a long name is elided), so a new prediction only repaints it: no layout pass, no rich
    text. Only switching between the hint (which may wrap) and a prediction changes it.
    """

    MARGIN = 2

    def __init__(self, big: QFont, hint: QFont, colors: tuple[QColor, QColor, QColor]) -> None:
        super().__init__()
        self._big, self._hint_font = QFont(big), QFont(hint)
        self._top_color, self._text_color, self._hint_color = colors
        self._hint = ""
        self._name = ""
        self._value = ""
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_style(self, big: QFont, hint: QFont, colors: tuple[QColor, QColor, QColor]) -> None:
        """New fonts (the window's zoom) or colours (light or dark)."""
        self._big, self._hint_font = QFont(big), QFont(hint)
        self._top_color, self._text_color, self._hint_color = colors
        self.updateGeometry()
        self.update()

    def show_hint(self, text: str) -> None:
        if (self._hint, self._name) != (text, ""):
            self._hint, self._name, self._value = text, "", ""
            self.updateGeometry()  # the hint's wrapping decides the height
            self.update()

    def show_prediction(self, name: str, value: str) -> None:
        if (self._name, self._value) != (name, value):
            if not self._name:
                self.updateGeometry()  # from the hint's height to one line
            self._name, self._value = name, value
            self.update()

    def text(self) -> str:
        return f"{self._name} {self._value}" if self._name else self._hint

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt name)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt name)
        if self._name:
            return QFontMetrics(self._big).height() + 2 * self.MARGIN
        hint = QFontMetrics(self._hint_font).boundingRect(
            QRect(0, 0, max(1, width - 2 * self.MARGIN), 10_000),
            int(Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap),
            self._hint,
        ).height()
        return hint + 2 * self.MARGIN

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(240, self.heightForWidth(240))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(60, self.heightForWidth(max(60, self.width())))

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        box = self.rect().adjusted(self.MARGIN, self.MARGIN, -self.MARGIN, -self.MARGIN)
        if not self._name:
            painter.setFont(self._hint_font)
            painter.setPen(self._hint_color)
            painter.drawText(
                box, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self._hint
            )
        else:
            painter.setFont(self._big)
            metrics = QFontMetrics(self._big)
            gap = metrics.horizontalAdvance("  ")
            value_width = metrics.horizontalAdvance(self._value)
            name = metrics.elidedText(
                self._name, Qt.TextElideMode.ElideRight, max(0, box.width() - gap - value_width)
            )
            name_width = metrics.horizontalAdvance(name)
            x = box.left() + max(0, (box.width() - name_width - gap - value_width) // 2)
            baseline = box.top() + (box.height() + metrics.ascent() - metrics.descent()) // 2
            painter.setPen(self._top_color)
            painter.drawText(x, baseline, name)
            painter.setPen(self._text_color)
            painter.drawText(x + name_width + gap, baseline, self._value)
        painter.end()
