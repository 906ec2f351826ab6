"""The language switches at once, without a restart (real window, offscreen Qt).

The Language menu switches every widget through Qt's LanguageChange (each widget's
``retranslate()``); Qt's own dialogs (the file dialog, message box buttons) come from the
qtbase translation; durations and counts follow the language. Every test goes back to
English, which the rest of the suite expects.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton, QApplication, QFileDialog, QGroupBox, QLabel, QMenu, QMessageBox, QTabBar,
    QWidget,
)
from ui_helpers import make_window

from dense_studio.engine.events import BatchEnd
from dense_studio.ui.i18n import current_language, load_table
from dense_studio.ui.messages import format_count, format_duration

ZH = load_table("zh_TW")


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))


@pytest.fixture
def window(qtbot, settings, qapp):
    window = make_window(qtbot, settings)
    yield window
    window.set_language("en")
    qapp.processEvents()
    assert current_language() == "en"


def switch(qtbot, window, language: str) -> None:
    """Choose ``language`` in the Language menu, as a person would."""
    window.findChild(QAction, f"language_{language}").trigger()
    qtbot.wait(20)  # the window's own texts follow from the event loop


def texts(root: QWidget) -> dict:
    """Every text shown in ``root``'s visible widgets (labels, buttons, group titles,
    tooltips), by widget."""
    found = {}
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root.window()):
            continue
        if isinstance(widget, (QLabel, QAbstractButton)) and widget.text().strip():
            found[(id(widget), "text")] = widget.text()
        if isinstance(widget, QGroupBox):
            found[(id(widget), "title")] = widget.title()
        if widget.toolTip():
            found[(id(widget), "tooltip")] = widget.toolTip()
    return found


def menu_texts(window) -> dict:
    found = {}
    for menu in window.menuBar().findChildren(QMenu):
        if not menu.objectName():
            continue  # the menu bar's overflow menu: its entries move as the titles change
        found[(id(menu), "title")] = menu.title()
        for index, action in enumerate(menu.actions()):  # (wrappers are not kept: by place)
            if action.text() and not action.isSeparator():
                found[(id(menu), index)] = action.text()
    return found


def owned_panels(window) -> dict:
    """The texts of the panels this test holds to switching: menus, the Network and
    Training groups (layer editor, training panel)."""
    found = menu_texts(window)
    for name in ("networkGroup", "trainingGroup"):
        found.update(texts(window.findChild(QGroupBox, name)))
    return found


def test_every_owned_panel_switches_to_chinese_and_back_without_restart(qtbot, window):
    english = owned_panels(window)
    translatable = {key: text for key, text in english.items() if text in ZH}
    assert len(translatable) > 60  # menus, labels, buttons, tooltips: a real sample
    switch(qtbot, window, "zh_TW")
    chinese = owned_panels(window)
    unchanged = [english[key] for key in translatable if chinese.get(key) != ZH[english[key]]]
    assert unchanged == []
    assert window.findChild(QAction, "quitAction").text() == "結束(&Q)"
    assert window.trainButton.text() == "開始訓練"
    assert window.findChild(QAction, "trainAction").text() == "開始訓練"
    assert window.progressBar.format() == "尚未開始"
    assert window.statusBar().currentMessage() == "語言：繁體中文"
    assert window.findChild(QAction, "language_zh_TW").isChecked()
    switch(qtbot, window, "en")
    assert owned_panels(window) == english
    assert window.statusBar().currentMessage() == "Language: English"


def test_rows_added_after_the_switch_and_the_lock_banner_are_chinese(qtbot, window):
    switch(qtbot, window, "zh_TW")
    window.layerEditor.add_dropout()
    assert window.layerEditor.row_widget(1).rate_spin.prefix() == "比例 "
    assert window.layerEditor.row_widget(0).units_spin.suffix() == " 個單元"
    header = [label.text() for label in window.layerEditor.findChildren(QLabel)
              if label.text() in ("層", "輸出形狀")]
    assert sorted(header) == ["層", "輸出形狀"]
    window.layerEditor.set_locked(True, "x")
    assert window.layerEditor.findChild(QLabel, "layerLockBanner").text() == "已鎖定：x"
    window.layerEditor.set_locked(False)


def test_durations_and_counts_follow_the_language(qtbot, window):
    assert format_duration(63) == "1 min 03 s" and format_count(60000) == "60\u00a0000"
    switch(qtbot, window, "zh_TW")
    assert format_duration(63) == "1 分 03 秒"
    assert format_duration(3720) == "1 小時 02 分" and format_duration(0.3) == "不到 1 秒"
    assert format_count(60000) == "60,000"
    batch = BatchEnd(epoch=0, epochs=5, batch=10, batches=1875, loss=1.0, accuracy=0.5,
                     samples_seen=320, samples_per_second=2400.0, elapsed=0.13)
    window.trainingPanel.show_batch(batch, total_samples=5 * 60000)
    assert window.speedLabel.text() == "每秒 2,400 個樣本 · 約剩 2 分 05 秒"
    switch(qtbot, window, "en")
    assert format_duration(63) == "1 min 03 s"


def _when_modal(seen: list, inspect) -> None:
    def look():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, look)
            return
        seen.append(inspect(dialog))

    QTimer.singleShot(0, look)


def test_qts_own_file_dialog_and_message_box_speak_chinese(qtbot, window):
    switch(qtbot, window, "zh_TW")
    seen: list = []

    def file_dialog(dialog):
        labels = {label.objectName(): label.text() for label in dialog.findChildren(QLabel)}
        dialog.reject()
        return type(dialog), dialog.windowTitle(), labels

    _when_modal(seen, file_dialog)
    assert window.files.ask_open_model() == ""
    kind, title, labels = seen.pop()
    assert issubclass(kind, QFileDialog)  # Qt's own dialog, not the platform's
    assert title == "開啟模型"
    assert labels["fileNameLabel"] == "檔名(&N)："  # from qtbase_zh_TW.qm
    # (these two are ours: the .qm has them only without their accelerator)
    assert labels["lookInLabel"] == "尋找於(&L)："
    assert labels["fileTypeLabel"] == "檔案型態(&T)："

    def message_box(box):
        buttons = sorted(b.text() for b in box.buttons())
        box.button(QMessageBox.StandardButton.Cancel).click()
        return buttons, box.text()

    window.session.update_settings(epochs=1)
    with qtbot.waitSignal(window.trainingEnded, timeout=30000):
        window.start_training()
    _when_modal(seen, message_box)
    assert not window.confirm_discard()
    buttons, text = seen.pop()
    assert sorted(b.replace("(&S)", "").replace("(&D)", "").replace("(&C)", "")
                  for b in buttons) == sorted(["儲存", "丟棄", "取消"])
    assert text == "要儲存「未命名」的變更嗎？"


def test_open_help_window_and_title_follow_the_switch(qtbot, window, tmp_path):
    browser = window.show_user_guide()
    assert browser.windowTitle().startswith("User guide")
    window.session.update_settings(epochs=1)
    with qtbot.waitSignal(window.trainingEnded, timeout=30000):
        window.start_training()
    assert window.windowTitle() == "Dense Studio — untitled[*]"
    switch(qtbot, window, "zh_TW")
    qtbot.waitUntil(lambda: browser.windowTitle().startswith("使用說明"))
    assert window.windowTitle() == "Dense Studio — 未命名[*]"
    browser.close()


def tab_texts(root: QWidget) -> dict:
    found = {}
    for bar in root.findChildren(QTabBar):
        if bar.isVisibleTo(root.window()):
            for index in range(bar.count()):
                found[(id(bar), index)] = bar.tabText(index)
    return found


def test_every_shown_text_of_the_whole_window_switches(qtbot, window):
    """Not only the panels above: every visible label, button, group title, tooltip and tab
    of the window, at a size where all columns are shown."""
    window.resize(1400, 900)
    qtbot.wait(50)
    english = {**texts(window), **tab_texts(window)}
    translatable = {key: text for key, text in english.items()
                    if text in ZH and ZH[text] != text}
    assert len(translatable) > 50  # every panel: a real sample
    switch(qtbot, window, "zh_TW")
    chinese = {**texts(window), **tab_texts(window)}
    unchanged = sorted(text for key, text in translatable.items() if chinese.get(key) == text)
    assert unchanged == []
