"""File → Save as lesson…: a small dialog that makes a lesson of the current state.

The teacher names the lesson (English, and 繁體中文 if they like), writes its text, ticks
the controls to lock or hide and the goal's conditions; the network, dataset and settings are
the window's own. :meth:`SaveLessonDialog.values` gives ``LessonController.save_as_lesson``'s
keyword arguments.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QDoubleSpinBox,
                               QFormLayout, QGridLayout, QGroupBox, QLabel, QLineEdit,
                               QPlainTextEdit, QSpinBox, QVBoxLayout)

from dense_studio.engine.spec import DenseSpec
from dense_studio.files.lesson_file import CONTROL_NAMES
from dense_studio.ui.names import name_widget

__all__ = ["SaveLessonDialog", "control_title"]


def _tr(text: str) -> str:
    """The text in the window's language (context ``Lessons``)."""
    return QCoreApplication.translate("Lessons", text)


_TITLES = {
    "datasetCombo": "Dataset", "optimizerCombo": "Optimizer", "learningRateSpin": "Learning rate",
    "decayCheck": "Cosine learning-rate decay", "batchSizeSpin": "Batch size",
    "epochsSpin": "Epochs", "validationSpin": "Validation split", "seedSpin": "Seed",
    "layerEditor": "Network (the layers)",
}
assert set(_TITLES) == set(CONTROL_NAMES), "every lockable control needs a title"


def control_title(name: str) -> str:
    return _tr(_TITLES[name])


class SaveLessonDialog(QDialog):
    """``saveLessonDialog``; ``test_accuracy``: the newest weights' (the goal's default)."""

    def __init__(self, parent, session, test_accuracy: Optional[float] = None) -> None:
        super().__init__(parent)
        name_widget(self, "saveLessonDialog")
        self.setWindowTitle(_tr("Save as lesson"))
        self.titleEdit = name_widget(QLineEdit(), "lessonTitleEdit")
        self.titleZhEdit = name_widget(QLineEdit(), "lessonTitleZhEdit")
        self.textEdit = name_widget(QPlainTextEdit(), "lessonTextEdit")
        self.textZhEdit = name_widget(QPlainTextEdit(), "lessonTextZhEdit")
        for edit in (self.textEdit, self.textZhEdit):
            edit.setMaximumHeight(90)
        texts = QFormLayout()
        texts.addRow(_tr("Title (English)"), self.titleEdit)
        texts.addRow(_tr("Title (繁體中文, optional)"), self.titleZhEdit)
        texts.addRow(_tr("Text (English)"), self.textEdit)
        texts.addRow(_tr("Text (繁體中文, optional)"), self.textZhEdit)

        controls = QGroupBox(_tr("Controls"))
        grid = QGridLayout(controls)
        grid.addWidget(QLabel(_tr("Lock")), 0, 1)
        grid.addWidget(QLabel(_tr("Hide")), 0, 2)
        self.lockChecks: dict[str, QCheckBox] = {}
        self.hideChecks: dict[str, QCheckBox] = {}
        for row, name in enumerate(CONTROL_NAMES, start=1):
            grid.addWidget(QLabel(control_title(name)), row, 0)
            self.lockChecks[name] = name_widget(QCheckBox(), f"lock_{name}")
            self.hideChecks[name] = name_widget(QCheckBox(), f"hide_{name}")
            grid.addWidget(self.lockChecks[name], row, 1)
            grid.addWidget(self.hideChecks[name], row, 2)

        hidden = sum(isinstance(layer, DenseSpec) for layer in session.layers.layers)
        model = session.model.model
        goal = QGroupBox(_tr("Goal"))
        form = QFormLayout(goal)
        self.accuracyCheck, self.accuracySpin = self._goal_row(
            form, "goalAccuracy", _tr("Test accuracy at least (%)"), QDoubleSpinBox(),
            round(100 * (test_accuracy or 0.85), 1), 0, 100, checked=True)
        self.layersCheck, self.layersSpin = self._goal_row(
            form, "goalMaxLayers", _tr("Hidden Dense layers at most"), QSpinBox(), hidden, 0, 64)
        self.paramsCheck, self.paramsSpin = self._goal_row(
            form, "goalMaxParams", _tr("Parameters at most"), QSpinBox(),
            model.count_params() if model is not None else 100_000, 1, 2**31 - 1)
        self.datasetCheck = name_widget(QCheckBox(_tr("Trained on this dataset")), "goalDataset")
        form.addRow(self.datasetCheck)
        self._dataset = session.dataset_name

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self._save = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.titleEdit.textChanged.connect(self._update_save)
        for check in (self.accuracyCheck, self.layersCheck, self.paramsCheck, self.datasetCheck):
            check.toggled.connect(self._update_save)
        layout = QVBoxLayout(self)
        layout.addLayout(texts)
        layout.addWidget(controls)
        layout.addWidget(goal)
        layout.addWidget(buttons)
        self._update_save()

    @staticmethod
    def _goal_row(form, name, text, spin, value, low, high, checked=False):
        check = name_widget(QCheckBox(text), f"{name}Check")
        check.setChecked(checked)
        spin.setRange(low, high)
        spin.setValue(value)
        name_widget(spin, f"{name}Spin")
        form.addRow(check, spin)
        return check, spin

    def _update_save(self) -> None:
        self._save.setEnabled(bool(self.titleEdit.text().strip()) and bool(self.values()["goal"]))

    def _accept(self) -> None:
        if self._save.isEnabled():
            self.accept()

    def values(self) -> dict:
        """``title``, ``text``, ``goal``, ``locked``, ``hidden`` as the lesson will hold them."""
        title = {"en": self.titleEdit.text().strip() or "Lesson"}
        text = {"en": self.textEdit.toPlainText().strip() or title["en"]}
        if self.titleZhEdit.text().strip():
            title["zh_TW"] = self.titleZhEdit.text().strip()
        if self.textZhEdit.toPlainText().strip():
            text["zh_TW"] = self.textZhEdit.toPlainText().strip()
        goal = {}
        if self.accuracyCheck.isChecked():
            goal["test_accuracy_at_least"] = round(self.accuracySpin.value() / 100, 4)
        if self.layersCheck.isChecked():
            goal["max_hidden_layers"] = self.layersSpin.value()
        if self.paramsCheck.isChecked():
            goal["max_params"] = self.paramsSpin.value()
        if self.datasetCheck.isChecked():
            goal["dataset"] = self._dataset
        return {"title": title, "text": text, "goal": goal,
                "locked": [n for n, c in self.lockChecks.items() if c.isChecked()],
                "hidden": [n for n, c in self.hideChecks.items() if c.isChecked()]}
