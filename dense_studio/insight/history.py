"""The weights kept per epoch, within a memory budget, so a slider can replay a run.

:class:`WeightHistory` holds one :class:`Network` per epoch. When the next one would pass
the budget, it forgets every second epoch between the first and the newest (the replay
then steps 0, 2, 4, … and later 0, 4, 8, …): the whole run stays in view at a coarser step,
and the memory stays under the budget. The reference model (101 770 weights, 0.4 MB an
epoch) fits 160 epochs in the default 64 MB.

:class:`EpochRecorder` fills it from a session's events (the session keeps only the latest
weights): the starting weights, each epoch's end, where a stopped run ended; and it starts
over when the weights are replaced (reset, another model, a model file).
"""

from __future__ import annotations

from typing import Optional

from dense_studio.insight.network import Network, network_of
from dense_studio.session.events import EmitterGroup

__all__ = ["DEFAULT_BUDGET_BYTES", "WeightHistory", "EpochRecorder"]

DEFAULT_BUDGET_BYTES = 64 * 1024 * 1024


class WeightHistory:
    """Networks by epoch, oldest first, in at most ``budget_bytes`` (the newest is always
    kept, even alone over the budget)."""

    def __init__(self, budget_bytes: int = DEFAULT_BUDGET_BYTES) -> None:
        if budget_bytes <= 0:
            raise ValueError("the budget must be positive")
        self.budget_bytes = int(budget_bytes)
        self._entries: list[Network] = []
        self.thinned = 0  # epochs forgotten to stay within the budget

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, position: int) -> Network:
        return self._entries[position]

    @property
    def epochs(self) -> list[Optional[float]]:
        return [entry.epoch for entry in self._entries]

    @property
    def latest(self) -> Optional[Network]:
        return self._entries[-1] if self._entries else None

    @property
    def nbytes(self) -> int:
        return sum(entry.nbytes for entry in self._entries)

    def clear(self) -> None:
        self._entries.clear()
        self.thinned = 0

    def add(self, network: Network) -> None:
        """Keep ``network`` as the newest (it replaces a newest one of the same epoch);
        a different architecture starts the history over."""
        latest = self.latest
        if latest is not None and not network.same_shape(latest):
            self.clear()
        elif latest is not None and latest.epoch == network.epoch:
            self._entries.pop()
        self._entries.append(network)
        self._thin()

    def _thin(self) -> None:
        while self.nbytes > self.budget_bytes and len(self._entries) > 1:
            if len(self._entries) == 2:
                self.thinned += 1
                del self._entries[0]
                continue
            interior = self._entries[1:-1]
            keep = interior[1::2]  # drop positions 1, 3, 5, … of the whole list
            self.thinned += len(interior) - len(keep)
            self._entries = [self._entries[0], *keep, self._entries[-1]]


class EpochRecorder:
    """Records a session's weights per epoch into ``history``; announces ``history``
    (value: the :class:`WeightHistory`) after each change."""

    def __init__(self, session, history: Optional[WeightHistory] = None) -> None:
        self.session = session
        self.history = history if history is not None else WeightHistory()
        self.events = EmitterGroup.named(self, "history")
        events = session.events
        events.weights.connect(self._weights)
        events.epoch.connect(self._epoch)
        events.run_started.connect(self._run_started)
        events.run_finished.connect(self._run_finished)
        events.model.connect(self._status)
        self._weights(None)

    def _snapshot(self, epoch: Optional[float] = None) -> Optional[Network]:
        state = self.session.model
        if state.predictor is None:
            return None
        return network_of(state.predictor, state.epochs_trained if epoch is None else epoch)

    def _weights(self, _event) -> None:
        # While a run trains, the weights change at epoch ends: _epoch records them.
        if self.session.model.training:
            return
        snapshot = self._snapshot()
        if snapshot is None:
            self.history.clear()
        elif snapshot.same_weights(self.history.latest):
            return
        else:  # new weights from outside a run (reset, rebuild, a file): a new story
            self.history.clear()
            self.history.add(snapshot)
        self.events.history(self.history)

    def _status(self, event) -> None:
        # Reset announces the new weights before the epoch count drops to 0: relabel them.
        latest, status = self.history.latest, event.value
        if status.training or latest is None or len(self.history) != 1 \
                or latest.epoch == status.epochs_trained:
            return
        self.history.clear()
        self.history.add(latest.with_epoch(status.epochs_trained))
        self.events.history(self.history)

    def _run_started(self, event) -> None:
        snapshot = self._snapshot(event.value.initial_epoch)
        if snapshot is not None and not snapshot.same_weights(self.history.latest):
            self.history.clear()
            self.history.add(snapshot)
            self.events.history(self.history)

    def _epoch(self, event) -> None:
        snapshot = self._snapshot(event.run.initial_epoch + event.value.epoch + 1)
        if snapshot is not None:
            self.history.add(snapshot)
            self.events.history(self.history)

    def _run_finished(self, _event) -> None:
        # A stopped run ends between epochs: keep where it stopped as well.
        snapshot = self._snapshot()
        if snapshot is not None and not snapshot.same_weights(self.history.latest):
            self.history.add(snapshot)
            self.events.history(self.history)
