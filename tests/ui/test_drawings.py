"""My drawings in the real window: adding from the canvas (button menu, keys 0–9 where they
mean "add"), the gallery (relabel, delete, open), Evaluate, Fine-tune through the training
controller's worker, export and import of image folders, and both languages."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QEnterEvent
from PySide6.QtWidgets import QApplication

from dense_studio.data.datasets import clear_cache
from dense_studio.ui import i18n

from test_drawings_strokes import PERSONAL_STROKES, draw_digits
from ui_helpers import ONE, draw_stroke, make_window


@pytest.fixture
def window(qtbot, settings):
    return make_window(qtbot, settings, train_limit=3000)


@pytest.fixture
def mnist_window(qtbot, settings):
    window = make_window(qtbot, settings, train_limit=6000)
    window.session.choose_dataset("mnist")
    qtbot.waitUntil(lambda: window.is_ready() and window.session.dataset.name == "mnist",
                    timeout=15000)
    return window


def drawn(qtbot, window, points=ONE):
    draw_stroke(window.drawCanvas, points)
    qtbot.waitUntil(lambda: window.session.canvas.image is not None, timeout=3000)


def pointer_on(widget, inside=True):
    if inside:
        QApplication.sendEvent(widget, QEnterEvent(QPointF(5, 5), QPointF(5, 5), QPointF(5, 5)))
    else:
        QApplication.sendEvent(widget, QEvent(QEvent.Type.Leave))


def test_add_drawing_keeps_what_the_network_sees(qtbot, window):
    assert window.add_drawing(3) == 0  # an empty canvas: nothing to keep
    assert "empty" in window.statusBar().currentMessage()
    drawn(qtbot, window)
    assert window.add_drawing(3) == 1
    assert window.add_drawing(12) == 1  # Fashion-MNIST has no class 12
    np.testing.assert_array_equal(window.session.drawings[0].image, window.session.canvas.image)
    gallery = window.drawings.panel.gallery
    assert gallery.count() == 1 and gallery.item(0).text() == "Dress"
    assert window.session.dirty


def test_the_add_menu_and_the_keys_show_fashion_classes_as_digits(qtbot, window):
    controller = window.drawings
    texts = [a.text() for a in controller.addMenu.actions()]
    assert texts[0] == "0 · T-shirt/top\t0" and texts[9] == "9 · Ankle boot\t9"
    keys = controller.panel.keysLabel.text()
    assert "0 T-shirt/top" in keys and "9 Ankle boot" in keys
    drawn(qtbot, window)
    controller.addMenu.actions()[8].trigger()
    assert window.session.drawings[0].label == 8
    assert window.centerTabs.tabText(window.centerTabs.indexOf(controller.panel)) == "My drawings"


def test_digit_keys_add_only_over_the_canvas_or_in_the_drawings_tab(qtbot, window):
    drawn(qtbot, window)
    canvas, drawings = window.drawCanvas, window.session.drawings
    window.seedSpin.setFocus()
    pointer_on(canvas, False)
    qtbot.keyClick(window.seedSpin, Qt.Key.Key_5)
    assert len(drawings) == 0  # the digit went to the spin box as usual
    pointer_on(canvas)
    qtbot.keyClick(canvas, Qt.Key.Key_7)
    assert [d.label for d in drawings] == [7]
    qtbot.keyClick(canvas, Qt.Key.Key_1, Qt.KeyboardModifier.KeypadModifier)
    assert [d.label for d in drawings] == [7, 1]
    pointer_on(canvas, False)
    window.centerTabs.setCurrentWidget(window.drawings.panel)
    window.drawings.panel.gallery.setFocus()
    qtbot.keyClick(window.drawings.panel.gallery, Qt.Key.Key_2)
    assert [d.label for d in drawings] == [7, 1, 2]


def test_gallery_relabels_deletes_and_opens_drawings(qtbot, window):
    session, panel = window.session, window.drawings.panel
    for index in (0, 1, 2):
        session.show_test_sample(index)
        window.add_drawing(int(session.dataset.y_test[index]))
    gallery = panel.gallery
    assert gallery.count() == 3
    gallery.item(1).setSelected(True)
    panel.relabelCombo.setCurrentIndex(4)
    qtbot.mouseClick(panel.relabelButton, Qt.MouseButton.LeftButton)
    assert session.drawings[1].label == 4 and gallery.item(1).text() == "Coat"
    gallery.clearSelection()
    gallery.item(0).setSelected(True)
    qtbot.keyClick(gallery, Qt.Key.Key_Delete)
    assert len(session.drawings) == 2 and gallery.count() == 2
    session.clear_input()
    rect = gallery.visualItemRect(gallery.item(1))
    qtbot.mouseClick(gallery.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    np.testing.assert_array_equal(session.canvas.image, session.dataset.x_test[2])
    assert session.canvas.probabilities is not None  # and the network predicts it


def test_drawings_of_another_dataset_are_kept_apart(qtbot, window):
    session, gallery = window.session, window.drawings.panel.gallery
    session.show_test_sample(0)
    window.add_drawing(3)
    session.choose_dataset("mnist")
    qtbot.waitUntil(lambda: window.is_ready() and session.dataset.name == "mnist", timeout=15000)
    assert gallery.item(0).text() == "3, from Fashion-MNIST"  # a dress, not a digit
    window.drawings.evaluate()
    assert "None of the drawings" in window.drawings.panel.results.summaryLabel.text()


def test_evaluate_shows_accuracy_and_a_small_confusion_table(qtbot, window):
    session, panel = window.session, window.drawings.panel
    with qtbot.waitSignal(window.trainingEnded, timeout=60000):
        window.start_training()
    for index in range(12):
        session.show_test_sample(index)
        window.add_drawing(int(session.dataset.y_test[index]))
    qtbot.mouseClick(panel.evaluateButton, Qt.MouseButton.LeftButton)
    predicted = session.model.predict(session.dataset.x_test[:12]).argmax(axis=1)
    right = int((predicted == session.dataset.y_test[:12]).sum())
    assert f"({right} of 12)" in panel.results.summaryLabel.text()
    table = panel.results.confusionTable
    shown = sorted(set(session.dataset.y_test[:12].tolist()) | set(predicted.tolist()))
    assert table.isVisibleTo(panel) and table.rowCount() == len(shown) < 10
    total = sum(int(table.item(r, c).text() or 0)
                for r in range(table.rowCount()) for c in range(table.columnCount()))
    diagonal = sum(int(table.item(i, i).text() or 0) for i in range(table.rowCount()))
    assert total == 12 and diagonal == right
    marks = [panel.gallery.item(i).text().split("\n")[1][0] for i in range(12)]
    assert marks.count("✓") == right


def test_fine_tuning_runs_in_the_worker_and_my_drawings_improve(qtbot, mnist_window):
    """The mechanism at a small scale: a network trained on 6 000 MNIST images, fine-tuned
    on 30 digits drawn in one person's style with the canvas's strokes."""
    window = mnist_window
    session, panel, controller = window.session, window.drawings.panel, window.drawings
    with qtbot.waitSignal(window.trainingEnded, timeout=60000):
        window.start_training()
    qtbot.mouseClick(panel.fineTuneButton, Qt.MouseButton.LeftButton)
    assert session.state == "idle" and controller.last_result is None  # nothing drawn yet
    labels = np.tile(np.arange(10), 3)
    images = draw_digits(window.drawCanvas, labels, np.random.default_rng(5),
                         templates=PERSONAL_STROKES)
    for image, label in zip(images, labels):
        session.drawings.add(image, int(label), session.dataset_name)
    runs_before = len(session.runs)
    with qtbot.waitSignal(window.trainingEnded, timeout=60000):
        qtbot.mouseClick(panel.fineTuneButton, Qt.MouseButton.LeftButton)
        assert window.is_training and not panel.fineTuneButton.isEnabled()
    before, after, test_before, test_after = controller.last_result
    assert after > before and after >= 0.9
    assert test_after > test_before - 0.03  # the training images keep what it knew
    record = session.runs.records[-1]
    assert len(session.runs) == runs_before + 1 and record.name == "fine-tune on 30 drawings"
    assert "→" in panel.results.fineTuneLabel.text() and panel.progressBar.isHidden()
    assert panel.fineTuneButton.isEnabled()


def test_export_and_import_an_image_folder(qtbot, window, tmp_path):
    session = window.session
    for index in range(20):
        session.show_test_sample(index)
        window.add_drawing(int(session.dataset.y_test[index]))
    assert window.drawings.export(tmp_path / "mine") == 20
    (tmp_path / "mine" / "Bag" / "broken.png").write_bytes(b"not a png")
    clear_cache()
    assert window.drawings.import_folder(tmp_path / "mine")
    name = f"folder:{tmp_path / 'mine'}"
    qtbot.waitUntil(lambda: session.dataset is not None and session.dataset.name == name,
                    timeout=15000)
    assert window.datasetCombo.currentData() == name
    assert window.datasetCombo.currentText() == "Folder: mine"
    qtbot.waitUntil(lambda: "Imported mine" in window.statusBar().currentMessage(), timeout=5000)
    message = window.statusBar().currentMessage()
    assert "1 file skipped" in message and "broken.png" in message
    assert session.dataset.num_classes == len({d.label for d in session.drawings})
    assert not window.drawings.import_folder('bad"name')
    assert "no quotes" in window.last_error


def test_the_tab_and_the_button_follow_the_language(qtbot, window, qapp):
    panel, tabs = window.drawings.panel, window.centerTabs
    i18n.apply_language(qapp, "zh_TW")
    try:
        qtbot.waitUntil(lambda: tabs.tabText(tabs.indexOf(panel)) == "我的繪圖", timeout=3000)
        assert window.drawings.addButton.text() == "加入我的繪圖，類別為…"
        assert panel.evaluateButton.text() == "用我的繪圖評估"
        assert "0 T恤/上衣 · 1 褲子" in panel.keysLabel.text()
    finally:
        i18n.apply_language(qapp, "en")
    qtbot.waitUntil(lambda: tabs.tabText(tabs.indexOf(panel)) == "My drawings", timeout=3000)
