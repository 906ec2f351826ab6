"""The goal check: a pure function of the goal and numbers about the trained model.

``check_goal`` is tried condition by condition on hand-made states (met, not met, not known
yet), and ``goal_state`` on a real session trained on the bundled data.
"""

from __future__ import annotations

import numpy as np
import pytest

from dense_studio.data import load_dataset
from dense_studio.engine.spec import DenseSpec, DropoutSpec
from dense_studio.files.lesson_file import GOAL_CONDITIONS
from dense_studio.files.session_file import InputSource
from dense_studio.session import Session, TrainingSettings
from dense_studio.session.lesson import GoalState, check_goal, goal_state

TRAINED = GoalState(trained=True, layers=(DenseSpec(128), DropoutSpec(0.5), DenseSpec(64)),
                    params=109_386, dataset="mnist", learning_rate=0.001, test_accuracy=0.9,
                    train_accuracy=0.95, val_accuracy=0.88,
                    datasets_trained=frozenset({"mnist"}), drawing_confidence=0.7)

# condition -> (a target TRAINED meets, a target it does not meet)
CASES = {
    "test_accuracy_at_least": (0.9, 0.91),
    "val_accuracy_at_least": (0.85, 0.9),
    "max_train_val_gap": (0.07, 0.06),
    "min_hidden_layers": (2, 3),
    "max_hidden_layers": (2, 1),
    "min_dropout_layers": (1, 2),
    "max_params": (109_386, 109_385),
    "max_learning_rate": (0.001, 0.0009),
    "dataset": ("mnist", "fashion_mnist"),
    "datasets_trained": (["mnist"], ["mnist", "fashion_mnist"]),
    "drawing_confidence_at_least": (0.7, 0.75),
}


def test_every_condition_is_tried_here():
    assert set(CASES) == set(GOAL_CONDITIONS)


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_condition_is_met_or_not_by_its_target(name):
    meets, misses = CASES[name]
    met = check_goal({name: meets}, TRAINED)
    assert met.reached and met.conditions[0].met and met.conditions[0].name == name
    missed = check_goal({name: misses}, TRAINED)
    assert not missed.reached and not missed.conditions[0].met
    assert missed.conditions[0].value is not None  # known, just not good enough


def test_the_goal_is_reached_only_when_every_condition_is_met():
    goal = {"test_accuracy_at_least": 0.85, "max_hidden_layers": 2, "max_params": 50_000}
    result = check_goal(goal, TRAINED)
    assert [c.met for c in result.conditions] == [True, True, False]
    assert not result.reached
    assert check_goal({**goal, "max_params": 200_000}, TRAINED).reached


def test_before_training_nothing_about_the_network_counts():
    untrained = GoalState(trained=False, layers=())
    result = check_goal({"max_hidden_layers": 0, "min_dropout_layers": 0,
                         "test_accuracy_at_least": 0.0}, untrained)
    assert not result.reached
    assert [c.value for c in result.conditions] == [None, None, None]


@pytest.fixture(scope="module")
def fashion():
    return load_dataset("fashion_mnist")


def test_goal_state_reads_the_trained_model_not_the_edited_layers(fashion):
    session = Session(layers=(DenseSpec(16), DropoutSpec(0.2)), train_limit=2000,
                      settings=TrainingSettings(epochs=1, batch_size=64, validation_split=0.25))
    session.dataset_loaded(fashion)
    before = goal_state(session, test_accuracy=0.5)
    assert not before.trained and before.test_accuracy is None and before.hidden_layers is None
    session.train()
    state = goal_state(session, test_accuracy=0.8)
    assert state.trained and state.hidden_layers == 1 and state.dropout_layers == 1
    assert state.params == 784 * 16 + 16 + 16 * 10 + 10
    assert state.dataset == "fashion_mnist" and state.learning_rate == 0.001
    assert state.train_accuracy == session.model.metrics["accuracy"]
    assert state.val_accuracy == session.model.metrics["val_accuracy"]
    assert state.datasets_trained == {"fashion_mnist"} and state.test_accuracy == 0.8
    last_run = max(record.id for record in session.runs)
    assert goal_state(session, after_run=last_run).datasets_trained == frozenset()
    # A test image on the canvas is not a drawing; a drawing is.
    session.show_test_sample(0)
    assert goal_state(session).drawing_confidence is None
    session.set_input(fashion.x_test[1], InputSource("drawing"))
    assert goal_state(session).drawing_confidence == pytest.approx(
        float(np.max(session.canvas.probabilities)))
    # Editing the network after training: the old accuracy no longer counts for it.
    session.layers.append(DenseSpec(8))
    edited = goal_state(session, test_accuracy=0.8)
    assert not edited.trained and edited.test_accuracy is None
