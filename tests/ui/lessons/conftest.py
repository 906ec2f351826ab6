"""The lesson tests use the window tests' fixtures (tests/ui/conftest.py: offscreen Qt,
private settings, no leaked threads) and their helpers (tests/ui/ui_helpers.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pytest  # noqa: E402

from dense_studio.ui.controllers import unsaved  # noqa: E402


@pytest.fixture(autouse=True)
def discard_when_asked(monkeypatch):
    """Opening a lesson after training asks about the unsaved work first (a modal box):
    these tests answer Discard and keep the names asked, for a test to look at."""
    asked: list = []

    def answer(_parent, name):
        asked.append(name)
        return unsaved.DISCARD

    monkeypatch.setattr(unsaved, "ask", answer)
    return asked
