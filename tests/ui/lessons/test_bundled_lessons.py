"""Every bundled lesson opens, and training its intended solution reaches its goal.

Each lesson is trained as a student would: with the lesson's own settings on the full
bundled training set (or the lesson's own ``train_limit``), so each goal is checked against
the real numbers of the real lesson, not of a shortened copy. The engine trains an epoch of
these small networks in about a second, so the whole module stays well under a minute.
Where the lesson's point is that its starting network falls short (lessons 2 to 5), the
test first trains it as given and sees the goal not reached, for a reason it can show;
then it applies the fix the lesson teaches and waits for ``goal_reached()``.
"""

from __future__ import annotations

import pytest
from lesson_helpers import condition, lesson_path, open_window, train, wait_known, wait_ready
from PySide6.QtWidgets import QApplication
from ui_helpers import ONE, draw_stroke

from dense_studio.engine.spec import DenseSpec, DropoutSpec
from dense_studio.files.lesson_file import read_lesson
from dense_studio.ui.lessons.bundled import bundled_lessons


@pytest.fixture
def window(qtbot, settings):
    return open_window(qtbot, settings)


def open_lesson(qtbot, window, prefix: str):
    path = lesson_path(prefix)
    lesson = read_lesson(path)
    assert window.open_lesson(path)
    wait_ready(qtbot, window, lesson.config.dataset)
    session = window.session
    assert session.layers.layers == lesson.config.layers
    assert session.settings.learning_rate == lesson.config.learning_rate
    assert session.settings.epochs == lesson.config.epochs
    assert session.train_limit == lesson.train_limit
    assert window.lessons.panel.isVisible() and not window.goal_reached()
    return lesson


def reach_goal(qtbot, window) -> None:
    train(qtbot, window)
    qtbot.waitUntil(window.goal_reached, timeout=60_000)
    panel = window.lessons.panel
    assert panel.goalBanner.isVisible()  # the celebration: visible, and nothing modal
    assert panel.goalLabel.text().count("✓") == len(window.lessons.lesson.goal)
    assert QApplication.activeModalWidget() is None


def not_reached_because(qtbot, window, name: str) -> None:
    train(qtbot, window)
    wait_known(qtbot, window, name)
    assert not window.goal_reached() and not condition(window, name).met


def test_there_are_at_least_seven_bundled_lessons_in_the_menu(window):
    actions = window.lessons.menu.actions()
    names = [a.objectName() for a in actions]
    assert len(bundled_lessons()) >= 7
    assert sum(name.startswith("lesson_") for name in names) == len(bundled_lessons())
    assert "openLessonAction" in names and "leaveLessonAction" in names
    titles = [a.menu().title() for a in window.menuBar().actions() if a.menu()]
    assert titles.index(window.lessons.menu.title()) == titles.index("&Help") - 1


def test_lesson_1_one_dense_layer(qtbot, window):
    open_lesson(qtbot, window, "01")
    assert window.session.layers.layers == ()
    reach_goal(qtbot, window)


def test_lesson_2_a_hidden_layer(qtbot, window):
    open_lesson(qtbot, window, "02")
    not_reached_because(qtbot, window, "test_accuracy_at_least")  # ten templates: ~83 %
    window.session.layers.append(DenseSpec(128, "relu"))
    reach_goal(qtbot, window)


def test_lesson_3_activations(qtbot, window):
    open_lesson(qtbot, window, "03")
    not_reached_because(qtbot, window, "test_accuracy_at_least")  # linear stack: ~92 %
    assert condition(window, "test_accuracy_at_least").value < 0.94
    for row in (0, 1):
        window.session.layers.replace(row, DenseSpec(64, "relu"))
    reach_goal(qtbot, window)


def test_lesson_4_a_learning_rate_too_high(qtbot, window):
    open_lesson(qtbot, window, "04")
    not_reached_because(qtbot, window, "test_accuracy_at_least")
    assert condition(window, "test_accuracy_at_least").value < 0.5
    window.resetButton.click()  # the lesson's fix, through the widgets
    window.learningRateSpin.setValue(0.001)
    assert window.session.settings.learning_rate == 0.001
    reach_goal(qtbot, window)


def test_lesson_5_overfitting_and_dropout(qtbot, window):
    open_lesson(qtbot, window, "05")
    assert window.session.train_limit == 1000
    not_reached_because(qtbot, window, "max_train_val_gap")
    assert condition(window, "max_train_val_gap").value > 0.13  # it learnt 800 images by heart
    window.session.layers.append(DropoutSpec(0.5))
    reach_goal(qtbot, window)


def test_lesson_6_mnist_against_fashion_mnist(qtbot, window):
    open_lesson(qtbot, window, "06")
    train(qtbot, window)  # Fashion-MNIST first, as the lesson says
    assert not window.goal_reached()
    combo = window.datasetCombo
    combo.setCurrentIndex(combo.findData("mnist"))
    wait_ready(qtbot, window, "mnist")
    reach_goal(qtbot, window)
    assert condition(window, "datasets_trained").value == ["fashion_mnist", "mnist"]


def test_lesson_7_preprocessing_a_drawing(qtbot, window):
    open_lesson(qtbot, window, "07")
    train(qtbot, window)
    wait_known(qtbot, window, "test_accuracy_at_least")
    assert condition(window, "test_accuracy_at_least").met
    assert not window.goal_reached()  # nothing drawn yet
    draw_stroke(window.drawCanvas, ONE)  # a clear "1", preprocessed like MNIST's digits
    qtbot.waitUntil(window.goal_reached, timeout=60_000)
    assert window.session.canvas.source.kind == "drawing"
    assert window.lessons.panel.goalBanner.isVisible()
