"""Model files in and out: the open and save dialogs, the current file, recent files.

A bad file shows one clear line and changes nothing; the caller applies what was read.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

from dense_studio.data import DATASETS
from dense_studio.errors import DenseStudioError, one_line
from dense_studio.files.model_file import load_model, save_model
from dense_studio.ui.messages import fill
from dense_studio.ui.settings import RecentFiles, read_setting, write_setting

__all__ = ["FilesController", "MODEL_FILTER", "IMAGE_FILTER", "MODEL_SUFFIX"]

MODEL_SUFFIX = ".dsmodel"
MODEL_FILTER = "Dense Studio model (*.dsmodel)"
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff *.pgm *.ppm)"


class FilesController(QObject):
    """State: ``path`` (the model file the window shows, or None), the recent files and
    the folders the dialogs last used (both in the settings)."""

    def __init__(self, settings: QSettings, notices, window: QWidget) -> None:
        super().__init__(window)
        self._settings = settings
        self._notices = notices
        self._window = window
        self.recent = RecentFiles(settings)
        self.path: Path | None = None

    # -------------------------------------------------------------- folders and dialogs
    def last_dir(self, kind: str) -> str:
        folder = read_setting(self._settings, f"last_{kind}_dir")
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    def ask_open_model(self) -> str:
        path, _ = QFileDialog.getOpenFileName(
            self._window, self.tr("Open model"), self.last_dir("model"), self.tr(MODEL_FILTER))
        return path

    def ask_save_model(self, dataset_name: str) -> str:
        start = self.path or Path(self.last_dir("model")) / f"{dataset_name}{MODEL_SUFFIX}"
        path, _ = QFileDialog.getSaveFileName(
            self._window, self.tr("Save model"), str(start), self.tr(MODEL_FILTER))
        return path

    def ask_open_image(self) -> str:
        path, _ = QFileDialog.getOpenFileName(
            self._window, self.tr("Open image"), self.last_dir("image"), self.tr(IMAGE_FILTER))
        if path:
            write_setting(self._settings, "last_image_dir", str(Path(path).parent))
        return path

    # -------------------------------------------------------------- reading and writing
    def read_model(self, path: str | Path):
        """The ``LoadedModel`` in ``path`` if the window can show it; else None (with a
        message)."""
        title, name = self.tr("Open model"), Path(path).name
        try:
            loaded = load_model(path)
        except DenseStudioError as error:
            self._notices.error(title, str(error))
            return None
        except Exception as error:  # noqa: BLE001 - a file must never crash the window
            self._notices.error(title, f"{name}: {one_line(error)}")
            return None
        if loaded.dataset_name not in DATASETS:
            self._notices.error(title, fill(self.tr(
                "%1 was trained on %2, which the window does not offer (use the command line)."),
                name, loaded.dataset_name))
            return None
        return loaded

    def opened(self, path: str | Path) -> None:
        """``path`` is now the window's model file."""
        self.path = Path(path)
        self._remember(self.path)

    def write_model(self, path: str | Path, model, config, dataset_name: str,
                    class_names, metrics) -> Path | None:
        """Save; the path written (``.dsmodel`` added if missing), or None with a message."""
        path = Path(path)
        if path.suffix.lower() != MODEL_SUFFIX:
            path = path.with_name(path.name + MODEL_SUFFIX)
        try:
            save_model(model, path, config, dataset_name, class_names, metrics)
        except DenseStudioError as error:
            self._notices.error(self.tr("Save model"), str(error))
            return None
        except OSError as error:
            self._notices.error(self.tr("Save model"), f"{path}: {one_line(error)}")
            return None
        self.path = path
        self._remember(path)
        self._notices.status(fill(self.tr("Saved model to %1"), path))
        return path

    def _remember(self, path: Path) -> None:
        self.recent.add(path)
        write_setting(self._settings, "last_model_dir", str(path.resolve().parent))
