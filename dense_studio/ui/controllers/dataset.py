"""Which dataset the window shows, and loading it in a thread without freezing the window.

Fashion-MNIST takes about half a second to load; a dataset is loaded once and kept.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from dense_studio.data import DATASETS, load_dataset
from dense_studio.errors import one_line
from dense_studio.ui.dataset_loader import DatasetLoader
from dense_studio.ui.messages import fill

__all__ = ["DatasetController"]

# Loaded in the loader's thread once the data are in, so the first Start does not wait.
PRELOAD = ("dense_studio.ui.training_worker",)


class DatasetController(QObject):
    """State: ``name`` (the dataset wanted), ``current`` (the loaded ``Dataset`` shown, or
    None while loading) and the datasets loaded so far.

    ``changed(dataset)`` when ``current`` changes (None: loading); ``loaded(name)`` when a
    dataset just came from disk and is shown; ``fellBack(name)`` when loading failed and
    an earlier dataset is shown again.
    """

    changed = Signal(object)
    loaded = Signal(str)
    fellBack = Signal(str)

    def __init__(self, notices, name: str = "fashion_mnist", parent: QObject | None = None,
                 load=load_dataset) -> None:
        super().__init__(parent)
        self._notices = notices
        self._load = load
        self.name = name
        self.current = None
        self._cache: dict[str, object] = {}
        self._loader: DatasetLoader | None = None
        self._loading_name: str | None = None
        self._pending: str | None = None
        self._closing = False

    @property
    def is_loading(self) -> bool:
        return self._loader is not None

    def title(self, name: str | None = None) -> str:
        name = name or self.name
        return DATASETS.get(name, name)

    def choose(self, name: str) -> None:
        """The person picked ``name``."""
        if name != self.name:
            self.request(name)

    def request(self, name: str) -> None:
        """Show dataset ``name``: at once if loaded, else after loading it in a thread."""
        if self._closing:
            return
        self.name = name
        if name in self._cache:
            self._show(self._cache[name])
            return
        self.current = None
        self.changed.emit(None)
        self._notices.status(fill(self.tr("Loading %1…"), self.title(name)))
        if self._loader is not None:
            self._pending = name
            return
        self._loading_name = name
        loader = DatasetLoader(self._load, name, parent=self, preload=PRELOAD)
        loader.returned.connect(self._returned)
        loader.errored.connect(self._failed)
        loader.finished.connect(self._finished)
        self._loader = loader
        loader.start()

    def close(self, timeout: float = 10.0) -> None:
        """The window closes: wait for a load in flight (about half a second)."""
        self._closing = True
        if self._loader is not None:
            self._loader.wait(timeout)

    def _show(self, dataset) -> None:
        self.current = dataset
        self.name = dataset.name
        self.changed.emit(dataset)

    def _returned(self, dataset) -> None:
        # Shown at once (the loader thread may still be preloading the training modules).
        self._cache[dataset.name] = dataset
        if dataset.name == self.name and self._pending is None and not self._closing:
            self._show(dataset)
            self.loaded.emit(dataset.name)

    def _failed(self, error: Exception) -> None:
        self._notices.error(self.tr("Dataset"), fill(
            self.tr("Could not load %1: %2"), self.title(self._loading_name), one_line(error)))

    def _finished(self) -> None:
        if self._loader is not None:
            self._loader.wait(1.0)  # the thread is past its last line; let it end
            self._loader.deleteLater()
        self._loader = None
        if self._closing:
            return
        pending, self._pending = self._pending, None
        if pending is not None and pending != self._loading_name:
            self.request(pending)
            return
        name = self._loading_name
        if name in self._cache:
            if self.current is None and name == self.name:
                self._show(self._cache[name])
                self.loaded.emit(name)
        elif name == self.name:
            # Loading failed: go back to a dataset we have, if any.
            fallback = next(iter(self._cache), None)
            if fallback is not None:
                self.fellBack.emit(fallback)
                self._show(self._cache[fallback])
            else:
                self.changed.emit(None)
