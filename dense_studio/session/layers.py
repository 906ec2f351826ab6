"""The hidden layers (``DenseSpec`` / ``DropoutSpec``, input to output) with undo and redo.

The state is one tuple of immutable specs, and every edit is an :class:`UndoStep` that holds
the whole tuple before and after: undo and redo only ever "show this tuple", so the stack
and the editor cannot drift apart.

Steps carry a ``key`` for the menu ("change_units" → the UI shows "Undo change units" in the
person's language) and the ``row`` it concerns; the UI translates, the session never does.
A ``replace(..., merge=True)`` of the same row and kind right after another one merges into
it, so that dragging one row's units slider is one undo step; ``end_merge()`` (slider
released) closes the step.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional, Sequence

from dense_studio.engine.spec import DenseSpec, DropoutSpec, LayerSpec
from dense_studio.errors import ConfigError
from dense_studio.files.model_file import MAX_HIDDEN_LAYERS
from dense_studio.session.events import EmitterGroup

__all__ = ["LayerStack", "UndoStep", "UndoState", "STEP_KEYS", "MAX_UNDO_STEPS"]

#: Undo steps kept; older ones are forgotten.
MAX_UNDO_STEPS = 200
#: Every step key the stack makes (the UI has one text for each).
STEP_KEYS = ("insert_layer", "remove_layer", "move_layer", "change_units",
             "change_activation", "change_rate", "replace_layer", "replace_layers")


@dataclass(frozen=True)
class UndoStep:
    """One edit: ``before`` and ``after`` are whole layer tuples; ``row`` is the hidden row
    it concerns (None for the whole stack); ``select_before``/``select_after`` the row to
    show selected after undo / redo."""

    key: str
    before: tuple
    after: tuple
    row: Optional[int] = None
    select_before: Optional[int] = None
    select_after: Optional[int] = None
    merge_key: Optional[tuple] = None


@dataclass(frozen=True)
class UndoState:
    """What the Undo / Redo menu entries show: enabled or not, and the step each would take."""

    undo: Optional[UndoStep]
    redo: Optional[UndoStep]

    @property
    def can_undo(self) -> bool:
        return self.undo is not None

    @property
    def can_redo(self) -> bool:
        return self.redo is not None


def _check_layers(layers: Sequence[LayerSpec]) -> tuple:
    layers = tuple(layers)
    for layer in layers:
        if not isinstance(layer, (DenseSpec, DropoutSpec)):
            raise ConfigError(f"not a layer spec: {layer!r}"[:200])
    if len(layers) > MAX_HIDDEN_LAYERS:
        raise ConfigError(f"at most {MAX_HIDDEN_LAYERS} hidden layers, not {len(layers)}")
    return layers


def _clamp(row: Optional[int], layers: tuple) -> Optional[int]:
    if row is None or not layers:
        return None
    return max(0, min(row, len(layers) - 1))


def _replace_key(old: LayerSpec, new: LayerSpec) -> str:
    if type(old) is not type(new):
        return "replace_layer"
    if isinstance(new, DropoutSpec):
        return "change_rate"
    return "change_units" if old.units != new.units else "change_activation"


class LayerStack:
    """The hidden layers and their undo history.

    Events (``stack.events``): ``layers`` (value: the layer tuple; ``row``: the row to show
    selected or None; ``step``: the UndoStep applied, or None for ``set``) and ``undo``
    (value: :class:`UndoState`). While ``locked`` (a run is training) edits raise
    ``ConfigError``: the model being trained must keep the layers it was built from.
    """

    def __init__(self, layers: Sequence[LayerSpec] = (DenseSpec(128, "relu"),)) -> None:
        self.events = EmitterGroup.named(self, "layers", "undo")
        self._layers = _check_layers(layers)
        self._undo: list[UndoStep] = []
        self._redo: list[UndoStep] = []
        self._merging = False
        self._announced = self.undo_state
        self.locked = False

    # -- reading -----------------------------------------------------------------------
    @property
    def layers(self) -> tuple:
        return self._layers

    def __len__(self) -> int:
        return len(self._layers)

    def __getitem__(self, row: int) -> LayerSpec:
        return self._layers[row]

    @property
    def undo_state(self) -> UndoState:
        return UndoState(self._undo[-1] if self._undo else None,
                         self._redo[-1] if self._redo else None)

    @property
    def history(self) -> tuple:
        """The steps undo would take back, oldest first."""
        return tuple(self._undo)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    # -- edits (each one undo step) ----------------------------------------------------
    def insert(self, row: int, layer: LayerSpec) -> None:
        """Insert ``layer`` so that it becomes row ``row`` (clamped to the stack)."""
        row = max(0, min(int(row), len(self._layers)))
        after = self._layers[:row] + (layer,) + self._layers[row:]
        self._push(UndoStep("insert_layer", self._layers, _check_layers(after), row,
                            select_before=_clamp(row - 1, self._layers), select_after=row))

    def append(self, layer: LayerSpec) -> None:
        self.insert(len(self._layers), layer)

    def remove(self, row: int) -> None:
        self._check_row(row)
        after = self._layers[:row] + self._layers[row + 1:]
        self._push(UndoStep("remove_layer", self._layers, after, row,
                            select_before=row, select_after=_clamp(row, after)))

    def move(self, source: int, target: int) -> None:
        self._check_row(source)
        self._check_row(target)
        if source == target:
            return
        layers = list(self._layers)
        layers.insert(target, layers.pop(source))
        self._push(UndoStep("move_layer", self._layers, tuple(layers), source,
                            select_before=source, select_after=target))

    def replace(self, row: int, layer: LayerSpec, merge: bool = False) -> None:
        """Put ``layer`` at ``row``. With ``merge``, a change of the same kind to the same
        row right after the last one joins its undo step (a slider drag)."""
        self._require_unlocked()
        self._check_row(row)
        old = self._layers[row]
        if layer == old:
            return
        key = _replace_key(old, layer)
        after = _check_layers(self._layers[:row] + (layer,) + self._layers[row + 1:])
        merge_key = (key, row) if merge else None
        top = self._undo[-1] if self._undo else None
        if merge and self._merging and top is not None and top.merge_key == merge_key:
            self._undo.pop()
            if after == top.before:  # dragged back to where it started: no step at all
                self._show(after, row, None)
                return
            self._push(replace(top, after=after), keep_merging=True)
            return
        self._push(UndoStep(key, self._layers, after, row, select_before=row,
                            select_after=row, merge_key=merge_key), keep_merging=merge)

    def set(self, layers: Sequence[LayerSpec], undoable: bool = False) -> None:
        """Show ``layers``. By default not an undo step: the history is cleared (opening a
        file: older steps would lead back to a network that no longer exists)."""
        layers = _check_layers(layers)
        if undoable:
            if layers != self._layers:
                self._push(UndoStep("replace_layers", self._layers, layers))
            return
        self._require_unlocked()
        self._undo.clear()
        self._redo.clear()
        self._merging = False
        self._show(layers, None, None)

    def end_merge(self) -> None:
        """The slider was released (or the spin box left): the next change is a new step."""
        self._merging = False

    # -- undo / redo -------------------------------------------------------------------
    def undo(self) -> bool:
        """Take the last step back; False if there is none."""
        return self._travel(self._undo, self._redo, forward=False)

    def redo(self) -> bool:
        """Take the last undone step again; False if there is none."""
        return self._travel(self._redo, self._undo, forward=True)

    # -- inside --------------------------------------------------------------------------
    def _check_row(self, row: int) -> None:
        if isinstance(row, bool) or not isinstance(row, int) or not 0 <= row < len(self._layers):
            raise ConfigError(f"no hidden layer at row {row!r}")

    def _require_unlocked(self) -> None:
        if self.locked:
            raise ConfigError("the network cannot change while training runs")

    def _travel(self, source: list, target: list, forward: bool) -> bool:
        self._require_unlocked()
        self._merging = False
        if not source:
            return False
        step = source.pop()
        target.append(step)
        if forward:
            self._show(step.after, step.select_after, step)
        else:
            self._show(step.before, step.select_before, step)
        return True

    def _push(self, step: UndoStep, keep_merging: bool = False) -> None:
        self._require_unlocked()
        self._undo.append(step)
        del self._undo[:-MAX_UNDO_STEPS]
        self._redo.clear()
        self._merging = keep_merging
        self._show(step.after, step.select_after, step)

    def _show(self, layers: tuple, row: Optional[int], step: Optional[UndoStep]) -> None:
        changed = layers != self._layers
        self._layers = layers
        if changed:
            self.events.layers(layers, row=_clamp(row, layers), step=step)
        state = self.undo_state
        if state != self._announced:
            self._announced = state
            self.events.undo(state)
