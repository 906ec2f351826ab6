"""Errors whose message is meant for the person using Dense Studio.

Every expected failure (bad argument, corrupt file, diverged training...) raises a
subclass of :class:`DenseStudioError` with a one-line message. The command line prints it
as ``error: <message>``; the window shows it in a dialog or the status bar. Anything else
is a bug.
"""


class DenseStudioError(Exception):
    """A problem the user can understand and fix; ``str(error)`` is one line."""


class ConfigError(DenseStudioError, ValueError):
    """An invalid layer, optimizer or training setting."""


class DatasetError(DenseStudioError):
    """A dataset that cannot be found, read or trusted."""


class ImageError(DenseStudioError):
    """An image file that cannot be read."""


class ModelFileError(DenseStudioError):
    """A model file that is missing, corrupt, hostile or does not fit the data."""


def one_line(error: BaseException | str, limit: int = 300) -> str:
    """The one-line message a person sees for ``error``: a text or our own errors as they
    are, a MemoryError as advice, anything else with its type; the first line, at most
    ``limit`` characters. The command line prints it after ``error:``; the window shows it."""
    if isinstance(error, str):
        text = error
    elif isinstance(error, DenseStudioError):
        text = str(error)
    elif isinstance(error, MemoryError):
        text = "not enough memory for this network and batch size; try fewer units or a smaller batch"
    else:
        text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    if not text.strip():
        return "" if isinstance(error, str) else type(error).__name__
    first = text.strip().splitlines()[0]
    return first[:limit]
