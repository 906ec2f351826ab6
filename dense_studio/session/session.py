"""The session: everything the window shows and edits, without Qt.

It composes the parts (each with its own events) and keeps them consistent: the layer
stack, the training settings, the dataset, the model and its predictor, the run history
and the input on the canvas. The window's panels are views and controllers on it: they
call its methods and redraw on its events (``session.events.NAME.connect(callback)``).

Runs are put together by ``dense_studio.engine.run.prepare_run``, the one run recipe
(validation split, model built from the data's input shape, compiled from the config).
For the threads, see ``runs.py``: record in the worker, announce on the session's thread.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np

from dense_studio.data.catalog import Dataset, normalize_dataset_name as normalize_name
from dense_studio.engine.run import Run, prepare_run, split_validation
from dense_studio.engine.spec import DenseSpec, LayerSpec, TrainingConfig
from dense_studio.engine.training import BatchEnd, EpochEnd, TrainingControl, TrainingEnd
from dense_studio.errors import ConfigError, DenseStudioError, one_line
from dense_studio.files import model_file, session_file
from dense_studio.files.model_file import LoadedModel
from dense_studio.files.session_file import InputSource, SessionData
from dense_studio.session.canvas import CanvasInput
from dense_studio.session.drawings import Drawings, DrawingsScore, FineTune, mixed_training_set
from dense_studio.session.events import EmitterGroup
from dense_studio.session.layers import LayerStack
from dense_studio.session.model import ModelState
from dense_studio.session.runs import RUNNING, RunHistory, RunRecord
from dense_studio.session.settings import TrainingSettings

__all__ = ["Session", "DEFAULT_LAYERS"]

DEFAULT_LAYERS = (DenseSpec(128, "relu"),)
#: The events whose change makes the session differ from its file (the model's weights
#: count once trained: see _weights_changing; a fresh untrained model is not worth a "*").
_SAVED_PARTS = ("layers", "settings", "dataset_name", "runs", "canvas", "drawings")


class Session:
    """One person's work in Dense Studio (see the package docstring for the events).

    ``train_limit`` trains on the first N training images only (tests, benchmarks);
    ``clock`` gives Unix time for the runs' start times (tests pass a fake one).
    """

    def __init__(self, layers: Sequence[LayerSpec] = DEFAULT_LAYERS,
                 settings: TrainingSettings = TrainingSettings(),
                 dataset: str = "fashion_mnist", *, train_limit: Optional[int] = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.layers = LayerStack(layers)
        self.model = ModelState()
        self.runs = RunHistory(clock)
        self.canvas = CanvasInput()
        self.drawings = Drawings(clock)
        self._fine_tune: Optional[FineTune] = None  # the next run's, when asked for
        self._settings = settings
        self._dataset_name = normalize_name(dataset)
        self._dataset: Optional[Dataset] = None
        self.train_limit = train_limit
        self.path: Optional[Path] = None  # the session file
        self.dirty = False
        self._opening = False
        own = EmitterGroup.named(self, "settings", "dataset_name", "dataset", "run_started",
                                 "run_progress", "epoch", "run_finished", "dirty", "file")
        self.events = EmitterGroup(self, **{
            name: group[name] for group in (self.layers.events, self.model.events,
                                            self.runs.events, self.canvas.events,
                                            self.drawings.events, own)
            for name in group})
        # The session's own follow-ups run after the views have seen the change.
        self.layers.events.layers.connect(self._layers_changed, last=True)
        self.model.events.weights.connect(self._predict, last=True)
        self.canvas.events.canvas.connect(self._predict, last=True)
        for name in _SAVED_PARTS:
            self.events[name].connect(self._changed, last=True)

    # ================================================================ settings
    @property
    def settings(self) -> TrainingSettings:
        return self._settings

    def update_settings(self, **changes) -> None:
        """Change some settings (checked together, by the config's rules)."""
        self.set_settings(self._settings.replace(**changes))

    def set_settings(self, settings: TrainingSettings) -> None:
        if not isinstance(settings, TrainingSettings):
            raise ConfigError(f"not training settings: {settings!r}"[:100])
        old, self._settings = self._settings, settings
        changed = frozenset(k for k, v in settings.to_dict().items() if getattr(old, k) != v)
        if changed:
            self.events.settings(settings, changed=changed)

    @property
    def config(self) -> TrainingConfig:
        """The next run's configuration: the settings, the layer stack and the dataset."""
        return self._settings.config(self.layers.layers, self._dataset_name)

    # ================================================================ dataset
    @property
    def dataset_name(self) -> str:
        return self._dataset_name

    @property
    def dataset(self) -> Optional[Dataset]:
        """The loaded dataset, or None until the UI has loaded ``dataset_name``."""
        return self._dataset

    @property
    def class_names(self) -> tuple:
        """As the data name them (the UI translates for display)."""
        if self._dataset is not None:
            return tuple(self._dataset.class_names)
        return self.model.class_names

    @property
    def input_shape(self) -> Optional[tuple]:
        if self._dataset is not None:
            return self._dataset.input_shape
        return self.model.model.input_shape if self.model.model is not None else None

    @property
    def state(self) -> str:
        """"training" (a run holds the model), "loading" (no dataset yet) or "idle"."""
        if self.model.training:
            return "training"
        return "loading" if self._dataset is None else "idle"

    def choose_dataset(self, name: str) -> bool:
        """Choose dataset ``name``; the UI then loads it (off its GUI thread) and hands it to
        :meth:`dataset_loaded`. False if it was already the choice."""
        self._require_idle()
        name = normalize_name(name)
        if name == self._dataset_name:
            return False
        self._switch_dataset(name)
        return True

    def _switch_dataset(self, name: str) -> None:
        # The old dataset goes first: a UI that has the new one at hand may hand it over
        # from inside the ``dataset_name`` announcement.
        self._dataset_name = name
        if self._dataset is not None:
            self._dataset = None
            self.events.dataset(None)
        self.events.dataset_name(name)

    def dataset_loaded(self, dataset: Dataset) -> bool:
        """The UI loaded a dataset. False (and ignored) if it is not the current choice,
        e.g. a slow load finishing after the person chose another one."""
        if dataset.name != self._dataset_name:
            return False
        self._dataset = dataset
        self.events.dataset(dataset)
        model = self.model.model
        fits = model is not None and self.model.dataset == dataset.name and _fits(model, dataset)
        if not fits and not self.model.training:
            self.rebuild_model()
        return True

    # ================================================================ the model
    def rebuild_model(self) -> None:
        """A fresh, untrained model for the layer stack, the settings' seed and the dataset."""
        self._require_idle()
        # Only the model of the run recipe: a split that the next run will refuse (said
        # at Start) must not stop the network from being built (nor early stopping, which
        # needs a split).
        run = self._prepare(model=None, validation_split=0.0, early_stopping_patience=None)
        self._weights_changing()
        self.model.set(run.model, self.config, self._dataset_name, self.class_names)

    def reset_weights(self) -> None:
        """Fresh initial weights from the seed (a new model if the layers changed)."""
        self._require_idle()
        if self.model.model is None or self.model.stale:
            self.rebuild_model()
            return
        self._weights_changing()
        self.model.model.reset_weights(self._settings.seed)
        self.model.sync()
        self.model.update(trained=False, epochs_trained=0.0, metrics={},
                          dirty=self.model.path is not None)

    def _prepare(self, model, fine_tune: Optional[FineTune] = None, **config_changes) -> Run:
        dataset = self._require_dataset()
        x, y = dataset.x_train, dataset.y_train
        if self.train_limit is not None:
            x, y = x[: self.train_limit], y[: self.train_limit]
        if fine_tune is not None:  # the training part only: validation images stay unseen
            x, y, _ = split_validation(x, y, self._settings.validation_split)
            x, y = mixed_training_set(x, y, fine_tune, self._settings.seed)
            config_changes.update(epochs=fine_tune.epochs, validation_split=0.0,
                                  early_stopping_patience=None)
        config = replace(self.config, **config_changes)
        return prepare_run(config, x, y, num_classes=dataset.num_classes, model=model)

    # ================================================================ runs
    def start_run(self) -> RunRecord:
        """Put the next run together and lock the layers; train it with ``record.train()``
        in a worker thread. It goes on from the current weights when the model still
        matches the layers and the dataset, else it starts from a fresh model."""
        self._require_idle()
        fine_tune, self._fine_tune = self._fine_tune, None
        state = self.model
        keep = state.model is not None and not state.stale and state.dataset == self._dataset_name
        if fine_tune is not None and not (keep and state.trained):
            raise ConfigError("fine-tuning needs a trained network for this dataset: train it first")
        run = self._prepare(model=state.model if keep else None, fine_tune=fine_tune)
        if not keep:
            state.set(run.model, run.config, self._dataset_name, self.class_names)
        self.layers.end_merge()
        self.layers.locked = True
        record = self.runs.start(run, initial_epoch=state.epochs_trained)
        if fine_tune is not None:
            self.runs.rename(record.id, fine_tune.name)
        state.update(training=True, config=run.config)
        self.events.run_started(record)
        return record

    @property
    def current_run(self) -> Optional[RunRecord]:
        return self.runs.current

    def run_progress(self, batch: Optional[BatchEnd] = None) -> None:
        """Announce the current run's progress (the UI calls this, throttled)."""
        record = self._require_run()
        self.events.run_progress(record, batch=batch or record.last_batch)

    def epoch_end(self, event: EpochEnd, weights: Sequence[np.ndarray]) -> None:
        """An epoch ended; ``weights`` is the copy the worker took at that moment."""
        record = self._require_run()
        metrics = {"loss": event.loss, "accuracy": event.accuracy}
        if event.val_loss is not None:
            metrics.update(val_loss=event.val_loss, val_accuracy=event.val_accuracy)
        # The status first, then the weights: a view redrawn for the new weights (the
        # prediction) already sees how many epochs they were trained.
        self.model.update(trained=True, epochs_trained=record.initial_epoch + event.epoch + 1,
                          metrics=metrics, dirty=True)
        self.model.sync(weights)
        self._set_dirty(True)
        self.events.epoch(event, run=record)

    def finish_run(self, end: Optional[TrainingEnd], weights=None, message: str = "") -> RunRecord:
        """The run ended (``end``) or failed (``end`` None, with ``message``). The worker
        has let go of the model, so ``weights`` defaults to the model's own."""
        record = self._require_run()
        record.finish(end, message)
        state = self.model
        if weights is not None or end is not None:
            state.sync(weights)
        progressed = record.last_batch is not None and record.status not in ("diverged", "failed")
        epochs = record.initial_epoch + record.epochs_done
        self.layers.locked = False
        state.update(training=False, epochs_trained=epochs,
                     trained=state.trained or epochs > 0 or progressed,
                     dirty=state.dirty or record.last_batch is not None)
        self.events.run_finished(record)
        self.runs.changed()
        return record

    def train(self, control: Optional[TrainingControl] = None, **kwargs) -> RunRecord:
        """Start a run and train it here, in this thread, to the end (the command line,
        tests and scripts; the window trains in a worker thread instead)."""
        record = self.start_run()
        try:
            for event in record.train(control, **kwargs):
                if type(event) is EpochEnd:
                    self.epoch_end(event, self.model.model.get_weights())
                elif type(event) is TrainingEnd:
                    return self.finish_run(event)
        except Exception as error:
            self.finish_run(None, message=one_line(error))
            if not isinstance(error, DenseStudioError):
                raise
            return record
        return self.finish_run(None, message="training ended without a result")

    # ================================================================ the canvas
    def set_input(self, image: Optional[np.ndarray], source: InputSource = InputSource()) -> None:
        """Put a 28×28 image (already preprocessed) on the canvas and predict it."""
        self.canvas.set(image, source)

    def clear_input(self) -> None:
        self.canvas.clear()

    def show_test_sample(self, index: int) -> None:
        """Put test image ``index`` of the loaded dataset on the canvas, with its label."""
        dataset = self._require_dataset()
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) \
                or not 0 <= index < len(dataset.x_test):
            raise ConfigError(f"no test image {index!r} (the test set has {len(dataset.x_test)})")
        index = int(index)
        self.set_input(dataset.x_test[index],
                       InputSource("test_sample", index, int(dataset.y_test[index])))

    def _predict(self, _event=None) -> None:
        image, predictor = self.canvas.image, self.model.predictor
        probabilities = None
        if image is not None and predictor is not None and predictor.input_size == image.size:
            probabilities = self.model.predict(image[np.newaxis])[0]
        self.canvas.set_prediction(probabilities)

    # ================================================================ my drawings
    def add_drawing(self, label: int) -> int:
        """Keep the input on the canvas as a drawing of class ``label``; the count after."""
        if self.canvas.image is None:
            raise ConfigError("the canvas is empty: draw something first")
        return self.drawings.add(self.canvas.image, label, self._dataset_name)

    def score_drawings(self) -> DrawingsScore:
        """How the current weights (the predictor) do on the drawings."""
        if self.model.predictor is None:
            raise ConfigError("there is no network to evaluate yet")
        images, labels = self.drawings.arrays()
        return DrawingsScore.of(self.model.predict, images, labels, len(self.class_names),
                                self.drawings.of_dataset(self._dataset_name))

    def fine_tune_next_run(self, **plan) -> FineTune:
        """Make the next run (``start_run``) fine-tune the model on the training set plus
        the drawings that fit its classes (``plan``: FineTune's epochs, share …)."""
        self._require_idle()
        images, labels = self.drawings.arrays()
        fits = (labels < len(self.class_names)) & self.drawings.of_dataset(self._dataset_name)
        if not fits.any():
            raise ConfigError("there are no drawings of this dataset's classes to learn from")
        self._fine_tune = FineTune(images[fits], labels[fits], **plan)
        return self._fine_tune

    # ================================================================ model files
    def open_model(self, path, loaded: Optional[LoadedModel] = None) -> LoadedModel:
        """Read a model file and show it (layers, settings, dataset, weights). A bad file
        raises ModelFileError and changes nothing. ``loaded``: the file, already read
        (a UI reads it off its GUI thread)."""
        self._require_idle()
        if loaded is None:
            loaded = model_file.load_model(path)
        self._check_fits(loaded, path)
        dataset_name = normalize_name(loaded.dataset_name)
        metrics = dict(loaded.metrics or {})
        epochs = metrics.pop("epochs_trained", None)
        with self.events.paused():
            self._show_model_source(loaded.config, dataset_name)
            self.model.set(loaded.model, loaded.config, dataset_name,
                           loaded.class_names, trained=True,
                           epochs_trained=epochs if epochs is not None else loaded.config.epochs,
                           metrics=metrics, path=Path(path))
        return loaded

    def save_model(self, path) -> Path:
        """Save the predictor's weights (the last epoch's, while training) to a model file."""
        path = Path(path)
        if path.suffix.lower() != model_file.SUFFIX:
            path = path.with_name(path.name + model_file.SUFFIX)
        if self.model.model is None or (self.model.stale and not self.model.training):
            self.rebuild_model()
        loaded = self._loaded_model()
        model_file.save_model(loaded.model, path, loaded.config, loaded.dataset_name,
                              loaded.class_names, loaded.metrics,
                              input_shape=loaded.input_shape)
        self.model.update(path=path, dirty=False)
        return path

    def _loaded_model(self) -> LoadedModel:
        state = self.model
        metrics = {**state.metrics, "epochs_trained": round(state.epochs_trained, 4)}
        return LoadedModel(state.predictor, state.config, state.dataset, state.class_names,
                           metrics, tuple(state.predictor.input_shape), state.path)

    def _check_fits(self, loaded: LoadedModel, path) -> None:
        """A model for the dataset that is loaded must fit it (checked before any change)."""
        dataset = self._dataset
        if dataset is not None and dataset.name == loaded.dataset_name \
                and not _fits(loaded.model, dataset):
            raise model_file.ModelFileError(
                f"{path}: does not fit {loaded.dataset_name} ({loaded.num_classes} classes, "
                f"input {tuple(loaded.input_shape)})")

    def _show_model_source(self, config: TrainingConfig, dataset_name: str) -> None:
        """Layers, settings and dataset as a file gives them (not undoable)."""
        self.layers.set(config.layers)
        self.set_settings(TrainingSettings.from_config(config))
        if dataset_name != self._dataset_name:
            self._switch_dataset(dataset_name)

    # ================================================================ session files
    def to_data(self) -> SessionData:
        """Everything, as a session file stores it (a run still training is stored as
        stopped: what a crash would leave)."""
        runs = []
        for record in self.runs:
            data = record.to_data()
            if data.status == RUNNING:
                data = replace(data, status="stopped", message="interrupted")
            runs.append(data)
        model = self._loaded_model() if self.model.trained else None
        return SessionData(self.config, model, tuple(runs), self.canvas.image,
                           self.canvas.source if self.canvas.image is not None else None,
                           drawings=self.drawings.items)

    def save(self, path) -> Path:
        """Write the whole session to ``path`` (atomically; ``.dssession`` added if
        missing)."""
        path = Path(path)
        if path.suffix.lower() != session_file.SUFFIX:
            path = path.with_name(path.name + session_file.SUFFIX)
        path = session_file.write_session(path, self.to_data())
        self.path = path
        self._set_dirty(False)
        self.events.file(path)
        return path

    def open(self, path, data: Optional[SessionData] = None) -> SessionData:
        """Read a session file and show it; a bad file raises SessionFileError and
        changes nothing. ``data``: the file, already read (off a UI's GUI thread)."""
        self._require_idle()
        if data is None:
            data = session_file.read_session(path)
        if data.model is not None:
            self._check_fits(data.model, path)
        dataset_name = normalize_name(data.config.dataset)
        self._opening = True  # the file's own state: not a change to mark dirty
        try:
            with self.events.paused():  # each view redraws once
                self._show_data(data, dataset_name)
        finally:
            self._opening = False
        self.path = Path(path)
        self._set_dirty(False)
        self.events.file(self.path)
        return data

    def _show_data(self, data: SessionData, dataset_name: str) -> None:
        self._show_model_source(data.config, dataset_name)
        if data.model is not None:
            loaded = data.model
            metrics = dict(loaded.metrics or {})
            epochs = metrics.pop("epochs_trained", 0.0)
            self.model.set(loaded.model, loaded.config, normalize_name(loaded.dataset_name),
                           loaded.class_names, trained=True, epochs_trained=epochs,
                           metrics=metrics)
        elif self._dataset is not None:
            self.rebuild_model()
        else:
            self.model.clear()
        self.runs.replace_all(RunRecord.from_data(run) for run in data.runs)
        self.runs.changed()
        self.canvas.set(data.canvas, data.canvas_source or InputSource())
        self.drawings.replace_all(data.drawings)
        self.drawings.changed()

    # ================================================================ inside
    def _layers_changed(self, event) -> None:
        state = self.model
        if state.model is not None:
            state.update(stale=tuple(event.value) != state.layers)

    def _changed(self, _event) -> None:
        if not self._opening:
            self._set_dirty(True)

    def _weights_changing(self) -> None:
        """Trained weights are about to go: the session no longer matches its file."""
        if self.model.trained:
            self._set_dirty(True)

    def mark_dirty(self) -> None:
        """The work no longer matches any file (e.g. it came back from a recovery file)."""
        self._set_dirty(True)

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self.dirty:
            self.dirty = dirty
            self.events.dirty(dirty)

    def _require_idle(self) -> None:
        if self.model.training:
            raise ConfigError("not while training runs: stop it first")

    def _require_dataset(self) -> Dataset:
        if self._dataset is None:
            raise ConfigError(f"the dataset {self._dataset_name} is not loaded yet")
        return self._dataset

    def _require_run(self) -> RunRecord:
        record = self.runs.current
        if record is None:
            raise ConfigError("no run is training")
        return record


def _fits(model, dataset: Dataset) -> bool:
    """Whether ``model`` takes ``dataset``'s images and predicts its classes."""
    return tuple(model.input_shape) == tuple(dataset.input_shape) \
        and model.output_units == dataset.num_classes
