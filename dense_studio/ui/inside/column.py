"""The window's middle column: "Learning curves | Inside the network", as two tabs.

The first tab holds the learning curves with the newest weights' test result
(``testResult``) above them; the second the :class:`InsidePanel`. The InsidePanel evaluates
the test split after every epoch whichever tab is shown, so the test result beside the
curves stays current; its views draw only while their tab is shown.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QTabWidget, QVBoxLayout, QWidget

from dense_studio.ui.inside.panel import InsidePanel
from dense_studio.ui.inside.strings import Retranslating, tr
from dense_studio.ui.inside.test_result import TestResultLabel
from dense_studio.ui.names import name_widget

__all__ = ["CurvesColumn"]


class CurvesColumn(Retranslating, QTabWidget):
    """``centerTabs``: the ``curves`` group (its title becomes the tab's) and ``inside``."""

    def __init__(self, curves: QGroupBox, inside: InsidePanel, parent=None) -> None:
        super().__init__(parent)
        name_widget(self, "centerTabs")
        self.curves, self.inside = curves, inside
        self.testResult = TestResultLabel()
        self.curvesPage = page = QWidget()
        page.setObjectName("curvesPage")
        column = QVBoxLayout(page)
        column.setContentsMargins(4, 4, 4, 0)
        column.setSpacing(2)
        column.addWidget(self.testResult)
        column.addWidget(curves, 1)
        # The tab says what the group box said: one title, not two.
        curves.setTitle("")
        curves.setFlat(True)
        self.addTab(page, "")
        self.addTab(inside, "")
        inside.testEvaluated.connect(self.testResult.show_report)
        self.retranslate()

    def show_curves(self) -> None:
        self.setCurrentWidget(self.curvesPage)

    def show_inside(self) -> None:
        self.setCurrentWidget(self.inside)

    def retranslate(self) -> None:
        self.setTabText(self.indexOf(self.curvesPage), tr("Learning curves"))
        index = self.indexOf(self.inside)
        self.setTabText(index, tr("Inside the network"))
        self.setTabToolTip(index, tr(
            "Look inside the network: each layer's computation for the input on the canvas, "
            "the weights as images, the network as a diagram, and the test results."))
