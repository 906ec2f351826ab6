"""Names that automation (tests, screen readers, UI scripts) can find a widget by.

Issue 3 asks for the same identifier as objectName and accessibleName; the human-readable,
translated explanation goes into accessibleDescription, which screen readers also speak.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def name_widget(widget: QWidget, name: str, description: str = "") -> QWidget:
    widget.setObjectName(name)
    widget.setAccessibleName(name)
    if description:
        widget.setAccessibleDescription(description)
    return widget
