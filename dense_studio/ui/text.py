"""Turning exceptions into the one-line messages the window shows (see ``errors.one_line``)."""

from __future__ import annotations

from dense_studio.errors import one_line

__all__ = ["one_line"]
