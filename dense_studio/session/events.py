"""Plain Python events in napari's style: ``obj.events.name.connect(callback)``.

An :class:`EventEmitter` calls its callbacks with an :class:`Event` whose ``value`` is the
new state (and a few named extras). An :class:`EmitterGroup` gathers a model's emitters
under attribute names; connecting to the group connects to all of them.

Two ways to hold announcements back, both napari's:

* ``blocker()`` drops them (the caller already knows, e.g. a view writing its own edit);
* ``paused()`` defers them and, when the block ends, announces only the *last* one of each
  emitter, so a change of many things at once (opening a file) redraws each view once.

Announcements belong to one thread: an emitter remembers the thread that made it and
refuses to announce from any other (a training thread must never call into the window).
Bound methods are held weakly, so a view that goes away stops receiving events even if it
forgot to disconnect.
"""

from __future__ import annotations

import contextlib
import inspect
import threading
import weakref
from typing import Any, Callable, Iterator

__all__ = ["Event", "EventEmitter", "EmitterGroup"]


class Event:
    """What happened: ``type`` (the emitter's name), ``source`` (the model), ``value`` (the
    new state) and any extras given by the emitter, as attributes."""

    def __init__(self, type: str, source: Any, value: Any = None, **extras: Any) -> None:
        self.type = type
        self.source = source
        self.value = value
        self.__dict__.update(extras)

    def __repr__(self) -> str:
        return f"<Event {self.type} value={self.value!r}>"[:200]


class EventEmitter:
    """Calls connected callbacks, in the order they connected, with an :class:`Event`."""

    def __init__(self, type: str, source: Any = None) -> None:
        self.type = type
        self.source = source
        self._callbacks: list[tuple[Callable[[], Callable | None], bool]] = []  # (ref, last)
        self._blocked = 0
        self._paused = 0
        self._deferred: tuple | None = None
        self._thread = threading.get_ident()

    def connect(self, callback: Callable[[Event], Any], *, last: bool = False
                ) -> Callable[[Event], Any]:
        """Call ``callback(event)`` on every announcement; returns ``callback``.

        ``last`` callbacks run after all the others: a model's own follow-ups (which may
        announce further events) then come after every view has seen the first event.
        """
        if not callable(callback):
            raise TypeError(f"not callable: {callback!r}")
        if inspect.ismethod(callback):
            ref = weakref.WeakMethod(callback)
        else:
            ref = (lambda cb=callback: cb)
        if last:
            self._callbacks.append((ref, True))
        else:
            firsts = sum(1 for _ref, is_last in self._callbacks if not is_last)
            self._callbacks.insert(firsts, (ref, False))
        return callback

    def disconnect(self, callback: Callable | None = None) -> None:
        """Forget ``callback`` (every callback when None)."""
        if callback is None:
            self._callbacks.clear()
            return
        self._callbacks = [c for c in self._callbacks if c[0]() not in (None, callback)]

    @property
    def callbacks(self) -> list[Callable]:
        return [cb for cb in (ref() for ref, _last in self._callbacks) if cb is not None]

    def __call__(self, value: Any = None, **extras: Any) -> Event | None:
        """Announce ``value``; the event, or None when blocked or deferred."""
        if threading.get_ident() != self._thread:
            raise RuntimeError(
                f"'{self.type}' was announced from another thread: record from worker "
                "threads, announce on the thread that owns the session"
            )
        if self._blocked:
            return None
        if self._paused:
            self._deferred = (value, extras)
            return None
        event = Event(self.type, self.source, value, **extras)
        dead = False
        for ref, _last in list(self._callbacks):
            callback = ref()
            if callback is None:
                dead = True
            else:
                callback(event)
        if dead:
            self._callbacks = [c for c in self._callbacks if c[0]() is not None]
        return event

    @contextlib.contextmanager
    def blocker(self) -> Iterator[None]:
        """Drop every announcement inside the block."""
        self._blocked += 1
        try:
            yield
        finally:
            self._blocked -= 1

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Defer announcements inside the block; announce the last one when it ends."""
        self._paused += 1
        try:
            yield
        finally:
            self._paused -= 1
            if not self._paused and self._deferred is not None:
                (value, extras), self._deferred = self._deferred, None
                self(value, **extras)


class EmitterGroup:
    """A model's emitters by name: ``group.layers``, ``group["layers"]``, ``iter(group)``."""

    def __init__(self, source: Any = None, **emitters: EventEmitter) -> None:
        self.source = source
        self._emitters: dict[str, EventEmitter] = {}
        self.add(**emitters)

    @classmethod
    def named(cls, source: Any, *names: str) -> "EmitterGroup":
        """A group of new emitters, one per name."""
        return cls(source, **{name: EventEmitter(name, source) for name in names})

    def add(self, **emitters: EventEmitter) -> None:
        for name, emitter in emitters.items():
            if name in self._emitters or not name.isidentifier() or name.startswith("_"):
                raise ValueError(f"bad or duplicate event name {name!r}")
            self._emitters[name] = emitter

    def __getattr__(self, name: str) -> EventEmitter:
        try:
            return self.__dict__["_emitters"][name]
        except KeyError:
            raise AttributeError(f"no event named {name!r}") from None

    def __getitem__(self, name: str) -> EventEmitter:
        return self._emitters[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._emitters)

    def connect(self, callback: Callable[[Event], Any], *, last: bool = False
                ) -> Callable[[Event], Any]:
        """Connect ``callback`` to every emitter of the group (e.g. "something changed")."""
        for emitter in self._emitters.values():
            emitter.connect(callback, last=last)
        return callback

    def disconnect(self, callback: Callable | None = None) -> None:
        for emitter in self._emitters.values():
            emitter.disconnect(callback)

    @contextlib.contextmanager
    def blocker_all(self) -> Iterator[None]:
        with contextlib.ExitStack() as stack:
            for emitter in self._emitters.values():
                stack.enter_context(emitter.blocker())
            yield

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Defer every emitter's announcements; each announces its last one at the end."""
        with contextlib.ExitStack() as stack:
            for emitter in self._emitters.values():
                stack.enter_context(emitter.paused())
            yield
