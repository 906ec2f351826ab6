"""Keras's automatic names: "dense", "dense_1", "dense_2"... counted per session and per
stem, so two models built in one script never share a layer name (as in Keras)."""

from __future__ import annotations

import itertools
from collections import defaultdict

_counters: dict = defaultdict(itertools.count)


def unique(stem: str) -> str:
    number = next(_counters[stem])
    return stem if number == 0 else f"{stem}_{number}"
