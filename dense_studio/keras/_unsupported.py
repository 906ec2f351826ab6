"""What a Keras user meets when they reach for something Dense Studio does not have.

Each submodule's ``__getattr__`` comes from :func:`module_getattr`: a public name the module
lacks (``layers.Conv2D``, ``losses.MeanSquaredError``...) raises :class:`NotAvailableError`
saying so by name, with what the module does offer. It is deliberately *not* an
``AttributeError``: ``from dense_studio.keras.layers import Conv2D`` would turn one into
Python's generic "cannot import name", losing the explanation.
"""

from __future__ import annotations

import difflib
import importlib.util
from typing import Callable, Iterable

from dense_studio.errors import ConfigError, DenseStudioError


class NotAvailableError(DenseStudioError, NotImplementedError):
    """A Keras feature that Dense Studio does not implement."""


def not_available(what: str, reason: str = "") -> NotAvailableError:
    """``NotAvailableError("<what> is not available in Dense Studio[; reason]")``."""
    return NotAvailableError(f"{what} is not available in Dense Studio" + (f"; {reason}" if reason else ""))


def module_getattr(module: str, available: Iterable[str], reason: str = "",
                   package: str = "") -> Callable:
    """A module ``__getattr__`` for a Keras namespace (``module`` as Keras spells it).
    For a package, give its ``__name__`` as ``package``: the import system asks a package
    for a submodule before importing it, and must then get an ``AttributeError``."""
    offered = sorted(name for name in available if not name.startswith("_"))

    def __getattr__(name: str):
        if name.startswith("_") or not name.isidentifier() or (
                package and importlib.util.find_spec(f"{package}.{name}") is not None):
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        close = difflib.get_close_matches(name, offered, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        raise NotAvailableError(
            f"{module}.{name} is not available in Dense Studio"
            + (f", which {reason}" if reason else "")
            + f" ({hint}{module} has {', '.join(offered)})"
        )

    return __getattr__


def refuse_unsupported(where: str, **arguments) -> None:
    """Refuse Keras arguments we accept by name only at their default (given as
    ``name=(value, default)``): anything else would silently change the result."""
    for name, (value, default) in arguments.items():
        if _differs(value, default):
            shown = repr(value) if isinstance(value, (str, int, float, type(None))) else type(value).__name__
            raise not_available(f"{where}({name}={shown})")


def _differs(value, default) -> bool:
    if default is None or isinstance(default, bool):
        return value is not default
    try:
        return bool(value != default)
    except (TypeError, ValueError):  # e.g. an array compared with a number
        return True


def check_choice(name: str, value, choices: Iterable) -> None:
    if value not in tuple(choices):
        raise ConfigError(f"Invalid value for argument `{name}`: expected one of "
                          f"{', '.join(map(repr, choices))}. Received: {name}={value!r}")
