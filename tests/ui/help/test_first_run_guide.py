"""The first-run guide: steps through widgets in place, skippable, remembered, and never in
the way of a lesson, presenter mode or a class that turned it off."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QMainWindow, QPushButton, QVBoxLayout, QWidget

from dense_studio.ui.help.guide import FIRST_RUN_STEPS, NO_GUIDE_ENV, FirstRunGuide, GuideStep
from dense_studio.ui.i18n import load_table

TARGETS = [step.target for step in FIRST_RUN_STEPS]


@pytest.fixture
def window(qtbot, monkeypatch):
    """A small window with the four widgets the guide points at, named as in the app."""
    monkeypatch.delenv(NO_GUIDE_ENV, raising=False)
    win = QMainWindow()
    central = QWidget()
    row = QHBoxLayout(central)
    left = QVBoxLayout()
    network = QGroupBox("Learning curves | Inside the network")
    network.setObjectName("centerTabs")
    network.setMinimumSize(220, 220)
    left.addWidget(network)
    train = QPushButton("Start training")
    train.setObjectName("trainButton")
    left.addWidget(train)
    row.addLayout(left)
    curves = QGroupBox("Learning curves")
    curves.setObjectName("curvesGroup")
    curves.setMinimumSize(300, 300)
    row.addWidget(curves, 1)
    canvas = QWidget()
    canvas.setObjectName("drawCanvas")
    canvas.setMinimumSize(200, 200)
    row.addWidget(canvas)
    win.setCentralWidget(central)
    win.resize(1200, 720)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def make_guide(window, **kwargs):
    seen = []
    guide = FirstRunGuide(window, on_seen=lambda: seen.append(True), **kwargs)
    results = []
    guide.finished.connect(results.append)
    return guide, seen, results


def test_it_steps_through_the_targets_in_place(window):
    guide, seen, results = make_guide(window)
    assert guide.start()
    visited = []
    while guide.is_active():
        target = guide.current_target()
        visited.append(target.objectName())
        frame = guide.highlight.geometry()
        target_rect = QRect(target.mapTo(window, QPoint(0, 0)), target.size())
        assert guide.highlight.isVisible() and frame.contains(target_rect)
        card = guide.geometry()
        if target_rect.width() < 500:  # beside a small target, over a corner of a large one
            assert not card.intersects(target_rect)
        else:
            assert target_rect.contains(card) and not card.contains(target_rect.center())
        assert window.rect().contains(guide.geometry())
        assert guide.stepLabel.text() == f"Step {len(visited)} of 4"
        assert guide.titleLabel.text() == FIRST_RUN_STEPS[len(visited) - 1].title
        guide.nextButton.click()
    assert visited == TARGETS
    assert seen == [True] and results == [True]
    assert not guide.isVisible() and not guide.highlight.isVisible()


def test_back_goes_to_the_previous_step(window):
    guide, _seen, _results = make_guide(window)
    guide.start()
    assert not guide.backButton.isEnabled()
    guide.nextButton.click()
    guide.nextButton.click()
    assert guide.current_target().objectName() == TARGETS[2]
    guide.backButton.click()
    assert guide.current_target().objectName() == TARGETS[1]
    guide.nextButton.click()
    guide.nextButton.click()
    assert guide.nextButton.text() == "Done"


def test_the_window_stays_usable_while_it_shows(window, qtbot):
    guide, _seen, _results = make_guide(window)
    guide.start()
    button = window.findChild(QPushButton, "trainButton")
    assert guide.current_target() is button
    centre = button.mapTo(window, button.rect().center())
    assert window.childAt(centre) is button  # the frame over it lets the mouse through
    with qtbot.waitSignal(button.clicked, timeout=1000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert guide.is_active()


def test_skip_and_escape_close_it_and_count_as_seen(window, qtbot):
    guide, seen, results = make_guide(window)
    guide.start()
    guide.skipButton.click()
    assert not guide.is_active() and seen == [True] and results == [False]

    guide.start(automatic=False)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow(), timeout=2000)
    qtbot.keyClick(guide.nextButton, Qt.Key.Key_Escape)
    assert not guide.is_active() and seen == [True, True] and results == [False, False]


def test_it_does_not_show_when_it_must_not(window, monkeypatch):
    guide, seen, _results = make_guide(window, should_show=lambda: False)
    assert not guide.start() and not guide.start(automatic=False)
    assert not guide.isVisible() and seen == []

    disabled, _, _ = make_guide(window, disabled=True)  # the setting
    assert not disabled.start()
    assert disabled.start(automatic=False)  # Help → Show guide still works

    monkeypatch.setenv(NO_GUIDE_ENV, "1")
    guide, _, _ = make_guide(window)
    assert not guide.start() and not guide.isVisible()
    assert guide.start(automatic=False)
    monkeypatch.setenv(NO_GUIDE_ENV, "0")
    assert make_guide(window)[0].start()


def test_a_lesson_starting_withdraws_it_without_counting_it_seen(window):
    lesson = {"on": False}
    guide, seen, results = make_guide(window, should_show=lambda: not lesson["on"])
    guide.start()
    lesson["on"] = True
    guide.nextButton.click()
    assert not guide.is_active() and not guide.isVisible()
    assert seen == [] and results == [False]


def test_missing_targets_are_left_out_and_none_means_no_guide(window):
    steps = (GuideStep("nowhere", "A", "B"), *FIRST_RUN_STEPS[:2])
    guide, _seen, _results = make_guide(window, steps=steps)
    assert guide.start()
    assert guide.current_target().objectName() == TARGETS[0]
    assert guide.stepLabel.text() == "Step 1 of 2"
    nothing, _, _ = make_guide(window, steps=(GuideStep("nowhere", "A", "B"),))
    assert not nothing.start()


def test_it_speaks_traditional_chinese(window):
    guide, _seen, _results = make_guide(window, language="zh_TW")
    guide.start()
    table = load_table("zh_TW")
    assert guide.titleLabel.text() == table["Help|" + FIRST_RUN_STEPS[0].title] == "按下「開始訓練」"
    assert guide.textLabel.text() == table["Help|" + FIRST_RUN_STEPS[0].text]
    assert guide.stepLabel.text() == "第 1 步，共 4 步"
    assert (guide.nextButton.text(), guide.skipButton.text()) == ("下一步", "略過導覽")
    guide.set_language("en")
    assert guide.titleLabel.text() == "Press Start training"


def test_it_follows_the_window_when_it_is_resized(window, qtbot):
    guide, _seen, _results = make_guide(window)
    guide.start()
    guide.nextButton.click()  # the curves, which grow with the window
    before = guide.highlight.geometry()
    window.resize(1000, 640)
    target = guide.current_target()
    qtbot.waitUntil(lambda: guide.highlight.geometry() != before, timeout=2000)
    assert guide.highlight.geometry().contains(QRect(target.mapTo(window, QPoint(0, 0)), target.size()))


def test_a_burst_of_geometry_events_places_the_card_once_and_a_still_one_not_at_all(
        window, qtbot, monkeypatch):
    """A relayout sends the window several events; while a run trains the window relayouts
    now and then with the target where it was. Placing the card walks the whole window."""
    from PySide6.QtCore import QCoreApplication, QEvent

    guide, _seen, _results = make_guide(window)
    guide.start()
    placed = []
    original = guide._place
    monkeypatch.setattr(guide, "_place", lambda: (placed.append(1), original()))
    for _ in range(5):
        QCoreApplication.postEvent(window, QEvent(QEvent.Type.LayoutRequest))
    qtbot.wait(50)
    assert placed == []  # nothing moved
    before = guide.highlight.geometry()
    window.resize(1000, 640)
    for _ in range(5):
        QCoreApplication.postEvent(window, QEvent(QEvent.Type.LayoutRequest))
    qtbot.waitUntil(lambda: guide.highlight.geometry() != before, timeout=2000)
    qtbot.wait(50)
    assert placed == [1]


def test_a_step_done_moves_the_guide_on_and_only_that_step(window, qtbot):
    """Training started while the card points at Start training: on to the curves (the
    card would hide Stop on a small screen)."""
    guide, _seen, _results = make_guide(window)
    guide.start()
    guide.target_done("drawCanvas")  # not the step showing
    qtbot.wait(20)
    assert guide.current_index() == 0
    guide.target_done("trainButton")
    qtbot.waitUntil(lambda: guide.current_index() == 1, timeout=2000)
    guide.target_done("trainButton")  # that step is left: nothing more
    qtbot.wait(20)
    assert guide.current_index() == 1


def test_a_target_in_a_tab_behind_is_brought_forward(qtbot, monkeypatch):
    """On a small screen the curves are a tab beside Network · Training: the step that
    points at them shows that tab."""
    from PySide6.QtWidgets import QTabWidget

    monkeypatch.delenv(NO_GUIDE_ENV, raising=False)
    win = QMainWindow()
    tabs = QTabWidget()
    train = QPushButton("Start training")
    train.setObjectName("trainButton")
    tabs.addTab(train, "Network · Training")
    curves = QGroupBox("Learning curves")
    curves.setObjectName("curvesGroup")
    page = QWidget()
    QVBoxLayout(page).addWidget(curves)
    tabs.addTab(page, "Learning curves")
    win.setCentralWidget(tabs)
    win.resize(900, 600)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    guide, _seen, _results = make_guide(win, steps=FIRST_RUN_STEPS[:2])
    assert guide.start() and tabs.currentIndex() == 0
    guide.next()
    assert tabs.currentIndex() == 1 and curves.isVisible()
    qtbot.waitUntil(lambda: guide.highlight.isVisible(), timeout=2000)
    guide.back()  # the button's tab again
    assert tabs.currentIndex() == 0


def test_the_card_does_not_hide_the_controls_beside_its_target(qtbot, monkeypatch):
    """Start training has Stop to its right: the card goes below instead, where there is
    nothing to press."""
    monkeypatch.delenv(NO_GUIDE_ENV, raising=False)
    win = QMainWindow()
    central = QWidget()
    column = QVBoxLayout(central)
    buttons = QHBoxLayout()
    train, stop = QPushButton("Start training"), QPushButton("Stop")
    train.setObjectName("trainButton")
    stop.setObjectName("stopButton")
    buttons.addWidget(train)
    buttons.addWidget(stop)
    buttons.addStretch(1)
    column.addLayout(buttons)
    column.addStretch(1)
    win.setCentralWidget(central)
    win.resize(900, 600)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    guide, _seen, _results = make_guide(win, steps=(FIRST_RUN_STEPS[0],))
    assert guide.start()
    stop_rect = QRect(stop.mapTo(win, QPoint(0, 0)), stop.size())
    train_rect = QRect(train.mapTo(win, QPoint(0, 0)), train.size())
    assert not guide.geometry().intersects(stop_rect)
    assert not guide.geometry().intersects(train_rect)
    assert guide.geometry().top() > train_rect.bottom()
