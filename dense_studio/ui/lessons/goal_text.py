"""A goal's conditions as the lesson panel lists them: ✓ met, ✗ not met, ○ not known yet.

One sentence per condition name (``files.lesson_file.GOAL_CONDITIONS``), with its target and
the value now, in the window's language.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QCoreApplication

from dense_studio.data import DATASETS
from dense_studio.session.lesson import Condition, GoalResult
from dense_studio.ui.inside.palette import MUTED, RIGHT, WRONG
from dense_studio.ui.messages import fill, format_count

__all__ = ["condition_text", "goal_html"]


def _tr(text: str) -> str:
    """The text in the window's language (context ``Lessons``)."""
    return QCoreApplication.translate("Lessons", text)



def _percent(value) -> str:
    return f"{100 * value:.1f}"


def _dataset(name) -> str:
    return DATASETS.get(name, name)


def condition_text(condition: Condition) -> str:
    """"Test accuracy at least 85.0 % (now 83.2 %)"."""
    name, target, value = condition.name, condition.target, condition.value
    if name == "test_accuracy_at_least":
        text = fill(_tr("Test accuracy at least %1 %"), _percent(target))
        now = value is not None and fill(_tr("now %1 %"), _percent(value))
    elif name == "val_accuracy_at_least":
        text = fill(_tr("Validation accuracy at least %1 %"), _percent(target))
        now = value is not None and fill(_tr("now %1 %"), _percent(value))
    elif name == "max_train_val_gap":
        text = fill(_tr("Training accuracy at most %1 points above validation accuracy"),
                   f"{100 * target:.0f}")
        now = value is not None and fill(_tr("now %1 points"), f"{100 * value:.1f}")
    elif name == "min_hidden_layers":
        text = fill(_tr("Hidden Dense layers: at least %1"), target)
        now = fill(_tr("now %1"), value)
    elif name == "max_hidden_layers":
        text = _tr("No hidden layer") if target == 0 else _tr(
            "Hidden Dense layers: at most %1", target)
        now = fill(_tr("now %1"), value)
    elif name == "min_dropout_layers":
        text = fill(_tr("Dropout layers: at least %1"), target)
        now = fill(_tr("now %1"), value)
    elif name == "max_params":
        text = fill(_tr("At most %1 parameters"), format_count(target))
        now = value is not None and fill(_tr("now %1"), format_count(value))
    elif name == "max_learning_rate":
        text = fill(_tr("Learning rate at most %1"), f"{target:g}")
        now = value is not None and fill(_tr("now %1"), f"{value:g}")
    elif name == "dataset":
        text = fill(_tr("Trained on %1"), _dataset(target))
        now = value is not None and fill(_tr("now %1"), _dataset(value))
    elif name == "datasets_trained":
        text = fill(_tr("Trained on each of: %1"), " / ".join(map(_dataset, target)))
        now = bool(value) and fill(_tr("so far %1"), " / ".join(map(_dataset, value)))
    elif name == "drawing_confidence_at_least":
        text = fill(_tr("A drawing predicted with at least %1 % confidence"),
                    _percent(target))
        now = value is not None and fill(_tr("now %1 %"), _percent(value))
    else:  # a condition this window does not know how to say (the checker knows it)
        text, now = name, None
    return f"{text} ({now})" if now else text


def goal_html(result: GoalResult) -> str:
    """The goal as rich text: one line per condition with its tick."""
    rows = []
    for condition in result.conditions:
        known = condition.value is not None
        if condition.met:
            mark, color = "✓", RIGHT
        else:
            mark, color = ("✗", WRONG) if known else ("○", MUTED)
        rows.append(f'<span style="color:{color}"><b>{mark}</b></span> '
                    f"{escape(condition_text(condition))}")
    return "<br>".join(rows)
