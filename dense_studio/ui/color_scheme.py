"""Light or dark, as the system says (Qt 6.5+ ``QStyleHints.colorScheme()``), live.

Where the platform's own style already draws dark when the system is dark (macOS,
Windows 11, a dark KDE or GNOME theme), nothing is changed. Where it does not (Qt's
Fusion style with no platform theme: many Linux desktops, the offscreen platform), the
application gets :func:`dark_palette`, and the default palette back when the system turns
light again. Plots, bars and the canvas's surroundings take their colours from the
palette (``palette.plot_colors``), so they follow.

``DENSE_STUDIO_COLOR_SCHEME=dark`` (or ``light``) overrides the system, e.g. for a
projector that reads better dark, or to try it.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from dense_studio.ui import palette as colors

__all__ = ["SCHEME_ENV", "dark_palette", "system_scheme", "apply_scheme", "follow_system"]

SCHEME_ENV = "DENSE_STUDIO_COLOR_SCHEME"
_FORCED = {"dark": Qt.ColorScheme.Dark, "light": Qt.ColorScheme.Light}


def dark_palette() -> QPalette:
    """A dark palette with light text (contrast ≥ 7:1 for text on its backgrounds)."""
    p = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    text, muted = QColor("#e8e8e8"), QColor("#8c8c8c")
    for name, color in {
        role.Window: "#2b2b2b", role.WindowText: text, role.Base: "#1e1e1e",
        role.AlternateBase: "#2f2f2f", role.Text: text, role.Button: "#383838",
        role.ButtonText: text, role.BrightText: "#ffffff", role.ToolTipBase: "#3a3a3a",
        role.ToolTipText: text, role.PlaceholderText: "#a0a0a0",
        role.Highlight: colors.OKABE_ITO["blue"], role.HighlightedText: "#ffffff",
        role.Link: colors.OKABE_ITO["sky_blue"], role.LinkVisited: colors.OKABE_ITO["reddish_purple"],
        role.Light: "#505050", role.Midlight: "#434343", role.Mid: "#2f2f2f",
        role.Dark: "#1a1a1a", role.Shadow: "#000000",
    }.items():
        p.setColor(name, QColor(color))
    for name in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(group.Disabled, name, muted)
    return p


def system_scheme() -> Qt.ColorScheme:
    """The forced scheme (``DENSE_STUDIO_COLOR_SCHEME``), else the system's."""
    forced = _FORCED.get(os.environ.get(SCHEME_ENV, "").strip().lower())
    if forced is not None:
        return forced
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() if hasattr(hints, "colorScheme") else Qt.ColorScheme.Unknown


class _Scheme(QObject):
    """Remembers whether this module set the palette (so it only undoes its own)."""

    def __init__(self, app) -> None:
        super().__init__(app)
        self.ours = False


def _state(app) -> _Scheme:
    state = app.findChild(_Scheme)
    return state if state is not None else _Scheme(app)


def apply_scheme(app, scheme: Qt.ColorScheme) -> None:
    """Dark or light palette for ``scheme`` (Unknown: light)."""
    state = _state(app)
    dark = scheme == Qt.ColorScheme.Dark
    if dark and not state.ours and not colors.is_dark(app.palette()):
        app.setPalette(dark_palette())
        state.ours = True
    elif not dark and state.ours:
        app.setPalette(app.style().standardPalette())
        state.ours = False


def follow_system(app) -> None:
    """Apply the system's scheme now and whenever it changes (unless forced)."""
    apply_scheme(app, system_scheme())
    hints = QGuiApplication.styleHints()
    if hasattr(hints, "colorSchemeChanged") and os.environ.get(SCHEME_ENV) is None:
        hints.colorSchemeChanged.connect(lambda scheme: apply_scheme(app, scheme))
