"""The training panel as a view and controller of the session's settings and dataset.

An edit in the panel becomes ``session.update_settings`` (checked by the config's rules)
or ``session.choose_dataset``; the session's ``settings`` and ``dataset_name`` events put
the values back on the panel, whoever changed them (a model or session file, settings
restored at start-up).
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from dense_studio.errors import DenseStudioError

__all__ = ["SettingsBinding"]


class SettingsBinding(QObject):
    """Binds ``panel`` (a TrainingPanel) to ``session``; holds no state of its own."""

    def __init__(self, session, panel, notices, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session, self._panel, self._notices = session, panel, notices
        panel.settingsEdited.connect(self._edited)
        panel.datasetChanged.connect(self._dataset_chosen)
        session.events.settings.connect(lambda _event: self.show())
        session.events.dataset_name.connect(lambda event: panel.set_dataset(event.value))
        self.show()
        panel.set_dataset(session.dataset_name)

    def show(self) -> None:
        self._panel.set_settings(self._session.settings.to_dict())

    def _edited(self) -> None:
        values = self._panel.settings()
        del values["dataset"]
        try:
            self._session.update_settings(**values)
        except DenseStudioError as error:
            self._notices.error(self.tr("Training"), str(error))
            self.show()

    def _dataset_chosen(self, name: str) -> None:
        try:
            self._session.choose_dataset(name)
        except DenseStudioError as error:
            self._notices.error(self.tr("Dataset"), str(error))
            self._panel.set_dataset(self._session.dataset_name)
