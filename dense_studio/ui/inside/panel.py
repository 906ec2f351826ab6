"""``InsidePanel``: the network from the inside, as one set of tabs with a replay slider.

Tabs: the layer math (``layerMath``), the first layer's weight images (``weightImages``),
the network diagram (``networkDiagram``), the test results (``confusionMatrix`` beside
``mistakesGallery``), and how the canvas becomes the 28×28 input (``preprocessSteps``; it
reads the canvas widget given to ``preprocess_steps.follow_canvas``); under them the
``replaySlider``. Mounting it in the window:

    panel = InsidePanel(session)        # subscribes to the session's events itself
    panel.testEvaluated.connect(...)     # test accuracy and loss, e.g. beside the curves

Clicking a test image puts it on the canvas (``session.show_test_sample``) and emits
``testImageChosen(index)``. Without a session (tests, other hosts) feed it with
:meth:`set_test_data`, :meth:`set_class_names`, :meth:`add_network` and :meth:`set_input`.

Cost control, so that neither a stroke nor training waits for these views:

* canvas changes are throttled to one update per ``INPUT_INTERVAL_MS`` (the first at once),
  ``TRAINING_INPUT_INTERVAL_MS`` while a run trains (GUI-thread Python time is taken from
  the training thread, which shares the GIL);
* only the visible tab is redrawn, and nothing while the panel is hidden (the window's
  curves tab shown); the others catch up when they are shown;
* the test split is evaluated in a worker thread (:mod:`evaluator`), latest request first.
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
from PySide6.QtCore import QElapsedTimer, QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QSplitter, QTabWidget, QVBoxLayout, QWidget
from shiboken6 import isValid

from dense_studio.files.session_file import InputSource
from dense_studio.insight.evaluation import TestReport
from dense_studio.insight.history import DEFAULT_BUDGET_BYTES, EpochRecorder, WeightHistory
from dense_studio.insight.layer_math import layer_math
from dense_studio.insight.network import Network
from dense_studio.ui.i18n import class_name_for_display
from dense_studio.ui.inside.confusion_view import ConfusionMatrixView
from dense_studio.ui.inside.evaluator import TestEvaluator
from dense_studio.ui.inside.layer_math_view import LayerMathView
from dense_studio.ui.inside.mistakes_view import MistakesGallery
from dense_studio.ui.inside.network_diagram_view import NetworkDiagramView
from dense_studio.ui.inside.preprocess_view import PreprocessView
from dense_studio.ui.inside.replay_slider import ReplaySlider
from dense_studio.ui.inside.strings import tr
from dense_studio.ui.inside.weight_images_view import WeightImagesView
from dense_studio.ui.names import name_widget

#: At most one input update per this many milliseconds while a stroke is drawn, as the bars
#: (one update
#: costs ~3 ms of Python and ~4 ms of painting).
INPUT_INTERVAL_MS = 8
#: The same while a model trains: as the bars' (``prediction.TRAINING_INTERVAL_MS``), whose
#: predictions bring the inputs, so both update in the same tenth of a second.
TRAINING_INPUT_INTERVAL_MS = 100


class InsidePanel(QWidget):
    """The Inside views for ``session`` (or fed by hand when ``session`` is None)."""

    testImageChosen = Signal(int)
    testEvaluated = Signal(object)  # the TestReport of the newest weights

    def __init__(self, session=None, parent=None, *,
                 budget_bytes: int = DEFAULT_BUDGET_BYTES) -> None:
        super().__init__(parent)
        name_widget(self, "insidePanel")
        self.session = session
        self._raw_names: tuple = ()
        self._network: Optional[Network] = None  # the weights shown (live or replayed)
        self._image: Optional[np.ndarray] = None
        self._source = InputSource()
        self._pending_input: Optional[tuple] = None
        self._test_images: Optional[np.ndarray] = None
        self._latest_report: Optional[TestReport] = None
        self._report: Optional[TestReport] = None  # the shown weights' report, when ready
        self._stale: set[str] = set()

        self.layer_math = LayerMathView()
        self.weight_images = WeightImagesView()
        self.diagram = NetworkDiagramView()
        self.confusion = ConfusionMatrixView()
        self.mistakes = MistakesGallery()
        self.replay = ReplaySlider()
        self.preprocess_steps = PreprocessView()
        self.evaluator = TestEvaluator(self)
        results = QSplitter(Qt.Orientation.Horizontal)
        results.setObjectName("testResults")
        results.addWidget(self.confusion)
        results.addWidget(self.mistakes)
        results.setStretchFactor(0, 3)
        results.setStretchFactor(1, 2)
        results.setChildrenCollapsible(False)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("insideTabs")
        self._tab_keys = ("math", "images", "diagram", "results", "steps")
        for widget in (self.layer_math, self.weight_images, self.diagram, results,
                       self.preprocess_steps):
            self.tabs.addTab(widget, "")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.replay)

        self._input_timer = QTimer(self)
        self._input_timer.setSingleShot(True)
        self._input_timer.timeout.connect(self._apply_input)
        self._since_input = QElapsedTimer()
        self._interval = INPUT_INTERVAL_MS
        # While a run trains, an epoch's updates run one per event-loop pass (see _later).
        self._training = False
        self._queue: list = []
        self._queue_timer = QTimer(self)
        self._queue_timer.setSingleShot(True)
        self._queue_timer.setInterval(0)
        self._queue_timer.timeout.connect(self._run_queued)

        self.tabs.currentChanged.connect(lambda _i: self._refresh())
        self.replay.positionChosen.connect(self._show_position)
        self.evaluator.ready.connect(self._report_ready)
        self.weight_images.unitChosen.connect(lambda unit: self.layer_math.select_unit(0, unit))
        self.layer_math.unitChosen.connect(
            lambda layer, unit: self.weight_images.select_unit(unit if layer == 0 else None))
        self.confusion.cellChosen.connect(lambda t, p: self.mistakes.show_cell((t, p)))
        self.mistakes.testImageChosen.connect(self._test_image_chosen)
        self.retranslate()

        if session is None:
            self.history = WeightHistory(budget_bytes)
            self._recorder = None
        else:
            self._recorder = EpochRecorder(session, WeightHistory(budget_bytes))
            self.history = self._recorder.history
            self._recorder.events.history.connect(self._on_history)
            session.events.canvas.connect(self._on_canvas)
            session.events.dataset.connect(self._on_dataset)
            session.events.model.connect(self._on_model)
            session.events.run_started.connect(lambda _e: self._set_training(True))
            session.events.run_finished.connect(lambda _e: self._set_training(False))
            self._on_model(None)
            if session.dataset is not None:
                self.preprocess_steps.set_style(session.dataset.style)
                self.set_test_data(session.dataset.x_test, session.dataset.y_test)
            self.set_input(session.canvas.image, session.canvas.source)
            self._history_changed()

    # ================================================================ explicit interface
    def set_class_names(self, names: Sequence[str]) -> None:
        """The dataset's class names (as the data name them; shown translated)."""
        self._raw_names = tuple(names)
        names = self.class_names()
        self.confusion.set_class_names(names)
        self.mistakes.set_test_images(self._test_images, names)
        self._stale.update(("math", "images", "diagram"))
        self._refresh()

    def class_names(self) -> tuple:
        return tuple(class_name_for_display(n) for n in self._raw_names)

    def set_test_data(self, x: Optional[np.ndarray], y: Optional[np.ndarray]) -> None:
        """The test split to evaluate (None: none yet)."""
        self._test_images = x
        self.evaluator.set_test_data(x, y)
        self._latest_report = None
        self.mistakes.set_test_images(x, self.class_names())
        self._evaluate()

    def add_network(self, network: Network) -> None:
        """Keep ``network`` (with its epoch) as the newest weights (without a session)."""
        self.history.add(network)
        self._history_changed()

    def set_input(self, image: Optional[np.ndarray], source: InputSource = InputSource()) -> None:
        """The canvas's 28×28 input (None: empty); applied throttled."""
        self._pending_input = (image, source)
        if self._input_timer.isActive():
            return
        elapsed = self._since_input.elapsed() if self._since_input.isValid() else self._interval
        self._input_timer.start(max(0, self._interval - int(elapsed)))

    def show_preprocess_steps(self) -> None:
        """Show the tab with the steps from the canvas to the 28×28 input."""
        self.tabs.setCurrentWidget(self.preprocess_steps)

    def network(self) -> Optional[Network]:
        """The weights the views show (the newest, or the replayed epoch's)."""
        return self._network

    def latest_report(self) -> Optional[TestReport]:
        return self._latest_report

    # ================================================================ session events
    def _on_history(self, _event) -> None:
        if isValid(self):
            self._history_changed()

    def _on_canvas(self, event) -> None:
        if isValid(self):
            self.set_input(event.value, event.origin)

    def _on_dataset(self, event) -> None:
        if not isValid(self):
            return
        dataset = event.value
        if dataset is None:
            self.set_test_data(None, None)
        else:
            self.preprocess_steps.set_style(dataset.style)
            self.set_class_names(dataset.class_names)
            self.set_test_data(dataset.x_test, dataset.y_test)

    def _set_training(self, training: bool) -> None:
        if not isValid(self):
            return
        self._training = training
        self._interval = TRAINING_INPUT_INTERVAL_MS if training else INPUT_INTERVAL_MS
        if not training:  # the run is over: what is still queued, now
            while self._queue:
                self._queue.pop(0)()

    def _later(self, step) -> None:
        """Run ``step`` now, or while training in an event-loop pass of its own: an epoch's
        updates (the views' new weights, the evaluation's start) each take a few to some
        tens of milliseconds, and the training thread holds the GIL in between; run in one
        go they would stall the window."""
        if not self._training:
            step()
            return
        if step not in self._queue:
            self._queue.append(step)
        if not self._queue_timer.isActive():
            self._queue_timer.start()

    def _run_queued(self) -> None:
        if self._queue:
            self._queue.pop(0)()
        if self._queue:
            self._queue_timer.start()

    def _on_model(self, _event) -> None:
        if isValid(self) and tuple(self.session.class_names) != self._raw_names:
            self.set_class_names(self.session.class_names)

    # ================================================================ updating
    def _history_changed(self) -> None:
        history = self.history
        self.replay.set_epochs(history.epochs, history.nbytes, history.budget_bytes,
                               history.thinned)
        self._show_position(self.replay.position())

    def _show_position(self, position: int) -> None:
        network = self.history[position] if len(self.history) else None
        if network is self._network:
            return
        self._network, self._report = network, None
        self._stale.update(("math", "images", "diagram", "results"))
        self._later(self._refresh)
        self._later(self._evaluate)

    def _evaluate(self) -> None:
        latest = self.history.latest
        if latest is not None and latest is not self._network:
            self.evaluator.request(latest)  # the newest weights' accuracy, for testEvaluated
        self._report = None
        if self._network is None or not self.evaluator.has_data():
            self.confusion.set_report(None)
            self.mistakes.set_report(None)
            return
        if self.evaluator.request(self._network) is None and self._report is None:
            self.confusion.set_report(None, evaluating=True)
            self.mistakes.set_report(None)

    def _report_ready(self, network: Network, report: TestReport) -> None:
        if network is self.history.latest:
            self._latest_report = report
            self.testEvaluated.emit(report)
        if network is self._network:
            self._report = report
            self.confusion.set_report(report)  # cheap: counts and a repaint
            self._stale.add("results")  # the gallery's thumbnails: when it is shown
            self._refresh()

    def _apply_input(self) -> None:
        self._since_input.start()
        if self._pending_input is None:
            return
        (self._image, self._source), self._pending_input = self._pending_input, None
        self._stale.update(("input", "steps"))
        self._refresh()

    def _refresh(self) -> None:
        """Bring the visible tab up to date (the others when they are shown; all of them
        when the panel is shown, e.g. its tab in the window chosen)."""
        if not self.isVisible():
            return
        key = self._tab_keys[self.tabs.currentIndex()]
        network, names = self._network, self.class_names()
        if key == "math":
            if "math" in self._stale:  # (the input with it: one computation, not two)
                self.layer_math.set_network(network, names, self._image, self._source)
                self._stale.discard("math")
            else:
                self.layer_math.set_input(self._image, self._source)
        elif key == "images" and "images" in self._stale:
            self.weight_images.set_network(network, names)
            self._stale.discard("images")
        elif key == "diagram":
            if "diagram" in self._stale:
                self.diagram.set_network(network, names)
                self._stale.discard("diagram")
            self.diagram.set_values(self._diagram_values())
        elif key == "results" and "results" in self._stale:
            self.mistakes.set_report(self._report)
            self._stale.discard("results")
        elif key == "steps" and "steps" in self._stale:
            self.preprocess_steps.show_input(self._image, self._source)
            self._stale.discard("steps")

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self._refresh()

    def _diagram_values(self) -> Optional[list[np.ndarray]]:
        if self._network is None or self._image is None:
            return None
        math = layer_math(self._network, self._image)
        return [math[0].x, *(layer.a for layer in math)]

    def _test_image_chosen(self, index: int) -> None:
        self.testImageChosen.emit(index)
        if self.session is not None and self.session.dataset is not None:
            self.session.show_test_sample(index)

    # ================================================================ language
    def retranslate(self) -> None:
        titles = (tr("Layer math"), tr("Weight images"), tr("Network diagram"),
                  tr("Test results"), tr("What it sees"))
        tips = (tr("Every Dense layer as the computation it does, for the input on the canvas."),
                tr("What the first layer learned: each unit's weights as an image."),
                tr("The whole network: units, and connections coloured by their weights."),
                tr("How well the network does on the test images, and where it goes wrong."),
                tr("How the picture on the canvas becomes the 28×28 input, step by step."))
        for index, (title, tip) in enumerate(zip(titles, tips)):
            self.tabs.setTabText(index, title)
            self.tabs.setTabToolTip(index, tip)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            if self._raw_names:
                self.set_class_names(self._raw_names)
        super().changeEvent(event)
