"""My own drawings in the window: the "My drawings" tab and its controller."""

from dense_studio.ui.drawings.controller import DrawingsController

__all__ = ["DrawingsController"]
