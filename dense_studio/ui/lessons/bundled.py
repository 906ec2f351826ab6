"""The lessons shipped in ``resources/lessons/`` (``NN-name.dslesson``, in their order).

No Qt here: the menu's names for automation (``lesson_<name>Action``) come from the file
names, so that the menus module can list them without building anything.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from dense_studio.files.lesson_file import SUFFIX

__all__ = ["bundled_lessons", "action_name", "WITHOUT_SHORTCUT"]


def bundled_lessons() -> list[Path]:
    """The bundled lesson files, in the order they are taught."""
    folder = resources.files("dense_studio.resources").joinpath("lessons")
    return sorted(Path(str(entry)) for entry in folder.iterdir()
                  if entry.name.endswith(SUFFIX))


def action_name(path: Path) -> str:
    """``01-one-dense-layer.dslesson`` -> ``lesson_one_dense_layerAction``."""
    stem = Path(path).stem.split("-", 1)[-1].replace("-", "_")
    return f"lesson_{stem}Action"


#: Lesson menu entries without a shortcut on purpose: a list, like the languages, where the
#: menu itself is quick enough (Open lesson… has one).
WITHOUT_SHORTCUT = frozenset({*(action_name(path) for path in bundled_lessons()),
                              "leaveLessonAction", "saveAsLessonAction"})
