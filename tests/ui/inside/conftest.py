"""Fixtures of the Inside panel tests: real Fashion-MNIST, a session, the panel on it.

The offscreen Qt set-up, private settings and the dangling-thread check come from
tests/ui/conftest.py, which pytest applies to this folder too.
"""

import pytest
from inside_helpers import make_session

from dense_studio.data import load_dataset
from dense_studio.ui.inside.panel import InsidePanel


@pytest.fixture(scope="session")
def fashion():
    return load_dataset("fashion_mnist")


@pytest.fixture
def session(fashion):
    return make_session(fashion)


@pytest.fixture
def panel(qtbot, session):
    panel = InsidePanel(session)
    qtbot.addWidget(panel)
    panel.resize(1024, 700)
    panel.show()
    qtbot.waitExposed(panel)
    yield panel
    panel.evaluator.wait()
