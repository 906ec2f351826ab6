"""The first-run guide: a few steps, each pointing at a widget of the window, in place.

Not modal: a frame is drawn around the target widget (it lets the mouse through) and a small
card beside it says what to do, with Back / Next / Skip guide; Esc skips. The window stays
usable throughout, so a student can press Start while the guide points at it; the window
then says the step is done (``target_done``) and the guide goes on to the curves.

It stays away when asked: ``DENSE_STUDIO_NO_GUIDE=1`` (a teacher's lab image) or
``disabled=True`` (a setting) stop the automatic first-run start, and ``should_show()`` returning
False (a lesson or presenter mode is on) stops it always, also while it is showing.
``on_seen()`` is called once the guide was finished or skipped, for the window to remember.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QFrame,
    QGraphicsDropShadowEffect,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dense_studio.ui.help.strings import fill, tr
from dense_studio.ui.i18n import current_language
from dense_studio.ui.timers import single_shot

__all__ = ["GuideStep", "FirstRunGuide", "FIRST_RUN_STEPS", "NO_GUIDE_ENV", "guide_disabled"]

NO_GUIDE_ENV = "DENSE_STUDIO_NO_GUIDE"
HIGHLIGHT = QColor("#E69F00")  # Okabe-Ito orange: visible on light and dark themes
_MARGIN = 6  # px between the target and the frame drawn around it
_GAP = 12  # px between the frame and the card
_CARD_WIDTH = 320
_CONTROLS = (QAbstractButton, QAbstractSpinBox, QComboBox, QAbstractSlider)


@dataclass(frozen=True)
class GuideStep:
    """Point at the widget named ``target`` (its objectName); ``title`` and ``text`` are
    English, shown in the guide's language through ``strings.tr``."""

    target: str
    title: str
    text: str


#: The four things to do first (issue 12), on the window's widgets as automation names them.
FIRST_RUN_STEPS = (
    GuideStep("trainButton", "Press Start training",
              "Start trains the network on the training images. It runs in the background: you "
              "can keep using the window, pause or stop at any time."),
    GuideStep("curvesGroup", "Watch the curves",
              "After every epoch the loss should fall and the accuracy rise. The dimmed lines are "
              "the previous run, to compare with."),
    GuideStep("drawCanvas", "Draw",
              "Draw a digit or a piece of clothing here, white on black. The bars show how sure "
              "the network is of each class."),
    GuideStep("centerTabs", "Look inside the network",
              "Here, Inside the network shows each Dense layer computing y = activation(W·x + b) "
              "with real numbers, and the test images it gets wrong."),
)


def guide_disabled(setting: bool = False) -> bool:
    """True when the first-run guide must not start by itself: the setting, or
    ``DENSE_STUDIO_NO_GUIDE`` set to anything but "", "0" or "false"."""
    value = os.environ.get(NO_GUIDE_ENV, "").strip().lower()
    return bool(setting) or value not in ("", "0", "false", "no")


class _Highlight(QWidget):
    """The frame around the target; the mouse goes through it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("guideHighlight")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.hide()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(0, 0, 0, 90), 7))
        painter.drawRoundedRect(self.rect().adjusted(4, 4, -4, -4), 8, 8)
        painter.setPen(QPen(HIGHLIGHT, 4))
        painter.drawRoundedRect(self.rect().adjusted(4, 4, -4, -4), 8, 8)


class FirstRunGuide(QFrame):
    """The guide's card, a child of ``window``; ``start()`` shows it."""

    finished = Signal(bool)  # True: gone through every step; False: skipped or withdrawn

    def __init__(self, window: QWidget, steps: Sequence[GuideStep] = FIRST_RUN_STEPS, *,
                 language: str = "en", on_seen: Callable[[], None] | None = None,
                 should_show: Callable[[], bool] | None = None, disabled: bool = False) -> None:
        super().__init__(window)
        self.setObjectName("firstRunGuide")
        self.setAccessibleName("firstRunGuide")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(
            "#firstRunGuide { background-color: palette(base); border: 2px solid %s;"
            " border-radius: 8px; }" % HIGHLIGHT.name())
        shadow = QGraphicsDropShadowEffect(self)
        shadow.setBlurRadius(18)
        shadow.setOffset(0, 3)
        shadow.setColor(QColor(0, 0, 0, 110))
        self.setGraphicsEffect(shadow)
        self._window = window
        self._all_steps = tuple(steps)
        self._steps: list[tuple[GuideStep, QWidget]] = []
        self._index = -1
        self._target: QWidget | None = None
        self.language = language
        self._on_seen = on_seen
        self._should_show = should_show or (lambda: True)
        self._disabled = disabled
        self.highlight = _Highlight(window)

        self.stepLabel = QLabel()
        self.stepLabel.setObjectName("guideStepLabel")
        self.titleLabel = QLabel()
        self.titleLabel.setObjectName("guideTitle")
        font = self.titleLabel.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.titleLabel.setFont(font)
        self.titleLabel.setWordWrap(True)
        self.textLabel = QLabel()
        self.textLabel.setObjectName("guideText")
        self.textLabel.setWordWrap(True)
        self.backButton = QPushButton()
        self.backButton.setObjectName("guideBack")
        self.nextButton = QPushButton()
        self.nextButton.setObjectName("guideNext")
        self.nextButton.setDefault(True)
        self.skipButton = QPushButton()
        self.skipButton.setObjectName("guideSkip")
        self.skipButton.setFlat(True)
        for button in (self.backButton, self.nextButton, self.skipButton):
            button.setAccessibleName(button.objectName())

        buttons = QHBoxLayout()
        buttons.addWidget(self.skipButton)
        buttons.addStretch(1)
        buttons.addWidget(self.backButton)
        buttons.addWidget(self.nextButton)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stepLabel)
        layout.addWidget(self.titleLabel)
        layout.addWidget(self.textLabel)
        layout.addLayout(buttons)
        self.setFixedWidth(_CARD_WIDTH)

        self.backButton.clicked.connect(self.back)
        self.nextButton.clicked.connect(self.next)
        self.skipButton.clicked.connect(self.skip)
        self._escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), window)
        self._escape.setContext(Qt.ShortcutContext.WindowShortcut)
        self._escape.setEnabled(False)
        self._escape.activated.connect(self.skip)
        # The window's and the target's geometry events come in bursts (a relayout sends
        # several, and while a run trains the window relayouts now and then): one placement
        # per burst, from the event loop, and none when nothing it depends on moved.
        self._placed: tuple | None = None
        self._place_soon = single_shot(self, 0, self._follow_geometry)
        window.installEventFilter(self)
        self.hide()

    # ---------------------------------------------------------------- public
    def start(self, *, automatic: bool = True) -> bool:
        """Show the first step; False (and nothing shown) when the guide must stay away or no
        target widget exists. ``automatic=False`` is Help → Show guide: the first-run switches
        (setting, environment) do not apply, ``should_show()`` still does."""
        if automatic and guide_disabled(self._disabled):
            return False
        if not self._should_show():
            return False
        self._steps = [(step, widget) for step in self._all_steps
                       if (widget := self._window.findChild(QWidget, step.target)) is not None]
        if not self._steps:
            return False
        self._escape.setEnabled(True)
        self._show_step(0)
        self.nextButton.setFocus()
        return True

    def is_active(self) -> bool:
        return self._index >= 0

    def current_index(self) -> int:
        """The step shown (0-based), -1 when the guide is not showing."""
        return self._index

    def current_target(self) -> QWidget | None:
        return self._target

    def next(self) -> None:
        if self._index + 1 >= len(self._steps):
            self._close(completed=True)
        else:
            self._show_step(self._index + 1)

    def back(self) -> None:
        if self._index > 0:
            self._show_step(self._index - 1)

    def skip(self) -> None:
        if self.is_active():
            self._close(completed=False)

    def target_done(self, name: str) -> None:
        """What the step pointing at ``name`` asks for was done (the window says so:
        training started): if that step is showing, go on to the next one, from the event
        loop. The card beside Start training would only hide Stop once training runs."""
        if self.is_active() and self._target is not None and self._target.objectName() == name:
            index = self._index
            QTimer.singleShot(0, self, lambda: self._index == index and self.next())

    def withdraw(self) -> None:
        """Hide without counting as seen (a lesson or presenter mode just began)."""
        if self.is_active():
            self._close(completed=False, seen=False)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            # later, from the event loop: the event also reaches windows being destroyed
            QTimer.singleShot(0, self, self._follow_language)

    def _follow_language(self) -> None:
        if current_language() != self.language:
            self.set_language(current_language())  # the window switched language

    def set_language(self, language: str) -> None:
        self.language = language
        if self.is_active():
            self._show_step(self._index)

    # ---------------------------------------------------------------- steps
    def _show_step(self, index: int) -> None:
        if not self._should_show():
            self.withdraw()
            return
        self._let_go_of_target()
        self._index = index
        step, self._target = self._steps[index]
        _bring_forward(self._target)
        self._target.installEventFilter(self)
        lang = self.language
        self.stepLabel.setText(fill(tr("Step %1 of %2", lang), index + 1, len(self._steps)))
        self.titleLabel.setText(tr(step.title, lang))
        self.textLabel.setText(tr(step.text, lang))
        last = index + 1 == len(self._steps)
        self.nextButton.setText(tr("Done", lang) if last else tr("Next", lang))
        self.backButton.setText(tr("Back", lang))
        self.skipButton.setText(tr("Skip guide", lang))
        self.backButton.setEnabled(index > 0)
        self.backButton.setToolTip(tr("Show the previous step", lang))
        self.nextButton.setToolTip(tr("Show the next step", lang))
        self.skipButton.setToolTip(tr("Close the guide (Esc); Help → Show guide brings it back", lang))
        self._placed = None
        self._place()
        self.show()
        self.raise_()

    def _let_go_of_target(self) -> None:
        if self._target is not None:
            self._target.removeEventFilter(self)

    def _close(self, completed: bool, seen: bool = True) -> None:
        self._let_go_of_target()
        self._target = None
        self._index = -1
        self._escape.setEnabled(False)
        self.highlight.hide()
        self.hide()
        if seen and self._on_seen is not None:
            self._on_seen()
        self.finished.emit(completed)

    # ---------------------------------------------------------------- placement
    def target_rect(self) -> QRect:
        """The target's rectangle in the window's coordinates."""
        target = self._target
        top_left = target.mapTo(self._window, QPoint(0, 0))
        return QRect(top_left, target.size())

    def _geometry(self) -> tuple:
        """What the card's place depends on, cheaply: the target's rectangle and
        visibility, the window's size, the card's own size."""
        return (self.target_rect(), self._target.isVisible(), self._window.size(),
                self.sizeHint())

    def _follow_geometry(self) -> None:
        if self._target is not None and self._geometry() != self._placed:
            self._place()

    def _place(self) -> None:
        if self._target is None:
            return
        self.adjustSize()
        self._placed = self._geometry()
        area = self._window.rect()
        if self._target.isVisible():
            around = self.target_rect().adjusted(-_MARGIN, -_MARGIN, _MARGIN, _MARGIN)
            self.highlight.setGeometry(around.intersected(area))
            self.highlight.show()
            self.highlight.raise_()
            card = self._card_position(around, area)
        else:  # hidden (a collapsed panel, another tab): say it in the middle
            self.highlight.hide()
            card = QPoint((area.width() - self.width()) // 2, (area.height() - self.height()) // 2)
        self.move(card)
        self.raise_()

    def _card_position(self, around: QRect, area: QRect) -> QPoint:
        """Right of the target if it fits, else left, below, above; for a target too large for
        any of those (the curves), inside its bottom-right corner. Always inside the window."""
        w, h = self.width(), self.height()
        candidates = [
            QPoint(around.right() + _GAP, around.top()),
            QPoint(around.left() - _GAP - w, around.top()),
            QPoint(around.left(), around.bottom() + _GAP),
            QPoint(around.left(), around.top() - _GAP - h),
        ]
        fitting = [point for point in candidates if area.contains(QRect(point, self.size()))]
        if fitting:  # the first of those that hides the least of the other controls
            controls = self._control_rects()
            return min(fitting, key=lambda point: _covered(QRect(point, self.size()), controls))
        inside = around.intersected(area).adjusted(0, 0, -_GAP - _MARGIN, -_GAP - _MARGIN)
        x = min(max(0, inside.right() - w), max(0, area.width() - w))
        y = min(max(0, inside.bottom() - h), max(0, area.height() - h))
        return QPoint(x, y)

    def _control_rects(self) -> list[QRect]:
        """The window's visible controls (buttons, fields) other than the target, in the
        window's coordinates: beside Start training, the card must not hide Stop."""
        return [QRect(widget.mapTo(self._window, QPoint(0, 0)), widget.size())
                for widget in self._window.findChildren(QWidget)
                if isinstance(widget, _CONTROLS) and widget.isVisible()
                and widget is not self._target and not self.isAncestorOf(widget)]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if self.is_active() and event.type() in (
            QEvent.Type.Resize, QEvent.Type.Move, QEvent.Type.Show, QEvent.Type.Hide,
            QEvent.Type.LayoutRequest,
        ):
            self._place_soon.start()
        return False


def _covered(card: QRect, controls: list[QRect]) -> int:
    """The area of ``controls`` that ``card`` covers."""
    covered = 0
    for rect in controls:
        overlap = rect.intersected(card)
        covered += max(0, overlap.width()) * max(0, overlap.height())
    return covered


def _bring_forward(widget: QWidget) -> None:
    """Make current every tab that holds ``widget`` (a step's target in a tab behind, as
    the curves are on a small screen while Start is pressed on the Network tab)."""
    chain = []
    while widget is not None:
        chain.append(widget)
        widget = widget.parentWidget()
    for i, ancestor in enumerate(chain):
        # A tab's page sits in the tab widget's own stack: page → stack → QTabWidget.
        if isinstance(ancestor, QTabWidget) and i >= 2:
            index = ancestor.indexOf(chain[i - 2])
            if index >= 0 and ancestor.isTabEnabled(index):
                ancestor.setCurrentIndex(index)
