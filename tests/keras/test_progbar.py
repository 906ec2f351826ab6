"""Keras's progress line: redrawn with ``\\r`` where that works, one line per epoch elsewhere."""

import io
import re

import pytest

from dense_studio.keras.progbar import Progbar

BOLD, GREEN, GREY, PLAIN = "\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"


class FakeClock:
    def __init__(self, now=100.0):
        self.now = now

    def __call__(self):
        return self.now


def drive(dynamic, verbose=1, times=(100.5, 101.0, 101.5, 102.0)):
    clock, stream = FakeClock(), io.StringIO()
    bar = Progbar(4, verbose=verbose, clock=clock, stream=stream, dynamic=dynamic)
    for step, now in enumerate(times, start=1):
        clock.now = now
        bar.update(step, [("accuracy", 0.25 * step), ("loss", 2.0 / step)])
    return stream.getvalue()


def test_a_terminal_or_notebook_gets_the_line_redrawn_in_keras_s_colours():
    out = drive(dynamic=True)
    assert out.count("\r") == 4 and out.endswith("\n") and out.count("\n") == 1
    first, *_, last = out.split("\r")[1:]
    assert first == (f"{BOLD}1/4{PLAIN} {GREEN}{'━' * 5}{PLAIN}{GREY}{'━' * 15}{PLAIN} "
                     f"{BOLD}1s{PLAIN} 500ms/step - accuracy: 0.2500 - loss: 2.0000")  # ETA 1.5 s
    assert last == (f"{BOLD}4/4{PLAIN} {GREEN}{'━' * 20}{PLAIN}{GREY}{PLAIN} {BOLD}2s{PLAIN} "
                    "500ms/step - accuracy: 1.0000 - loss: 0.5000\n")


def test_elsewhere_only_the_finished_line_is_written_without_colour():
    assert drive(dynamic=False) == "4/4 ━━━━━━━━━━━━━━━━━━━━ 2s 500ms/step - accuracy: 1.0000 - loss: 0.5000\n"


def test_verbose_2_writes_keras_s_short_line():
    assert drive(dynamic=True, verbose=2) == "4/4 - 2s - 500ms/step - accuracy: 1.0000 - loss: 0.5000\n"


def test_redraws_are_throttled_to_the_interval():
    out = drive(dynamic=True, times=(100.01, 100.02, 100.03, 100.04))
    assert out.count("\r") == 2  # the first update after 0.05 s and the final one


def test_a_shorter_line_covers_the_longer_one_before_it():
    clock, stream = FakeClock(), io.StringIO()
    bar = Progbar(2, clock=clock, stream=stream, dynamic=True)
    clock.now = 101
    bar.update(1, [("loss", 123456.0)])
    clock.now = 102
    bar.update(2, [("loss", 1.0)])
    first, second = stream.getvalue().split("\r")[1:]
    second = second.removesuffix("\n")
    assert len(second) == len(first) and second.endswith(" " * len("23456"))


@pytest.mark.parametrize("verbose, lines", [(0, 0), (1, 2), (2, 2)])
def test_fit_prints_one_line_per_epoch_to_a_log(digits, capsys, small_model, verbose, lines):
    small_model().fit(*digits[:2], epochs=2, batch_size=100, verbose=verbose)
    out = capsys.readouterr().out
    if not lines:
        assert out == ""
        return
    progress = [line for line in out.splitlines() if not line.startswith("Epoch")]
    assert out.splitlines()[0] == "Epoch 1/2" and len(progress) == lines
    assert "\r" not in out and "\x1b" not in out
    pattern = (r"6/6 ━{20} \d+s \d+[mu]?s/step - accuracy: \d\.\d{4} - loss: \d\.\d{4}" if verbose == 1
               else r"6/6 - \d+s - \d+[mu]?s/step - accuracy: \d\.\d{4} - loss: \d\.\d{4}")
    assert all(re.fullmatch(pattern, line) for line in progress), progress


def test_a_notebook_counts_as_a_display_a_pipe_does_not(monkeypatch):
    import sys
    import types

    from dense_studio.keras.progbar import dynamic_output

    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    assert not dynamic_output(io.StringIO())
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    assert dynamic_output(io.StringIO())
