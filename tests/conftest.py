"""Settings shared by every test: Qt runs offscreen, and BLAS stays predictable."""

import os

# Before anything imports Qt: no display is needed (the Xvfb test sets its own).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
