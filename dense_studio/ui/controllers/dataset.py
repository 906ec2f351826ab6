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
    """Loads the session's chosen dataset (``session.dataset_name``) and hands it over
    (``session.dataset_loaded``). State (a loader's, not the person's): the datasets loaded
    so far and the loading thread.

    ``loaded(name)`` when a dataset just came from disk and the session took it;
    ``fellBack(name)`` when loading failed and an earlier dataset is chosen again.
    """

    loaded = Signal(str)
    fellBack = Signal(str)

    def __init__(self, session, notices, parent: QObject | None = None,
                 load=load_dataset) -> None:
        super().__init__(parent)
        self._session = session
        self._notices = notices
        self._load = load
        self._cache: dict[str, object] = {}
        self._loader: DatasetLoader | None = None
        self._loading_name: str | None = None
        self._pending: str | None = None
        self._closing = False
        self._started = False
        session.events.dataset_name.connect(self._chosen)

    @property
    def is_loading(self) -> bool:
        return self._loader is not None

    def title(self, name: str | None = None) -> str:
        name = name or self._session.dataset_name
        return DATASETS.get(name, name)

    def start(self) -> None:
        """Load the session's dataset now (the window is on screen); later choices load as
        they are made."""
        self._started = True
        if self._session.dataset is None and not self.is_loading:
            self.request(self._session.dataset_name)

    def _chosen(self, event) -> None:
        if self._started:
            self.request(event.value)

    def request(self, name: str) -> None:
        """Hand dataset ``name`` to the session: at once if loaded, else after loading it
        in a thread."""
        if self._closing:
            return
        if name in self._cache:
            self._session.dataset_loaded(self._cache[name])
            return
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

    def _returned(self, dataset) -> None:
        # Handed over at once (the loader thread may still be preloading modules).
        self._cache[dataset.name] = dataset
        if self._pending is None and not self._closing \
                and self._session.dataset_loaded(dataset):
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
        session = self._session
        pending, self._pending = self._pending, None
        wanted = session.dataset_name
        if pending is not None and pending != self._loading_name:
            self.request(wanted)
            return
        name = self._loading_name
        if name in self._cache:
            if session.dataset is None and name == wanted:
                session.dataset_loaded(self._cache[name])
                self.loaded.emit(name)
        elif name == wanted:
            # Loading failed: go back to a dataset we have, if any.
            fallback = next(iter(self._cache), None)
            if fallback is not None and not session.model.training:
                self.fellBack.emit(fallback)
                session.choose_dataset(fallback)
