"""Helpers for the session tests."""


class Recorder:
    """Collects the events of a group, as (type, value) pairs."""

    def __init__(self, group) -> None:
        self.events = []
        group.connect(self.add)

    def add(self, event) -> None:
        self.events.append(event)

    def types(self) -> list:
        return [e.type for e in self.events]

    def of(self, name: str) -> list:
        return [e for e in self.events if e.type == name]

    def clear(self) -> None:
        self.events.clear()
