"""Model and session files in and out: the dialogs, recent files, the dialogs' folders.

The files themselves are the session's (``Session.open_model`` / ``save_model`` / ``open``
/ ``save``); this controller asks where, reports what happened, and remembers recent files.
A bad file shows one clear line and changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

from dense_studio.data import DATASETS
from dense_studio.errors import DenseStudioError, one_line
from dense_studio.files import session_file
from dense_studio.files.model_file import SUFFIX as MODEL_SUFFIX, load_model
from dense_studio.ui.messages import fill
from dense_studio.ui.settings import RecentFiles, read_setting, write_setting

__all__ = ["FilesController", "MODEL_FILTER", "SESSION_FILTER", "IMAGE_FILTER", "MODEL_SUFFIX"]

MODEL_FILTER = "Dense Studio model (*.dsmodel)"
SESSION_FILTER = "Dense Studio session (*.dssession)"
#: Qt's own file dialog, not the platform's: it speaks the window's language (the
#: platform's follows the system's) and looks the same in every lab.
_OWN_DIALOG = QFileDialog.Option.DontUseNativeDialog
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff *.pgm *.ppm)"


class FilesController(QObject):
    """State (the window's, not the person's work): the recent files and the folders the
    dialogs last used (both in the settings). The file a model came from is the session's
    (``session.model.path``); so is the session file (``session.path``)."""

    def __init__(self, session, settings: QSettings, notices, window: QWidget) -> None:
        super().__init__(window)
        self._session = session
        self._settings = settings
        self._notices = notices
        self._window = window
        self.recent = RecentFiles(settings)

    @property
    def path(self) -> Path | None:
        """The model file the window shows, or None."""
        return self._session.model.path

    # -------------------------------------------------------------- folders and dialogs
    def last_dir(self, kind: str) -> str:
        folder = read_setting(self._settings, f"last_{kind}_dir")
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    def ask_open_model(self) -> str:
        path, _ = QFileDialog.getOpenFileName(
            self._window, self.tr("Open model"), self.last_dir("model"),
            self.tr(MODEL_FILTER), options=_OWN_DIALOG)
        return path

    def ask_save_model(self) -> str:
        start = self.path or Path(self.last_dir("model")) / (
            self._session.dataset_name + MODEL_SUFFIX)
        path, _ = QFileDialog.getSaveFileName(
            self._window, self.tr("Save model"), str(start),
            self.tr(MODEL_FILTER), options=_OWN_DIALOG)
        return path

    def ask_open_session(self) -> str:
        path, _ = QFileDialog.getOpenFileName(
            self._window, self.tr("Open session"), self.last_dir("model"),
            self.tr(SESSION_FILTER), options=_OWN_DIALOG)
        return path

    def ask_save_session(self) -> str:
        start = self._session.path or Path(self.last_dir("model")) / (
            "session" + session_file.SUFFIX)
        path, _ = QFileDialog.getSaveFileName(
            self._window, self.tr("Save session"), str(start),
            self.tr(SESSION_FILTER), options=_OWN_DIALOG)
        return path

    def ask_open_image(self) -> str:
        path, _ = QFileDialog.getOpenFileName(
            self._window, self.tr("Open image"), self.last_dir("image"),
            self.tr(IMAGE_FILTER), options=_OWN_DIALOG)
        if path:
            write_setting(self._settings, "last_image_dir", str(Path(path).parent))
        return path

    def ask_folder(self, title: str) -> str:
        """A folder, from Qt's own dialog (in the window's language), starting where the
        last image came from."""
        return QFileDialog.getExistingDirectory(
            self._window, title, self.last_dir("image"),
            QFileDialog.Option.ShowDirsOnly | _OWN_DIALOG)

    # -------------------------------------------------------------- reading and writing
    def read_model(self, path: str | Path):
        """The ``LoadedModel`` in ``path``, or the exception reading it raised (for
        :meth:`check_model`). It only reads, so it may run off the GUI thread."""
        try:
            loaded = load_model(path)
        except Exception as error:  # noqa: BLE001 - a file must never crash the window
            return error
        return loaded

    def check_model(self, path: str | Path, loaded) -> bool:
        """Whether what ``read_model`` returned can be shown; else a message."""
        title, name = self.tr("Open model"), Path(path).name
        if isinstance(loaded, DenseStudioError):
            self._notices.error(title, str(loaded))
            return False
        if isinstance(loaded, Exception):
            self._notices.error(title, f"{name}: {one_line(loaded)}")
            return False
        if loaded.dataset_name not in DATASETS:
            self._notices.error(title, fill(self.tr(
                "%1 was trained on %2, which the window does not offer (use the command line)."),
                name, loaded.dataset_name))
            return False
        return True

    def opened(self, path: str | Path) -> None:
        """``path`` is now the window's model file."""
        self._remember(Path(path))

    def write_model(self, path: str | Path) -> Path | None:
        """Save the session's model; the path written (``.dsmodel`` added if missing), or
        None with a message."""
        path = self._write(self._session.save_model, path, self.tr("Save model"))
        if path is not None:
            self._remember(path)
            self._notices.status(fill(self.tr("Saved model to %1"), path))
        return path

    def write_session(self, path: str | Path) -> Path | None:
        """Save the whole session; the path written, or None with a message."""
        path = self._write(self._session.save, path, self.tr("Save session"))
        if path is not None:
            write_setting(self._settings, "last_model_dir", str(path.resolve().parent))
            self._notices.status(fill(self.tr("Saved session to %1"), path))
        return path

    def _write(self, save, path, title: str) -> Path | None:
        try:
            return save(path)
        except DenseStudioError as error:
            self._notices.error(title, str(error))
        except OSError as error:
            self._notices.error(title, f"{path}: {one_line(error)}")
        return None

    def _remember(self, path: Path) -> None:
        self.recent.add(path)
        write_setting(self._settings, "last_model_dir", str(path.resolve().parent))
