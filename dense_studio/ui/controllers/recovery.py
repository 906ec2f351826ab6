"""The offer to restore the work of an instance that did not close properly.

A non-modal bar at the top of the window (``recoveryBar``): it says when the work was
saved and offers Restore or Discard; ignoring it keeps the file for the next start.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDateTime, QLocale, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QStyle, QToolBar, QWidget

from dense_studio.ui.i18n import current_language
from dense_studio.ui.inside.palette import NEGATIVE
from dense_studio.ui.inside.strings import Retranslating
from dense_studio.ui.messages import fill

__all__ = ["RecoveryBar", "saved_at_text"]


def saved_at_text(path: Path) -> str:
    """When ``path`` was last written, in the window's language (short date and time)."""
    try:
        seconds = path.stat().st_mtime
    except OSError:
        return "?"
    when = QDateTime.fromSecsSinceEpoch(int(seconds))
    locale = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates) \
        if current_language() == "en" else QLocale(current_language())
    return locale.toString(when, QLocale.FormatType.ShortFormat)


class RecoveryBar(Retranslating, QToolBar):
    """Signals ``restoreClicked`` and ``discardClicked``; :meth:`offer` shows it."""

    restoreClicked = Signal()
    discardClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryBar")
        self.setMovable(False)
        self.setFloatable(False)
        self.toggleViewAction().setVisible(False)  # not a toolbar to switch on and off
        self._path: Path | None = None
        # An information bar, not an alarm: the Okabe–Ito blue of the palette on its edge.
        self.setStyleSheet(f"QToolBar#recoveryBar {{ border-left: 4px solid {NEGATIVE};"
                           " padding: 4px; spacing: 8px; }")
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        icon.setPixmap(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MessageBoxInformation).pixmap(size, size))
        self.addWidget(icon)
        self.messageLabel = QLabel()
        self.messageLabel.setObjectName("recoveryMessage")
        self.messageLabel.setWordWrap(True)
        self.messageLabel.setSizePolicy(QSizePolicy.Policy.Expanding,
                                        QSizePolicy.Policy.Preferred)
        self.restoreButton = QPushButton()
        self.restoreButton.setObjectName("restoreRecoveryButton")
        self.restoreButton.setDefault(True)
        self.discardButton = QPushButton()
        self.discardButton.setObjectName("discardRecoveryButton")
        self.addWidget(self.messageLabel)
        self.addWidget(self.restoreButton)
        self.addWidget(self.discardButton)
        self.restoreButton.clicked.connect(self.restoreClicked)
        self.discardButton.clicked.connect(self.discardClicked)
        self.hide()
        self.retranslate()

    def offer(self, path: Path | None) -> None:
        """Offer ``path``'s work, or hide the bar (None)."""
        self._path = path
        self.retranslate()
        self.setVisible(path is not None)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Restore unsaved work"))
        self.restoreButton.setText(self.tr("&Restore"))
        self.restoreButton.setToolTip(self.tr(
            "Open the work as it was when Dense Studio last saved it for you"))
        self.discardButton.setText(self.tr("&Discard"))
        self.discardButton.setToolTip(self.tr("Delete the saved work for good"))
        if self._path is not None:
            self.messageLabel.setText(fill(self.tr(
                "Dense Studio did not close properly last time. Your work from %1 was "
                "saved: restore it?"), saved_at_text(self._path)))
