"""The "My drawings" tab: the gallery, relabel and delete, Evaluate, Fine-tune, Export, and
the results. A view: the controller (``controller.py``) fills it and acts on its signals."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSplitter, QVBoxLayout, QWidget,
)

from dense_studio.ui.drawings.gallery import DrawingsGallery
from dense_studio.ui.drawings.results import DrawingsResults
from dense_studio.ui.inside.strings import Retranslating
from dense_studio.session.drawings import DRAWING_SHARE, FINE_TUNE_EPOCHS
from dense_studio.ui.messages import fill
from dense_studio.ui.names import name_widget

__all__ = ["DrawingsPanel"]


class DrawingsPanel(Retranslating, QWidget):
    """Signals: ``relabelAsked(label)`` and ``deleteAsked()`` for the selected drawings,
    ``opened(index)``, ``evaluateClicked()``, ``fineTuneClicked()``, ``exportClicked()``;
    ``retranslated()`` after its texts changed language (for the controller's own texts)."""

    relabelAsked = Signal(int)
    deleteAsked = Signal()
    opened = Signal(int)
    evaluateClicked = Signal()
    fineTuneClicked = Signal()
    exportClicked = Signal()
    retranslated = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("drawingsPanel")
        self.keysLabel = QLabel()
        self.keysLabel.setWordWrap(True)
        name_widget(self.keysLabel, "drawingsKeysLabel", self.tr("Which key adds which class"))
        self.gallery = DrawingsGallery()
        self.relabelCombo = QComboBox()
        name_widget(self.relabelCombo, "relabelCombo", self.tr("The class to give the selected drawings"))
        self.relabelButton = QPushButton()
        self.deleteButton = QPushButton()
        self.evaluateButton = QPushButton()
        self.fineTuneButton = QPushButton()
        self.exportButton = QPushButton()
        for button, name in ((self.relabelButton, "relabelDrawingsButton"),
                             (self.deleteButton, "deleteDrawingsButton"),
                             (self.evaluateButton, "evaluateDrawingsButton"),
                             (self.fineTuneButton, "fineTuneButton"),
                             (self.exportButton, "exportDrawingsButton")):
            button.setObjectName(name)
        self.progressBar = QProgressBar()
        self.progressBar.setObjectName("fineTuneProgress")
        self.progressBar.setRange(0, 1000)
        self.progressBar.hide()
        self.results = DrawingsResults()

        edit_row = QHBoxLayout()
        self._relabel_label = QLabel()
        self._relabel_label.setBuddy(self.relabelCombo)
        edit_row.addWidget(self._relabel_label)
        edit_row.addWidget(self.relabelCombo, 1)
        edit_row.addWidget(self.relabelButton)
        edit_row.addWidget(self.deleteButton)
        action_row = QHBoxLayout()
        for button in (self.evaluateButton, self.fineTuneButton, self.exportButton):
            action_row.addWidget(button)
        top = QWidget()
        top_box = QVBoxLayout(top)
        top_box.setContentsMargins(0, 0, 0, 0)
        top_box.addWidget(self.keysLabel)
        top_box.addWidget(self.gallery, 1)
        top_box.addLayout(edit_row)
        top_box.addLayout(action_row)
        top_box.addWidget(self.progressBar)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setObjectName("drawingsSplitter")
        split.setChildrenCollapsible(False)
        split.addWidget(top)
        split.addWidget(self.results)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([500, 400])
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 4, 4, 4)
        box.addWidget(split)

        self.gallery.opened.connect(self.opened)
        self.gallery.deleteAsked.connect(self.deleteAsked)
        self.gallery.itemSelectionChanged.connect(self.update_buttons)
        self.relabelButton.clicked.connect(
            lambda: self.relabelAsked.emit(self.relabelCombo.currentData()))
        self.deleteButton.clicked.connect(self.deleteAsked)
        self.evaluateButton.clicked.connect(self.evaluateClicked)
        self.fineTuneButton.clicked.connect(self.fineTuneClicked)
        self.exportButton.clicked.connect(self.exportClicked)
        self._class_texts: tuple = ()
        self.update_buttons()
        self.retranslate()

    def retranslate(self) -> None:
        self.gallery.setToolTip(self.tr(
            "Click a drawing to put it on the canvas; select some to relabel or delete them"))
        self.relabelCombo.setToolTip(self.tr("The class to give the selected drawings"))
        self.progressBar.setToolTip(self.tr("How far fine-tuning has got"))
        self._relabel_label.setText(self.tr("Label"))
        self.relabelButton.setText(self.tr("Relabel"))
        self.relabelButton.setToolTip(self.tr("Give the selected drawings the class chosen beside"))
        self.deleteButton.setText(self.tr("Delete"))
        self.deleteButton.setToolTip(self.tr("Delete the selected drawings (Delete key)"))
        self.evaluateButton.setText(self.tr("Evaluate on my drawings"))
        self.evaluateButton.setToolTip(self.tr(
            "How many of your drawings the network gets right, and which it confuses"))
        self.fineTuneButton.setText(self.tr("Fine-tune on my drawings"))
        self.fineTuneButton.setToolTip(fill(self.tr(
            "Train %1 more epochs on a sample of the training images plus your drawings, "
            "repeated (slightly shifted) so that they make up %2 % of what the network "
            "sees; then compare the accuracy on them before and after"),
            FINE_TUNE_EPOCHS, round(100 * DRAWING_SHARE)))
        self.exportButton.setText(self.tr("Export to folder…"))
        self.exportButton.setToolTip(self.tr(
            "Save each drawing as a PNG in a sub-folder named after its class; File → Import "
            "image folder… reads such a folder as a dataset"))
        self._show_keys()
        self.retranslated.emit()

    def set_classes(self, texts: tuple) -> None:
        """The classes, as shown (``texts[i]`` names class i)."""
        self._class_texts = tuple(texts)
        current = self.relabelCombo.currentData()
        self.relabelCombo.clear()
        for label, text in enumerate(texts):
            self.relabelCombo.addItem(f"{label} · {text}" if text != str(label) else text, label)
        if current is not None and 0 <= current < len(texts):
            self.relabelCombo.setCurrentIndex(current)
        self._show_keys()

    def _show_keys(self) -> None:
        texts = self._class_texts[:10]
        if not texts:
            self.keysLabel.setText(self.tr("Draw on the canvas, then add the drawing with a class."))
            return
        if all(text == str(label) for label, text in enumerate(texts)):
            mapping = self.tr("the digit itself")
        else:
            mapping = " · ".join(f"{label} {text}" for label, text in enumerate(texts))
        self.keysLabel.setText(fill(self.tr(
            "With the pointer over the canvas (or this tab active), keys 0–9 add the canvas "
            "to my drawings as that class: %1."), mapping))

    def set_busy(self, busy: bool) -> None:
        """While a run trains: no fine-tuning, no evaluating of half-trained weights."""
        for button in (self.evaluateButton, self.fineTuneButton):
            button.setEnabled(not busy and self.gallery.count() > 0)

    def show_progress(self, fraction) -> None:
        """``fraction`` of the fine-tuning run done; None hides the bar."""
        self.progressBar.setVisible(fraction is not None)
        if fraction is not None:
            self.progressBar.setValue(round(1000 * min(1.0, max(0.0, fraction))))

    def update_buttons(self) -> None:
        some = bool(self.gallery.selected_rows())
        self.relabelButton.setEnabled(some)
        self.deleteButton.setEnabled(some)
        self.exportButton.setEnabled(self.gallery.count() > 0)
