"""The napari-style events the session announces with."""

import gc
import threading

import pytest

from dense_studio.session.events import EmitterGroup, EventEmitter


def test_callbacks_get_the_value_and_extras_in_connection_order():
    emitter = EventEmitter("layers", source="model")
    got = []
    emitter.connect(lambda e: got.append(("first", e.type, e.source, e.value, e.row)))
    emitter.connect(lambda e: got.append(("second", e.value)))
    emitter((1, 2), row=0)
    assert got == [("first", "layers", "model", (1, 2), 0), ("second", (1, 2))]


def test_last_callbacks_run_after_the_others_whenever_they_connected():
    emitter = EventEmitter("x")
    got = []
    emitter.connect(lambda e: got.append("model"), last=True)
    emitter.connect(lambda e: got.append("view 1"))
    emitter.connect(lambda e: got.append("view 2"))
    emitter(1)
    assert got == ["view 1", "view 2", "model"]


def test_disconnect_and_blocker():
    emitter = EventEmitter("x")
    got = []
    callback = emitter.connect(got.append)
    with emitter.blocker():
        assert emitter(1) is None
    emitter.disconnect(callback)
    emitter(2)
    assert got == []


def test_paused_announces_only_the_last_value_at_the_end():
    group = EmitterGroup.named(None, "a", "b")
    got = []
    group.connect(lambda e: got.append((e.type, e.value)))
    with group.paused():
        group.a(1)
        group.a(2)
        group.b("x")
        assert got == []
    assert sorted(got) == [("a", 2), ("b", "x")]


def test_a_dropped_view_stops_receiving():
    class View:
        def __init__(self):
            self.seen = 0

        def on_event(self, _event):
            self.seen += 1

    emitter = EventEmitter("x")
    view = View()
    emitter.connect(view.on_event)
    emitter(1)
    assert view.seen == 1
    del view
    gc.collect()
    emitter(2)  # no error, nobody called
    assert emitter.callbacks == []


def test_announcing_from_another_thread_is_refused():
    emitter = EventEmitter("run_progress")
    errors = []

    def worker():
        try:
            emitter(1)
        except RuntimeError as error:
            errors.append(str(error))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert len(errors) == 1 and "another thread" in errors[0]


def test_group_names():
    group = EmitterGroup.named(None, "a")
    assert list(group) == ["a"] and group["a"] is group.a
    with pytest.raises(AttributeError):
        group.b
    with pytest.raises(ValueError):
        group.add(a=EventEmitter("a"))
