"""Writing a file so that it is either the old one or the complete new one, never less.

The data go to a temporary file beside the target (same folder, so the final rename is
atomic), are flushed and fsynced, then ``os.replace`` puts them in place. A temporary's
name carries the writer's process id: a save killed half-way leaves one behind, and the
next save to the same target removes those whose process is gone.

What may be a target is checked first, so a long training run is not wasted at its end:
not an existing folder, device or FIFO (``--output /dev/null`` run as root would replace
the device with a regular file), not a name that leaves no room for the temporary's.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
import time
from pathlib import Path
from typing import Any, Callable

from dense_studio.errors import ModelFileError

#: What a temporary's name adds to the target's: "." + name + ".<pid>.<8 hex>.tmp".
TEMPORARY_EXTRA_BYTES = 1 + 1 + 10 + 1 + 8 + 4
#: Temporaries of writers that did not record their process id count as stale after this.
STALE_SECONDS = 600


def atomic_write(path: str | os.PathLike, write: Callable[[Any], None]) -> None:
    """Call ``write(binary_file)`` on a temporary file beside ``path``, then rename it over.

    The temporary file is created with the usual permissions (umask applies), flushed and
    fsynced before ``os.replace``, and removed if anything fails; the folder is fsynced
    afterwards where the platform allows it. :class:`ModelFileError` if ``path`` cannot be
    a file we write (see :func:`check_target`).
    """
    path = check_target(path)
    parent = path.parent
    remove_stale_temporaries(path)
    tmp = parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as error:
        raise ModelFileError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as error:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(error, OSError):
            raise ModelFileError(f"cannot write {path}: {error.strerror or error}") from None
        raise
    _fsync_folder(parent)


def check_target(path: str | os.PathLike, extra_name_bytes: int = 0) -> Path:
    """``path`` as a Path, if a file may be written there; a one-line error otherwise.

    ``extra_name_bytes``: room to keep for a longer name beside it (e.g. ".diverged").
    """
    text = os.fspath(path)
    if not text:
        raise ModelFileError("cannot write a file with an empty name")
    if text.endswith(("/", os.sep)) or os.path.basename(text) in (".", ".."):
        raise ModelFileError(f"cannot write {text}: it names a folder, not a file")
    path = Path(text)
    parent = path.parent
    name_max = _name_max(parent)
    room = name_max - TEMPORARY_EXTRA_BYTES - extra_name_bytes
    if len(os.fsencode(path.name)) > room:
        raise ModelFileError(
            f"cannot write {text[:80]}...: the file name is too long "
            f"({len(os.fsencode(path.name))} bytes; at most {room} here)"
        )
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise ModelFileError(f"cannot write {path}: {error.strerror or error}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise ModelFileError(f"cannot write {path}: it is a folder")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise ModelFileError(
            f"cannot write {path}: it exists and is not a regular file (a device or a pipe?)"
        )
    if not parent.is_dir():
        raise ModelFileError(f"cannot write {path}: folder {parent} does not exist")
    return path


def check_writable(path: str | os.PathLike, extra_name_bytes: int = 0) -> Path:
    """:func:`check_target`, and the folder is writable: fail before a long run, not after."""
    path = check_target(path, extra_name_bytes)
    if not os.access(path.parent, os.W_OK):
        raise ModelFileError(f"cannot write {path}: folder {path.parent} is not writable")
    return path


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporaries of earlier writes to ``path`` that can no longer finish."""
    pattern = re.compile(
        r"\." + re.escape(path.name) + r"\.(?:([0-9]{1,10})\.)?[0-9a-f]{8}\.tmp"
    )
    removed = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None or not entry.is_file(follow_symlinks=False):
            continue
        pid = match.group(1)
        try:
            stale = (_process_gone(int(pid)) if pid is not None
                     else time.time() - entry.stat().st_mtime > STALE_SECONDS)
            if stale:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue  # gone meanwhile, or not ours to remove
    return removed


def _process_gone(pid: int) -> bool:
    if pid == os.getpid():
        return False  # another thread of ours may be writing it right now
    if os.name != "posix":
        return False  # os.kill(pid, 0) would terminate the process on Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError, OSError):
        return False
    return False


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder if str(folder) else ".", "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return 255


def _fsync_folder(folder: Path) -> None:
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # e.g. Windows: folders cannot be opened; the rename is still atomic
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


__all__ = ["atomic_write", "check_target", "check_writable", "remove_stale_temporaries"]
