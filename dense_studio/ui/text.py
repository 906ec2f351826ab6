"""Turning exceptions into the one-line messages the window shows."""

from __future__ import annotations

from dense_studio.errors import DenseStudioError

__all__ = ["one_line"]


def one_line(error: BaseException) -> str:
    """A one-line message for ``error``: our own errors as they are, others with their type."""
    if isinstance(error, DenseStudioError):
        text = str(error)
    elif isinstance(error, MemoryError):
        text = "not enough memory for this network and batch size; try fewer units or a smaller batch"
    else:
        text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    first = text.strip().splitlines()[0] if text.strip() else type(error).__name__
    return first[:300]
