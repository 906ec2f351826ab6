"""Shared by the command-line tests: run ``main`` in-process, read its one error line."""

from __future__ import annotations

import contextlib
import io

import pytest

from dense_studio.cli import main
from dense_studio.engine.model import Sequential


def run_main(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err
    return lines[0]


@pytest.fixture
def no_training(monkeypatch):
    """Training must not start: any call to the engine's training loop fails the test."""
    def train(*args, **kwargs):
        raise AssertionError("training started before the input was checked")

    monkeypatch.setattr(Sequential, "train", train)
