"""Render the app icon's PNG sizes from its SVGs (run from the repository root):

    QT_QPA_PLATFORM=offscreen python scripts/render_icons.py

Sizes up to 24 px come from ``dense-studio-small.svg`` (fewer units, bolder strokes), the
rest from ``dense-studio.svg``: the sizes Linux desktops, Windows and macOS ask for.
"""

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
SMALL_UP_TO = 24


def main() -> None:
    app = QGuiApplication(sys.argv)  # noqa: F841 (QImage painting needs an application)
    large = QSvgRenderer(str(ICONS / "dense-studio.svg"))
    small = QSvgRenderer(str(ICONS / "dense-studio-small.svg"))
    for size in SIZES:
        image = QImage(size, size, QImage.Format_ARGB32)
        image.fill(Qt.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.Antialiasing)
        (small if size <= SMALL_UP_TO else large).render(painter)
        painter.end()
        image.save(str(ICONS / f"dense-studio-{size}.png"))


if __name__ == "__main__":
    main()
