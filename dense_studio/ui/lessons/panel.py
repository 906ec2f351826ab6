"""``lessonPanel``: the open lesson's title, text, hints and goal, in the window's language.

The goal is listed condition by condition (``goalLabel``: ✓ met, ✗ not yet met, ○ not known
yet); once every condition is met, ``goalBanner`` turns green with a message: a celebration
that never stops the person (no modal dialog). Hints are shown one at a time.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (QFrame, QLabel, QPushButton, QScrollArea, QSizePolicy,
                               QVBoxLayout, QWidget)

from dense_studio.files.lesson_file import Lesson
from dense_studio.session.lesson import GoalResult
from dense_studio.ui.i18n import current_language
from dense_studio.ui.inside.palette import RIGHT
from dense_studio.ui.inside.strings import Retranslating
from dense_studio.ui.lessons.goal_text import goal_html
from dense_studio.ui.messages import fill
from dense_studio.ui.names import name_widget

__all__ = ["LessonPanel"]


def _tr(text: str) -> str:
    """The text in the window's language (context ``Lessons``)."""
    return QCoreApplication.translate("Lessons", text)



def _wrapping_label(name: str) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    name_widget(label, name)
    return label


class LessonPanel(Retranslating, QWidget):
    """Shows one :class:`Lesson` (``show_lesson``) and its goal (``show_goal``)."""

    leaveClicked = Signal()

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        name_widget(self, "lessonPanel")
        self._lesson: Optional[Lesson] = None
        self._result: Optional[GoalResult] = None
        self._hints_shown = 0
        self.titleLabel = _wrapping_label("lessonTitle")
        font = self.titleLabel.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.titleLabel.setFont(font)
        self.textLabel = _wrapping_label("lessonText")
        self.goalHeading = QLabel()
        bold = self.goalHeading.font()
        bold.setBold(True)
        self.goalHeading.setFont(bold)
        self.goalLabel = QLabel()
        self.goalLabel.setWordWrap(True)
        self.goalLabel.setTextFormat(Qt.TextFormat.RichText)
        self.goalLabel.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        name_widget(self.goalLabel, "goalLabel")
        self.goalBanner = _wrapping_label("goalBanner")
        self.goalBanner.setStyleSheet(
            f"background: {RIGHT}; color: white; padding: 6px; border-radius: 4px; "
            "font-weight: bold;")
        self.goalBanner.setVisible(False)
        self.hintsLabel = _wrapping_label("lessonHints")
        self.hintButton = QPushButton()
        name_widget(self.hintButton, "hintButton")
        self.hintButton.clicked.connect(self.show_next_hint)
        self.leaveButton = QPushButton()
        name_widget(self.leaveButton, "leaveLessonButton")
        self.leaveButton.clicked.connect(self.leaveClicked)

        content = QWidget()
        column = QVBoxLayout(content)
        for widget in (self.titleLabel, self.textLabel, _line(), self.goalHeading,
                       self.goalLabel, self.goalBanner, _line(), self.hintsLabel,
                       self.hintButton):
            column.addWidget(widget)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.leaveButton)
        self.setMinimumWidth(160)
        self.retranslate()

    def lesson(self) -> Optional[Lesson]:
        return self._lesson

    def show_lesson(self, lesson: Optional[Lesson]) -> None:
        self._lesson, self._result, self._hints_shown = lesson, None, 0
        self.retranslate()

    def show_goal(self, result: Optional[GoalResult]) -> None:
        self._result = result
        self._show_goal()

    def show_next_hint(self) -> None:
        if self._lesson is not None and self._hints_shown < len(self._lesson.hints):
            self._hints_shown += 1
            self._show_hints()

    def hints_shown(self) -> int:
        return self._hints_shown

    # ---------------------------------------------------------------- texts
    def retranslate(self) -> None:
        self.goalHeading.setText(_tr("Goal"))
        self.leaveButton.setText(_tr("Leave lesson"))
        self.leaveButton.setToolTip(
            _tr("Close the lesson: every control and setting as it was before"))
        lesson, language = self._lesson, current_language()
        self.titleLabel.setText(lesson.in_language(lesson.title, language) if lesson else "")
        self.textLabel.setText(lesson.in_language(lesson.text, language) if lesson else "")
        self._show_hints()
        self._show_goal()

    def _show_hints(self) -> None:
        lesson, language = self._lesson, current_language()
        hints = lesson.hints if lesson is not None else ()
        shown = [f"• {lesson.in_language(hint, language)}" for hint in hints[:self._hints_shown]]
        self.hintsLabel.setText("\n\n".join(shown))
        self.hintsLabel.setVisible(bool(shown))
        left = len(hints) - self._hints_shown
        self.hintButton.setVisible(bool(hints))
        self.hintButton.setEnabled(left > 0)
        self.hintButton.setText(
            fill(_tr("Show a hint (%1 of %2)"), self._hints_shown + 1, len(hints))
            if left > 0 else _tr("No more hints"))

    def _show_goal(self) -> None:
        result = self._result
        self.goalLabel.setText(goal_html(result) if result is not None else "")
        reached = result is not None and result.reached
        self.goalBanner.setVisible(reached)
        self.goalBanner.setText(_tr("✓ Goal reached — well done! Try changing something else, "
                                   "or go on to the next lesson in the Lessons menu."))


def _line() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line
