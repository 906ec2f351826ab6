"""The layer editor driven through its real widgets: buttons, spin boxes, sliders, keys, undo.

The editor is a view on a ``session.LayerStack``; its undo history is the stack's.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import pytest  # noqa: E402
from PySide6.QtCore import QObject, QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QDropEvent, QWheelEvent  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
)

from dense_studio.engine.spec import DenseSpec, DropoutSpec  # noqa: E402
from dense_studio.errors import ConfigError  # noqa: E402
from dense_studio.engine.describe import layer_rows as layer_summary  # noqa: E402
from dense_studio.ui.layer_editor import (  # noqa: E402
    LayerEditor,
    slider_to_units,
    units_to_slider,
)



REFERENCE = (DenseSpec(128, "relu"),)


@pytest.fixture
def editor(qtbot):
    widget = LayerEditor()
    qtbot.addWidget(widget)
    widget.resize(620, 560)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def button(editor, name) -> QPushButton:
    found = editor.findChild(QPushButton, name)
    assert found is not None, name
    return found


def click(qtbot, editor, name) -> None:
    qtbot.mouseClick(button(editor, name), Qt.MouseButton.LeftButton)


def child(editor, row, cls, name):
    found = editor.row_widget(row).findChild(cls, name)
    assert found is not None, name
    return found


def test_names_and_reference_parameters_match_keras(editor):
    # Issue 3: the automation identifier is objectName AND accessibleName; the words a
    # screen reader speaks are the accessibleDescription.
    layer_list = editor.findChild(QObject, "layerList")
    assert layer_list.accessibleName() == "layerList"
    assert layer_list.accessibleDescription() == "Hidden layers"
    described = (("addLayerButton", "Add Dense layer"), ("removeLayerButton", "Remove layer"))
    for name, words in described:
        assert button(editor, name).accessibleName() == name
        assert button(editor, name).accessibleDescription() == words
    assert editor.hidden_layers() == REFERENCE
    # tf.keras summary of Flatten → Dense(128, relu) → Dense(10, softmax).
    assert editor.layer_rows() == [
        ("flatten", (None, 784), 0),
        ("dense", (None, 128), 100_480),
        ("dense_1", (None, 10), 1_290),
    ]
    assert editor.total_params() == 101_770
    assert "101,770" in editor.total_text() and "397.54 KB" in editor.total_text()
    assert editor.row_widget(0).params_label.text() == "100,480"
    assert editor.row_widget(0).shape_label.text() == "(None, 128)"
    assert editor.memory_estimate_text() == ""


def test_summary_counts_dropout_and_stacked_layers():
    rows = layer_summary((DenseSpec(256, "relu"), DropoutSpec(0.5), DenseSpec(64, "tanh")))
    assert rows == [
        ("flatten", (None, 784), 0),
        ("dense", (None, 256), 784 * 256 + 256),
        ("dropout", (None, 256), 0),
        ("dense_1", (None, 64), 256 * 64 + 64),
        ("dense_2", (None, 10), 64 * 10 + 10),
    ]
    assert layer_summary(())[-1] == ("dense", (None, 10), 7_850)


def test_add_insert_remove_and_reorder_with_buttons(qtbot, editor):
    editor.select_row(-1)
    with qtbot.waitSignal(editor.layersChanged) as blocker:
        click(qtbot, editor, "addLayerButton")  # nothing selected: appended
    assert blocker.args[0] == (DenseSpec(128, "relu"), DenseSpec(64, "relu"))
    assert editor.selected_row() == 1

    editor.select_row(0)
    click(qtbot, editor, "addDropoutButton")  # inserted after the selected row
    assert editor.hidden_layers() == (DenseSpec(128), DropoutSpec(0.2), DenseSpec(64))
    assert editor.selected_row() == 1
    assert [r.shape_label.text() for r in map(editor.row_widget, range(3))] == [
        "(None, 128)",
        "(None, 128)",
        "(None, 64)",
    ]

    click(qtbot, editor, "moveLayerUpButton")
    assert editor.hidden_layers() == (DropoutSpec(0.2), DenseSpec(128), DenseSpec(64))
    assert editor.selected_row() == 0
    assert not button(editor, "moveLayerUpButton").isEnabled()
    click(qtbot, editor, "moveLayerDownButton")
    click(qtbot, editor, "moveLayerDownButton")
    assert editor.hidden_layers() == (DenseSpec(128), DenseSpec(64), DropoutSpec(0.2))
    assert not button(editor, "moveLayerDownButton").isEnabled()

    editor.select_row(1)
    click(qtbot, editor, "removeLayerButton")
    assert editor.hidden_layers() == (DenseSpec(128), DropoutSpec(0.2))
    editor.insert_layer(0, DenseSpec(32, "tanh"))
    assert editor.hidden_layers() == (DenseSpec(32, "tanh"), DenseSpec(128), DropoutSpec(0.2))
    for _ in range(3):
        editor.select_row(0)
        click(qtbot, editor, "removeLayerButton")
    assert editor.hidden_layers() == ()
    assert not button(editor, "removeLayerButton").isEnabled()
    assert editor.total_params() == 7_850


def test_units_by_spin_box_and_log_slider(qtbot, editor):
    spin = child(editor, 0, QSpinBox, "unitsSpin")
    slider = child(editor, 0, QSlider, "unitsSlider")
    spin.setFocus()
    spin.selectAll()
    with qtbot.waitSignal(editor.layersChanged):
        qtbot.keyClicks(spin, "256")
        qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert editor.hidden_layers() == (DenseSpec(256, "relu"),)
    assert editor.row_widget(0).params_label.text() == f"{784 * 256 + 256:,}"
    assert slider_to_units(slider.value()) == 256

    slider.setValue(units_to_slider(32))
    assert editor.hidden_layers()[0].units == 32 and spin.value() == 32
    slider.setValue(slider.minimum())
    assert editor.hidden_layers()[0].units == 1
    slider.setValue(slider.maximum())
    assert editor.hidden_layers()[0].units == 4096
    # The log scale: halfway along the slider is 64 units (sqrt of 4096).
    assert slider_to_units(slider.maximum() // 2) == 64
    # Powers of two sit exactly on the slider; small counts each have their own position.
    assert all(slider_to_units(units_to_slider(2**n)) == 2**n for n in range(13))
    assert all(slider_to_units(units_to_slider(u)) == u for u in range(1, 100))


def test_activation_combo_and_dropout_rate(qtbot, editor):
    combo = child(editor, 0, QComboBox, "activationCombo")
    assert combo.itemData(combo.currentIndex()) == "relu"
    assert combo.itemData(combo.findData("sigmoid"), Qt.ItemDataRole.ToolTipRole)
    with qtbot.waitSignal(editor.layersChanged) as blocker:
        combo.setCurrentIndex(combo.findData("tanh"))
    assert blocker.args[0] == (DenseSpec(128, "tanh"),)

    editor.add_dropout()
    rate = child(editor, 1, QDoubleSpinBox, "dropoutRateSpin")
    assert rate.maximum() == pytest.approx(0.9) and rate.minimum() == 0.0
    rate.setValue(0.5)
    assert editor.hidden_layers()[1] == DropoutSpec(0.5)
    rate.setValue(5.0)  # clamped by the spin box
    assert editor.hidden_layers()[1] == DropoutSpec(0.9)
    assert editor.row_widget(1).params_label.text() == "0"


def test_drop_in_list_reorders_rows(qtbot, editor):
    editor.set_hidden_layers((DenseSpec(10), DenseSpec(20), DenseSpec(30)))
    layer_list = editor.findChild(QObject, "layerList")
    editor.select_row(0)
    qtbot.wait(10)
    last = layer_list.visualItemRect(layer_list.item(2))
    target = QPointF(last.center().x(), last.bottom() - 2)  # lower half of the last row
    mime = layer_list.model().mimeData([layer_list.model().index(0, 0)])
    event = QDropEvent(
        target, Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    # A real drag delivers this through QDrag.exec (which blocks); hand the event over directly.
    layer_list.dropEvent(event)
    assert event.dropAction() == Qt.DropAction.IgnoreAction  # Qt must not move the item itself
    assert editor.hidden_layers() == (DenseSpec(20), DenseSpec(30), DenseSpec(10))
    assert layer_list.count() == 3 and editor.selected_row() == 2
    # Each row still has its own working editors after the move.
    assert child(editor, 2, QSpinBox, "unitsSpin").value() == 10


def test_keyboard_moves_and_deletes_rows(qtbot, editor):
    editor.set_hidden_layers((DenseSpec(10), DropoutSpec(0.1), DenseSpec(30)))
    layer_list = editor.findChild(QObject, "layerList")
    editor.select_row(0)
    layer_list.setFocus()
    qtbot.keyClick(layer_list, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert editor.hidden_layers() == (DropoutSpec(0.1), DenseSpec(10), DenseSpec(30))
    qtbot.keyClick(layer_list, Qt.Key.Key_Delete)
    assert editor.hidden_layers() == (DropoutSpec(0.1), DenseSpec(30))


def test_locked_editor_blocks_edits_and_shows_reason(qtbot, editor):
    undo = editor.undo_action(editor)
    editor.add_dense()
    assert undo.isEnabled()
    editor.set_locked(True, "Training is running — stop it to change the layers.")
    banner = editor.findChild(QLabel, "layerLockBanner")
    assert banner.isVisible() and "Training is running" in banner.text()
    assert editor.is_locked()
    for name in ("addLayerButton", "addDropoutButton", "removeLayerButton"):
        assert not button(editor, name).isEnabled()
    assert not child(editor, 0, QSpinBox, "unitsSpin").isEnabled()
    assert not child(editor, 0, QComboBox, "activationCombo").isEnabled()
    assert not undo.isEnabled()
    before = editor.hidden_layers()
    editor.add_dense()
    editor.remove_selected()
    undo.trigger()
    assert editor.hidden_layers() == before

    editor.set_locked(False, "")
    assert not banner.isVisible()
    assert button(editor, "addLayerButton").isEnabled() and undo.isEnabled()
    assert child(editor, 0, QSpinBox, "unitsSpin").isEnabled()


def test_every_edit_undoes_and_redoes_through_the_stack(qtbot, editor):
    stack = editor.undo_stack()
    states = [editor.hidden_layers()]
    editor.add_dense()
    states.append(editor.hidden_layers())
    child(editor, 1, QSpinBox, "unitsSpin").setValue(300)
    states.append(editor.hidden_layers())
    child(editor, 0, QComboBox, "activationCombo").setCurrentIndex(
        child(editor, 0, QComboBox, "activationCombo").findData("elu")
    )
    states.append(editor.hidden_layers())
    editor.select_row(0)
    editor.add_dropout()
    states.append(editor.hidden_layers())
    child(editor, 1, QDoubleSpinBox, "dropoutRateSpin").setValue(0.4)
    states.append(editor.hidden_layers())
    editor.select_row(2)
    click(qtbot, editor, "moveLayerUpButton")
    states.append(editor.hidden_layers())
    click(qtbot, editor, "removeLayerButton")
    states.append(editor.hidden_layers())
    assert len(stack.history) == len(states) - 1
    assert len(set(states)) == len(states)

    for expected in reversed(states[:-1]):
        with qtbot.waitSignal(editor.layersChanged) as blocker:
            stack.undo()
        assert editor.hidden_layers() == expected == blocker.args[0]
        assert [editor.row_widget(i).kind for i in range(len(expected))] == [
            "dense" if isinstance(layer, DenseSpec) else "dropout" for layer in expected
        ]
    assert child(editor, 0, QSpinBox, "unitsSpin").value() == 128
    for expected in states[1:]:
        stack.redo()
        assert editor.hidden_layers() == expected
    # The widgets show the redone state, not just the model.
    assert child(editor, 0, QComboBox, "activationCombo").currentData() == "elu"


def test_slider_drag_is_one_undo_step(qtbot, editor):
    stack = editor.undo_stack()
    slider = child(editor, 0, QSlider, "unitsSlider")
    slider.setSliderDown(True)
    for position in range(units_to_slider(128), units_to_slider(1024), 7):
        slider.setValue(position)
    slider.setValue(units_to_slider(1024))
    slider.setSliderDown(False)  # released: the drag is finished
    assert editor.hidden_layers() == (DenseSpec(1024, "relu"),)
    assert len(stack.history) == 1

    slider.setSliderDown(True)
    slider.setValue(units_to_slider(16))
    slider.setValue(units_to_slider(8))
    slider.setSliderDown(False)
    assert len(stack.history) == 2
    stack.undo()
    assert editor.hidden_layers() == (DenseSpec(1024, "relu"),)
    assert child(editor, 0, QSpinBox, "unitsSpin").value() == 1024
    stack.undo()
    assert editor.hidden_layers() == REFERENCE

    # A drag that ends where it began leaves no step at all.
    stack.set(stack.layers)  # (not an undo step: the history starts again)
    slider.setSliderDown(True)
    slider.setValue(units_to_slider(512))
    slider.setValue(units_to_slider(128))
    slider.setSliderDown(False)
    assert len(stack.history) == 0


def test_ctrl_z_and_ctrl_shift_z_shortcuts(qtbot, editor):
    editor.addAction(editor.undo_action(editor))
    editor.addAction(editor.redo_action(editor))
    editor.activateWindow()
    qtbot.waitActive(editor)
    editor.add_dense()
    spin = child(editor, 1, QSpinBox, "unitsSpin")
    spin.setValue(99)
    assert editor.hidden_layers() == (DenseSpec(128), DenseSpec(99))

    # Even from inside the spin box, Ctrl+Z is the editor's undo, not the text field's.
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.hidden_layers() == (DenseSpec(128), DenseSpec(64))
    assert spin.value() == 64
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.hidden_layers() == REFERENCE
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(editor, Qt.Key.Key_Z, shift_ctrl)
    qtbot.keyClick(editor, Qt.Key.Key_Z, shift_ctrl)
    assert editor.hidden_layers() == (DenseSpec(128), DenseSpec(99))


def test_undo_action_texts_follow_the_stack(editor):
    undo, redo = editor.undo_action(editor), editor.redo_action(editor)
    assert not undo.isEnabled() and not redo.isEnabled()
    assert undo.shortcut().toString() == "Ctrl+Z"
    assert redo.shortcut().toString() == "Ctrl+Shift+Z"
    editor.add_dropout()
    assert undo.isEnabled() and "Dropout" in undo.text()
    undo.trigger()
    assert redo.isEnabled() and not undo.isEnabled()


def test_set_hidden_layers_resets_history_unless_undoable(qtbot, editor):
    editor.add_dense()
    layers = (DenseSpec(512, "gelu"), DropoutSpec(0.3))
    with qtbot.waitSignal(editor.layersChanged):
        editor.set_hidden_layers(layers)
    assert editor.hidden_layers() == layers
    assert len(editor.undo_stack().history) == 0
    assert child(editor, 0, QComboBox, "activationCombo").currentData() == "gelu"
    editor.set_hidden_layers(REFERENCE, undoable=True)
    assert len(editor.undo_stack().history) == 1
    editor.undo_stack().undo()
    assert editor.hidden_layers() == layers
    with pytest.raises(ConfigError):
        editor.set_hidden_layers(("128:relu",))


def test_large_network_shows_memory_estimate_and_set_io(editor):
    editor.set_hidden_layers((DenseSpec(4096), DenseSpec(4096)))
    total = 784 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 10 + 10
    assert editor.total_params() == total == 20_037_642
    # The engine's estimate (checked against numpy's real allocations in
    # tests/engine/test_describe.py) is what the editor shows, for the panel's optimizer.
    from dense_studio.engine.describe import format_bytes, training_memory_bytes

    layers = editor.hidden_layers()
    adam = format_bytes(training_memory_bytes(layers, optimizer="adam", batch_size=32))
    sgd = format_bytes(training_memory_bytes(layers, optimizer="sgd", batch_size=32))
    assert adam != sgd  # Adam keeps two more copies of every parameter
    text = editor.memory_estimate_text()
    assert adam in text
    assert editor.findChild(QLabel, "memoryWarning").isVisible()
    editor.set_training("sgd", 32)
    assert sgd in editor.memory_estimate_text()
    editor.set_hidden_layers(REFERENCE)
    assert editor.memory_estimate_text() == ""

    editor.set_io(input_shape=(28, 28), num_classes=26)
    assert editor.layer_rows()[-1] == ("dense_1", (None, 26), 128 * 26 + 26)
    assert editor.hidden_layers() == REFERENCE


def test_wheel_scrolls_past_rows_and_focus_selects_the_row(qtbot, editor):
    editor.set_hidden_layers(tuple(DenseSpec(10 + i) for i in range(8)))
    spin = child(editor, 2, QSpinBox, "unitsSpin")
    wheel = QWheelEvent(
        QPointF(5, 5), QPointF(5, 5), QPoint(0, 0), QPoint(0, -120),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase, False,
    )
    QApplication.sendEvent(spin, wheel)
    assert spin.value() == 12 and len(editor.undo_stack().history) == 0

    editor.select_row(0)
    editor.activateWindow()
    qtbot.waitActive(editor)
    qtbot.mouseClick(spin.lineEdit(), Qt.MouseButton.LeftButton, pos=QPoint(10, 5))
    assert spin.hasFocus() and editor.selected_row() == 2  # Remove now acts on the row being edited
    click(qtbot, editor, "removeLayerButton")
    assert [layer.units for layer in editor.hidden_layers()] == [10, 11, 13, 14, 15, 16, 17]
