"""What "Evaluate" and "Fine-tune" found: accuracy on my drawings, a small confusion table,
and before → after for a fine-tuning run."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from dense_studio.ui.inside import palette
from dense_studio.ui.inside.strings import Retranslating
from dense_studio.ui.messages import fill, format_percent
from dense_studio.ui.names import name_widget

__all__ = ["DrawingsResults"]


class DrawingsResults(Retranslating, QWidget):
    """``show_score(score, label_text)``; ``show_fine_tune(before, after, test_before,
    test_after)``. Only the classes the drawings have (or were taken for) get a row and a
    column, so the table stays small."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.summaryLabel = QLabel()
        self.summaryLabel.setWordWrap(True)
        self.summaryLabel.setTextFormat(Qt.TextFormat.RichText)
        name_widget(self.summaryLabel, "drawingsAccuracyLabel",
                    self.tr("Accuracy on my drawings"))
        self.fineTuneLabel = QLabel()
        self.fineTuneLabel.setWordWrap(True)
        self.fineTuneLabel.setTextFormat(Qt.TextFormat.RichText)
        name_widget(self.fineTuneLabel, "fineTuneResultLabel",
                    self.tr("Accuracy before and after fine-tuning"))
        self.confusionTable = QTableWidget()
        name_widget(self.confusionTable, "drawingsConfusionTable",
                    self.tr("Confusion table of my drawings"))
        self.confusionTable.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.confusionTable.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.confusionTable.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.confusionTable.hide()
        self.tableCaption = QLabel()
        self.tableCaption.setWordWrap(True)
        self.tableCaption.hide()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.summaryLabel)
        box.addWidget(self.fineTuneLabel)
        box.addWidget(self.tableCaption)
        box.addWidget(self.confusionTable, 1)
        box.addStretch()  # the texts stay at the top while there is no table
        self._score = self._label_text = None
        self._fine_tune: tuple | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.tableCaption.setText(self.tr(
            "Each row is the class you gave a drawing, each column the network's answer; "
            "the diagonal counts the right answers."))
        self.confusionTable.setToolTip(self.tableCaption.text())
        self.confusionTable.horizontalHeader().setToolTip(self.tr("The network's answer"))
        self.confusionTable.verticalHeader().setToolTip(self.tr("The class you gave"))
        self._show_summary()
        self._show_fine_tune()
        if self._score is not None:
            self._fill_table()

    def clear(self) -> None:
        self._score = self._fine_tune = None
        self.confusionTable.hide()
        self.tableCaption.hide()
        self._show_summary()
        self._show_fine_tune()

    def show_score(self, score, label_text) -> None:
        self._score, self._label_text = score, label_text
        self._show_summary()
        self._fill_table()

    def show_fine_tune(self, before, after, test_before, test_after) -> None:
        """Drawings' and test accuracy (fractions; a test value may be None)."""
        self._fine_tune = (before, after, test_before, test_after)
        self._show_fine_tune()

    def _show_summary(self) -> None:
        score = self._score
        if score is None:
            self.summaryLabel.setText(self.tr(
                "Evaluate to see how the network does on your drawings."))
            return
        if score.accuracy is None:
            self.summaryLabel.setText(self.tr("None of the drawings is of this dataset's classes."))
            return
        text = fill(self.tr("<b>%1 %</b> of my drawings right (%2 of %3)."),
                    format_percent(score.accuracy), score.right, score.count)
        if score.left_out:
            text += " " + self.tr("%n drawing(s) of other classes or datasets left out.", "",
                                  score.left_out)
        self.summaryLabel.setText(text)

    def _show_fine_tune(self) -> None:
        if self._fine_tune is None:
            self.fineTuneLabel.hide()
            return
        before, after, test_before, test_after = self._fine_tune
        text = fill(self.tr("Fine-tuned: my drawings %1 % → <b>%2 %</b>"),
                    format_percent(before), format_percent(after))
        if test_before is not None and test_after is not None:
            text += fill(self.tr(" · test images %1 % → %2 %"),
                         format_percent(test_before), format_percent(test_after))
        self.fineTuneLabel.setText(text)
        self.fineTuneLabel.show()

    def _fill_table(self) -> None:
        score, table = self._score, self.confusionTable
        confusion = score.confusion
        shown = np.flatnonzero(confusion.sum(axis=0) + confusion.sum(axis=1))
        table.setRowCount(len(shown))
        table.setColumnCount(len(shown))
        # Rows name the class in full; columns, to stay narrow, by its number.
        names = [self._label_text(int(c)) for c in shown]
        table.setVerticalHeaderLabels([n if n == str(c) else f"{c} {n}"
                                       for c, n in zip(shown, names)])
        table.setHorizontalHeaderLabels([str(c) for c in shown])
        for column, name in enumerate(names):
            table.horizontalHeaderItem(column).setToolTip(fill(self.tr("taken for %1"), name))
        peak = max(1, int(confusion.max()))
        for r, true in enumerate(shown):
            for c, guess in enumerate(shown):
                count = int(confusion[true, guess])
                item = QTableWidgetItem(str(count) if count else "")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if count:
                    colour = QColor(palette.RIGHT if true == guess else palette.WRONG)
                    colour.setAlphaF(0.2 + 0.6 * count / peak)
                    item.setBackground(QBrush(colour))
                table.setItem(r, c, item)
        table.setVisible(len(shown) > 0)
        self.tableCaption.setVisible(len(shown) > 0)
