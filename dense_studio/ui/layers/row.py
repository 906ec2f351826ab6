"""One hidden layer's row in the layer editor: its editors, output shape and parameters.

The units have a spin box and a log-scale slider (1, 2, 4 … 4096 at equal steps); the
activations come from the engine's registry, each with a plain-language tooltip.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QFrame,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dense_studio.engine.describe import format_shape
from dense_studio.engine.spec import ACTIVATIONS, MAX_UNITS, DenseSpec
from dense_studio.ui.inside.strings import Retranslating

__all__ = ["LayerRow", "Columns", "column_labels", "fixed_row", "HeaderRow", "units_to_slider", "slider_to_units",
           "MAX_DROPOUT", "SLIDER_STEPS"]

MAX_DROPOUT = 0.9
SLIDER_STEPS = 1200  # log-scale units slider: 100 positions per doubling, so 2^n is exact

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



class Columns:
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


def column_labels(columns: Columns) -> tuple[QLabel, QLabel]:
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


class HeaderRow(Retranslating, QWidget):
    """The column titles above the rows."""

    def __init__(self, columns: Columns, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        header = QHBoxLayout(self)
        header.setContentsMargins(columns.margin + 1, 0, columns.margin + 1, 0)
        self._layer, self._shape, self._params = QLabel(), QLabel(), QLabel()
        self._shape.setFixedWidth(columns.shape)
        self._params.setFixedWidth(columns.params)
        for label in (self._shape, self._params):
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for label in (self._layer, self._shape, self._params):
            label.setStyleSheet("font-weight: bold;")
        header.addWidget(self._layer, 1)
        header.addWidget(self._shape)
        header.addSpacing(columns.spacing)
        header.addWidget(self._params)
        self.retranslate()

    def retranslate(self) -> None:
        self._layer.setText(_tr("Layer"))
        self._shape.setText(_tr("Output shape"))
        self._params.setText(_tr("Param #"))
        self._params.setToolTip(
            _tr("Number of learned parameters (weights + biases), counted as Keras does.")
        )


def fixed_row(columns: Columns):
    """A fixed row (input or output): ``(frame, title, shape label, params label)``."""
    frame = QFrame()
    frame.setObjectName("fixedLayerRow")
    frame.setStyleSheet(
        "QFrame#fixedLayerRow { background: palette(window); border: 1px dashed palette(mid);"
        " border-radius: 4px; }"
    )
    row = QHBoxLayout(frame)
    row.setContentsMargins(columns.margin, 6, columns.margin, 6)
    row.setSpacing(columns.spacing)
    title = QLabel()
    title.setTextFormat(Qt.TextFormat.RichText)
    shape, params = column_labels(columns)
    row.addWidget(title, 1)
    row.addWidget(shape)
    row.addWidget(params)
    return frame, title, shape, params


class LayerRow(Retranslating, QWidget):
    """The editors of one hidden layer, living inside a list item."""

    unitsEdited = Signal(object, int)
    unitsEditFinished = Signal()
    activationEdited = Signal(object, str)
    rateEdited = Signal(object, float)
    rateEditFinished = Signal()

    def __init__(self, layer, columns: Columns, control_filter: QObject, parent=None) -> None:
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
        top.addWidget(self.number)
        top.addWidget(self.title)

        self.units_spin = self.units_slider = self.activation_combo = self.rate_spin = None
        if self.kind == "dense":
            self.units_spin = QSpinBox()
            self.units_spin.setObjectName("unitsSpin")
            self.units_spin.setRange(1, MAX_UNITS)
            self.units_spin.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
            self.units_spin.setKeyboardTracking(False)
            self.units_spin.setAccelerated(True)
            self.units_spin.valueChanged.connect(self._spin_changed)
            self.units_spin.editingFinished.connect(self.unitsEditFinished)

            self.activation_combo = QComboBox()
            self.activation_combo.setObjectName("activationCombo")
            for name in ACTIVATIONS:
                self.activation_combo.addItem(name, name)
            self.activation_combo.currentIndexChanged.connect(self._combo_changed)
            top.addWidget(self.units_spin)
            top.addWidget(self.activation_combo)
        else:
            self.rate_spin = QDoubleSpinBox()
            self.rate_spin.setObjectName("dropoutRateSpin")
            self.rate_spin.setRange(0.0, MAX_DROPOUT)
            self.rate_spin.setSingleStep(0.05)
            self.rate_spin.setDecimals(2)
            self.rate_spin.setKeyboardTracking(False)
            self.rate_spin.valueChanged.connect(lambda value: self.rateEdited.emit(self, value))
            self.rate_spin.editingFinished.connect(self.rateEditFinished)
            top.addWidget(self.rate_spin)

        top.addStretch(1)
        self.shape_label, self.params_label = column_labels(columns)
        top.addWidget(self.shape_label)
        top.addWidget(self.params_label)

        if self.kind == "dense":
            self.units_slider = QSlider(Qt.Orientation.Horizontal)
            self.units_slider.setObjectName("unitsSlider")
            self.units_slider.setRange(0, SLIDER_STEPS)
            self.units_slider.setPageStep(SLIDER_STEPS // 12)  # one page = ×2 units
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
        self.retranslate()
        self.set_layer(layer)

    def retranslate(self) -> None:
        """Every text in the application's language (from ``__init__`` and on a switch)."""
        bold = self.title.font()
        self.title.setMinimumWidth(QFontMetrics(bold).horizontalAdvance(self.tr("Dropout")) + 4)
        self.shape_label.setToolTip(
            self.tr(
                "Output shape: None stands for the batch size, the number is the values "
                "per image."
            )
        )
        self.params_label.setToolTip(
            self.tr("Parameters (weights and biases) this layer learns.")
        )
        if self.kind == "dense":
            self.title.setText(self.tr("Dense"))
            self.units_spin.setAccessibleName(self.tr("Units"))
            self.units_spin.setSuffix(self.tr(" units"))
            self.units_spin.setToolTip(
                self.tr(
                    "How many neurons this layer has (1–4096). Each neuron has one weight for "
                    "every input plus one bias, so the layer has inputs × units + units "
                    "parameters. More neurons can learn more, but train slower and can overfit."
                )
            )
            combo = self.activation_combo
            combo.setAccessibleName(self.tr("Activation"))
            for index, name in enumerate(ACTIVATIONS):
                combo.setItemData(
                    index, _tr(_ACTIVATION_HELP.get(name, name)), Qt.ItemDataRole.ToolTipRole
                )
            combo.setToolTip(
                self.tr(
                    "The activation function bends each neuron's output. Without one, stacked "
                    "layers could only draw straight lines. Hover over a choice to learn more."
                )
            )
            self.units_slider.setAccessibleName(self.tr("Units (log scale)"))
            self.units_slider.setToolTip(
                self.tr(
                    "Drag to change the number of units. The scale is logarithmic: each "
                    "twelfth of the way doubles the units (1, 2, 4 … 4096)."
                )
            )
        else:
            self.title.setText(self.tr("Dropout"))
            self.rate_spin.setAccessibleName(self.tr("Dropout rate"))
            self.rate_spin.setPrefix(self.tr("rate "))
            self.rate_spin.setToolTip(
                self.tr(
                    "While training, this fraction of the previous layer's outputs is set to 0 "
                    "at random, a different set every batch. The network cannot rely on any "
                    "single neuron, which reduces overfitting. Dropout has no parameters and "
                    "does nothing when predicting."
                )
            )

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

