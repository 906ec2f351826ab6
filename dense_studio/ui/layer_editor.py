"""The layer editor: build the hidden layers of the network and see what each one costs.

The input (28×28 → Flatten) and the output ``Dense(classes, softmax)`` are fixed rows; the
hidden layers between them live in a list (``layers/list.py``) whose rows carry their own
editors (``layers/row.py``). Every row shows its output shape and parameter count as the
engine describes them (``engine.describe``, Keras's counting), so a learner can check the
arithmetic ``inputs × units + units`` by hand.

The editor is a view and controller of a ``session.LayerStack`` (the window's is
``session.layers``): an edit calls the stack (``insert``, ``remove``, ``move``,
``replace``), the stack's ``layers`` event redraws the rows, and undo and redo are the
stack's own (``layers/commands.py`` makes the menu actions).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QLabel,
    QListWidgetItem,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from dense_studio.engine.describe import (
    format_bytes,
    format_shape,
    layer_rows as describe_rows,
    training_memory_bytes,
)
from dense_studio.engine.spec import DenseSpec, DropoutSpec
from dense_studio.errors import ConfigError
from dense_studio.session import LayerStack
from dense_studio.ui.inside.strings import Retranslating
from dense_studio.ui.layers.commands import UndoActions
from dense_studio.ui.layers.list import LayerList, RowControlFilter
from dense_studio.ui.layers.buttons import LayerButtons
from dense_studio.ui.layers.row import (
    Columns,
    LayerRow,
    HeaderRow,
    fixed_row,
    slider_to_units,
    units_to_slider,
)
from dense_studio.ui.messages import fill
from dense_studio.ui.names import name_widget

__all__ = ["LayerEditor", "slider_to_units", "units_to_slider", "LARGE_MEMORY_BYTES"]

# Above this much training memory the editor warns before training starts.
LARGE_MEMORY_BYTES = 256 * 2**20
NEW_DENSE = DenseSpec(64, "relu")
NEW_DROPOUT = DropoutSpec(0.2)


class LayerEditor(Retranslating, QWidget):
    """Edit the hidden layers of ``layers`` (a ``session.LayerStack``; a new one of its
    own by default) between the fixed input and output rows.

    ``layersChanged(tuple)`` is emitted after every change of the hidden layers, whether it
    came from the user, from undo/redo or from :meth:`set_hidden_layers`.
    """

    layersChanged = Signal(object)

    def __init__(self, layers: LayerStack | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("layerEditor")
        self._stack = layers if layers is not None else LayerStack()
        self._input_shape: tuple[int, ...] = (28, 28)
        self._num_classes = 10
        self._lock_reason = ""
        self._rows: list[LayerRow] = []
        self._undo_actions = UndoActions(self._stack, self.is_locked, self._stack.end_merge,
                                         self)
        self._columns = Columns(self)
        self._optimizer, self._batch_size = "adam", 32
        self._build()
        self._rebuild(select=None)
        self._refresh_stats()
        self._update_buttons()
        self._stack.events.layers.connect(self._layers_changed)

    @property
    def _layers(self) -> tuple:
        return self._stack.layers

    @property
    def _locked(self) -> bool:
        return self._stack.locked

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

        layout.addWidget(HeaderRow(columns))

        self._input_row, self._input_title, self._input_shape_label, self._input_params = (
            fixed_row(self._columns))
        layout.addWidget(self._input_row)

        self._list = LayerList()
        self._control_filter = RowControlFilter(self._list, self._select_row_of, self)
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
        self._empty_hint = QLabel()
        self._empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty_hint.setWordWrap(True)
        self._empty_hint.setStyleSheet("color: palette(dark); font-style: italic;")
        empty_layout = QVBoxLayout(self._list.viewport())
        empty_layout.addWidget(self._empty_hint)
        layout.addWidget(self._list, 1)

        self._output_row, self._output_title, self._output_shape_label, self._output_params = (
            fixed_row(self._columns))
        layout.addWidget(self._output_row)

        self._buttons = LayerButtons()
        self._buttons.addDense.connect(self.add_dense)
        self._buttons.addDropout.connect(self.add_dropout)
        self._buttons.remove.connect(self.remove_selected)
        self._buttons.move.connect(self._move_selected)
        layout.addWidget(self._buttons)

        self._total_label = QLabel()
        self._total_label.setObjectName("totalParamsLabel")
        self._total_label.setTextFormat(Qt.TextFormat.RichText)
        self._total_label.setIndent(columns.margin + 1)
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
        self._retranslate_texts()

    def retranslate(self) -> None:
        """Every text in the application's language (on a switch; the rows and buttons
        retranslate themselves, then the list fits their new widths)."""
        self._retranslate_texts()
        self._refresh_stats()
        self.set_locked(self._locked, self._lock_reason)
        QTimer.singleShot(0, self, self._fit_list_width)

    def _retranslate_texts(self) -> None:
        self.setAccessibleName(self.tr("Layer editor"))
        self._input_row.setToolTip(self.tr(
            "The input: each 28×28 image is flattened into one long row of 784 numbers "
            "(one per pixel, 0 = black, 1 = white). Flatten only rearranges, so it has "
            "no parameters."))
        name_widget(self._list, "layerList", self.tr("Hidden layers"))
        self._list.setToolTip(self.tr(
            "The hidden layers, from input (top) to output (bottom). Drag a row to "
            "reorder it; Delete removes the selected row."))
        self._empty_hint.setText(
            self.tr("No hidden layers: the inputs go straight to the output layer."))
        self._output_row.setToolTip(self.tr(
            "The output layer always has one unit per class. Softmax turns its outputs "
            "into probabilities that add up to 1; the largest one is the guess."))
        self._total_label.setToolTip(self.tr(
            "All the numbers the network learns. Each is a 32-bit float, so the model "
            "takes 4 bytes per parameter."))

    # ----------------------------------------------------------------- public API
    def hidden_layers(self) -> tuple:
        """The hidden layers as ``DenseSpec`` / ``DropoutSpec`` values, input to output."""
        return self._layers

    def set_hidden_layers(self, layers, undoable: bool = False) -> None:
        """Show ``layers`` (the stack's ``set``).

        By default this is *not* an undo step and clears the undo history, as opening a file
        does (older steps would jump back to a network that no longer exists). With
        ``undoable=True`` it is one undo step ("Replace layers"). A bad layer raises
        ``ConfigError``.
        """
        self._stack.set(layers, undoable=undoable)

    def set_io(self, input_shape: tuple[int, ...] = (28, 28), num_classes: int = 10) -> None:
        """Set the fixed input shape and the number of output classes (not an undo step)."""
        self._input_shape = tuple(int(d) for d in input_shape)
        self._num_classes = int(num_classes)
        self._refresh_stats()

    def input_shape(self) -> tuple[int, ...]:
        """The shape of one input image (before Flatten)."""
        return self._input_shape

    def set_training(self, optimizer: str, batch_size: int) -> None:
        """The optimizer and batch size of the next run (they change the memory needed)."""
        self._optimizer, self._batch_size = optimizer, int(batch_size)
        self._refresh_stats()

    def set_locked(self, locked: bool, reason: str = "") -> None:
        """Block (or allow) editing; while locked, ``reason`` is shown above the layers."""
        self._stack.locked = bool(locked)
        self._lock_reason = reason if locked else ""
        if self._locked:
            text = reason or self.tr("Editing is blocked right now.")
            self._lock_banner.setText(fill(self.tr("Locked: %1"), text))
        self._lock_banner.setVisible(self._locked)
        self._list.setDragEnabled(not self._locked)
        for row in self._rows:
            row.set_editable(not self._locked)
        self._update_buttons()
        self._undo_actions.update()

    def is_locked(self) -> bool:
        return self._locked

    def lock_reason(self) -> str:
        return self._lock_reason

    def undo_stack(self) -> LayerStack:
        """The layer stack whose undo history the editor shows."""
        return self._stack

    def undo_action(self, parent: QObject) -> QAction:
        """A QAction (Ctrl+Z) that undoes the last layer edit; disabled while locked."""
        return self._undo_actions.make(parent, "undo")

    def redo_action(self, parent: QObject) -> QAction:
        """A QAction (Ctrl+Shift+Z, also Ctrl+Y) that redoes the last undone layer edit."""
        return self._undo_actions.make(parent, "redo")

    def total_params(self) -> int:
        return sum(params for _name, _shape, params in self.layer_rows())

    def layer_rows(self) -> list[tuple[str, tuple, int]]:
        """(Keras name, output shape, params) for every row, Flatten and output included."""
        return describe_rows(self._layers, self._input_shape, self._num_classes)

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
        self._insert(NEW_DENSE)

    def add_dropout(self) -> None:
        """Insert ``Dropout(0.2)`` after the selected row, or at the end."""
        self._insert(NEW_DROPOUT)

    def insert_layer(self, row: int, layer) -> None:
        """Insert ``layer`` so that it becomes hidden row ``row`` (an undo step)."""
        self._edit(self._stack.insert, row, layer)

    def remove_selected(self) -> None:
        row = self._list.currentRow()
        if 0 <= row < len(self._layers):
            self._edit(self._stack.remove, row)

    # ----------------------------------------------------------------- edits
    def _edit(self, change, *args, **kwargs) -> bool:
        """One edit of the stack; False (the rows shown again) if it refused it (locked,
        too many layers)."""
        if self._locked:
            return False
        try:
            change(*args, **kwargs)
        except ConfigError:
            for row, layer in zip(self._rows, self._layers):
                row.set_layer(layer)
            return False
        return True

    def _insert(self, layer) -> None:
        current = self._list.currentRow()
        row = current + 1 if 0 <= current < len(self._layers) else len(self._layers)
        self.insert_layer(row, layer)

    def _move_selected(self, step: int) -> None:
        row = self._list.currentRow()
        if 0 <= row < len(self._layers) and 0 <= row + step < len(self._layers):
            self._move(row, row + step)

    def _move(self, source: int, target: int) -> None:
        if source != target and 0 <= source < len(self._layers) \
                and 0 <= target < len(self._layers):
            self._edit(self._stack.move, source, target)

    def _on_units(self, row_widget: LayerRow, units: int) -> None:
        row = self._rows.index(row_widget)
        self._edit(self._stack.replace, row, replace(self._layers[row], units=units), merge=True)

    def _on_activation(self, row_widget: LayerRow, activation: str) -> None:
        row = self._rows.index(row_widget)
        self._edit(self._stack.replace, row, replace(self._layers[row], activation=activation))

    def _on_rate(self, row_widget: LayerRow, rate: float) -> None:
        row = self._rows.index(row_widget)
        self._edit(self._stack.replace, row, DropoutSpec(round(float(rate), 4)), merge=True)

    # ----------------------------------------------------------------- showing
    def _layers_changed(self, event) -> None:
        """The stack changed (an edit, undo, redo, a file): show it."""
        layers, select = event.value, event.row
        same_structure = len(layers) == len(self._rows) and all(
            row.kind == ("dense" if isinstance(layer, DenseSpec) else "dropout")
            for row, layer in zip(self._rows, layers)
        )
        if same_structure:
            for row, layer in zip(self._rows, layers):
                row.set_layer(layer)
        else:
            self._rebuild(select)
        if select is not None and 0 <= select < len(self._rows):
            self._list.setCurrentRow(select)
        self._refresh_stats()
        self._update_buttons()
        self.layersChanged.emit(layers)

    def _rebuild(self, select) -> None:
        self._list.blockSignals(True)
        try:
            self._list.clear()
            self._rows = []
            for layer in self._layers:
                row = LayerRow(layer, self._columns, self._control_filter)
                row.unitsEdited.connect(self._on_units)
                row.unitsEditFinished.connect(self._stack.end_merge)
                row.activationEdited.connect(self._on_activation)
                row.rateEdited.connect(self._on_rate)
                row.rateEditFinished.connect(self._stack.end_merge)
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
            fill(self.tr("<b>Input</b> %1 → <b>Flatten</b> → %2"), dims, in_shape[1])
        )
        self._input_shape_label.setText(format_shape(in_shape))
        self._input_params.setText("0")
        for number, (row, (_name, shape, params)) in enumerate(zip(self._rows, rows[1:-1]), 1):
            row.set_stats(number, shape, params)
        _name, out_shape, out_params = rows[-1]
        self._output_title.setText(
            fill(self.tr("<b>Output</b> Dense %1 · softmax"), self._num_classes)
        )
        self._output_shape_label.setText(format_shape(out_shape))
        self._output_params.setText(f"{out_params:,}")

        total = sum(params for _n, _s, params in rows)
        self._total_label.setText(fill(self.tr("Total params: <b>%1</b> (%2)"), f"{total:,}",
                                       format_bytes(total * 4)))  # float32: 4 bytes each
        need = training_memory_bytes(self._layers, self._input_shape, self._num_classes,
                                     self._optimizer, self._batch_size)
        if need > LARGE_MEMORY_BYTES:
            self._memory_label.setText(fill(self.tr(
                "Large network: training needs about %1 of memory (two copies of the "
                "weights, their gradients, the copy that predicts your drawing and the "
                "optimizer's state) and will be slow. Fewer units in the first hidden layer "
                "shrink it the most."), format_bytes(need)))
            self._memory_label.show()
        else:
            self._memory_label.hide()

    def memory_estimate_text(self) -> str:
        """The memory warning shown for large networks ('' when the network is small)."""
        return self._memory_label.text() if not self._memory_label.isHidden() else ""

    def total_text(self) -> str:
        return self._total_label.text()

    def _update_buttons(self) -> None:
        row = self._list.currentRow()
        self._buttons.update_enabled(not self._locked, 0 <= row < len(self._layers),
                                     row <= 0, row >= len(self._layers) - 1)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(560, 480)

