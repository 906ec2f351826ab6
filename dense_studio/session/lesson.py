"""A lesson's goal, checked against what the person has done (no Qt).

:func:`check_goal` is a pure function: a goal (``{"test_accuracy_at_least": 0.85,
"max_hidden_layers": 2, …}``, see ``files.lesson_file.GOAL_CONDITIONS``) and a
:class:`GoalState` (numbers about the trained model) give a :class:`GoalResult`: whether
every condition holds, and each condition's status for the window to tick.

:func:`goal_state` builds the state from a :class:`Session` and the test accuracy the window
evaluated for the newest weights. The conditions are about the *trained* model: its layers
and settings are those of its last run, so changing the network after training never
counts as reaching the goal with the old network's accuracy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from dense_studio.engine.spec import DenseSpec, DropoutSpec
from dense_studio.files.lesson_file import GOAL_CONDITIONS

__all__ = ["GoalState", "Condition", "GoalResult", "check_goal", "goal_state"]

#: The canvas sources that count as "a drawing" for drawing_confidence_at_least.
DRAWN_SOURCES = ("drawing", "image_file")


@dataclass(frozen=True)
class GoalState:
    """What a goal is checked against (None: not known yet, e.g. not trained). The
    network's numbers are the trained model's; :func:`goal_state` leaves them None until
    there is one."""

    trained: bool = False
    layers: tuple = ()  # the trained model's hidden layer specs
    params: Optional[int] = None
    dataset: Optional[str] = None
    learning_rate: Optional[float] = None
    test_accuracy: Optional[float] = None
    train_accuracy: Optional[float] = None
    val_accuracy: Optional[float] = None
    datasets_trained: frozenset = frozenset()
    drawing_confidence: Optional[float] = None

    @property
    def hidden_layers(self) -> Optional[int]:
        """Hidden Dense layers of the trained model (None: nothing trained yet)."""
        return self._count(DenseSpec)

    @property
    def dropout_layers(self) -> Optional[int]:
        return self._count(DropoutSpec)

    def _count(self, kind) -> Optional[int]:
        return sum(isinstance(layer, kind) for layer in self.layers) if self.trained else None


@dataclass(frozen=True)
class Condition:
    """One condition: its ``name`` and ``target`` as in the goal, the ``value`` it was
    checked against (None: not known yet) and whether it is ``met``."""

    name: str
    target: Any
    value: Any
    met: bool


@dataclass(frozen=True)
class GoalResult:
    reached: bool
    conditions: tuple  # of Condition, in the goal's order


def check_goal(goal: Mapping[str, Any], state: GoalState) -> GoalResult:
    """Each condition of ``goal`` against ``state``; reached when all are met."""
    conditions = []
    for name, target in goal.items():
        if name not in GOAL_CONDITIONS:
            raise KeyError(f"unknown goal condition {name!r}")
        value, met = _CHECKS[name](state, target)
        conditions.append(Condition(name, target, value, bool(met)))
    return GoalResult(all(c.met for c in conditions), tuple(conditions))


def _known(value, test) -> tuple:
    return value, value is not None and test(value)


def _gap(state: GoalState, target: float) -> tuple:
    if state.train_accuracy is None or state.val_accuracy is None:
        return None, False
    gap = state.train_accuracy - state.val_accuracy
    return gap, gap <= target


_CHECKS = {
    "test_accuracy_at_least": lambda s, t: _known(s.test_accuracy, lambda v: v >= t),
    "val_accuracy_at_least": lambda s, t: _known(s.val_accuracy, lambda v: v >= t),
    "max_train_val_gap": _gap,
    "min_hidden_layers": lambda s, t: _known(s.hidden_layers, lambda v: v >= t),
    "max_hidden_layers": lambda s, t: _known(s.hidden_layers, lambda v: v <= t),
    "min_dropout_layers": lambda s, t: _known(s.dropout_layers, lambda v: v >= t),
    "max_params": lambda s, t: _known(s.params, lambda v: v <= t),
    "max_learning_rate": lambda s, t: _known(s.learning_rate, lambda v: v <= t),
    "dataset": lambda s, t: _known(s.dataset, lambda v: v == t),
    "datasets_trained": lambda s, t: (sorted(s.datasets_trained),
                                      set(t) <= s.datasets_trained),
    "drawing_confidence_at_least": lambda s, t: _known(s.drawing_confidence, lambda v: v >= t),
}
assert set(_CHECKS) == set(GOAL_CONDITIONS), "every goal condition needs its check"


def goal_state(session, test_accuracy: Optional[float] = None,
               after_run: int = 0) -> GoalState:
    """The state of ``session`` (a :class:`Session`) for :func:`check_goal`.

    ``test_accuracy``: the newest weights' accuracy on the test split (the window evaluates
    it after every epoch), or None if not known for these weights. A model whose network
    was edited since it was built (stale), or that is untrained, is not "trained".
    ``after_run``: only runs with a larger id count for ``datasets_trained`` (the runs
    since the lesson opened).
    """
    model = session.model
    trained = model.trained and not model.stale and model.model is not None
    config = model.config
    metrics = model.metrics if trained else {}
    datasets = frozenset(
        record.config.dataset for record in session.runs
        if record.id > after_run and record.epochs and record.status != "diverged")
    confidence = None
    canvas = session.canvas
    if trained and canvas.image is not None and canvas.source.kind in DRAWN_SOURCES \
            and canvas.probabilities is not None:
        confidence = float(max(canvas.probabilities))
    return GoalState(
        trained=trained,
        layers=tuple(config.layers) if trained and config is not None else (),
        params=model.model.count_params() if trained else None,
        dataset=model.dataset if trained else None,
        learning_rate=config.learning_rate if trained and config is not None else None,
        test_accuracy=test_accuracy if trained else None,
        train_accuracy=metrics.get("accuracy"), val_accuracy=metrics.get("val_accuracy"),
        datasets_trained=datasets, drawing_confidence=confidence)
