"""The session model: what the window shows and edits, as plain Python with events (no Qt).

``Session`` holds the layer stack (with undo), the training settings, the dataset, the model
and its predictor, the history of runs and the input on the canvas, and announces every
change napari-style: ``session.events.layers.connect(callback)``; the callback gets an
``Event`` whose ``value`` is the new state. The window's panels are thin views and
controllers on it. ``dense_studio.files.session_file`` writes and reads it as one file.
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
