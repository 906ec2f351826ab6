"""The lesson tests use the window tests' fixtures (tests/ui/conftest.py: offscreen Qt,
private settings, no leaked threads) and their helpers (tests/ui/ui_helpers.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
