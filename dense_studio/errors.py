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
