"""Lessons (issue 10): guided exercises with a goal the window checks live.

``LessonController(window)`` adds the Lessons menu (the bundled lessons, Open lesson…,
Leave lesson), File → Save as lesson… and the lesson panel (a dock). The file format is
``dense_studio.files.lesson_file``; the goal's check, ``dense_studio.session.lesson``.
"""

from dense_studio.ui.lessons.controller import LessonController

__all__ = ["LessonController"]
