"""The app's own icon and the names desktops use to match the window to its launcher."""

from __future__ import annotations

import os
import re
from importlib import resources

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication, QIcon

from dense_studio.desktop import DESKTOP_ID

__all__ = ["app_icon", "apply_app_identity", "icon_sizes"]

_PNG = re.compile(rf"{re.escape(DESKTOP_ID)}-(\d+)\.png")


def _icons_folder():
    return resources.files("dense_studio.resources").joinpath("icons")


def icon_sizes() -> list[int]:
    """The pixel sizes of the bundled PNG renderings, smallest first."""
    return sorted(int(m.group(1)) for e in _icons_folder().iterdir() if (m := _PNG.fullmatch(e.name)))


def app_icon() -> QIcon:
    """Every bundled PNG size (crisp at the sizes desktops ask for) plus the SVG for the rest."""
    folder = _icons_folder()
    icon = QIcon()
    for size in icon_sizes():
        icon.addFile(str(folder.joinpath(f"{DESKTOP_ID}-{size}.png")), QSize(size, size))
    icon.addFile(str(folder.joinpath(f"{DESKTOP_ID}.svg")))
    return icon


def apply_app_identity(app: QGuiApplication) -> None:
    """The window icon, and the desktop file name that Wayland (app id) and X11 (WM_CLASS)
    desktops match against the launcher's ``dense-studio.desktop``. Call before the first
    window is shown."""
    app.setWindowIcon(app_icon())
    QGuiApplication.setDesktopFileName(DESKTOP_ID)
    # X11: Qt takes WM_CLASS's instance name from RESOURCE_NAME, else from argv[0], which is
    # "__main__.py" under `python -m dense_studio`; the launcher's StartupWMClass expects ours.
    os.environ.setdefault("RESOURCE_NAME", DESKTOP_ID)
