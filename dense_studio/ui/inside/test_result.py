"""``testResult``: the newest weights' test accuracy and loss, one line beside the curves.

The InsidePanel evaluates the test split after every epoch (off the GUI thread) and emits
``testEvaluated(report)``; this label shows it. It keeps one line of a fixed height and
ignores its text's width, so a new result never lays the curves out again.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy

from dense_studio.insight.evaluation import TestReport
from dense_studio.ui.inside.strings import Retranslating, tr, trf
from dense_studio.ui.messages import format_count
from dense_studio.ui.names import name_widget

__all__ = ["TestResultLabel"]


class TestResultLabel(Retranslating, QLabel):
    """``testResult``: "Test set: accuracy 85.3 % · loss 0.4172 · after 2 epochs"."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        name_widget(self, "testResult")
        self._report: Optional[TestReport] = None
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retranslate()

    def report(self) -> Optional[TestReport]:
        """The report shown (None: no test result yet)."""
        return self._report

    def show_report(self, report: Optional[TestReport]) -> None:
        self._report = report
        self.retranslate()

    def retranslate(self) -> None:
        report = self._report
        explained = tr("Accuracy: the share of test images whose most probable class is the "
                       "true one. Loss: the average cross-entropy, lower is better; training "
                       "minimises it.")
        if report is None:
            self.setText(tr("Test set: evaluated once a model and its dataset are ready."))
            self.setToolTip(explained)
            return
        if not report.epoch:
            when = tr("untrained")
        elif report.epoch == 1:
            when = tr("after 1 epoch")
        else:
            when = trf("after %1 epochs", f"{report.epoch:g}")
        self.setText(trf("Test set: <b>accuracy %1 %</b> · loss %2 · %3",
                         f"{100 * report.accuracy:.1f}", f"{report.loss:.4f}", when))
        self.setToolTip(trf("The newest weights on the %1 test images, which training never "
                            "uses.", format_count(len(report.labels))) + "\n" + explained)
