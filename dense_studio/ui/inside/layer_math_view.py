"""``layerMath``: each Dense layer as the computation it does, with its real numbers.

For the input on the canvas, every Dense layer is one block: the input x (a column beside
the kernel's rows), the kernel W as a heat map (inputs × units), and under W's columns the
bias b, z = x·W + b and a = activation(z), one cell per unit, with the shapes written as
Keras writes them, ``(784,) · (784, 128) + (128,) → (128,)``. Clicking a unit (a column of
W, or its cell in b, z or a) shows what drives it (:class:`UnitPanel`).
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from dense_studio.engine.describe import format_shape
from dense_studio.files.session_file import InputSource
from dense_studio.insight.layer_math import LayerMath, layer_math, shape_formula, unit_detail
from dense_studio.insight.network import Network
from dense_studio.insight.weight_images import symmetric_limit
from dense_studio.ui.inside import palette
from dense_studio.ui.inside.array_view import ArrayView
from dense_studio.ui.inside.strings import Retranslating, tr, trf
from dense_studio.ui.inside.text_box import TextBox
from dense_studio.ui.inside.unit_panel import UnitPanel, input_name
from dense_studio.ui.messages import fill
from dense_studio.ui.names import name_widget


_UNCHANGED = object()  # set_network without a new input


def diverging(array: np.ndarray) -> np.ndarray:
    return palette.diverging_rgb(array, symmetric_limit(array))


def _value(v: float) -> str:
    return f"{v:.3g}"


class _LayerBlock(QGroupBox):
    """One Dense layer: x beside W; b, z and a under W's columns."""

    unitClicked = Signal(int, int)  # layer, unit

    def __init__(self, index: int, parent=None) -> None:
        super().__init__(parent)
        self.index = index
        self.formula = QLabel()
        self.formula.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.x_view = ArrayView(hint=QSize(14, 150))
        self.kernel_view = ArrayView(hint=QSize(360, 150))
        self.rows = {name: ArrayView(hint=QSize(360, 18)) for name in ("b", "z", "a")}
        for view in self.rows.values():
            view.show_values = True  # the output layer's ten numbers fit
        self.labels = {name: QLabel() for name in ("x", "W", "b", "z", "a")}
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 4, 6, 6)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        grid.addWidget(self.formula, 0, 0, 1, 4)
        grid.addWidget(self.labels["x"], 1, 0, Qt.AlignmentFlag.AlignHCenter)
        grid.addWidget(self.labels["W"], 1, 2)
        self.x_view.setFixedWidth(16)
        grid.addWidget(self.x_view, 2, 0)
        grid.addWidget(QLabel("·"), 2, 1)
        grid.addWidget(self.kernel_view, 2, 2)
        for row, name in enumerate(("b", "z", "a"), start=3):
            grid.addWidget(self.rows[name], row, 2)
            grid.addWidget(self.labels[name], row, 3)
        grid.setColumnStretch(2, 1)
        grid.setRowStretch(2, 1)
        self.kernel_view.cellClicked.connect(lambda _r, unit: self.unitClicked.emit(index, unit))
        for view in self.rows.values():
            view.cellClicked.connect(lambda _r, unit: self.unitClicked.emit(index, unit))

    def select(self, unit: Optional[int]) -> None:
        where = None if unit is None else ("col", unit)
        self.kernel_view.set_highlight(where)
        for view in self.rows.values():
            view.set_highlight(where)


class LayerMathView(Retranslating, QWidget):
    """``layerMath``: the computation of every Dense layer for the current input."""

    unitChosen = Signal(int, int)  # layer, unit

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        name_widget(self, "layerMath")
        self._network: Optional[Network] = None
        self._class_names: tuple = ()
        self._image: Optional[np.ndarray] = None
        self._source = InputSource()
        self._math: Optional[list[LayerMath]] = None
        self._selected = (0, 0)
        self._chosen = False  # the person clicked a unit: keep it
        self._blocks: list[_LayerBlock] = []
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("layerMathNote")
        self.source = TextBox(lines=2)  # changes with every input: no relayout
        self.source.setObjectName("layerMathSource")
        self._column = QVBoxLayout()
        self._column.setContentsMargins(0, 0, 0, 0)
        holder = QWidget()
        holder.setLayout(self._column)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(holder)
        self.unit_panel = UnitPanel()
        body = QHBoxLayout()
        body.addWidget(scroll, 3)
        body.addWidget(self.unit_panel, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.note)
        layout.addWidget(self.source)
        layout.addLayout(body, 1)
        self.retranslate()

    # -- what automation reads -------------------------------------------------------------
    def current(self) -> Optional[list[dict]]:
        """One dict per Dense layer (x, kernel, bias, z, a), or None for an empty canvas."""
        if self._math is None:
            return None
        return [layer.as_dict() for layer in self._math]

    def selected(self) -> tuple[int, int]:
        return self._selected

    def blocks(self) -> list[_LayerBlock]:
        return list(self._blocks)

    # -- inputs ----------------------------------------------------------------------------
    def set_network(self, network: Optional[Network], class_names: Sequence[str] = (),
                    image=_UNCHANGED, source: InputSource = InputSource()) -> None:
        """New weights (and, given ``image``, a new input with them)."""
        if image is not _UNCHANGED:
            self._image, self._source = image, source
        old = self._network
        self._network, self._class_names = network, tuple(class_names)
        if network is None or not network.same_shape(old):
            self._rebuild()
        if network is not None:
            self._fill_weights()
        self._recompute()

    def set_input(self, image: Optional[np.ndarray], source: InputSource = InputSource()) -> None:
        self._image, self._source = image, source
        self._recompute()

    def select_unit(self, layer: int, unit: int) -> None:
        self._chosen = True
        self._select(layer, unit)

    def _select(self, layer: int, unit: int) -> None:
        if self._network is None or not 0 <= layer < len(self._network.steps) \
                or not 0 <= unit < self._network.steps[layer].units:
            return
        self._selected = (layer, unit)
        for block in self._blocks:
            block.select(unit if block.index == layer else None)
        self._show_unit()
        self.unitChosen.emit(layer, unit)

    # -- building and filling --------------------------------------------------------------
    def _rebuild(self) -> None:
        for block in self._blocks:
            block.setParent(None)
            block.deleteLater()
        self._blocks = []
        while self._column.count():
            self._column.takeAt(0)
        if self._network is None:
            return
        for index, step in enumerate(self._network.steps):
            block = _LayerBlock(index)
            block.unitClicked.connect(self.select_unit)
            self._blocks.append(block)
            self._column.addWidget(block, 1)
        layer, unit = self._selected
        if layer >= len(self._network.steps) or unit >= self._network.steps[layer].units:
            self._selected = (0, 0)
        self._blocks[self._selected[0]].select(self._selected[1])
        self._retranslate_blocks()

    def _recompute(self) -> None:
        network = self._network
        self._math = None if network is None or self._image is None \
            else layer_math(network, self._image)
        for block in self._blocks:
            self._fill_input(block, None if self._math is None else self._math[block.index])
        self._show_source()
        if self._math is not None and not self._chosen:
            self._select(0, int(np.argmax(self._math[0].a)))  # the unit this input excites most
        else:
            self._show_unit()

    def _unit_name(self, index: int, unit: int) -> str:
        names = self._class_names if index == len(self._blocks) - 1 else ()
        if unit < len(names):
            return trf("unit %1 (%2)", unit, names[unit])
        return trf("unit %1", unit)

    def _input_name(self, index: int, i: int) -> str:
        return input_name(i, index, self._network.input_shape if index == 0 else None)

    def _fill_weights(self) -> None:
        """The kernels and biases: coloured again only when the weights change."""
        for block, step in zip(self._blocks, self._network.steps):
            index, kernel, bias = block.index, step.kernel, step.bias
            block.kernel_view.set_array(kernel, diverging, lambda r, c, i=index, k=kernel: trf(
                "W[%1, %2] = %3: the weight from %4 into %5", r, c, _value(k[r, c]),
                self._input_name(i, r), self._unit_name(i, c)))
            block.rows["b"].set_array(bias, diverging, lambda _r, c, i=index, b=bias: trf(
                "b[%1] = %2: the bias of %3", c, _value(b[c]), self._unit_name(i, c)))
            block.formula.setText(f"<b>z = x·W + b</b>: {_formula(step)}<br>"
                                  f"<b>a = {step.activation}(z)</b>")

    def _fill_input(self, block: _LayerBlock, math: Optional[LayerMath]) -> None:
        index = block.index
        if math is None:
            for view in (block.x_view, block.rows["z"], block.rows["a"]):
                view.set_array(None, diverging)
            return
        x_colors = palette.gray_rgb if index == 0 else diverging
        block.x_view.set_array(math.x[:, np.newaxis], x_colors, lambda r, _c: fill(
            "x[%1] = %2: %3", r, _value(math.x[r]), self._input_name(index, r)))
        block.rows["z"].set_array(math.z, diverging, lambda _r, c: trf(
            "z[%1] = %2: the weighted sum of %3's inputs plus its bias", c,
            _value(math.z[c]), self._unit_name(index, c)))
        block.rows["a"].set_array(math.a, diverging, lambda _r, c: trf(
            "a[%1] = %2(%3) = %4: what %5 passes on", c, math.activation,
            _value(math.z[c]), _value(math.a[c]), self._unit_name(index, c)))

    def _show_source(self) -> None:
        if self._network is None:
            self.source.setText(tr("No model yet."))
            return
        if self._math is None:
            self.source.setText(tr("Draw on the canvas or pick a test image: every number "
                                   "below is then computed for it."))
            return
        probabilities = self._math[-1].a
        guess = int(np.argmax(probabilities))
        names = self._class_names
        guess_name = names[guess] if guess < len(names) else str(guess)
        source = self._source
        if source.kind == "test_sample" and source.true_label is not None:
            true = source.true_label
            true_name = names[true] if true < len(names) else str(true)
            right = guess == true
            color = palette.RIGHT if right else palette.WRONG
            verdict = tr("✓ right") if right else tr("✗ wrong")
            self.source.setText(trf(
                "Test image #%1 — true class: <b>%2</b> — the network says <b>%3</b> "
                "(%4 %) <b><font color=\"%5\">%6</font></b>", source.test_index, true_name,
                guess_name, f"{100 * probabilities[guess]:.1f}", color, verdict))
        else:
            self.source.setText(trf("The input on the canvas — the network says <b>%1</b> "
                                    "(%2 %)", guess_name, f"{100 * probabilities[guess]:.1f}"))

    def _show_unit(self) -> None:
        network = self._network
        if network is None:
            self.unit_panel.show_unit(None, None, None)
            return
        layer, unit = self._selected
        names = self._class_names if layer == len(network.steps) - 1 else ()
        math = None if self._math is None else self._math[layer]
        detail = None if math is None else unit_detail(math, unit)
        self.unit_panel.show_unit(network, (layer, unit), detail, names)

    # -- language --------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.note.setText(tr(
            "Keras writes a Dense layer with the input as a row: <b>z = x·W + b</b>, where the "
            "kernel W has one row per input and one column per unit (n × m). Textbooks write "
            "the input as a column: <b>z = W·x + b</b>, with W as m × n, the same matrix "
            "turned on its side. The numbers are the same."))
        self.note.setToolTip(tr("Both forms compute the same thing: for each unit, multiply "
                                "every input by its weight, add them up, add the bias."))
        self._retranslate_blocks()
        if self._network is not None:
            self._fill_weights()
        self._recompute()

    def _retranslate_blocks(self) -> None:
        tips = {
            "x": tr("x: the numbers coming into this layer. For the first layer these are the "
                    "784 pixels of the image (0 = dark, 1 = bright)."),
            "W": tr("W, the kernel: one weight for every input and unit. Orange weights push a "
                    "unit up when their input is large, blue ones push it down."),
            "b": tr("b, the bias: a number each unit adds, whatever the input."),
            "z": tr("z = x·W + b: each unit's weighted sum of its inputs plus its bias, before "
                    "the activation."),
            "a": tr("a = activation(z): what each unit passes on to the next layer. In the "
                    "last layer these are the class probabilities."),
        }
        for block in self._blocks:
            step = self._network.steps[block.index]
            block.setTitle(trf("Layer %1: %2, %3 units, %4", block.index + 1, step.name,
                               step.units, step.activation))
            block.labels["x"].setText("x")
            block.labels["W"].setText(f"W {format_shape(step.kernel.shape)}")
            block.labels["b"].setText("b")
            block.labels["z"].setText("z")
            block.labels["a"].setText(f"a = {step.activation}(z)")
            for name, tip in tips.items():
                block.labels[name].setToolTip(tip)
            block.x_view.setToolTip(tips["x"])
            block.kernel_view.setToolTip(tips["W"])
            for name in ("b", "z", "a"):
                block.rows[name].setToolTip(tips[name])



def _formula(step) -> str:
    return shape_formula((step.inputs,), step.kernel.shape, step.bias.shape, (step.units,))
