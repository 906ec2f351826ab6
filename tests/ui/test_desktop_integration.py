"""The desktop pieces in the real window (issue 12): Help menu, shortcuts, tooltips in both
languages, the first-run guide on the first start only, the icon, one word for "activation".

The launcher files (written and removed exactly) are tested in tests/desktop.
"""

from __future__ import annotations

import re

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QScrollBar,
    QTabBar,
    QWidget,
)
from ui_helpers import make_window

from dense_studio.desktop import DESKTOP_ID
from dense_studio.ui import i18n
from dense_studio.ui.draw_canvas import DrawCanvas
from dense_studio.ui.help import AboutDialog, HelpBrowser, ShortcutsDialog, actions_without_shortcut
from dense_studio.ui.help.browser import help_folder
from dense_studio.ui.help.guide import NO_GUIDE_ENV
from dense_studio.ui.help.shortcuts import menu_shortcuts
from dense_studio.ui.menus import WITHOUT_SHORTCUT
from dense_studio.ui.prediction_chart import PredictionChart
from dense_studio.ui.settings import read_setting, write_setting

CHINESE = re.compile(r"[\u4e00-\u9fff]")
INTERACTIVE = (QAbstractButton, QAbstractSpinBox, QComboBox, QAbstractSlider, QLineEdit,
               QAbstractItemView, DrawCanvas, PredictionChart, pg.PlotWidget)
# Named in the issue, or easy to forget: these must be among the widgets checked.
MUST_CHECK = {"trainButton", "stopButton", "datasetCombo", "learningRateSpin", "drawCanvas",
              "predictionChart", "lossPlot", "brushSizeSlider", "decayCheck", "layerList",
              "unitsSpin", "dropoutRateSpin", "openImageButton", "guideNext", "guideSkip"}


def interactive_widgets(window) -> list[QWidget]:
    """Every control of the window a person can use, Qt's own inner parts left out (a spin
    box's line edit, a combo box's popup list, the menu bar's overflow button)."""
    return [w for w in window.findChildren(QWidget)
            if isinstance(w, INTERACTIVE) and not isinstance(w, QScrollBar)
            and not w.objectName().startswith("qt_") and w.window() is window
            and not isinstance(w.parentWidget(), QTabBar)]  # a tab bar's own scroll arrows


def every_control_shown(window) -> list[QWidget]:
    """The window with a Dropout row (its own spin box) and the guide on (its buttons)."""
    window.layerEditor.add_dropout()
    assert window.show_guide()
    widgets = interactive_widgets(window)
    names = {w.objectName() for w in widgets}
    assert MUST_CHECK <= names, MUST_CHECK - names
    return widgets


def describe(widget: QWidget) -> str:
    return f"{type(widget).__name__} {widget.objectName() or '(unnamed)'}"


def close_next_dialog(kind, seen: list) -> None:
    """Close the next modal dialog of ``kind`` once it shows, keeping it in ``seen``."""
    def close() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            seen.append(dialog)
            dialog.reject()
        else:
            QTimer.singleShot(20, close)
    QTimer.singleShot(0, close)


@pytest.fixture
def window(qtbot, settings):
    return make_window(qtbot, settings)


@pytest.fixture
def chinese(qapp):
    """The window's language is 繁體中文 (as DENSE_STUDIO_LANG=zh_TW makes it at start-up)."""
    i18n.apply_language(qapp, "zh_TW")
    try:
        yield
    finally:
        i18n.apply_language(qapp, "en")


# ------------------------------------------------------------------ menus and shortcuts
def test_every_menu_action_has_a_shortcut_or_none_on_purpose(window):
    bar = window.menuBar()
    assert actions_without_shortcut(bar, on_purpose=WITHOUT_SHORTCUT) == []
    listed = [text for _menu, rows in menu_shortcuts(bar) for text, _keys in rows]
    assert len(listed) >= 20 and "Keyboard shortcuts" in listed
    # The list of exceptions names real actions that really have no shortcut: it cannot go stale.
    without = {a.objectName() for a in actions_without_shortcut(bar)}
    assert without == set(WITHOUT_SHORTCUT)
    keys = [window.findChild(type(window.menus.trainAction), name).shortcut().toString()
            for name in ("userGuideAction", "shortcutsAction")]
    assert keys == [QKeySequence(QKeySequence.StandardKey.HelpContents).toString(), "Ctrl+/"]


def test_no_two_menu_actions_share_a_shortcut(window):
    shortcuts = [keys for _menu, rows in menu_shortcuts(window.menuBar())
                 for _text, keys in rows if keys]
    assert len(shortcuts) == len(set(shortcuts)), shortcuts


def test_help_menu_opens_the_guide_the_shortcuts_and_about(window, qtbot):
    action = type(window.menus.trainAction)
    window.findChild(action, "userGuideAction").trigger()
    browser = window.findChild(HelpBrowser, "helpBrowser")
    assert browser is not None and browser.isVisible()
    assert browser.current_page() == "getting-started"
    assert window.show_user_guide("formula") is browser  # one window, raised again
    assert "W·x + b" in browser.text.toPlainText()

    seen: list[QDialog] = []
    close_next_dialog(ShortcutsDialog, seen)
    window.findChild(action, "shortcutsAction").trigger()
    rows = seen[0].rows()
    assert ("Training", "Start training", QKeySequence("Ctrl+Return").toString(
        QKeySequence.SequenceFormat.NativeText)) in rows
    assert ("Help", "About Dense Studio", "(none)") in rows

    close_next_dialog(AboutDialog, seen)
    window.findChild(action, "aboutAction").trigger()
    assert "LGPL" in seen[1].text() and "Fashion-MNIST" in seen[1].text()


def test_the_help_follows_the_windows_language(qtbot, settings, chinese):
    window = make_window(qtbot, settings)
    browser = window.show_user_guide("formula")
    assert browser.language == "zh_TW"
    assert "啟動函數" in browser.text.toPlainText()
    assert window.guide.language == "zh_TW"


# ------------------------------------------------------------------ tooltips
def test_every_control_has_an_english_tooltip(window):
    missing = [describe(w) for w in every_control_shown(window) if not w.toolTip().strip()]
    assert missing == []
    chinese = [describe(w) for w in interactive_widgets(window) if CHINESE.search(w.toolTip())]
    assert chinese == []


def test_every_control_has_a_chinese_tooltip(qtbot, settings, chinese):
    window = make_window(qtbot, settings)
    untranslated = [f"{describe(w)}: {w.toolTip()!r}" for w in every_control_shown(window)
                    if not CHINESE.search(w.toolTip())]
    assert untranslated == []


def test_the_train_buttons_tooltip_follows_its_state(window):
    panel = window.trainingPanel
    tips = {}
    for state in ("loading", "idle", "training", "paused", "stopping"):
        panel.set_state(state)
        tips[state] = window.trainButton.toolTip()
    assert all(tips.values()) and len(set(tips.values())) == len(tips)


# ------------------------------------------------------------------ the first-run guide
@pytest.fixture
def guide_allowed(monkeypatch):
    monkeypatch.delenv(NO_GUIDE_ENV, raising=False)


def test_the_guide_shows_on_the_first_start_only(qtbot, settings, guide_allowed):
    first = make_window(qtbot, settings)
    assert first.guide.is_active()
    assert first.guide.current_target() is first.trainButton
    first.guide.skip()
    assert read_setting(settings, "guide_seen") is True
    first.close()

    again = make_window(qtbot, settings)
    assert not again.guide.is_active()
    again.findChild(type(again.menus.trainAction), "showGuideAction").trigger()
    assert again.guide.is_active() and again.guide.current_index() == 0


def test_starting_training_takes_the_guide_on_to_the_curves(qtbot, settings, guide_allowed):
    """However it is started (the button, the menu, its shortcut), a run under way is the
    first step done; its card would otherwise sit on Stop at 1024×768."""
    window = make_window(qtbot, settings)
    assert window.guide.current_target() is window.trainButton
    window.menus.trainAction.trigger()
    qtbot.waitUntil(lambda: window.guide.current_index() == 1, timeout=3000)
    assert window.guide.current_target().objectName() == "curvesGroup"
    qtbot.waitUntil(lambda: not window.is_training, timeout=30000)


def test_a_teacher_can_turn_the_guide_off(qtbot, settings, guide_allowed):
    write_setting(settings, "guide_disabled", True)
    window = make_window(qtbot, settings)
    assert not window.guide.is_active()
    assert window.show_guide()  # Help → Show guide still works


def test_the_test_suite_runs_without_the_guide(window):
    """Set in tests/ui/conftest.py, so that Esc in other tests clears the canvas."""
    assert not window.guide.is_active()


# ------------------------------------------------------------------ identity, words
def test_the_app_has_its_icon_and_desktop_file_name(qapp, monkeypatch, window):
    from dense_studio.ui import app as ui_app

    monkeypatch.setenv("DENSE_STUDIO_LANG", "en")
    monkeypatch.setattr(ui_app, "_prepared", set())
    ui_app.prepare_application(qapp)
    assert QGuiApplication.desktopFileName() == DESKTOP_ID
    assert not qapp.windowIcon().isNull()
    assert window.windowIcon().availableSizes() == qapp.windowIcon().availableSizes()


def test_one_chinese_word_for_activation():
    """啟動函數, the word Taiwan's textbooks use, in the window and in the help alike."""
    texts = list(i18n.load_table("zh_TW").values())
    texts += [p.read_text(encoding="utf-8") for p in help_folder("zh_TW").glob("*.html")]
    texts = [t for value in texts for t in (value if isinstance(value, list) else [value])]
    assert i18n.load_table("zh_TW")["Activation"] == "啟動函數"
    assert [t for t in texts if "啟用函數" in t or "激勵函數" in t] == []
    assert sum("啟動函數" in t for t in texts) >= 5
