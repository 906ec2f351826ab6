"""The layer stack: edits, undo/redo, merged slider drags, menu keys, events, the lock."""

import pytest

from dense_studio.engine.spec import DenseSpec, DropoutSpec
from dense_studio.errors import ConfigError
from dense_studio.session.layers import STEP_KEYS, LayerStack

from .helpers import Recorder

D128, D64, DROP = DenseSpec(128, "relu"), DenseSpec(64, "tanh"), DropoutSpec(0.2)


def test_each_edit_is_one_undo_step_with_its_menu_key():
    stack = LayerStack((D128,))
    stack.insert(1, D64)
    stack.insert(1, DROP)
    stack.move(2, 0)
    stack.replace(0, DenseSpec(64, "relu"))
    stack.remove(1)
    assert stack.layers == (DenseSpec(64, "relu"), DROP)
    keys = []
    while stack.can_undo:
        keys.append(stack.undo_state.undo.key)
        stack.undo()
    assert keys == ["remove_layer", "change_activation", "move_layer", "insert_layer",
                    "insert_layer"]
    assert set(keys) <= set(STEP_KEYS)
    assert stack.layers == (D128,) and stack.can_redo and not stack.can_undo
    while stack.redo():
        pass
    assert stack.layers == (DenseSpec(64, "relu"), DROP)


def test_a_slider_drag_is_one_step_until_released():
    stack = LayerStack((D128, D64))
    for units in (130, 140, 150):
        stack.replace(0, DenseSpec(units, "relu"), merge=True)
    assert stack.undo_state.undo.key == "change_units"
    stack.end_merge()
    stack.replace(0, DenseSpec(160, "relu"), merge=True)  # a new drag: a new step
    stack.undo()
    assert stack.layers[0].units == 150
    stack.undo()
    assert stack.layers[0].units == 128 and not stack.can_undo


def test_merging_needs_the_same_row_and_kind():
    stack = LayerStack((D128, D64))
    stack.replace(0, DenseSpec(100, "relu"), merge=True)
    stack.replace(1, DenseSpec(32, "tanh"), merge=True)  # another row
    stack.undo()
    assert stack.layers == (DenseSpec(100, "relu"), D64)


def test_dragging_back_to_the_start_leaves_no_step():
    stack = LayerStack((D128,))
    stack.replace(0, DenseSpec(200, "relu"), merge=True)
    stack.replace(0, D128, merge=True)
    assert stack.layers == (D128,) and not stack.can_undo


def test_events_fire_exactly_when_the_layers_change():
    stack = LayerStack((D128,))
    log = Recorder(stack.events)
    stack.replace(0, D128)  # no change
    stack.move(0, 0)  # no change
    assert log.of("layers") == []
    stack.insert(0, DROP)
    [event] = log.of("layers")
    assert event.value == (DROP, D128) and event.row == 0 and event.step.key == "insert_layer"
    assert log.of("undo")[-1].value.can_undo
    log.clear()
    stack.undo()
    assert [e.value for e in log.of("layers")] == [(D128,)]
    assert log.of("undo")[-1].value.redo.key == "insert_layer"


def test_set_clears_the_history_unless_undoable():
    stack = LayerStack((D128,))
    stack.append(D64)
    stack.set((DROP,))
    assert not stack.can_undo and stack.layers == (DROP,)
    stack.set((D64,), undoable=True)
    assert stack.undo_state.undo.key == "replace_layers"
    stack.undo()
    assert stack.layers == (DROP,)


def test_locked_stack_refuses_edits_and_keeps_its_layers():
    stack = LayerStack((D128,))
    stack.append(D64)
    stack.locked = True
    for edit in (lambda: stack.append(DROP), lambda: stack.remove(0), stack.undo,
                 lambda: stack.replace(0, D64, merge=True), lambda: stack.set(())):
        with pytest.raises(ConfigError, match="training"):
            edit()
    assert stack.layers == (D128, D64)


def test_bad_rows_and_specs_are_refused():
    stack = LayerStack((D128,))
    with pytest.raises(ConfigError, match="row 3"):
        stack.remove(3)
    with pytest.raises(ConfigError, match="not a layer spec"):
        stack.append("128:relu")
    with pytest.raises(ConfigError, match="at most 64"):
        stack.set((D64,) * 65)
    assert stack.layers == (D128,)
