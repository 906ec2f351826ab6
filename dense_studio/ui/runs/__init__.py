"""The window's experiments: the runs table, overlays, re-runs, early stopping, Keras code."""

from dense_studio.ui.runs.controller import ExperimentsController

__all__ = ["ExperimentsController"]
