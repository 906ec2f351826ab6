"""The Keras code of what is on screen: a read-only tab with a runnable tf.keras script.

The network, the compile settings and the fit settings of the window, written as the
tutorial writes them (Sequential, Flatten, Dense(units, activation=…), compile, fit). The
code comes from ``files.keras_export.render_training_script``, which shares its model and
compile part with ``dense-studio export-keras`` (``model_source``): the two cannot disagree.
It is rewritten after every edit of the layers, the settings or the dataset (once the edits
pause), and Copy puts it on the clipboard.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout,
                               QWidget)

from dense_studio.errors import DenseStudioError
from dense_studio.files.keras_export import render_training_script
from dense_studio.ui.inside.strings import Retranslating
from dense_studio.ui.names import name_widget
from dense_studio.ui.timers import single_shot

__all__ = ["KerasCodePanel", "KerasCode"]

UPDATE_PAUSE_MS = 100  # a slider drag edits many times: write the code once it pauses


class KerasCodePanel(Retranslating, QWidget):
    """``kerasCode`` (read-only text) with a ``copyKerasCodeButton``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = QPlainTextEdit()
        self.code.setReadOnly(True)
        self.code.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.code.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.captionLabel = QLabel()
        self.captionLabel.setWordWrap(True)
        self.copyButton = QPushButton()
        self.copyButton.clicked.connect(self.copy)
        top = QHBoxLayout()
        top.addWidget(self.captionLabel, 1)
        top.addWidget(self.copyButton)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.code, 1)
        self.retranslate()

    def retranslate(self) -> None:
        name_widget(self.code, "kerasCode", self.tr("The Keras code of this network"))
        self.code.setToolTip(self.tr(
            "Read-only: change the network or the settings and the code follows"))
        self.captionLabel.setText(self.tr(
            "The network and settings on screen as a tf.keras script (it follows every "
            "edit). Run it with TensorFlow installed."))
        self.copyButton.setText(self.tr("Copy"))
        name_widget(self.copyButton, "copyKerasCodeButton", self.tr("Copy the Keras code"))
        self.copyButton.setToolTip(self.tr("Copy the whole script to the clipboard"))

    def set_code(self, text: str) -> None:
        if text != self.code.toPlainText():
            bar = self.code.verticalScrollBar()
            position = bar.value()
            self.code.setPlainText(text)
            bar.setValue(position)

    def text(self) -> str:
        return self.code.toPlainText()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())


class KerasCode(QObject):
    """Keeps ``panel`` showing ``session``'s network and settings as Keras code."""

    def __init__(self, session, panel: KerasCodePanel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session, self._panel = session, panel
        self._timer = single_shot(self, UPDATE_PAUSE_MS, self.update)
        for name in ("layers", "settings", "dataset_name", "dataset"):
            session.events[name].connect(lambda _event: self._timer.start())
        self.update()

    def update(self) -> None:
        session = self._session
        dataset = session.dataset
        input_shape = session.input_shape or (28, 28)
        classes = dataset.num_classes if dataset is not None else len(session.class_names) or 10
        try:
            text = render_training_script(session.config, input_shape, classes)
        except DenseStudioError as error:  # e.g. an activation Keras has not
            text = f"# {error}"
        self._panel.set_code(text)
