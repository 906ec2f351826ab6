"""The layer editor: build the hidden layers of the network and see what each one costs.

The input (28×28 → Flatten) and the output ``Dense(classes, softmax)`` are fixed rows; the
hidden layers between them live in a list whose rows carry their own editors. Every row shows
its output shape and parameter count exactly as Keras's ``model.summary()`` counts them, so a
learner can check the arithmetic ``inputs × units + units`` by hand.

Every edit is a :class:`QUndoCommand` that stores the whole layer tuple before and after. The
layer specs are small immutable values, so "the state" is one tuple and undo/redo is just
"show this tuple" — there is no way for the UI and the undo history to drift apart.
"""

from __future__ import annotations

import math
from dataclasses import replace

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from dense_studio.engine.describe import format_bytes, format_shape, layer_rows as layer_summary
from dense_studio.engine.spec import ACTIVATIONS, MAX_UNITS, DenseSpec, DropoutSpec
from dense_studio.ui.names import name_widget

# Above this many parameters the editor warns about memory before training starts.
LARGE_PARAMS = 10_000_000
# float32 weights + gradients + Adam's two moment estimates ≈ 4 copies of every parameter.
TRAINING_COPIES = 4
BYTES_PER_PARAM = 4
MAX_DROPOUT = 0.9
NEW_DENSE = DenseSpec(64, "relu")
NEW_DROPOUT = DropoutSpec(0.2)
SLIDER_STEPS = 1200  # log-scale units slider: 100 positions per doubling, so 2^n is exact

_MERGE_ID = 0x4C45  # "LE": consecutive edits of one value of one row merge into one undo step

# Plain-language help for each activation (shown as the combo items' tooltips).
_ACTIVATION_HELP = {
    "linear": "No activation: the layer's output is just inputs × weights + bias. "
    "Stacking linear layers is no better than one layer.",
    "relu": "ReLU: max(0, x). Keeps positive values, turns negative ones into 0. "
    "The usual choice for hidden layers.",
    "sigmoid": "Sigmoid: squashes every value into 0…1. Learns slowly in deep networks.",
    "tanh": "Tanh: squashes every value into −1…1.",
    "softmax": "Softmax: turns the layer's outputs into probabilities that add up to 1. "
    "Normally used only in the output layer.",
    "elu": "ELU: like ReLU, but negative values curve smoothly towards −1.",
    "gelu": "GELU: a smooth ReLU used in Transformer models.",
    "swish": "Swish: x × sigmoid(x), a smooth ReLU-like curve.",
    "leaky_relu": "Leaky ReLU: like ReLU, but negative values keep a small slope (0.2 × x), "
    "so those neurons can still learn.",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("LayerEditor", text)


def units_to_slider(units: int) -> int:
    """Slider position for ``units`` on a log scale (1 → 0, 4096 → SLIDER_STEPS)."""
    return round(SLIDER_STEPS * math.log(max(1, units)) / math.log(MAX_UNITS))


def slider_to_units(position: int) -> int:
    """Units for a log-scale slider position: every step multiplies by the same factor."""
    return max(1, min(MAX_UNITS, round(MAX_UNITS ** (position / SLIDER_STEPS))))


class _RowControlFilter(QObject):
    """Makes the editors inside list rows behave inside a scrolling list.

    - Ctrl+Z / Ctrl+Shift+Z reach the editor's undo actions even while a spin box has focus
      (its line edit would otherwise take them for its own text undo, which is meaningless
      here: every value change is already an undo step of the editor).
    - The mouse wheel scrolls the list unless the control has focus, so scrolling past a
      row never changes its units or activation by accident.
    - Focusing a control selects its row, so Remove and Move act on the row being edited.
    """

    def __init__(self, editor: "LayerEditor") -> None:
        super().__init__(editor)
        self._editor = editor

    def eventFilter(self, watched, event):  # noqa: N802 (Qt name)
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride and _is_undo_key(event):
            event.ignore()
            return True
        if kind == QEvent.Type.Wheel and not watched.hasFocus():
            QCoreApplication.sendEvent(self._editor._list.viewport(), event)
            return True
        if kind == QEvent.Type.FocusIn and event.reason() in _USER_FOCUS:
            self._editor._select_row_of(watched)
        return False


# Not Tab: Qt also moves focus "by Tab" when the focused button (e.g. Up) gets disabled.
_USER_FOCUS = (Qt.FocusReason.MouseFocusReason, Qt.FocusReason.ShortcutFocusReason)


def _is_undo_key(event) -> bool:
    combined = event.keyCombination().toCombined()
    return (
        event.matches(QKeySequence.StandardKey.Undo)
        or event.matches(QKeySequence.StandardKey.Redo)
        or combined in (
            QKeySequence("Ctrl+Z")[0].toCombined(),
            QKeySequence("Ctrl+Shift+Z")[0].toCombined(),
            QKeySequence("Ctrl+Y")[0].toCombined(),
        )
    )


class _LayersCommand(QUndoCommand):
    """One edit: show ``after`` on redo, ``before`` on undo (whole tuples of layer specs)."""

    def __init__(self, editor, before, after, text, select_before, select_after, merge_key=None):
        super().__init__(text)
        self._editor = editor
        self.before, self.after = before, after
        self.select_before, self.select_after = select_before, select_after
        self.merge_key = merge_key

    def id(self) -> int:  # noqa: A003 (Qt name)
        return _MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other) -> bool:  # noqa: N802 (Qt name)
        if not isinstance(other, _LayersCommand) or other.merge_key != self.merge_key:
            return False
        if other.before != self.after:
            return False
        self.after = other.after
        self.select_after = other.select_after
        self.setText(other.text())
        if self.after == self.before:  # dragged back to where it started: no step at all
            self.setObsolete(True)
        return True

    def redo(self) -> None:
        self._editor._apply(self.after, self.select_after)

    def undo(self) -> None:
        self._editor._apply(self.before, self.select_before)


class _Columns:
    """Shared widths so that shape and parameter columns line up across all rows."""

    def __init__(self, widget: QWidget) -> None:
        self.font = QFont(widget.font())
        self.font.setStyleHint(QFont.StyleHint.Monospace)
        self.font.setFamilies(["DejaVu Sans Mono", "Menlo", "Consolas", "monospace"])
        metrics = QFontMetrics(self.font)
        self.shape = metrics.horizontalAdvance("(None, 4096)") + 8
        self.params = metrics.horizontalAdvance("16,781,312") + 8
        self.margin = 8
        self.spacing = 6


def _column_labels(columns: _Columns) -> tuple[QLabel, QLabel]:
    shape = QLabel()
    shape.setFixedWidth(columns.shape)
    shape.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    params = QLabel()
    params.setFixedWidth(columns.params)
    params.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    for label in (shape, params):
        label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        label.setFont(columns.font)
    return shape, params


class _LayerRow(QWidget):
    """The editors of one hidden layer, living inside a list item."""

    unitsEdited = Signal(object, int)
    unitsEditFinished = Signal()
    activationEdited = Signal(object, str)
    rateEdited = Signal(object, float)
    rateEditFinished = Signal()

    def __init__(self, layer, columns: _Columns, control_filter: QObject, parent=None) -> None:
        super().__init__(parent)
        self.kind = "dense" if isinstance(layer, DenseSpec) else "dropout"
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(columns.margin, 6, columns.margin, 6)
        outer.setSpacing(2)
        top = QHBoxLayout()
        top.setSpacing(columns.spacing)
        outer.addLayout(top)

        self.number = QLabel()
        self.number.setFixedWidth(self.fontMetrics().horizontalAdvance("88.") + 2)
        self.number.setStyleSheet("color: palette(mid);")
        self.title = QLabel()
        bold = self.title.font()
        bold.setBold(True)
        self.title.setFont(bold)
        self.title.setMinimumWidth(QFontMetrics(bold).horizontalAdvance(self.tr("Dropout")) + 4)
        top.addWidget(self.number)
        top.addWidget(self.title)

        self.units_spin = self.units_slider = self.activation_combo = self.rate_spin = None
        if self.kind == "dense":
            self.title.setText(self.tr("Dense"))
            self.units_spin = QSpinBox()
            self.units_spin.setObjectName("unitsSpin")
            self.units_spin.setAccessibleName(self.tr("Units"))
            self.units_spin.setRange(1, MAX_UNITS)
            self.units_spin.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
            self.units_spin.setKeyboardTracking(False)
            self.units_spin.setAccelerated(True)
            self.units_spin.setSuffix(self.tr(" units"))
            self.units_spin.setToolTip(
                self.tr(
                    "How many neurons this layer has (1–4096). Each neuron has one weight for "
                    "every input plus one bias, so the layer has inputs × units + units "
                    "parameters. More neurons can learn more, but train slower and can overfit."
                )
            )
            self.units_spin.valueChanged.connect(self._spin_changed)
            self.units_spin.editingFinished.connect(self.unitsEditFinished)

            self.activation_combo = QComboBox()
            self.activation_combo.setObjectName("activationCombo")
            self.activation_combo.setAccessibleName(self.tr("Activation"))
            for index, name in enumerate(ACTIVATIONS):
                self.activation_combo.addItem(name, name)
                self.activation_combo.setItemData(
                    index, _tr(_ACTIVATION_HELP.get(name, name)), Qt.ItemDataRole.ToolTipRole
                )
            self.activation_combo.setToolTip(
                self.tr(
                    "The activation function bends each neuron's output. Without one, stacked "
                    "layers could only draw straight lines. Hover over a choice to learn more."
                )
            )
            self.activation_combo.currentIndexChanged.connect(self._combo_changed)
            top.addWidget(self.units_spin)
            top.addWidget(self.activation_combo)
        else:
            self.title.setText(self.tr("Dropout"))
            self.rate_spin = QDoubleSpinBox()
            self.rate_spin.setObjectName("dropoutRateSpin")
            self.rate_spin.setAccessibleName(self.tr("Dropout rate"))
            self.rate_spin.setRange(0.0, MAX_DROPOUT)
            self.rate_spin.setSingleStep(0.05)
            self.rate_spin.setDecimals(2)
            self.rate_spin.setKeyboardTracking(False)
            self.rate_spin.setPrefix(self.tr("rate "))
            self.rate_spin.setToolTip(
                self.tr(
                    "While training, this fraction of the previous layer's outputs is set to 0 "
                    "at random, a different set every batch. The network cannot rely on any "
                    "single neuron, which reduces overfitting. Dropout has no parameters and "
                    "does nothing when predicting."
                )
            )
            self.rate_spin.valueChanged.connect(lambda value: self.rateEdited.emit(self, value))
            self.rate_spin.editingFinished.connect(self.rateEditFinished)
            top.addWidget(self.rate_spin)

        top.addStretch(1)
        self.shape_label, self.params_label = _column_labels(columns)
        self.shape_label.setToolTip(
            self.tr(
                "Output shape: None stands for the batch size, the number is the values "
                "per image."
            )
        )
        self.params_label.setToolTip(
            self.tr("Parameters (weights and biases) this layer learns.")
        )
        top.addWidget(self.shape_label)
        top.addWidget(self.params_label)

        if self.kind == "dense":
            self.units_slider = QSlider(Qt.Orientation.Horizontal)
            self.units_slider.setObjectName("unitsSlider")
            self.units_slider.setAccessibleName(self.tr("Units (log scale)"))
            self.units_slider.setRange(0, SLIDER_STEPS)
            self.units_slider.setPageStep(SLIDER_STEPS // 12)  # one page = ×2 units
            self.units_slider.setToolTip(
                self.tr(
                    "Drag to change the number of units. The scale is logarithmic: each "
                    "twelfth of the way doubles the units (1, 2, 4 … 4096)."
                )
            )
            self.units_slider.valueChanged.connect(self._slider_changed)
            self.units_slider.sliderReleased.connect(self.unitsEditFinished)
            slider_row = QHBoxLayout()
            slider_row.setContentsMargins(self.number.width() + top.spacing(), 0, 0, 0)
            slider_row.addWidget(self.units_slider, 1)
            slider_row.addSpacing(columns.shape + columns.params + top.spacing())
            outer.addLayout(slider_row)
        for control in (self.units_spin, self.units_slider, self.activation_combo, self.rate_spin):
            if control is not None:
                control.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # no focus by wheel
                control.installEventFilter(control_filter)
        self.set_layer(layer)

    def set_layer(self, layer) -> None:
        """Show ``layer``'s values without emitting edit signals."""
        if self.kind == "dense":
            blockers = [self.units_spin, self.units_slider, self.activation_combo]
            for widget in blockers:
                widget.blockSignals(True)
            try:
                if self.units_spin.value() != layer.units:
                    self.units_spin.setValue(layer.units)
                # Leave the slider where the hand put it when it already means these units.
                if slider_to_units(self.units_slider.value()) != layer.units:
                    self.units_slider.setValue(units_to_slider(layer.units))
                combo = self.activation_combo
                combo.setCurrentIndex(combo.findData(layer.activation))
            finally:
                for widget in blockers:
                    widget.blockSignals(False)
        else:
            self.rate_spin.blockSignals(True)
            try:
                if abs(self.rate_spin.value() - layer.rate) > 1e-9:
                    self.rate_spin.setValue(layer.rate)
            finally:
                self.rate_spin.blockSignals(False)

    def set_stats(self, number: int, shape: tuple, params: int) -> None:
        self.number.setText(f"{number}.")
        self.shape_label.setText(format_shape(shape))
        self.params_label.setText(f"{params:,}")

    def set_editable(self, editable: bool) -> None:
        for widget in (self.units_spin, self.units_slider, self.activation_combo, self.rate_spin):
            if widget is not None:
                widget.setEnabled(editable)

    def _spin_changed(self, units: int) -> None:
        self.units_slider.blockSignals(True)
        self.units_slider.setValue(units_to_slider(units))
        self.units_slider.blockSignals(False)
        self.unitsEdited.emit(self, units)

    def _slider_changed(self, position: int) -> None:
        units = slider_to_units(position)
        if units == self.units_spin.value():
            return
        self.units_spin.blockSignals(True)
        self.units_spin.setValue(units)
        self.units_spin.blockSignals(False)
        self.unitsEdited.emit(self, units)

    def _combo_changed(self, index: int) -> None:
        self.activationEdited.emit(self, self.activation_combo.itemData(index))


class _LayerList(QListWidget):
    """The hidden-layer list: rows reorder by drag and drop, Delete and Ctrl+↑/↓.

    Qt's own InternalMove would move the items and lose their row widgets, so a drop is
    turned into a ``moveRequested(source, destination)`` and the editor rebuilds the rows.
    """

    moveRequested = Signal(int, int)
    removeRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._drag_row = -1
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)

    def startDrag(self, actions) -> None:  # noqa: N802 (Qt name)
        self._drag_row = self.currentRow()
        try:
            super().startDrag(actions)
        finally:
            self._drag_row = -1

    def drop_row_at(self, pos) -> int:
        """The row a drop at ``pos`` (viewport coordinates) inserts before."""
        index = self.indexAt(pos)
        if not index.isValid():
            return self.count()
        rect = self.visualRect(index)
        return index.row() + (1 if pos.y() > rect.center().y() else 0)

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt name)
        source = self._drag_row if self._drag_row >= 0 else self.currentRow()
        if event.source() not in (self, None) or source < 0:
            event.ignore()
            return
        target = self.drop_row_at(event.position().toPoint())
        if target > source:
            target -= 1
        # Tell the drag it did nothing, so Qt neither moves nor deletes the item itself.
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if target != source:
            self.moveRequested.emit(source, target)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        key, mods = event.key(), event.modifiers()
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not mods:
            self.removeRequested.emit()
            return
        if mods == Qt.KeyboardModifier.ControlModifier and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            row = self.currentRow()
            target = row - 1 if key == Qt.Key.Key_Up else row + 1
            if row >= 0 and 0 <= target < self.count():
                self.moveRequested.emit(row, target)
            return
        super().keyPressEvent(event)


class LayerEditor(QWidget):
    """Edit the hidden layers between the fixed input and output rows.

    ``layersChanged(tuple)`` is emitted after every change of the hidden layers, whether it
    came from the user, from undo/redo or from :meth:`set_hidden_layers`.
    """

    layersChanged = Signal(object)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("layerEditor")
        self.setAccessibleName(self.tr("Layer editor"))
        self._layers: tuple = (DenseSpec(128, "relu"),)
        self._input_shape: tuple[int, ...] = (28, 28)
        self._num_classes = 10
        self._locked = False
        self._lock_reason = ""
        self._merge_session = 0
        self._rows: list[_LayerRow] = []
        self._actions: list[tuple[QAction, str]] = []
        self._control_filter = _RowControlFilter(self)
        self._undo_stack = QUndoStack(self)
        self._undo_stack.indexChanged.connect(self._update_actions)
        self._undo_stack.cleanChanged.connect(self._update_actions)
        self._columns = _Columns(self)
        self._build()
        self._rebuild(select=None)
        self._refresh_stats()
        self._update_buttons()

    # ----------------------------------------------------------------- construction
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        columns = self._columns

        self._lock_banner = QLabel()
        self._lock_banner.setObjectName("layerLockBanner")
        self._lock_banner.setWordWrap(True)
        self._lock_banner.setStyleSheet(
            "QLabel { background: #fff3cd; color: #664d03; border: 1px solid #e0c36a;"
            " border-radius: 4px; padding: 6px 8px; font-weight: bold; }"
        )
        self._lock_banner.hide()
        layout.addWidget(self._lock_banner)

        header = QHBoxLayout()
        header.setContentsMargins(columns.margin + 1, 0, columns.margin + 1, 0)
        head_layer = QLabel(self.tr("Layer"))
        head_shape = QLabel(self.tr("Output shape"))
        head_params = QLabel(self.tr("Param #"))
        head_shape.setFixedWidth(columns.shape)
        head_params.setFixedWidth(columns.params)
        head_params.setToolTip(
            self.tr("Number of learned parameters (weights + biases), counted as Keras does.")
        )
        for label in (head_shape, head_params):
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for label in (head_layer, head_shape, head_params):
            label.setStyleSheet("font-weight: bold;")
        header.addWidget(head_layer, 1)
        header.addWidget(head_shape)
        header.addSpacing(columns.spacing)
        header.addWidget(head_params)
        layout.addLayout(header)

        self._input_row, self._input_title, self._input_shape_label, self._input_params = (
            self._fixed_row(
                self.tr(
                    "The input: each 28×28 image is flattened into one long row of 784 numbers "
                    "(one per pixel, 0 = black, 1 = white). Flatten only rearranges, so it has "
                    "no parameters."
                )
            )
        )
        layout.addWidget(self._input_row)

        self._list = _LayerList()
        name_widget(self._list, "layerList", self.tr("Hidden layers"))
        self._list.setToolTip(
            self.tr(
                "The hidden layers, from input (top) to output (bottom). Drag a row to "
                "reorder it; Delete removes the selected row."
            )
        )
        self._list.setMinimumHeight(120)
        self._list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._list.setStyleSheet(
            "QListWidget { border: 1px solid palette(mid); border-radius: 4px; }"
            "QListWidget::item { border-bottom: 1px solid palette(midlight); }"
            "QListWidget::item:selected { background: palette(alternate-base);"
            " border-left: 4px solid palette(highlight); }"
        )
        self._list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self._list.moveRequested.connect(self._move)
        self._list.removeRequested.connect(self.remove_selected)
        self._empty_hint = QLabel(
            self.tr("No hidden layers: the inputs go straight to the output layer.")
        )
        self._empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty_hint.setWordWrap(True)
        self._empty_hint.setStyleSheet("color: palette(dark); font-style: italic;")
        empty_layout = QVBoxLayout(self._list.viewport())
        empty_layout.addWidget(self._empty_hint)
        layout.addWidget(self._list, 1)

        self._output_row, self._output_title, self._output_shape_label, self._output_params = (
            self._fixed_row(
                self.tr(
                    "The output layer always has one unit per class. Softmax turns its outputs "
                    "into probabilities that add up to 1; the largest one is the guess."
                )
            )
        )
        layout.addWidget(self._output_row)

        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        style = self.style()
        self._add_button = QPushButton(self.tr("+ Dense"))
        name_widget(self._add_button, "addLayerButton", self.tr("Add Dense layer"))
        self._add_button.setToolTip(
            self.tr(
                "Insert a Dense layer with 64 ReLU units after the selected row (or at the end)."
            )
        )
        self._add_button.clicked.connect(self.add_dense)
        self._dropout_button = QPushButton(self.tr("+ Dropout"))
        self._dropout_button.setObjectName("addDropoutButton")
        self._dropout_button.setAccessibleName(self.tr("Add Dropout layer"))
        self._dropout_button.setToolTip(
            self.tr(
                "Insert a Dropout layer (rate 0.2) after the selected row: it fights overfitting."
            )
        )
        self._dropout_button.clicked.connect(self.add_dropout)
        self._remove_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_TrashIcon), self.tr("Remove")
        )
        name_widget(self._remove_button, "removeLayerButton", self.tr("Remove layer"))
        self._remove_button.setToolTip(self.tr("Remove the selected hidden layer (Delete)."))
        self._remove_button.clicked.connect(self.remove_selected)
        self._up_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_ArrowUp), self.tr("Up")
        )
        self._up_button.setObjectName("moveLayerUpButton")
        self._up_button.setAccessibleName(self.tr("Move layer up"))
        self._up_button.setToolTip(self.tr("Move the selected layer towards the input (Ctrl+↑)."))
        self._up_button.clicked.connect(lambda: self._move_selected(-1))
        self._down_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_ArrowDown), self.tr("Down")
        )
        self._down_button.setObjectName("moveLayerDownButton")
        self._down_button.setAccessibleName(self.tr("Move layer down"))
        self._down_button.setToolTip(
            self.tr("Move the selected layer towards the output (Ctrl+↓).")
        )
        self._down_button.clicked.connect(lambda: self._move_selected(+1))
        for button in (self._add_button, self._dropout_button, self._remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self._up_button)
        buttons.addWidget(self._down_button)
        layout.addLayout(buttons)

        self._total_label = QLabel()
        self._total_label.setObjectName("totalParamsLabel")
        self._total_label.setTextFormat(Qt.TextFormat.RichText)
        self._total_label.setIndent(columns.margin + 1)
        self._total_label.setToolTip(
            self.tr(
                "All the numbers the network learns. Each is a 32-bit float, so the model "
                "takes 4 bytes per parameter."
            )
        )
        big = self._total_label.font()
        big.setPointSizeF(big.pointSizeF() * 1.15)
        self._total_label.setFont(big)
        layout.addWidget(self._total_label)
        self._memory_label = QLabel()
        self._memory_label.setObjectName("memoryWarning")
        self._memory_label.setWordWrap(True)
        self._memory_label.setStyleSheet(
            "QLabel { background: #f8d7da; color: #842029; border: 1px solid #e4a5ab;"
            " border-radius: 4px; padding: 6px 8px; }"
        )
        self._memory_label.hide()
        layout.addWidget(self._memory_label)

    def _fixed_row(self, tooltip: str):
        frame = QFrame()
        frame.setObjectName("fixedLayerRow")
        frame.setStyleSheet(
            "QFrame#fixedLayerRow { background: palette(window); border: 1px dashed palette(mid);"
            " border-radius: 4px; }"
        )
        frame.setToolTip(tooltip)
        row = QHBoxLayout(frame)
        row.setContentsMargins(self._columns.margin, 6, self._columns.margin, 6)
        row.setSpacing(self._columns.spacing)
        title = QLabel()
        title.setTextFormat(Qt.TextFormat.RichText)
        shape, params = _column_labels(self._columns)
        row.addWidget(title, 1)
        row.addWidget(shape)
        row.addWidget(params)
        return frame, title, shape, params

    # ----------------------------------------------------------------- public API
    def hidden_layers(self) -> tuple:
        """The hidden layers as ``DenseSpec`` / ``DropoutSpec`` values, input to output."""
        return self._layers

    def set_hidden_layers(self, layers, undoable: bool = False) -> None:
        """Show ``layers``.

        By default this is *not* an undo step and clears the undo history, as opening a file
        does (older steps would jump back to a network that no longer exists). With
        ``undoable=True`` it is one undo step ("Replace layers"). Emits ``layersChanged`` if
        the layers differ from the ones shown.
        """
        layers = tuple(layers)
        for layer in layers:
            if not isinstance(layer, (DenseSpec, DropoutSpec)):
                raise TypeError(f"not a layer spec: {layer!r}")
        if undoable:
            if layers != self._layers:
                self._push(layers, self.tr("Replace layers"), select=None)
            return
        self._undo_stack.clear()
        self._apply(layers, select=None)

    def set_io(self, input_shape: tuple[int, ...] = (28, 28), num_classes: int = 10) -> None:
        """Set the fixed input shape and the number of output classes (not an undo step)."""
        self._input_shape = tuple(int(d) for d in input_shape)
        self._num_classes = int(num_classes)
        self._refresh_stats()

    def set_locked(self, locked: bool, reason: str = "") -> None:
        """Block (or allow) editing; while locked, ``reason`` is shown above the layers."""
        self._locked = bool(locked)
        self._lock_reason = reason if locked else ""
        if self._locked:
            text = reason or self.tr("Editing is blocked right now.")
            self._lock_banner.setText(self.tr("Locked: {0}").format(text))
        self._lock_banner.setVisible(self._locked)
        self._list.setDragEnabled(not self._locked)
        for row in self._rows:
            row.set_editable(not self._locked)
        self._update_buttons()
        self._update_actions()

    def is_locked(self) -> bool:
        return self._locked

    def lock_reason(self) -> str:
        return self._lock_reason

    def undo_stack(self) -> QUndoStack:
        return self._undo_stack

    def undo_action(self, parent: QObject) -> QAction:
        """A QAction (Ctrl+Z) that undoes the last layer edit; disabled while locked."""
        return self._make_action(parent, "undo")

    def redo_action(self, parent: QObject) -> QAction:
        """A QAction (Ctrl+Shift+Z, also Ctrl+Y) that redoes the last undone layer edit."""
        return self._make_action(parent, "redo")

    def total_params(self) -> int:
        return sum(params for _name, _shape, params in self.layer_rows())

    def layer_rows(self) -> list[tuple[str, tuple, int]]:
        """(Keras name, output shape, params) for every row, Flatten and output included."""
        return layer_summary(self._layers, self._input_shape, self._num_classes)

    def row_widget(self, row: int) -> QWidget:
        """The editor widget of hidden row ``row`` (children: unitsSpin, unitsSlider,
        activationCombo or dropoutRateSpin)."""
        return self._rows[row]

    def selected_row(self) -> int:
        return self._list.currentRow()

    def select_row(self, row: int) -> None:
        self._list.setCurrentRow(row)

    def _select_row_of(self, control: QWidget) -> None:
        for index, row in enumerate(self._rows):
            if row.isAncestorOf(control) and self._list.currentRow() != index:
                self._list.setCurrentRow(index)
                return

    def add_dense(self) -> None:
        """Insert ``Dense(64, relu)`` after the selected row, or at the end."""
        self._insert(NEW_DENSE, self.tr("Add Dense layer"))

    def add_dropout(self) -> None:
        """Insert ``Dropout(0.2)`` after the selected row, or at the end."""
        self._insert(NEW_DROPOUT, self.tr("Add Dropout layer"))

    def insert_layer(self, row: int, layer) -> None:
        """Insert ``layer`` so that it becomes hidden row ``row`` (an undo step)."""
        if self._locked:
            return
        row = max(0, min(row, len(self._layers)))
        layers = self._layers[:row] + (layer,) + self._layers[row:]
        self._push(layers, self.tr("Insert layer"), select=row)

    def remove_selected(self) -> None:
        row = self._list.currentRow()
        if self._locked or not 0 <= row < len(self._layers):
            return
        layers = self._layers[:row] + self._layers[row + 1 :]
        select = min(row, len(layers) - 1) if layers else None
        self._push(layers, self.tr("Remove layer {0}").format(row + 1), select=select)

    # ----------------------------------------------------------------- edits
    def _insert(self, layer, text: str) -> None:
        if self._locked:
            return
        current = self._list.currentRow()
        row = current + 1 if 0 <= current < len(self._layers) else len(self._layers)
        layers = self._layers[:row] + (layer,) + self._layers[row:]
        self._push(layers, text, select=row)

    def _move_selected(self, step: int) -> None:
        row = self._list.currentRow()
        if 0 <= row < len(self._layers) and 0 <= row + step < len(self._layers):
            self._move(row, row + step)

    def _move(self, source: int, target: int) -> None:
        if self._locked or source == target:
            return
        if not (0 <= source < len(self._layers) and 0 <= target < len(self._layers)):
            return
        layers = list(self._layers)
        layers.insert(target, layers.pop(source))
        self._push(tuple(layers), self.tr("Move layer {0}").format(source + 1), select=target)

    def _on_units(self, row_widget: _LayerRow, units: int) -> None:
        row = self._rows.index(row_widget)
        old = self._layers[row]
        if self._locked or old.units == units:
            if old.units != units:
                row_widget.set_layer(old)
            return
        layers = self._replace(row, replace(old, units=units))
        self._push(
            layers,
            self.tr("Set layer {0} to {1} units").format(row + 1, units),
            select=row,
            merge_key=("units", row, self._merge_session),
        )

    def _on_activation(self, row_widget: _LayerRow, activation: str) -> None:
        row = self._rows.index(row_widget)
        old = self._layers[row]
        if self._locked or old.activation == activation:
            if old.activation != activation:
                row_widget.set_layer(old)
            return
        layers = self._replace(row, replace(old, activation=activation))
        text = self.tr("Set layer {0} activation to {1}").format(row + 1, activation)
        self._push(layers, text, select=row)

    def _on_rate(self, row_widget: _LayerRow, rate: float) -> None:
        row = self._rows.index(row_widget)
        old = self._layers[row]
        rate = round(float(rate), 4)
        if self._locked or abs(old.rate - rate) < 1e-9:
            if abs(old.rate - rate) >= 1e-9:
                row_widget.set_layer(old)
            return
        layers = self._replace(row, DropoutSpec(rate))
        self._push(
            layers,
            self.tr("Set layer {0} dropout to {1:g}").format(row + 1, rate),
            select=row,
            merge_key=("rate", row, self._merge_session),
        )

    def _end_merge(self) -> None:
        """A finished slider drag or spin entry: the next change starts a new undo step."""
        self._merge_session += 1

    def _replace(self, row: int, layer) -> tuple:
        return self._layers[:row] + (layer,) + self._layers[row + 1 :]

    def _push(self, layers: tuple, text: str, select, merge_key=None) -> None:
        before = self._list.currentRow()
        command = _LayersCommand(
            self,
            self._layers,
            layers,
            text,
            select_before=before if before >= 0 else None,
            select_after=select,
            merge_key=merge_key,
        )
        self._undo_stack.push(command)

    # ----------------------------------------------------------------- showing
    def _apply(self, layers: tuple, select) -> None:
        """Show ``layers`` (called by the undo commands); emits layersChanged if they changed."""
        changed = layers != self._layers
        same_structure = len(layers) == len(self._rows) and all(
            row.kind == ("dense" if isinstance(layer, DenseSpec) else "dropout")
            for row, layer in zip(self._rows, layers)
        )
        self._layers = layers
        if same_structure:
            for row, layer in zip(self._rows, layers):
                row.set_layer(layer)
        else:
            self._rebuild(select)
        if select is not None and 0 <= select < len(self._rows):
            self._list.setCurrentRow(select)
        self._refresh_stats()
        self._update_buttons()
        if changed:
            self.layersChanged.emit(self._layers)

    def _rebuild(self, select) -> None:
        self._list.blockSignals(True)
        try:
            self._list.clear()
            self._rows = []
            for layer in self._layers:
                row = _LayerRow(layer, self._columns, self._control_filter)
                row.unitsEdited.connect(self._on_units)
                row.unitsEditFinished.connect(self._end_merge)
                row.activationEdited.connect(self._on_activation)
                row.rateEdited.connect(self._on_rate)
                row.rateEditFinished.connect(self._end_merge)
                row.set_editable(not self._locked)
                item = QListWidgetItem()
                # Width 0: the row takes the viewport's width (the list never scrolls sideways).
                item.setSizeHint(QSize(0, row.sizeHint().height()))
                self._list.addItem(item)
                self._list.setItemWidget(item, row)
                self._rows.append(row)
            if select is not None and 0 <= select < len(self._rows):
                self._list.setCurrentRow(select)
        finally:
            self._list.blockSignals(False)
        self._fit_list_width()
        self._empty_hint.setVisible(not self._layers)

    def _fit_list_width(self) -> None:
        """Keep the list wide enough for its widest row, so no column is ever cut off."""
        widest = max((row.minimumSizeHint().width() for row in self._rows), default=0)
        frame = 2 * self._list.frameWidth() + self._list.verticalScrollBar().sizeHint().width()
        self._list.setMinimumWidth(widest + frame)

    def _refresh_stats(self) -> None:
        rows = self.layer_rows()
        _name, in_shape, _p = rows[0]
        dims = "×".join(str(d) for d in self._input_shape)
        self._input_title.setText(
            self.tr("<b>Input</b> {0} → <b>Flatten</b> → {1}").format(dims, in_shape[1])
        )
        self._input_shape_label.setText(format_shape(in_shape))
        self._input_params.setText("0")
        for number, (row, (_name, shape, params)) in enumerate(zip(self._rows, rows[1:-1]), 1):
            row.set_stats(number, shape, params)
        _name, out_shape, out_params = rows[-1]
        self._output_title.setText(
            self.tr("<b>Output</b> Dense {0} · softmax").format(self._num_classes)
        )
        self._output_shape_label.setText(format_shape(out_shape))
        self._output_params.setText(f"{out_params:,}")

        total = sum(params for _n, _s, params in rows)
        size = format_bytes(total * BYTES_PER_PARAM)
        self._total_label.setText(
            self.tr("Total params: <b>{0}</b> ({1})").format(f"{total:,}", size)
        )
        if total > LARGE_PARAMS:
            need = format_bytes(total * BYTES_PER_PARAM * TRAINING_COPIES)
            self._memory_label.setText(
                self.tr(
                    "Large network: training needs about {0} of memory (weights, gradients and "
                    "Adam's two running averages: 4 bytes × 4 per parameter) and will be slow. "
                    "Fewer units in the first hidden layer shrink it the most."
                ).format(need)
            )
            self._memory_label.show()
        else:
            self._memory_label.hide()

    def memory_estimate_text(self) -> str:
        """The memory warning shown for large networks ('' when the network is small)."""
        return self._memory_label.text() if not self._memory_label.isHidden() else ""

    def total_text(self) -> str:
        return self._total_label.text()

    def _update_buttons(self) -> None:
        editable = not self._locked
        row = self._list.currentRow()
        selected = 0 <= row < len(self._layers)
        self._add_button.setEnabled(editable)
        self._dropout_button.setEnabled(editable)
        self._remove_button.setEnabled(editable and selected)
        self._up_button.setEnabled(editable and selected and row > 0)
        self._down_button.setEnabled(editable and selected and row < len(self._layers) - 1)

    # ----------------------------------------------------------------- undo actions
    def _make_action(self, parent: QObject, kind: str) -> QAction:
        action = QAction(parent)
        action.setObjectName(f"layer{kind.capitalize()}Action")
        if kind == "undo":
            action.setShortcuts([QKeySequence("Ctrl+Z")])
            action.triggered.connect(self._undo)
        else:
            action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
            action.triggered.connect(self._redo)
        self._actions.append((action, kind))
        action.destroyed.connect(lambda *_a, a=action: self._forget_action(a))
        self._update_actions()
        return action

    def _forget_action(self, action) -> None:
        self._actions = [(a, k) for a, k in self._actions if a is not action]

    def _undo(self) -> None:
        if not self._locked:
            self._end_merge()
            self._undo_stack.undo()

    def _redo(self) -> None:
        if not self._locked:
            self._end_merge()
            self._undo_stack.redo()

    def _update_actions(self, *_args) -> None:
        stack = self._undo_stack
        for action, kind in self._actions:
            if kind == "undo":
                text = stack.undoText()
                action.setText(self.tr("&Undo {0}").format(text) if text else self.tr("&Undo"))
                action.setEnabled(stack.canUndo() and not self._locked)
            else:
                text = stack.redoText()
                action.setText(self.tr("&Redo {0}").format(text) if text else self.tr("&Redo"))
                action.setEnabled(stack.canRedo() and not self._locked)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(560, 480)
