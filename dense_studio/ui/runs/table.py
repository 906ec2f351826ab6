"""The runs table: one row per run of the session, sortable, ticked runs overlaid.

A view only: :class:`RunsView` shows rows (:class:`RunRow`) it is given and reports what
the person does with signals (tick, rename, re-run, delete, export); the controller
(``controller.py``) turns them into session calls.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from dense_studio.ui.inside.strings import Retranslating
from dense_studio.ui.names import name_widget

__all__ = ["RunsView", "RunRow", "COLUMNS"]

#: Column keys, in order (the headers are translated in ``retranslate``).
COLUMNS = ("show", "name", "network", "params", "optimizer", "learning_rate", "batch_size",
           "epochs", "best_val_accuracy", "test_accuracy", "time", "status", "dataset")
NAME = COLUMNS.index("name")


@dataclass(frozen=True)
class RunRow:
    """One row: ``cells`` maps a column key to (text, sort key); ``color`` when ticked."""

    run_id: int
    cells: dict
    ticked: bool
    tickable: bool
    color: str | None = None
    tooltip: str = ""


class _Item(QTableWidgetItem):
    """Sorts by its sort key (numbers as numbers; None last)."""

    def __init__(self, text: str, key) -> None:
        super().__init__(text)
        self.key = key

    def __lt__(self, other) -> bool:  # noqa: D105
        mine, theirs = self.key, getattr(other, "key", None)
        if mine is None or theirs is None:
            return theirs is None and mine is not None
        try:
            return mine < theirs
        except TypeError:
            return str(mine) < str(theirs)


def _swatch(color: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class RunsView(Retranslating, QWidget):
    """``runsTable`` with Re-run, Rename, Delete, Export CSV and Export PNG buttons."""

    tickChanged = Signal(int, bool)  # run id, ticked
    renamed = Signal(int, str)
    rerunClicked = Signal(int)
    deleteClicked = Signal(list)  # run ids
    exportCsvClicked = Signal()
    exportPngClicked = Signal()
    retranslated = Signal()  # the language changed: the owner refills the rows

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemChanged.connect(self._item_changed)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.hintLabel = QLabel()
        self.hintLabel.setWordWrap(True)
        self.rerunButton = QPushButton()
        self.renameButton = QPushButton()
        self.deleteButton = QPushButton()
        self.exportCsvButton = QPushButton()
        self.exportPngButton = QPushButton()
        # Two short rows: the tab must fit the narrow middle column of a 1024 px window.
        edit, export = QHBoxLayout(), QHBoxLayout()
        for button in (self.rerunButton, self.renameButton, self.deleteButton):
            edit.addWidget(button)
        edit.addStretch(1)
        export.addStretch(1)
        export.addWidget(self.exportCsvButton)
        export.addWidget(self.exportPngButton)
        buttons = QVBoxLayout()
        buttons.addLayout(edit)
        buttons.addLayout(export)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.hintLabel)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.rerunButton.clicked.connect(lambda: self._with_selected(self.rerunClicked.emit))
        self.renameButton.clicked.connect(self._rename_selected)
        self.deleteButton.clicked.connect(
            lambda: self.selected_ids() and self.deleteClicked.emit(self.selected_ids()))
        self.exportCsvButton.clicked.connect(self.exportCsvClicked)
        self.exportPngButton.clicked.connect(self.exportPngClicked)
        self._filling = False
        self._rows: tuple = ()
        self.retranslate()
        self._update_buttons()

    def retranslate(self) -> None:
        name_widget(self.table, "runsTable", self.tr("Runs of this session"))
        self.table.setToolTip(self.tr(
            "One row per run: tick a run to draw its curves, double-click its name to rename it"))
        self.table.horizontalHeader().setToolTip(self.tr("Click a column to sort the runs by it"))
        self.table.verticalHeader().setToolTip(self.tr("Click a column to sort the runs by it"))
        self.table.setHorizontalHeaderLabels([
            self.tr("Show"), self.tr("Name"), self.tr("Network"), self.tr("Parameters"),
            self.tr("Optimizer"), self.tr("Learning rate"), self.tr("Batch"), self.tr("Epochs"),
            self.tr("Best val. acc."), self.tr("Test acc."), self.tr("Time"), self.tr("Status"),
            self.tr("Dataset")])
        self.hintLabel.setText(self.tr(
            "Every run of this session. Tick runs to draw their curves over the learning "
            "curves; double-click a name to rename it; click a header to sort."))
        for button, name, text, tip in (
            (self.rerunButton, "rerunButton", self.tr("Re-run"),
             self.tr("Train again with this run's network, settings and seed, from fresh "
                     "weights")),
            (self.renameButton, "renameRunButton", self.tr("Rename"), self.tr("Rename this run")),
            (self.deleteButton, "deleteRunButton", self.tr("Delete"),
             self.tr("Delete the selected runs from the history")),
            (self.exportCsvButton, "exportRunsCsvButton", self.tr("Export CSV…"),
             self.tr("Every epoch's metrics of the ticked runs (all runs if none is ticked)")),
            (self.exportPngButton, "exportCurvesPngButton", self.tr("Export PNG…"),
             self.tr("The learning curves as they are drawn, overlays included")),
        ):
            button.setText(text)
            button.setToolTip(tip)
            name_widget(button, name, text)
        self.retranslated.emit()

    # -- rows --------------------------------------------------------------------------
    def show_rows(self, rows, refill: bool = False) -> None:
        """Fill the table (the sort order and the selection stay). When the same runs are
        listed, only the rows that changed are filled again (all with ``refill``: after an
        edit the table refused): the history changes at a run's end and again with its
        test metrics, while the next run may be training."""
        rows = tuple(rows)
        before = {row.run_id: row for row in self._rows}
        same_runs = ([row.run_id for row in rows] == [row.run_id for row in self._rows]
                     and self.table.rowCount() == len(rows))
        changed = [row for row in rows
                   if refill or not same_runs or before[row.run_id] != row]
        self._rows = rows
        if not changed:
            return
        selected = set(self.selected_ids())
        table = self.table
        self._filling = True
        sorting = table.isSortingEnabled()
        table.setSortingEnabled(False)
        try:
            if same_runs:
                for row in changed:
                    self._fill_row(self.row_of(row.run_id), row)
            else:
                table.setRowCount(len(rows))
                for r, row in enumerate(rows):
                    self._fill_row(r, row)
        finally:
            table.setSortingEnabled(sorting)
            self._filling = False
        table.clearSelection()
        for r in range(table.rowCount()):
            if self.run_id_at(r) in selected:
                table.selectRow(r)
        self._update_buttons()

    def _fill_row(self, r: int, row: RunRow) -> None:
        for c, key in enumerate(COLUMNS):
            text, sort_key = row.cells.get(key, ("", None))
            item = _Item(text, sort_key)
            item.setData(Qt.ItemDataRole.UserRole, row.run_id)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if key == "show":
                item.key = int(row.ticked)
                if row.tickable:
                    flags |= Qt.ItemFlag.ItemIsUserCheckable
                item.setCheckState(Qt.CheckState.Checked if row.ticked
                                   else Qt.CheckState.Unchecked)
                if row.color is not None:
                    item.setIcon(_swatch(row.color))
            elif key == "name":
                flags |= Qt.ItemFlag.ItemIsEditable
            if key in ("params", "learning_rate", "batch_size", "epochs",
                       "best_val_accuracy", "test_accuracy", "time"):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
            item.setFlags(flags)
            if row.tooltip:
                item.setToolTip(row.tooltip)
            self.table.setItem(r, c, item)

    def run_id_at(self, row: int) -> int:
        return int(self.table.item(row, 0).data(Qt.ItemDataRole.UserRole))

    def row_of(self, run_id: int) -> int:
        for r in range(self.table.rowCount()):
            if self.run_id_at(r) == run_id:
                return r
        return -1

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.run_id_at(r) for r in rows]

    def set_ticked(self, run_id: int, ticked: bool) -> None:
        """Tick or untick a run's box as the person would."""
        item = self.table.item(self.row_of(run_id), 0)
        item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        run_id = int(item.data(Qt.ItemDataRole.UserRole))
        if item.column() == 0:
            self.tickChanged.emit(run_id, item.checkState() == Qt.CheckState.Checked)
        elif item.column() == NAME:
            self.renamed.emit(run_id, item.text())

    def _with_selected(self, emit) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            emit(ids[0])

    def _rename_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            self.table.editItem(self.table.item(self.row_of(ids[0]), NAME))

    def _update_buttons(self) -> None:
        count = len(self.selected_ids())
        self.rerunButton.setEnabled(count == 1)
        self.renameButton.setEnabled(count == 1)
        self.deleteButton.setEnabled(count >= 1)
        has_rows = self.table.rowCount() > 0
        self.exportCsvButton.setEnabled(has_rows)
