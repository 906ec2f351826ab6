"""The session model: what the window shows and edits, as plain Python with events (no Qt).

``Session`` holds the layer stack (with undo), the training settings, the dataset, the model
and its predictor, the history of runs and the input on the canvas, and announces every
change napari-style: ``session.events.layers.connect(callback)``; the callback gets an
``Event`` whose ``value`` is the new state. The window's panels are thin views and
controllers on it. ``dense_studio.files.session_file`` writes and reads it as one file.

``session.events`` (value, then extras):

=============  ================================================================
layers         the layer tuple; ``row`` to select, ``step`` (UndoStep or None)
undo           UndoState (``can_undo``, ``undo.key`` "change_units", ``undo.row`` …)
settings       TrainingSettings; ``changed`` (the names that changed)
dataset_name   the chosen name: the UI loads it, then calls ``dataset_loaded``
dataset        the loaded Dataset, or None while the choice is loading
model          ModelStatus (trained, epochs_trained, training, stale, path, dirty …)
weights        the predictor (its weights changed: epoch end, reset, open, rebuild)
run_started    RunRecord
run_progress   RunRecord; ``batch`` (the latest BatchEnd)
epoch          EpochEnd; ``run``
run_finished   RunRecord (status finished / stopped / diverged / failed)
runs           the tuple of RunRecords (added, removed, renamed, ended)
canvas         the 28×28 image or None; ``origin`` (InputSource)
prediction     class probabilities, or None
drawings       the tuple of the person's own labelled drawings (``session.drawings``)
dirty          bool: the session differs from its file
file           the session file's Path after save / open
=============  ================================================================
"""

from dense_studio.files.session_file import InputSource
from dense_studio.session.events import EmitterGroup, Event, EventEmitter
from dense_studio.session.layers import LayerStack, UndoState, UndoStep
from dense_studio.session.model import ModelState, ModelStatus
from dense_studio.session.runs import RunHistory, RunRecord
from dense_studio.session.session import DEFAULT_LAYERS, Session
from dense_studio.session.settings import TrainingSettings

__all__ = [
    "DEFAULT_LAYERS", "EmitterGroup", "Event", "EventEmitter", "InputSource", "LayerStack",
    "ModelState", "ModelStatus", "RunHistory", "RunRecord", "Session", "TrainingSettings",
    "UndoState", "UndoStep",
]
