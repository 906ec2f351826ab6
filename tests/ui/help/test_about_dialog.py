"""Help → About: the version, the licences of the datasets and of Qt, and no invented home."""

from __future__ import annotations

import pytest
from PySide6.QtCore import qVersion

import dense_studio.ui.help.about as about
from dense_studio import __version__
from dense_studio.ui.help.about import AboutDialog


@pytest.mark.parametrize("language", ["en", "zh_TW"])
def test_about_names_the_version_and_every_licence(qtbot, language):
    dialog = AboutDialog(language=language)
    qtbot.addWidget(dialog)
    text = dialog.text()
    assert __version__ in text and qVersion() in text
    for fact in ("Fashion-MNIST", "Zalando SE", "MIT", "MNIST", "LeCun", "CC BY-SA 3.0",
                 "LGPL v3", "PySide6", "Permission is hereby granted"):
        assert fact in text, fact
    assert ("關於 Dense Studio" if language == "zh_TW" else "About Dense Studio") == dialog.windowTitle()


def test_the_home_is_shown_only_when_the_metadata_names_one(qtbot, monkeypatch):
    monkeypatch.setattr(about, "project_home", lambda: "")
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    assert "Project home" not in dialog.text() and "dense-studio/dense-studio" not in dialog.text()
    from pathlib import Path

    import dense_studio
    assert f"Installed in: {Path(dense_studio.__file__).resolve().parent}" in dialog.text()
    monkeypatch.setattr(about, "project_home", lambda: "https://example.org/dense-studio")
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    assert "Project home" in dialog.text() and "https://example.org/dense-studio" in dialog.text()


def test_project_home_reads_the_installed_metadata():
    from importlib import metadata

    meta = metadata.metadata("dense-studio")
    named = bool(meta.get_all("Project-URL")) or bool(meta.get("Home-page"))
    assert bool(about.project_home()) == named
