"""The lesson UI in the real window: locks that hold, leaving that restores, hostile files
that change nothing, Save as lesson, the language, and ``dense-studio LESSON.dslesson``."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from lesson_helpers import lesson_path, open_window, train, wait_ready
from PySide6.QtWidgets import QApplication, QLabel

from dense_studio.engine.spec import DenseSpec
from dense_studio.files.lesson_file import CONTROL_NAMES, read_lesson
from dense_studio.ui import i18n
from dense_studio.ui.lessons.save_dialog import SaveLessonDialog


@pytest.fixture
def window(qtbot, settings):
    return open_window(qtbot, settings, train_limit=2000)


def labels_of(window, widget):
    return [label for label in window.findChildren(QLabel) if label.buddy() is widget]


def snapshot(window):
    session = window.session
    widgets = {name: window.lessons.locks.control(name) for name in CONTROL_NAMES}
    controls = {name: (w.isEnabled(), w.isVisible()) for name, w in widgets.items()}
    return (session.layers.layers, session.settings, session.dataset_name, session.train_limit,
            session.model.model, window.lessons.lesson, controls)


def test_locked_controls_stay_locked_through_training_and_hidden_ones_hide(
        qtbot, window, discard_when_asked):
    assert window.open_lesson(lesson_path("04"))  # locks network, dataset, optimizer, epochs
    lesson = read_lesson(lesson_path("04"))
    wait_ready(qtbot, window, "fashion_mnist")
    locked = sorted(lesson.locked)
    assert all(not getattr(window, name).isEnabled() for name in locked)
    assert window.learningRateSpin.isEnabled()  # what the lesson is about stays free
    train(qtbot, window)  # the window enables its controls again when a run ends...
    assert all(not getattr(window, name).isEnabled() for name in locked)  # ...but not these
    assert window.learningRateSpin.isEnabled() and window.seedSpin.isEnabled()

    assert discard_when_asked == []
    assert window.open_lesson(lesson_path("01"))  # hides the seed, and its label with it
    assert discard_when_asked == ["untitled"]  # the trained network was asked about first
    wait_ready(qtbot, window, "fashion_mnist")
    assert not window.seedSpin.isVisible()
    assert labels_of(window, window.seedSpin) and not any(
        label.isVisible() for label in labels_of(window, window.seedSpin))
    assert window.optimizerCombo.isEnabled()  # lesson 4's locks went with lesson 4


def test_leaving_a_lesson_restores_everything_it_changed(qtbot, window):
    window.session.layers.set((DenseSpec(32, "tanh"),))
    window.session.update_settings(learning_rate=0.005, epochs=2, seed=3)
    qtbot.waitUntil(lambda: not window.session.model.stale, timeout=5_000)
    before = snapshot(window)
    assert window.open_lesson(lesson_path("05"))  # other layers, a train_limit, locks
    wait_ready(qtbot, window, "fashion_mnist")
    assert window.open_lesson(lesson_path("03"))  # and on to another: MNIST
    wait_ready(qtbot, window, "mnist")
    assert snapshot(window)[:4] != before[:4]
    assert window.leave_lesson()
    wait_ready(qtbot, window, "fashion_mnist")
    after = snapshot(window)
    assert after[:4] == before[:4]  # layers, settings, dataset, train_limit
    assert after[5] is None and after[6] == before[6]  # no lesson; every control as it was
    assert not window.lessons.placement.is_shown() and not window.lessons.panel.isVisible()
    assert not window.goal_reached()
    assert not window.lessons.leaveLessonAction.isEnabled()
    assert not window.leave_lesson()  # nothing to leave


def hostile_lessons(folder):
    good = json.loads(lesson_path("01").read_text("utf-8"))
    files = {
        "not-json": b"import os",
        "newer": json.dumps({**good, "version": 99}).encode(),
        "bad-control": json.dumps({**good, "locked": ["quitAction"]}).encode(),
        "huge-number": json.dumps(good).replace('"epochs": 2', '"epochs": 1' + "0" * 400).encode(),
        "too-large": b" " * (2 << 20),
    }
    paths = []
    for name, data in files.items():
        path = folder / f"{name}.dslesson"
        path.write_bytes(data)
        paths.append(path)
    fifo = folder / "fifo.dslesson"
    os.mkfifo(fifo)
    return [*paths, fifo, folder / "missing.dslesson"]


def test_a_hostile_lesson_file_gives_one_line_and_changes_nothing(qtbot, window, tmp_path):
    assert window.open_lesson(lesson_path("02"))
    wait_ready(qtbot, window, "fashion_mnist")
    before = snapshot(window)
    for path in hostile_lessons(tmp_path):
        window.notices.last_error = None
        assert not window.open_lesson(path)
        message = window.last_error
        assert message and str(path) in message and "\n" not in message
        assert snapshot(window) == before, path.name


def test_a_hostile_session_file_gives_one_line_and_changes_nothing(qtbot, window, tmp_path):
    assert window.open_lesson(lesson_path("02"))
    wait_ready(qtbot, window, "fashion_mnist")
    session_file = tmp_path / "good.dssession"
    assert window.save_session(session_file)
    data = session_file.read_bytes()
    before = snapshot(window)
    cases = {"truncated": data[: len(data) // 2], "a lesson": lesson_path("01").read_bytes(),
             "flipped": data[:40] + bytes(b ^ 0xFF for b in data[40:80]) + data[80:]}
    for name, payload in cases.items():
        path = tmp_path / f"{name}.dssession"
        path.write_bytes(payload)
        window.notices.last_error = None
        assert not window.open_session(path)
        assert window.last_error and "\n" not in window.last_error, name
        assert snapshot(window) == before, name


def test_a_lesson_is_not_opened_while_training_or_when_the_window_keeps_its_work(
        qtbot, window, monkeypatch):
    before = snapshot(window)
    monkeypatch.setattr(window, "_may_discard", lambda: False, raising=False)  # "Cancel"
    assert not window.open_lesson(lesson_path("01"))
    assert snapshot(window) == before
    monkeypatch.setattr(window, "_may_discard", lambda: True, raising=False)  # "Discard"
    with qtbot.waitSignal(window.trainingEnded, timeout=60_000):
        assert window.start_training()
        assert not window.open_lesson(lesson_path("01"))
        assert "Stop training" in window.last_error
        window.stop_training()
    qtbot.waitUntil(window.is_ready, timeout=5_000)
    assert window.open_lesson(lesson_path("01"))


def test_save_as_lesson_makes_a_lesson_of_the_current_state(qtbot, window, tmp_path):
    window.session.layers.set((DenseSpec(24, "gelu"),))
    window.session.update_settings(learning_rate=0.003, batch_size=64)
    dialog = SaveLessonDialog(window, window.session, test_accuracy=0.8123)
    qtbot.addWidget(dialog)
    dialog.titleEdit.setText("My lesson")
    dialog.titleZhEdit.setText("我的課")
    dialog.textEdit.setPlainText("Make it better.")
    dialog.lockChecks["layerEditor"].setChecked(True)
    dialog.hideChecks["seedSpin"].setChecked(True)
    dialog.datasetCheck.setChecked(True)
    values = dialog.values()
    # The goal starts from the accuracy reached (81.2 %), which the teacher may change.
    assert values["goal"] == {"test_accuracy_at_least": 0.812, "dataset": "fashion_mnist"}
    path = tmp_path / "mine.dslesson"
    assert window.lessons.save_as_lesson(path, **values)
    lesson = read_lesson(path)
    assert lesson.config == window.session.config
    assert lesson.title == {"en": "My lesson", "zh_TW": "我的課"}
    assert lesson.locked == {"layerEditor"} and lesson.hidden == {"seedSpin"}

    window.session.layers.set(())  # something else, then the saved lesson
    assert window.open_lesson(path)
    assert window.session.layers.layers == (DenseSpec(24, "gelu"),)
    assert window.session.settings.batch_size == 64
    assert not window.layerEditor.isEnabled() and not window.seedSpin.isVisible()
    (tmp_path / "taken.dslesson").mkdir()
    assert not window.lessons.save_as_lesson(tmp_path / "taken.dslesson", **values)
    assert "folder" in window.last_error
    actions = [a.objectName() for a in window.saveSessionAction.associatedObjects()[0].actions()]
    assert actions[actions.index("saveSessionAction") + 1] == "saveAsLessonAction"


def test_the_lesson_panel_follows_the_language(qtbot, window, qapp):
    assert window.open_lesson(lesson_path("03"))
    panel = window.lessons.panel
    panel.show_next_hint()
    lesson = read_lesson(lesson_path("03"))
    assert panel.titleLabel.text() == lesson.title["en"]
    try:
        i18n.apply_language(qapp, "zh_TW")
        qtbot.waitUntil(lambda: panel.titleLabel.text() == lesson.title["zh_TW"], timeout=5000)
        assert panel.textLabel.text() == lesson.text["zh_TW"]
        assert lesson.hints[0]["zh_TW"] in panel.hintsLabel.text()
        assert panel.goalHeading.text() == "目標"
        assert "測試準確率" in panel.goalLabel.text()
        assert window.lessons.menu.title() == "課程(&S)"
    finally:
        i18n.apply_language(qapp, "en")
    qtbot.waitUntil(lambda: panel.titleLabel.text() == lesson.title["en"], timeout=5000)


#: Run in a child process (the command line runs its own event loop and application set-up,
#: which must not leak into the other tests): the window, once shown, reports its lesson.
_CHILD = r"""
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from dense_studio import cli
from dense_studio.ui import MainWindow

def report():
    window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
    if window.lessons.lesson is None:
        QTimer.singleShot(50, report)
        return
    print(json.dumps({"title": window.lessons.lesson.title["en"],
                      "layers": [str(layer) for layer in window.session.layers.layers],
                      "locked": not window.datasetCombo.isEnabled()}), flush=True)
    window.close()
    QApplication.instance().quit()

QTimer.singleShot(0, report)
sys.exit(cli.main(sys.argv[1:]))
"""


def test_dense_studio_lesson_opens_the_window_on_it(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DENSE_STUDIO_NO_GUIDE": "1",
           "XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path)}
    # (run from tmp_path, not the checkout: its dense_studio/ has no resources/)
    done = subprocess.run([sys.executable, "-c", _CHILD, str(lesson_path("03"))], env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"title": read_lesson(lesson_path("03")).title["en"],
                    "layers": ["64:linear", "64:linear"], "locked": True}
    bad = subprocess.run([sys.executable, "-m", "dense_studio", str(tmp_path / "no.dslesson")],
                         env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "no such file" in bad.stderr


def test_the_lesson_is_a_dock_in_a_wide_window_and_a_tab_in_a_narrow_one(qtbot, window):
    window.resize(1800, 900)  # three columns and the dock
    assert window.open_lesson(lesson_path("01"))
    placement, panel = window.lessons.placement, window.lessons.panel
    qtbot.waitUntil(lambda: placement.docked and window.lessons.dock.isVisible(), timeout=5000)
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: not placement.docked, timeout=5000)
    assert window.centerTabs.indexOf(panel) == 0 and panel.isVisible()
    assert window.minimumSizeHint().width() <= 1024  # the window still fits 1024 px
    window.resize(1800, 900)  # three columns and the dock
    qtbot.waitUntil(lambda: placement.docked, timeout=5000)
    assert window.centerTabs.indexOf(panel) < 0
    assert window.leave_lesson() and not window.lessons.dock.isVisible()
