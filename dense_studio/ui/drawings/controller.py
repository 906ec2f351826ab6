"""My drawings in the window: "Add to my drawings as…" beside the canvas (and keys 0–9),
the "My drawings" tab, Evaluate, Fine-tune, Export, and File → Import image folder….

The drawings live in the session (``session.drawings``); this controller keeps only Qt
things. Fine-tuning is an ordinary run of the training controller (its worker thread,
Pause / Stop, progress): the session is told that the next run fine-tunes
(``fine_tune_next_run``) and the window starts it, so nothing about training is repeated here.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QHBoxLayout, QMenu, QToolButton

from dense_studio.data.catalog import DATASETS, FOLDER_PREFIX
from dense_studio.errors import DenseStudioError, one_line
from dense_studio.session import InputSource
from dense_studio.ui.drawings.panel import DrawingsPanel
from dense_studio.ui.i18n import class_name_for_display
from dense_studio.ui.messages import fill, format_count, format_percent
from dense_studio.ui.names import name_widget

__all__ = ["DrawingsController"]

_DIGIT_KEYS = [getattr(Qt.Key, f"Key_{n}") for n in range(10)]


class DrawingsController(QObject):
    """Owns the "My drawings" tab (``panel``), the add button (``addButton``), the digit
    keys (``addActions``) and File → Import image folder… (``importFolderAction``)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self._window = window
        self._session = session = window.session
        self._fine_tune_before = None  # (drawings score, test accuracy) while fine-tuning
        self.last_result = None  # (before, after, test before, test after) of the last one
        self.panel = DrawingsPanel()
        window.centerTabs.addTab(self.panel, "")
        self._build_add_button()
        self._build_menu()
        panel = self.panel
        panel.relabelAsked.connect(self.relabel_selected)
        panel.deleteAsked.connect(self.delete_selected)
        panel.opened.connect(self.open_drawing)
        panel.evaluateClicked.connect(self.evaluate)
        panel.fineTuneClicked.connect(self.fine_tune)
        panel.exportClicked.connect(self.export_dialog)
        panel.retranslated.connect(self.retranslate)
        events = session.events
        events.drawings.connect(lambda _event: self._show_drawings())
        events.dataset.connect(lambda _event: self._show_classes())
        events.run_started.connect(lambda _event: self._set_busy(True))
        events.run_finished.connect(lambda _event: self._set_busy(False))
        events.run_progress.connect(self._progress)
        window.training.ended.connect(self._fine_tune_ended)
        window.datasets.loaded.connect(self._folder_loaded)
        window.drawCanvas.installEventFilter(self)
        # A bound method: Qt disconnects it when this controller goes with its window.
        QApplication.instance().focusChanged.connect(self._focus_changed)
        self._pointer_on_canvas = False
        self._show_classes()
        self._show_drawings()
        self._update_keys()
        self.retranslate()

    # -------------------------------------------------------------- building
    def _build_add_button(self) -> None:
        self.addButton = QToolButton()
        name_widget(self.addButton, "addDrawingButton",
                    self.tr("Add the canvas to my drawings as a class"))
        self.addButton.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.addMenu = QMenu(self.addButton)
        self.addMenu.setObjectName("addDrawingMenu")
        self.addButton.setMenu(self.addMenu)
        # The keys are the window's actions, enabled only where a digit means "add" (the
        # menu has entries of its own, which stay usable wherever the pointer is).
        self.addActions: list[QAction] = []
        for label, key in enumerate(_DIGIT_KEYS):
            action = QAction(self._window)
            action.setObjectName(f"addDrawingKey{label}")
            action.setShortcuts([QKeySequence(key),
                                 QKeySequence(Qt.KeyboardModifier.KeypadModifier | key)])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, n=label: self._key_add(n))
            self._window.addAction(action)  # the keys work while the menu is closed
            self.addActions.append(action)
        row = QHBoxLayout()
        row.addWidget(self.addButton, 1)
        layout = self._window.drawPanel.layout()
        layout.insertLayout(layout.count() - 1, row)  # above the "where it came from" line

    def _build_menu(self) -> None:
        window = self._window
        self.importFolderAction = QAction(window)
        self.importFolderAction.setObjectName("importFolderAction")
        self.importFolderAction.setShortcut(QKeySequence("Ctrl+Shift+I"))
        self.importFolderAction.triggered.connect(self.import_folder_dialog)
        file_menu = next(menu for menu in window.openImageAction.associatedObjects()
                         if isinstance(menu, QMenu))
        actions = file_menu.actions()
        after = actions.index(window.openImageAction) + 1
        file_menu.insertAction(actions[after] if after < len(actions) else None,
                               self.importFolderAction)

    def retranslate(self) -> None:
        tabs = self._window.centerTabs
        index = tabs.indexOf(self.panel)
        tabs.setTabText(index, self.tr("My drawings"))
        tabs.setTabToolTip(index, self.tr(
            "Your own drawings with their labels: test the network on them, and teach it"))
        self.addButton.setText(self.tr("Add to my drawings as…"))
        self.addButton.setToolTip(self.tr(
            "Keep what the network sees on the canvas, with the class it should be "
            "(keys 0–9 with the pointer over the canvas)"))
        self.importFolderAction.setText(self.tr("Import image &folder…"))
        self.importFolderAction.setStatusTip(self.tr(
            "Train on a folder of images: one sub-folder per class"))
        self._show_classes()

    # -------------------------------------------------------------- adding
    def add(self, label: int) -> int:
        """Add the canvas as class ``label``; the number of drawings after (unchanged,
        with a message, when the canvas is empty or there is no such class)."""
        session = self._session
        names = session.class_names
        if not 0 <= label < len(names):
            self._window.notices.status(fill(self.tr("There is no class %1 here."), label))
            return len(session.drawings)
        if session.canvas.source.kind == "drawing":
            self._window.prediction.update_now()  # the stroke just drawn, not a throttled one
        try:
            count = session.add_drawing(label)
        except DenseStudioError as error:
            self._window.notices.status(str(error))
            return len(session.drawings)
        self._window.notices.status(fill(self.tr("Added to my drawings as %1 (%n drawing(s)).",
                                                 "", count), self._label_text(label)))
        return count

    def _key_add(self, label: int) -> None:
        if self._keys_active():
            self.add(label)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        kind = event.type()
        if kind in (QEvent.Type.Enter, QEvent.Type.Leave):
            self._pointer_on_canvas = kind == QEvent.Type.Enter
            self._update_keys()
        return False

    def _keys_active(self) -> bool:
        """The digit keys add drawings with the pointer over the canvas, or with the focus
        on the canvas or in the drawings tab (elsewhere a digit is typed as usual)."""
        focus = QApplication.focusWidget()
        canvas = self._window.drawCanvas
        return self._pointer_on_canvas or focus is canvas or (
            focus is not None and self.panel.isAncestorOf(focus) and self.panel.isVisible())

    def _focus_changed(self, _old, _new) -> None:
        self._update_keys()

    def _update_keys(self) -> None:
        active = self._keys_active()
        for label, action in enumerate(self.addActions):
            action.setEnabled(active and label < len(self._session.class_names))

    # -------------------------------------------------------------- the gallery
    def _label_text(self, label: int) -> str:
        names = self._session.class_names
        return class_name_for_display(names[label]) if label < len(names) else str(label)

    def _other_text(self, drawing) -> str:
        return fill(self.tr("%1, from %2"), drawing.label,
                    DATASETS.get(drawing.dataset, drawing.dataset))

    def _show_classes(self) -> None:
        texts = tuple(class_name_for_display(n) for n in self._session.class_names)
        self.panel.set_classes(texts)
        self.addMenu.clear()
        for label, text in enumerate(texts):
            shown = text if text == str(label) else f"{label} · {text}"
            if label < len(_DIGIT_KEYS):
                shown += f"\t{label}"  # the key, in the menu's shortcut column
            self.addMenu.addAction(shown).triggered.connect(
                lambda _checked=False, n=label: self.add(n))
        self._update_keys()
        self._show_drawings()

    def _show_drawings(self, predicted=None) -> None:
        session = self._session
        self.panel.gallery.show_drawings(session.drawings, self._label_text, self._other_text,
                                         session.dataset_name, predicted)
        self.panel.set_busy(self._session.model.training)
        self.panel.update_buttons()

    def open_drawing(self, index: int) -> None:
        """Put drawing ``index`` on the canvas (the network predicts it at once)."""
        self._session.set_input(self._session.drawings[index].image, InputSource())

    def relabel_selected(self, label: int) -> None:
        for row in self.panel.gallery.selected_rows():
            self._session.drawings.relabel(row, label)

    def delete_selected(self) -> None:
        for row in reversed(self.panel.gallery.selected_rows()):
            self._session.drawings.remove(row)

    # -------------------------------------------------------------- evaluate, fine-tune
    def evaluate(self):
        """Score the current weights on the drawings and show it; the score (or None)."""
        try:
            score = self._session.score_drawings()
        except DenseStudioError as error:
            self._window.notices.error(self.tr("My drawings"), str(error))
            return None
        self.panel.results.show_score(score, self._label_text)
        self._show_drawings(score.predicted)
        return score

    def fine_tune(self) -> bool:
        """Start a fine-tuning run (in the training controller's worker); False with a
        message when it cannot start."""
        window, session = self._window, self._session
        if window.is_training or session.dataset is None:
            return False
        if not session.model.trained or session.model.stale:
            window.notices.error(self.tr("My drawings"), self.tr(
                "Train the network first: fine-tuning goes on from trained weights."))
            return False
        before = self.evaluate()
        if before is None or before.accuracy is None:
            return False
        try:
            session.fine_tune_next_run()
        except DenseStudioError as error:
            window.notices.error(self.tr("My drawings"), str(error))
            return False
        self._fine_tune_before = (before, self._test_accuracy())
        if not window.start_training():
            self._fine_tune_before = None
            return False
        self.panel.show_progress(0.0)
        return True

    def _test_accuracy(self):
        dataset = self._session.dataset
        probabilities = self._session.model.predict(dataset.x_test)
        return None if probabilities is None else float(
            (probabilities.argmax(axis=1) == dataset.y_test).mean())

    def _progress(self, event) -> None:
        if self._fine_tune_before is not None and event.batch is not None:
            self.panel.show_progress(event.batch.samples_seen / max(1, event.value.total_samples))

    def _fine_tune_ended(self, status: str) -> None:
        if self._fine_tune_before is None:
            return
        (before, test_before), self._fine_tune_before = self._fine_tune_before, None
        self.panel.show_progress(None)
        after = self.evaluate()
        if after is None or after.accuracy is None:
            return
        test_after = self._test_accuracy()
        self.last_result = (before.accuracy, after.accuracy, test_before, test_after)
        self.panel.results.show_fine_tune(*self.last_result)
        self._window.notices.status(fill(
            self.tr("Fine-tuning %1: my drawings %2 % → %3 %."), self._status_text(status),
            format_percent(before.accuracy), format_percent(after.accuracy)))

    def _status_text(self, status: str) -> str:
        return {"finished": self.tr("finished"), "stopped": self.tr("stopped"),
                "diverged": self.tr("diverged")}.get(status, self.tr("failed"))

    def _set_busy(self, busy: bool) -> None:
        self.panel.set_busy(busy)

    # -------------------------------------------------------------- folders
    def export_dialog(self) -> None:
        folder = self._window.files.ask_folder(self.tr("Export my drawings"))
        if folder:
            self.export(folder)

    def export(self, folder) -> int:
        """Write the drawings into ``folder`` (a sub-folder per class); how many."""
        from dense_studio.data.folder import export_images

        images, labels = self._session.drawings.arrays()
        names = self._session.class_names
        fits = (labels < len(names)) & self._session.drawings.of_dataset(
            self._session.dataset_name)
        try:
            written = export_images(folder, images[fits], labels[fits], names)
        except OSError as error:
            self._window.notices.error(self.tr("Export my drawings"),
                                       f"{folder}: {error.strerror or one_line(error)}")
            return 0
        self._window.notices.status(fill(self.tr("Exported %n drawing(s) to %1.", "", written),
                                         folder))
        return written

    def import_folder_dialog(self) -> None:
        folder = self._window.files.ask_folder(self.tr("Import image folder"))
        if folder:
            self.import_folder(folder)

    def import_folder(self, folder) -> bool:
        """Choose the image folder as the dataset (loaded in the dataset controller's
        thread, like any other); False with a message if its name is unusable or training
        runs."""
        from dense_studio.data import normalize_dataset_name

        window = self._window
        if window.is_training:
            window.notices.error(self.tr("Import image folder"), self.tr(
                "Stop training before changing the dataset."))
            return False
        try:
            name = normalize_dataset_name(FOLDER_PREFIX + str(folder))
        except DenseStudioError as error:
            window.notices.error(self.tr("Import image folder"), str(error))
            return False
        combo = window.datasetCombo
        if combo.findData(name) < 0:
            combo.addItem(fill(self.tr("Folder: %1"), Path(folder).name), name)
        try:
            window.session.choose_dataset(name)
        except DenseStudioError as error:
            window.notices.error(self.tr("Import image folder"), str(error))
            return False
        window.trainingPanel.set_dataset(name)
        return True

    def _folder_loaded(self, name: str) -> None:
        from dense_studio.data.folder import report_for

        report = report_for(name)
        if report is None or not name.startswith(FOLDER_PREFIX):
            return
        dataset = self._session.dataset
        text = fill(self.tr("Imported %1: %2 training and %3 test images in %4 classes."),
                    dataset.title, format_count(len(dataset.x_train)),
                    format_count(len(dataset.x_test)), dataset.num_classes)
        if report.skipped:
            text += " " + fill(self.tr("%n file(s) skipped (first: %1).", "", report.skipped),
                               report.first_problem)
        self._window.notices.status(text)
