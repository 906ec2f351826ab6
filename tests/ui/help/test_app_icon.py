"""The app's own icon, at every size desktops ask for, and the names that tie the window to
its launcher."""

from __future__ import annotations

import os
from importlib import resources

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication, QImage

from dense_studio.desktop import DESKTOP_ID
from dense_studio.ui.help.identity import app_icon, apply_app_identity, icon_sizes

ICONS = resources.files("dense_studio.resources").joinpath("icons")


def test_the_icon_loads_at_every_size():
    assert icon_sizes() == [16, 24, 32, 48, 64, 128, 256, 512]
    icon = app_icon()
    assert not icon.isNull()
    available = {size.width() for size in icon.availableSizes()}
    assert set(icon_sizes()) <= available
    for size in icon_sizes() + [20, 96, 1024]:
        image = icon.pixmap(QSize(size, size)).toImage()
        assert not image.isNull() and min(image.width(), image.height()) >= min(size, 512), size
        # Our dark rounded square, not an empty or placeholder picture.
        centre = image.pixelColor(image.width() // 2, image.height() // 2)
        corner = image.convertToFormat(QImage.Format.Format_ARGB32).pixelColor(0, 0)
        assert centre.alpha() == 255 and corner.alpha() < 128, size
        if size in icon_sizes():  # the crisp rendering made for that size, not a scaled one
            bundled = QImage(str(ICONS.joinpath(f"{DESKTOP_ID}-{size}.png")))
            fmt = QImage.Format.Format_ARGB32
            assert image.convertToFormat(fmt) == bundled.convertToFormat(fmt), size


def test_the_application_gets_the_icon_and_the_launcher_name(qapp, monkeypatch):
    monkeypatch.delenv("RESOURCE_NAME", raising=False)
    before_name, before_icon = QGuiApplication.desktopFileName(), qapp.windowIcon()
    try:
        apply_app_identity(qapp)
        assert QGuiApplication.desktopFileName() == DESKTOP_ID
        assert os.environ["RESOURCE_NAME"] == DESKTOP_ID  # X11's WM_CLASS instance name
        assert {s.width() for s in qapp.windowIcon().availableSizes()} >= set(icon_sizes())
    finally:
        QGuiApplication.setDesktopFileName(before_name)
        qapp.setWindowIcon(before_icon)
