"""The window's state between runs: restored at start, saved on close (see ``settings.py``).

The network, the training settings and the dataset go into the session the window makes
(:meth:`WindowSettings.session_values`) and are saved from it; the rest (brush, geometry,
splitters) is the window's own.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from dense_studio.engine.spec import format_layers, parse_layers
from dense_studio.errors import DenseStudioError
from dense_studio.session import TrainingSettings
from dense_studio.ui.settings import SETTINGS, TRAINING_SETTINGS, read_setting, write_setting

__all__ = ["WindowSettings", "DEFAULT_SIZE"]

DEFAULT_SIZE = (1440, 880)  # shrunk to fit smaller screens
_SPLITTERS = {"mainSplitter": "main_splitter", "leftSplitter": "left_splitter",
              "rightSplitter": "right_splitter"}


class WindowSettings:
    """Reads and writes the settings rows the window shows: the network, the training
    panel, the brush, the geometry and the splitters."""

    def __init__(self, window, settings: QSettings) -> None:
        self._window = window
        self._settings = settings

    @staticmethod
    def session_values(settings: QSettings) -> dict:
        """The session's start: ``layers``, ``settings`` and ``dataset`` as last saved
        (each falls back to its default when damaged)."""
        try:
            layers = parse_layers(read_setting(settings, "layers"))
        except DenseStudioError:
            layers = parse_layers(SETTINGS["layers"].default)
        values = {name: read_setting(settings, name) for name in TRAINING_SETTINGS}
        dataset = values.pop("dataset")
        try:
            training = TrainingSettings(**values)
        except DenseStudioError:
            training = TrainingSettings(**{name: SETTINGS[name].default for name in values})
        return {"layers": layers, "settings": training, "dataset": dataset}

    def restore(self) -> None:
        window, s = self._window, self._settings
        window.drawCanvas.set_brush_size(read_setting(s, "brush_size"))
        geometry = read_setting(s, "geometry")
        if geometry is None or not window.restoreGeometry(geometry):
            self._default_geometry()
        state = read_setting(s, "window_state")
        if state is not None:
            window.restoreState(state)
        for splitter in window.layout_.splitters:
            value = read_setting(s, _SPLITTERS[splitter.objectName()])
            orientation = splitter.orientation()  # the layout's arrangement decides it
            if value is None or not splitter.restoreState(value):
                window.layout_.default_split(splitter)
            splitter.setOrientation(orientation)

    def save(self) -> None:
        window, s = self._window, self._settings
        presenter = getattr(window, "presenter", None)
        if presenter is not None and presenter.active:
            presenter.leave()  # the normal window's geometry and splitters are what is kept
        session = window.session
        write_setting(s, "geometry", window.saveGeometry())
        write_setting(s, "window_state", window.saveState())
        for splitter in window.layout_.splitters:
            write_setting(s, _SPLITTERS[splitter.objectName()], splitter.saveState())
        write_setting(s, "dataset", session.dataset_name)
        for name, value in session.settings.to_dict().items():
            write_setting(s, name, value)
        write_setting(s, "layers", format_layers(session.layers.layers))
        write_setting(s, "brush_size", window.drawCanvas.brush_size)
        s.sync()

    def _default_geometry(self) -> None:
        window = self._window
        width, height = DEFAULT_SIZE
        screen = window.screen() or QApplication.primaryScreen()
        if screen is None:
            window.resize(width, height)
            return
        area = screen.availableGeometry()
        window.resize(min(width, int(area.width() * 0.95)), min(height, int(area.height() * 0.92)))
        frame = window.frameGeometry()
        frame.moveCenter(area.center())
        window.move(frame.topLeft())
