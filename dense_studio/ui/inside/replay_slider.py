"""``replaySlider``: replay a run epoch by epoch (weight images, diagram, confusion matrix).

At its right end it follows training live; moved back, it stays on the epoch chosen while
new epochs arrive. It states how many epochs' weights are kept and the memory budget.
"""

from __future__ import annotations

from typing import Optional, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QSlider, QVBoxLayout, QWidget

from dense_studio.engine.describe import format_bytes
from dense_studio.ui.inside.strings import Retranslating, tr, trf
from dense_studio.ui.names import name_widget


class ReplaySlider(Retranslating, QWidget):
    """``replaySlider``: chooses one of the kept epochs. ``positionChosen(position)``."""

    positionChosen = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._epochs: list[Optional[float]] = []
        self._memory = (0, 1, 0)  # bytes kept, budget, epochs thinned out
        self.slider = QSlider(Qt.Orientation.Horizontal)
        name_widget(self.slider, "replaySlider")
        self.slider.setPageStep(1)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.valueChanged.connect(self._moved)
        self.caption = QLabel()
        self.caption.setObjectName("replayCaption")
        self.memory = QLabel()
        self.memory.setObjectName("replayMemory")
        # Its text grows with the run: it must not widen the panel.
        self.memory.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row = QHBoxLayout()
        row.addWidget(self.caption)
        row.addWidget(self.slider, 1)
        layout = QVBoxLayout(self)  # the memory line under the slider: never cut short
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(0)
        layout.addLayout(row)
        layout.addWidget(self.memory)
        self.set_epochs([], 0, 1)

    def set_epochs(self, epochs: Sequence[Optional[float]], nbytes: int, budget: int,
                   thinned: int = 0) -> None:
        """The kept epochs; stays live (at the newest) if it was, else on its epoch."""
        live = self.is_live()
        old = self.epoch()
        self._epochs, self._memory = list(epochs), (nbytes, budget, thinned)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, len(self._epochs) - 1))
        if live or old not in self._epochs:
            self.slider.setValue(self.slider.maximum())
        else:
            self.slider.setValue(self._epochs.index(old))
        self.slider.setEnabled(len(self._epochs) > 1)
        self.slider.blockSignals(False)
        self.retranslate()

    def position(self) -> int:
        return self.slider.value()

    def set_position(self, position: int) -> None:
        self.slider.setValue(position)

    def epoch(self) -> Optional[float]:
        return self._epochs[self.position()] if self._epochs else None

    def is_live(self) -> bool:
        return self.slider.value() == self.slider.maximum()

    def _moved(self, position: int) -> None:
        self.retranslate()
        self.positionChosen.emit(position)

    def retranslate(self) -> None:
        epoch = self.epoch()
        if epoch is None:
            self.caption.setText(trf("Epoch %1 (latest)", "–"))
        elif self.is_live():
            self.caption.setText(trf("Epoch %1 (latest)", f"{epoch:g}"))
        else:
            self.caption.setText(trf("Epoch %1 (replay)", f"{epoch:g}"))
        nbytes, budget, thinned = self._memory
        text = trf("epochs kept for the replay: %1 (%2 of the %3 budget)", len(self._epochs),
                   format_bytes(nbytes), format_bytes(budget))
        if thinned:
            text += " " + tr("(every other epoch let go to stay within it)")
        self.memory.setText(text)
        self.slider.setToolTip(tr("Replay the training: move back to see the weight images, the "
                                  "diagram and the test results as they were after that epoch. "
                                  "At the right end it follows training live."))
        self.memory.setToolTip(text + "\n" + tr("The weights after each epoch are kept in "
                                                 "memory for the replay, up to this budget."))
