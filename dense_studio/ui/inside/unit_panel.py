"""One unit, up close: its incoming weights, bias, z and a, and what pushes it most.

For a unit of the first layer the incoming weights are drawn as the 28×28 image they
multiply, next to weight × input for the current image (where the unit's z comes from).
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from dense_studio.insight.layer_math import UnitDetail
from dense_studio.insight.network import Network
from dense_studio.insight.weight_images import symmetric_limit
from dense_studio.ui.inside import palette
from dense_studio.ui.inside.array_view import ArrayView
from dense_studio.ui.inside.strings import Retranslating, tr, trf
from dense_studio.ui.inside.text_box import TextBox
from dense_studio.ui.messages import fill


def input_name(index: int, layer: int, image_shape: Optional[tuple]) -> str:
    """"pixel (row 3, column 7)" for the first layer, "unit 5 of layer 1" after it."""
    if layer == 0 and image_shape is not None and len(image_shape) == 2:
        row, col = divmod(int(index), image_shape[1])
        return trf("pixel (row %1, column %2)", row, col)
    if layer == 0:
        return trf("input %1", index)
    return trf("unit %1 of layer %2", index, layer)


def _v(value: float) -> str:
    return f"{value:.3g}"


class UnitPanel(Retranslating, QWidget):
    """Shows the unit chosen in ``layerMath``."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("unitDetail")
        self._shown: tuple = (None, None, None, ())
        # The texts change with every input: boxes that never lay the tab out again.
        self.title = TextBox(lines=2)
        self.weights_caption = QLabel()
        self.product_caption = QLabel()
        self.weights_view = ArrayView(keep_aspect=True, hint=QSize(120, 120))
        self.product_view = ArrayView(keep_aspect=True, hint=QSize(120, 120))
        self.legend = palette.DivergingLegend()
        self.numbers = TextBox(lines=4)
        self.pushes = TextBox(lines=6, expanding=True)
        images = QGridLayout()
        images.addWidget(self.weights_caption, 0, 0)
        images.addWidget(self.product_caption, 0, 1)
        images.addWidget(self.weights_view, 1, 0)
        images.addWidget(self.product_view, 1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(images)  # the captions stay on their images
        layout.addWidget(self.legend)
        layout.addWidget(self.numbers)
        layout.addWidget(self.pushes, 1)
        self.retranslate()

    def detail(self) -> Optional[UnitDetail]:
        return self._shown[2]

    def show_unit(self, network: Optional[Network], where: Optional[tuple],
                  detail: Optional[UnitDetail], names: Sequence[str] = ()) -> None:
        self._shown = (network, where, detail, tuple(names))
        self._refresh()

    def _refresh(self) -> None:
        network, where, detail, names = self._shown
        if network is None or where is None:
            self.title.setText(tr("Click a unit (a column of W, or its b, z or a) to see "
                                  "what drives it."))
            for view in (self.weights_view, self.product_view):
                view.set_array(None, palette.gray_rgb)
            self.numbers.clear()
            self.pushes.clear()
            return
        layer, unit = where
        step = network.steps[layer]
        shape = network.input_shape if layer == 0 and len(network.input_shape) == 2 else None
        name = trf("Unit %1 of layer %2", unit, layer + 1)
        if unit < len(names):
            name = trf("%1: class %2", name, names[unit])
        self.title.setText(f"<b>{name}</b>")
        weights = step.kernel[:, unit]
        limit = symmetric_limit(weights)
        self.legend.set_limit(limit)

        def colors(array):
            return palette.diverging_rgb(array, limit)

        def describe_weight(r, c):
            i = r * shape[1] + c if shape is not None else c
            return trf("weight %1 from %2", _v(weights[i]), input_name(i, layer, shape))

        self.weights_view.set_array(weights.reshape(shape) if shape is not None else weights,
                                    colors, describe_weight)
        if detail is None:
            self.product_view.set_array(None, colors)
            self.numbers.setText(f"b = {_v(step.bias[unit])}" + "<br>"
                                 + tr("Draw or pick an image to see z and a."))
            self.pushes.clear()
            return
        product = detail.contributions
        product_limit = symmetric_limit(product)

        def describe_product(r, c):
            i = r * shape[1] + c if shape is not None else c
            return trf("%1: weight %2 × input %3 = %4", input_name(i, layer, shape),
                       _v(detail.weights[i]), _v(detail.inputs[i]), _v(product[i]))

        self.product_view.set_array(
            product.reshape(shape) if shape is not None else product,
            lambda a: palette.diverging_rgb(a, product_limit), describe_product)
        total = float(product.sum(dtype=np.float64))
        self.numbers.setText(
            f"b = {_v(detail.bias)}" + "<br>"
            + trf("z = Σ weight × input + b = %1 + %2 = <b>%3</b>", _v(total),
                  _v(detail.bias) if detail.bias >= 0 else f"({_v(detail.bias)})",
                  _v(detail.z)) + "<br>"
            + f"a = {step.activation}(z) = <b>{_v(detail.a)}</b>")
        self.pushes.setText(self._pushes_text(detail, layer, shape))

    @staticmethod
    def _pushes_text(detail: UnitDetail, layer: int, shape) -> str:
        def lines(indices) -> str:
            if not len(indices):
                return "&nbsp;&nbsp;" + tr("(none)")
            return "<br>".join(
                "&nbsp;&nbsp;" + fill("%1: %2 × %3 = %4", input_name(i, layer, shape),
                                     _v(detail.weights[i]),
                                     _v(detail.inputs[i]),
                                     f"{detail.contributions[i]:+.3g}")
                for i in indices)

        return (f"<b>{tr('Pushes it up most (weight × input):')}</b><br>{lines(detail.up)}<br>"
                f"<b>{tr('Pushes it down most:')}</b><br>{lines(detail.down)}")

    def retranslate(self) -> None:
        self.weights_caption.setText(tr("Incoming weights"))
        self.product_caption.setText(tr("Weight × input"))
        self.weights_view.setToolTip(tr("The weights into this unit. For the first layer they "
                                        "are drawn where their pixels are: orange pixels raise "
                                        "the unit when bright, blue ones lower it."))
        self.product_view.setToolTip(tr("Each weight times its input, for the current image. "
                                        "They add up (with the bias) to the unit's z."))
        self.legend.set_words(tr("negative"), tr("positive"))
        self._refresh()
