"""Keras 3's progress bar (``keras.utils.Progbar``), in plain text.

The line is Keras's: ``1875/1875 ━━━━━━━━━━━━━━━━━━━━ 3s 1ms/step - accuracy: 0.8249 -
loss: 0.4966``. Where it can be redrawn -- a terminal, or a Jupyter notebook, which
understands ``\\r`` -- it is redrawn in place with Keras's colours as training goes; anywhere
else (a log file, a pipe) only the finished line of each epoch is written, so logs get one
line per epoch instead of Keras's hundreds. No widget library is needed.

The values are shown as given (``fit`` passes running means, as Keras's ``ProgbarLogger``).
``clock`` is there so that tests can drive the times.
"""

from __future__ import annotations

import math
import sys
import time
from typing import Callable, Optional

BAR = "━"


def dynamic_output(stream) -> bool:
    """Can ``stream`` redraw a line (a terminal, or a notebook)?"""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) or "ipykernel" in sys.modules


class Progbar:
    """``Progbar(target)`` then ``update(step, [(name, value), ...])`` as Keras's."""

    def __init__(self, target: Optional[int], width: int = 20, verbose: int = 1,
                 interval: float = 0.05, unit_name: str = "step", *,
                 clock: Callable[[], float] = time.time, stream=None,
                 dynamic: Optional[bool] = None) -> None:
        self.target, self.width, self.verbose = target, width, verbose
        self.interval, self.unit_name = interval, unit_name
        self._clock = clock
        self._stream = stream
        self._dynamic = dynamic
        self._values: dict = {}
        self._start = clock()
        self._last_update = 0.0
        self._time_after_first_step: Optional[float] = None
        self._prev_width = 0
        self._seen = 0

    @property
    def stream(self):
        return self._stream if self._stream is not None else sys.stdout  # as print() finds it

    def update(self, current: int, values=None, finalize: Optional[bool] = None) -> None:
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or ():
            self._values[name] = value
        now = self._clock()
        per_step = self._step_duration(current, now)
        if self.verbose == 1:
            dynamic = dynamic_output(self.stream) if self._dynamic is None else self._dynamic
            if not finalize and (not dynamic or now - self._last_update < self.interval):
                return
            self._write(self._line(current, now, per_step, finalize, dynamic), dynamic, finalize)
        elif self.verbose == 2 and finalize and self.target:
            line = (f"{self._count(current)} - {now - self._start:.0f}s -"
                    f"{self._format_time(per_step)}{self._metrics()}")
            self._print(line + "\n")
        self._last_update = now

    def add(self, steps: int, values=None) -> None:
        self.update(self._seen + steps, values)

    # -- the line -------------------------------------------------------------------------
    def _line(self, current, now, per_step, finalize, color) -> str:
        bold, green, grey, plain = ("\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m") if color \
            else ("", "", "", "")
        if self.target:
            done = int(self.width * current / self.target)
            bar_char = BAR if can_encode(self.stream, BAR) else "="
            bar = f"{bold}{self._count(current)}{plain} "
            if done > 0:
                bar += f"{green}{bar_char * done}{plain}"
            bar += f"{grey}{bar_char * (self.width - done)}{plain}"
        else:
            bar = "%7d/Unknown" % current
        if self.target and not finalize:
            info = f" {bold}{_format_eta(per_step * (self.target - current))}{plain}"
        else:
            info = f" {bold}{now - self._start:.0f}s{plain}"
        return bar + info + self._format_time(per_step) + self._metrics()

    def _count(self, current) -> str:
        digits = int(math.log10(self.target)) + 1
        return f"{current:{digits}d}/{self.target}"

    def _metrics(self) -> str:
        text = ""
        for name, value in self._values.items():
            shown = f"{value:.4f}" if abs(value) > 1e-3 else f"{value:.4e}"
            text += f" - {name}: {shown}"
        return text

    def _format_time(self, per_step: float) -> str:
        if per_step >= 1 or per_step == 0:
            return f" {per_step:.0f}s/{self.unit_name}"
        if per_step >= 1e-3:
            return f" {per_step * 1e3:.0f}ms/{self.unit_name}"
        return f" {per_step * 1e6:.0f}us/{self.unit_name}"

    def _step_duration(self, current: int, now: float) -> float:
        """Keras's estimate: the first step (warm-up) is left out once there are more."""
        self._seen = current
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            per_step = (now - self._time_after_first_step) / (current - 1)
        else:
            per_step = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_step

    # -- output ---------------------------------------------------------------------------
    def _write(self, line: str, dynamic: bool, finalize: bool) -> None:
        width = len(_strip_colours(line))
        text = ("\r" if dynamic else "") + line
        if dynamic and self._prev_width > width:
            text += " " * (self._prev_width - width)  # cover the end of a longer line
        self._prev_width = width
        self._print(text + ("\n" if finalize else ""))

    def _print(self, text: str) -> None:
        stream = self.stream
        stream.write(text)
        stream.flush()


def _format_eta(eta: float) -> str:
    if eta > 3600:
        return "%d:%02d:%02d" % (eta // 3600, (eta % 3600) // 60, eta % 60)
    if eta > 60:
        return "%d:%02d" % (eta // 60, eta % 60)
    return "%ds" % eta


def _strip_colours(text: str) -> str:
    for code in ("\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"):
        text = text.replace(code, "")
    return text


def can_encode(stream, text: str) -> bool:
    try:
        text.encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True
