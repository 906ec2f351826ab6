"""The app's palette moved to :mod:`dense_studio.ui.palette`; this name keeps working."""

from dense_studio.ui.palette import *  # noqa: F401,F403
from dense_studio.ui.palette import __all__  # noqa: F401
