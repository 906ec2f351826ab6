"""Atomic writes clean up after a writer that was killed half-way (issue 7)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from dense_studio.errors import ModelFileError
from dense_studio.files.atomic import STALE_SECONDS
from dense_studio.files.model_file import atomic_write


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_the_next_save_removes_stale_temporaries_of_its_own_target(tmp_path):
    target = tmp_path / "m.dsmodel"
    stale = [tmp_path / f".m.dsmodel.{dead_pid()}.0123abcd.tmp",
             tmp_path / ".m.dsmodel.89abcdef.tmp"]  # the name older versions used
    kept = [tmp_path / f".m.dsmodel.{os.getppid()}.0123abcd.tmp",  # its writer is alive
            tmp_path / ".m.dsmodel.fedcba98.tmp",  # no process id, and fresh
            tmp_path / f".other.dsmodel.{dead_pid()}.0123abcd.tmp",  # another target's
            tmp_path / ".m.dsmodel.notours.tmp"]
    for path in stale + kept:
        path.write_bytes(b"half a model")
    old = time.time() - STALE_SECONDS - 60
    os.utime(stale[1], (old, old))

    atomic_write(target, lambda f: f.write(b"new"))
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, *(p.name for p in kept)])


def test_an_existing_fifo_or_device_is_never_replaced(tmp_path):
    # A FIFO stands for /dev/null here: a test that failed would replace the real device.
    fifo = tmp_path / "pipe.dsmodel"
    os.mkfifo(fifo)
    with pytest.raises(ModelFileError, match="not a regular file"):
        atomic_write(fifo, lambda f: f.write(b"x"))
    assert not fifo.is_file() and fifo.is_fifo()
