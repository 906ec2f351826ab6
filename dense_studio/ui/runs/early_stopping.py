"""Early stopping in the window: a small group of its own inside the training group.

Keras's ``EarlyStopping``: stop after *patience* epochs in a row in which the monitored
validation metric (loss or accuracy) did not improve by more than *min_delta*, and (by
default) keep the weights of the best epoch. The group's check box turns it on; unchecked,
the group folds to its title. The settings live in the session (``TrainingSettings``), so
runs, session files and re-runs carry them.

The training panel belongs to another view; the group goes into its layout through Qt's
layout API: its title beside the cosine-decay check box (the panel's grid gives that box
half the row), its fields on a row of their own under the grid, shown only when it is on,
so that the folded group costs the window no height (it must fit 768 px). Its rows are remembered between
starts of the app under ``training/earlyStopping*``: the rows are registered here beside the
window's other settings rows (``ui/settings.SETTINGS``, which the window saves from the
session's settings), and read back by the binding at start-up.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QGridLayout, QGroupBox,
                               QLabel, QSpinBox, QVBoxLayout, QWidget)

from dense_studio.engine.early_stopping import MONITORS
from dense_studio.engine.spec import MAX_EPOCHS
from dense_studio.errors import DenseStudioError
from dense_studio.session.settings import EARLY_STOPPING_NAMES
from dense_studio.ui.inside.strings import Retranslating
from dense_studio.ui.names import name_widget
from dense_studio.ui.settings import SETTINGS, Setting, read_setting

__all__ = ["EarlyStoppingGroup", "EarlyStoppingBinding", "DEFAULT_PATIENCE"]

DEFAULT_PATIENCE = 3

SETTINGS.setdefault("early_stopping_patience", Setting(
    "training/earlyStoppingPatience", int, None, 0, MAX_EPOCHS))
SETTINGS.setdefault("monitor", Setting("training/earlyStoppingMonitor", str, "val_loss",
                                       choices=MONITORS))
SETTINGS.setdefault("min_delta", Setting("training/earlyStoppingMinDelta", float, 0.0, 0.0, 1e6))
SETTINGS.setdefault("restore_best_weights", Setting(
    "training/earlyStoppingRestoreBest", bool, True))


class EarlyStoppingGroup(Retranslating, QGroupBox):
    """``earlyStoppingGroup`` (checkable): patience, monitor, min_delta, restore best."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCheckable(True)
        self.setChecked(False)
        self.setFlat(True)
        self.body = QWidget()
        self.patienceSpin = QSpinBox()
        self.patienceSpin.setRange(0, MAX_EPOCHS)
        self.patienceSpin.setValue(DEFAULT_PATIENCE)
        self.monitorCombo = QComboBox()
        for monitor in MONITORS:
            self.monitorCombo.addItem(monitor, monitor)
        self.minDeltaSpin = QDoubleSpinBox()
        self.minDeltaSpin.setDecimals(4)
        self.minDeltaSpin.setRange(0.0, 1.0)
        self.minDeltaSpin.setSingleStep(0.001)
        self.restoreCheck = QCheckBox()
        self.restoreCheck.setChecked(True)
        # Two rows of two (label, field) pairs: the window must still fit 768 px high.
        grid = QGridLayout(self.body)
        grid.setContentsMargins(12, 0, 0, 0)
        grid.setVerticalSpacing(2)
        self._labels = [QLabel() for _ in range(3)]
        for i, (label, widget) in enumerate(zip(self._labels, (
                self.patienceSpin, self.monitorCombo, self.minDeltaSpin))):
            label.setBuddy(widget)
            grid.addWidget(label, i // 2, 2 * (i % 2))
            grid.addWidget(widget, i // 2, 2 * (i % 2) + 1)
        grid.addWidget(self.restoreCheck, 1, 2, 1, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        # The group itself is only its check box title (it sits beside another check box);
        # ``body`` is placed by the owner, on a row of its own, and shows only when on.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.body.setVisible(False)
        self.toggled.connect(self.body.setVisible)
        self.retranslate()

    def retranslate(self) -> None:
        name_widget(self, "earlyStoppingGroup", self.tr("Early stopping"))
        self.setTitle(self.tr("Early stopping"))
        self.setToolTip(self.tr(
            "Stop when the validation metric has not improved for a few epochs, and keep "
            "the best epoch's weights (Keras: EarlyStopping). Needs a validation split."))
        texts = (self.tr("Patience"), self.tr("Monitor"), self.tr("Min. Δ"))
        for label, text in zip(self._labels, texts):
            label.setText(text)
        name_widget(self.patienceSpin, "patienceSpin", self.tr("Patience (epochs)"))
        self._labels[0].setToolTip(self.tr("Patience (epochs)"))
        self._labels[2].setToolTip(self.tr("Min. improvement"))
        self.patienceSpin.setToolTip(self.tr(
            "How many epochs in a row without improvement end the run (Keras: patience)"))
        name_widget(self.monitorCombo, "monitorCombo", self.tr("Monitor"))
        self.monitorCombo.setToolTip(self.tr(
            "val_loss: the validation loss must fall; val_accuracy: the validation accuracy "
            "must rise"))
        name_widget(self.minDeltaSpin, "minDeltaSpin", self.tr("Min. improvement"))
        self.minDeltaSpin.setToolTip(self.tr(
            "A change smaller than this does not count as an improvement (Keras: min_delta)"))
        self.restoreCheck.setText(self.tr("Keep the best"))
        name_widget(self.restoreCheck, "restoreBestCheck",
                    self.tr("Keep the best epoch's weights"))
        self.restoreCheck.setToolTip(self.tr(
            "At the end, go back to the weights of the best epoch (Keras: "
            "restore_best_weights)"))

    def values(self) -> dict:
        """As ``TrainingSettings`` fields."""
        return {"early_stopping_patience": self.patienceSpin.value() if self.isChecked() else None,
                "monitor": self.monitorCombo.currentData(),
                "min_delta": float(self.minDeltaSpin.value()),
                "restore_best_weights": self.restoreCheck.isChecked()}

    def show_values(self, values: dict) -> None:
        patience = values["early_stopping_patience"]
        self.setChecked(patience is not None)
        if patience is not None:
            self.patienceSpin.setValue(int(patience))
        index = self.monitorCombo.findData(values["monitor"])
        if index >= 0:
            self.monitorCombo.setCurrentIndex(index)
        self.minDeltaSpin.setValue(float(values["min_delta"]))
        self.restoreCheck.setChecked(bool(values["restore_best_weights"]))

    def edited_signals(self):
        return (self.toggled, self.patienceSpin.valueChanged,
                self.monitorCombo.currentIndexChanged, self.minDeltaSpin.valueChanged,
                self.restoreCheck.toggled)


class EarlyStoppingBinding(QObject):
    """The group on the session's settings (both ways), locked while training runs."""

    def __init__(self, session, group: EarlyStoppingGroup, notices, qsettings,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session, self._group, self._notices = session, group, notices
        self._showing = False
        self._restore(qsettings)
        for signal in group.edited_signals():
            signal.connect(self._edited)
        session.events.settings.connect(lambda _event: self.show())
        session.events.model.connect(lambda event: self._lock(event.value.training))
        self.show()

    def _lock(self, training: bool) -> None:
        self._group.setEnabled(not training)
        self._group.body.setEnabled(not training)

    def _restore(self, qsettings) -> None:
        values = {name: read_setting(qsettings, name) for name in EARLY_STOPPING_NAMES}
        try:
            self._session.update_settings(**values)
        except DenseStudioError:
            pass  # e.g. saved on with a split since set to 0: it starts off

    def show(self) -> None:
        settings = self._session.settings
        self._showing = True
        try:
            self._group.show_values({n: getattr(settings, n) for n in EARLY_STOPPING_NAMES})
        finally:
            self._showing = False

    def _edited(self, *_args) -> None:
        if self._showing:
            return
        try:
            self._session.update_settings(**self._group.values())
        except DenseStudioError as error:
            self._notices.error(self.tr("Early stopping"), str(error))
            self.show()
