"""Lessons in the window: the Lessons menu, opening and leaving a lesson, its live goal.

Opening a lesson (``open``) puts its network, dataset, settings and ``train_limit`` into the
session, locks and hides the controls it names and shows the lesson panel (a dock, or a
tab in a narrow window: ``placement``). The goal
is checked again whenever the session changes (``session.lesson.check_goal``): test accuracy
comes from the Inside panel, which evaluates the test split after every epoch
(``testEvaluated``), and counts only while that report is of the newest weights. Leaving
(``leave``) restores the network, settings, dataset and controls from before the lesson.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu

from dense_studio.errors import DenseStudioError
from dense_studio.files.lesson_file import Lesson, read_lesson, write_lesson
from dense_studio.session import TrainingSettings
from dense_studio.session.lesson import GoalResult, check_goal, goal_state
from dense_studio.ui.i18n import current_language
from dense_studio.ui.inside.strings import Retranslating
from dense_studio.ui.lessons.bundled import action_name, bundled_lessons
from dense_studio.ui.lessons.controls import ControlLocks
from dense_studio.ui.lessons.panel import LessonPanel
from dense_studio.ui.lessons.placement import PanelPlacement
from dense_studio.ui.lessons.save_dialog import SaveLessonDialog
from dense_studio.ui.messages import fill

__all__ = ["LessonController", "LESSON_FILTER"]


def _tr(text: str) -> str:
    """The text in the window's language (context ``Lessons``)."""
    return QCoreApplication.translate("Lessons", text)


LESSON_FILTER = "Dense Studio lesson (*.dslesson)"
#: The hook the window may offer to ask before unsaved work is replaced (Save / Discard /
#: Cancel): called with no argument, False means "keep what is there".
MAY_DISCARD_HOOK = "_may_discard"


@dataclass(frozen=True)
class _Before:
    """What a lesson replaced, to put back when it is left."""

    layers: tuple
    settings: TrainingSettings
    dataset: str
    train_limit: Optional[int]


class _LessonsMenu(Retranslating, QMenu):
    def __init__(self, controller: "LessonController", parent) -> None:
        super().__init__(parent)
        self._controller = controller

    def retranslate(self) -> None:
        self._controller.retranslate()


class LessonController(QObject):
    """``window.lessons``: see the module docstring. Signals: ``lessonOpened(Lesson)``,
    ``lessonLeft()``, ``goalReached()`` (once each time the goal becomes reached)."""

    lessonOpened = Signal(object)
    lessonLeft = Signal()
    goalReached = Signal()

    def __init__(self, window) -> None:
        super().__init__(window)
        self._window = window
        self._session = window.session
        self.locks = ControlLocks(window)
        self._lesson: Optional[Lesson] = None
        self._before: Optional[_Before] = None
        self._result: Optional[GoalResult] = None
        self._reached = False
        self._after_run = 0
        self._tested = None  # (TestReport, the Network it is of)
        self.panel = LessonPanel()
        self.panel.leaveClicked.connect(self.leave)
        self.placement = PanelPlacement(window, self.panel)
        self.dock = self.placement.dock
        self._build_menus()
        events = self._session.events
        for name in ("model", "weights", "epoch", "run_finished", "runs", "prediction",
                     "dataset"):
            events[name].connect(lambda _event: self.update_goal())
        window.insidePanel.testEvaluated.connect(self._test_evaluated)
        self.retranslate()

    # ================================================================ menus
    def _build_menus(self) -> None:
        window, bar = self._window, self._window.menuBar()
        self.menu = _LessonsMenu(self, window)
        self.menu.setObjectName("lessonsMenu")
        help_menu = next((a for a in bar.actions() if a.menu() is not None and any(
            b.objectName() == "userGuideAction" for b in a.menu().actions())), None)
        if help_menu is not None:
            bar.insertMenu(help_menu, self.menu)
        else:
            bar.addMenu(self.menu)
        self._bundled: list[tuple[QAction, Lesson]] = []
        for path in bundled_lessons():
            try:
                lesson = read_lesson(path)
            except DenseStudioError:  # a broken installation: that lesson is left out
                continue
            action = self._action(action_name(path), lambda _c=False, p=path: self.open(p))
            self.menu.addAction(action)
            self._bundled.append((action, lesson))
        self.menu.addSeparator()
        self.openLessonAction = self._action("openLessonAction", self.open_dialog,
                                             QKeySequence("Ctrl+Shift+L"))
        self.leaveLessonAction = self._action("leaveLessonAction", self.leave)
        self.menu.addAction(self.openLessonAction)
        self.menu.addAction(self.leaveLessonAction)
        self.saveAsLessonAction = self._action("saveAsLessonAction", self.save_as_lesson_dialog)
        save_session = getattr(window, "saveSessionAction", None)
        file_menu = next((a.menu() for a in bar.actions() if a.menu() is not None
                          and save_session in a.menu().actions()), None)
        if file_menu is not None:
            actions = file_menu.actions()
            after = actions.index(save_session) + 1
            file_menu.insertAction(actions[after] if after < len(actions) else None,
                                   self.saveAsLessonAction)
        self._update_actions()

    def _action(self, name: str, slot, shortcut: Optional[QKeySequence] = None) -> QAction:
        action = QAction(self._window)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        return action

    def retranslate(self) -> None:
        language = current_language()
        self.menu.setTitle(_tr("Le&ssons"))
        for action, lesson in self._bundled:
            text = lesson.in_language(lesson.title, language).replace("&", "&&")
            # "1. …": its number is its Alt key (the menu can be used without a mouse)
            action.setText("&" + text if text[:1].isdigit() else text)
        self.openLessonAction.setText(_tr("&Open lesson…"))
        self.leaveLessonAction.setText(_tr("&Leave lesson"))
        self.saveAsLessonAction.setText(_tr("Save as &lesson…"))
        self._show_title()

    def _show_title(self) -> None:
        lesson = self._lesson
        self.placement.set_title(fill(_tr("Lesson: %1"), lesson.in_language(
            lesson.title, current_language())) if lesson else _tr("Lesson"))

    def _update_actions(self) -> None:
        self.leaveLessonAction.setEnabled(self._lesson is not None)

    # ================================================================ state
    @property
    def lesson(self) -> Optional[Lesson]:
        """The open lesson, or None."""
        return self._lesson

    @property
    def result(self) -> Optional[GoalResult]:
        return self._result

    def goal_reached(self) -> bool:
        return self._result is not None and self._result.reached

    # ================================================================ open and leave
    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self._window, _tr("Open lesson"), "",
                                              _tr(LESSON_FILTER))
        if path:
            self.open(path)

    def open(self, path) -> bool:
        """Open a lesson file; a bad file (or training, or a refused prompt) shows why
        and changes nothing."""
        window = self._window
        if window.is_training:
            window.notices.error(_tr("Open lesson"), _tr("Stop training before opening a lesson."))
            return False
        if window.busy.is_busy:
            return False
        may_discard = getattr(window, MAY_DISCARD_HOOK, None)
        if callable(may_discard) and not may_discard():
            return False
        try:
            lesson = window.busy.run(read_lesson, path)
        except DenseStudioError as error:
            window.notices.error(_tr("Open lesson"), str(error))
            return False
        session = self._session
        if self._before is None:
            self._before = _Before(session.layers.layers, session.settings,
                                   session.dataset_name, session.train_limit)
        limit = lesson.train_limit if lesson.train_limit is not None else self._before.train_limit
        if not self._show(lesson.config.layers, TrainingSettings.from_config(lesson.config),
                          lesson.config.dataset, limit, _tr("Open lesson")):
            return False
        self._lesson, self._reached, self._tested = lesson, False, None
        self._after_run = max((record.id for record in session.runs), default=0)
        self.locks.apply(lesson.locked, lesson.hidden)
        self.panel.show_lesson(lesson)
        self._show_title()
        self.placement.show()
        self._update_actions()
        self.update_goal()
        window.notices.status(fill(_tr("Lesson: %1"), lesson.in_language(lesson.title,
                                                                    current_language())))
        self.lessonOpened.emit(lesson)
        return True

    def leave(self) -> bool:
        """Close the lesson: the controls, network, settings and dataset as before it."""
        window, before = self._window, self._before
        if self._lesson is None or before is None:
            return False
        if window.is_training:
            window.notices.error(_tr("Leave lesson"),
                                 _tr("Stop training before leaving the lesson."))
            return False
        self.locks.release()
        self._show(before.layers, before.settings, before.dataset, before.train_limit,
                   _tr("Leave lesson"))
        self._lesson, self._before, self._result, self._reached = None, None, None, False
        self.panel.show_lesson(None)
        self.placement.hide()
        self._update_actions()
        window.notices.status(_tr("Left the lesson: the network and settings are as before."))
        self.lessonLeft.emit()
        return True

    def _show(self, layers, settings, dataset, train_limit, title: str) -> bool:
        """Put a network, settings, dataset and training-set size into the session, with
        a fresh untrained model."""
        session = self._session
        try:
            session.layers.set(layers)
            session.set_settings(settings)
            session.train_limit = train_limit
            if not session.choose_dataset(dataset) and session.dataset is not None:
                session.rebuild_model()  # (a new dataset rebuilds it once loaded)
        except (DenseStudioError, MemoryError) as error:
            self._window.notices.error(title, str(error))
            return False
        return True

    # ================================================================ the goal
    def _test_evaluated(self, report) -> None:
        self._tested = (report, self._window.insidePanel.history.latest)
        self.update_goal()

    def _test_accuracy(self) -> Optional[float]:
        """The newest weights' test accuracy, if the last report is of them."""
        if self._tested is None:
            return None
        report, network = self._tested
        if network is not self._window.insidePanel.history.latest:
            return None
        if abs((report.epoch or 0.0) - self._session.model.epochs_trained) > 1e-6:
            return None
        return report.accuracy

    def update_goal(self) -> None:
        """Check the goal against the session now (the session's events call this)."""
        if self._lesson is None:
            return
        state = goal_state(self._session, self._test_accuracy(), after_run=self._after_run)
        self._result = check_goal(self._lesson.goal, state)
        self.panel.show_goal(self._result)
        if self._result.reached and not self._reached:
            self._window.notices.status(_tr("Goal reached — well done!"))
            self.goalReached.emit()
        self._reached = self._result.reached

    # ================================================================ saving
    def save_as_lesson_dialog(self) -> None:
        dialog = SaveLessonDialog(self._window, self._session, self._test_accuracy())
        if not dialog.exec():
            return
        path, _ = QFileDialog.getSaveFileName(self._window, _tr("Save as lesson"), "",
                                              _tr(LESSON_FILTER))
        if path:
            self.save_as_lesson(path, **dialog.values())

    def save_as_lesson(self, path, *, title, text, goal, hints=(), locked=(),
                       hidden=()) -> bool:
        """Write the current network, dataset and settings as a lesson with ``goal``,
        ``locked`` and ``hidden`` controls; False (with a message) if it cannot."""
        try:
            lesson = Lesson(title=title, text=text, config=self._session.config, goal=goal,
                            hints=tuple(hints),
                            train_limit=self._lesson.train_limit if self._lesson else None,
                            locked=frozenset(locked), hidden=frozenset(hidden))
            written = write_lesson(path, lesson)
        except DenseStudioError as error:
            self._window.notices.error(_tr("Save as lesson"), str(error))
            return False
        self._window.notices.status(fill(_tr("Saved lesson %1."), Path(written).name))
        return True

