"""Opening a file that may come from a stranger: a regular file of bounded size, or a reason.

Images and model files both go through here, so "what may we read" has one answer: not a
FIFO (reading one named ``fifo.png`` would wait forever for a writer), not a device (a
``/dev/zero`` never ends), nothing larger than the caller's limit, and the checks are made
on the file actually opened (``fstat``), not on a name that could change in between.
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO


class UnreadableFile(Exception):
    """Why a file was not opened, as a short phrase without the file's name."""


def open_regular_file(path, max_bytes: int, what: str) -> tuple[BinaryIO, int]:
    """``(binary file, size)`` for a regular, non-empty file of at most ``max_bytes``.

    ``what`` names the expected content in messages ("an image", "a model file").
    O_NONBLOCK makes opening a FIFO return at once (it is then refused by ``fstat``).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise UnreadableFile("no such file") from None
    except IsADirectoryError:
        raise UnreadableFile(f"is a folder, not {what}") from None
    except PermissionError:
        raise UnreadableFile("cannot read: permission denied") from None
    except (OSError, ValueError, TypeError) as error:
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        raise UnreadableFile(f"cannot open: {reason}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile(f"is a folder, not {what}")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile("is not a regular file")
        if info.st_size == 0:
            raise UnreadableFile(f"is empty, not {what}")
        if info.st_size > max_bytes:
            raise UnreadableFile(
                f"is too large for {what} ({info.st_size:,} bytes; "
                f"the limit is {max_bytes // (1 << 20)} MB)"
            )
        return os.fdopen(fd, "rb"), info.st_size
    except BaseException:
        os.close(fd)
        raise
