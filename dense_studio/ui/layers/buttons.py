"""The layer editor's buttons: add Dense, add Dropout, remove, move up and down."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QStyle, QWidget

from dense_studio.ui.inside.strings import Retranslating
from dense_studio.ui.names import name_widget

__all__ = ["LayerButtons"]


class LayerButtons(Retranslating, QWidget):
    """A row of buttons; the editor decides what each click does (and enables them)."""

    addDense = Signal()
    addDropout = Signal()
    remove = Signal()
    move = Signal(int)  # -1: towards the input, +1: towards the output

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        buttons = QHBoxLayout(self)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.setSpacing(6)
        style = self.style()
        self._add_button = QPushButton()
        self._add_button.clicked.connect(self.addDense)
        self._dropout_button = QPushButton()
        self._dropout_button.clicked.connect(self.addDropout)
        self._remove_button = QPushButton(style.standardIcon(QStyle.StandardPixmap.SP_TrashIcon),
                                          "")
        self._remove_button.clicked.connect(self.remove)
        self._up_button = QPushButton(style.standardIcon(QStyle.StandardPixmap.SP_ArrowUp), "")
        self._up_button.clicked.connect(lambda: self.move.emit(-1))
        self._down_button = QPushButton(style.standardIcon(QStyle.StandardPixmap.SP_ArrowDown),
                                        "")
        self._down_button.clicked.connect(lambda: self.move.emit(+1))
        for button in (self._add_button, self._dropout_button, self._remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self._up_button)
        buttons.addWidget(self._down_button)
        self.retranslate()

    def retranslate(self) -> None:
        """Every text in the application's language (from ``__init__`` and on a switch)."""
        self._add_button.setText(self.tr("+ Dense"))
        name_widget(self._add_button, "addLayerButton", self.tr("Add Dense layer"))
        self._add_button.setToolTip(
            self.tr(
                "Insert a Dense layer with 64 ReLU units after the selected row (or at the end)."
            )
        )
        self._dropout_button.setText(self.tr("+ Dropout"))
        self._dropout_button.setObjectName("addDropoutButton")
        self._dropout_button.setAccessibleName(self.tr("Add Dropout layer"))
        self._dropout_button.setToolTip(
            self.tr(
                "Insert a Dropout layer (rate 0.2) after the selected row: it fights overfitting."
            )
        )
        self._remove_button.setText(self.tr("Remove"))
        name_widget(self._remove_button, "removeLayerButton", self.tr("Remove layer"))
        self._remove_button.setToolTip(self.tr("Remove the selected hidden layer (Delete)."))
        self._up_button.setText(self.tr("Up"))
        self._up_button.setObjectName("moveLayerUpButton")
        self._up_button.setAccessibleName(self.tr("Move layer up"))
        self._up_button.setToolTip(
            self.tr("Move the selected layer towards the input (Ctrl+↑).")
        )
        self._down_button.setText(self.tr("Down"))
        self._down_button.setObjectName("moveLayerDownButton")
        self._down_button.setAccessibleName(self.tr("Move layer down"))
        self._down_button.setToolTip(
            self.tr("Move the selected layer towards the output (Ctrl+↓).")
        )

    def update_enabled(self, editable: bool, selected: bool, first: bool, last: bool) -> None:
        """Enable what makes sense for the selected row (``first``/``last`` in the list)."""
        self._add_button.setEnabled(editable)
        self._dropout_button.setEnabled(editable)
        self._remove_button.setEnabled(editable and selected)
        self._up_button.setEnabled(editable and selected and not first)
        self._down_button.setEnabled(editable and selected and not last)
