"""The session as a whole: dataset choice and loading, the model's life, the canvas and
its prediction, model files, "dirty" — each announced exactly when it changes."""

import subprocess
import sys

import numpy as np
import pytest

from dense_studio.data import load_dataset
from dense_studio.engine.spec import DenseSpec, DropoutSpec
from dense_studio.errors import ConfigError, DatasetError, ModelFileError
from dense_studio.files.model_file import save_model
from dense_studio.session import InputSource, Session

from .helpers import Recorder


def test_importing_the_session_imports_no_qt():
    code = ("import sys, dense_studio.session; "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'pyqtgraph', 'superqt', 'shiboken6') or m.startswith('dense_studio.ui')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dataset_choice_then_load(fashion):
    session = Session()
    assert session.state == "loading" and session.model.model is None
    log = Recorder(session.events)
    assert session.choose_dataset("Fashion-MNIST") is False  # the same set, named otherwise
    assert log.events == []
    assert session.choose_dataset("mnist") is True
    assert [(e.type, e.value) for e in log.events if e.type == "dataset_name"] == [("dataset_name", "mnist")]
    assert session.dataset_loaded(fashion) is False  # a slow, stale load is ignored
    assert session.dataset is None
    mnist = load_dataset("mnist")
    assert session.dataset_loaded(mnist) is True
    assert session.state == "idle" and session.class_names == mnist.class_names
    assert session.input_shape == (28, 28)
    assert session.model.dataset == "mnist" and not session.model.trained
    assert session.model.model.output_units == 10
    with pytest.raises(DatasetError):
        session.choose_dataset("nope")


def test_a_new_dataset_gives_a_fresh_model_and_the_same_one_keeps_it(small_session, fashion):
    session = small_session
    session.train()
    trained = session.model.model
    session.dataset_loaded(fashion)  # loaded again (e.g. from the UI's cache): kept
    assert session.model.model is trained and session.model.trained
    session.choose_dataset("mnist")
    session.dataset_loaded(load_dataset("mnist"))
    assert session.model.model is not trained and not session.model.trained
    assert session.model.epochs_trained == 0


def test_layer_edits_make_the_model_stale_and_rebuild_follows_them(small_session):
    session = small_session
    log = Recorder(session.events)
    session.layers.append(DropoutSpec(0.3))
    assert session.model.stale and log.of("model")[-1].value.stale
    session.layers.undo()
    assert not session.model.stale
    session.layers.insert(0, DenseSpec(16, "tanh"))
    session.rebuild_model()
    assert not session.model.stale
    assert [row[0] for row in session.model.model.layer_rows()][:3] == ["flatten", "dense", "dense_1"]
    assert session.model.model.count_params() == 784 * 16 + 16 + 16 * 128 + 128 + 128 * 10 + 10


def test_reset_weights_gives_the_seeds_initial_weights(small_session):
    session = small_session
    before = session.model.model.get_weights()
    session.train()
    session.reset_weights()
    for mine, fresh in zip(session.model.predictor.get_weights(), before):
        np.testing.assert_array_equal(mine, fresh)
    assert not session.model.trained and session.model.epochs_trained == 0


def test_the_canvas_input_is_predicted_by_the_predictor(small_session, fashion):
    session = small_session
    log = Recorder(session.events)
    session.show_test_sample(7)
    assert session.canvas.source == InputSource("test_sample", 7, int(fashion.y_test[7]))
    expected = session.model.predictor.predict(fashion.x_test[7:8])[0]
    np.testing.assert_allclose(session.canvas.probabilities, expected, rtol=1e-6)
    assert log.types() == ["canvas", "prediction", "dirty"]  # the change, then what follows
    log.clear()
    session.set_input(np.zeros((28, 28), np.float32), InputSource("drawing"))
    session.clear_input()
    assert session.canvas.probabilities is None and log.of("prediction")[-1].value is None
    with pytest.raises(ConfigError, match="no test image"):
        session.show_test_sample(len(fashion.x_test))
    with pytest.raises(ConfigError, match="28×28"):
        session.set_input(np.ones((28, 28)) * 2)
    with pytest.raises(ConfigError):
        InputSource("test_sample")  # a test sample needs its index and label


def test_an_untrained_session_is_not_dirty_and_edits_make_it_so(small_session, tmp_path):
    session = small_session
    assert not session.dirty
    log = Recorder(session.events)
    session.update_settings(seed=4)
    assert session.dirty and [e.value for e in log.of("dirty")] == [True]
    session.save(tmp_path / "s.dssession")
    assert not session.dirty and log.of("file")[-1].value == tmp_path / "s.dssession"
    session.train()
    assert session.dirty


def test_model_file_round_trip(small_session, tmp_path, fashion):
    session = small_session
    session.layers.set((DenseSpec(32, "tanh"), DropoutSpec(0.25)))
    session.update_settings(optimizer="sgd", learning_rate=0.05, seed=3)
    session.train()
    path = session.save_model(tmp_path / "m")
    assert path.name == "m.dsmodel" and not session.model.dirty and session.model.path == path

    other = Session()
    log = Recorder(other.events)
    other.open_model(path)
    assert other.layers.layers == session.layers.layers and not other.layers.can_undo
    assert other.settings == session.settings
    assert other.model.epochs_trained == 2 and other.model.trained and other.model.path == path
    for mine, theirs in zip(other.model.predictor.get_weights(), session.model.predictor.get_weights()):
        np.testing.assert_array_equal(mine, theirs)
    assert other.class_names == fashion.class_names
    types = log.types()
    assert all(types.count(name) <= 1 for name in set(types)), types  # one redraw per view
    other.dataset_loaded(fashion)  # the dataset arrives later: the model is kept
    assert other.model.trained


def test_a_bad_model_file_changes_nothing(small_session, tmp_path):
    session = small_session
    bad = tmp_path / "bad.dsmodel"
    bad.write_bytes(b"not a model")
    layers, settings = session.layers.layers, session.settings
    with pytest.raises(ModelFileError, match="bad.dsmodel"):
        session.open_model(bad)
    assert session.layers.layers == layers and session.settings == settings
    assert session.model.model is not None and session.dataset is not None


def test_nothing_that_changes_the_model_is_allowed_while_training(small_session, tmp_path):
    session = small_session
    session.start_run()
    for action in (session.rebuild_model, session.reset_weights,
                   lambda: session.choose_dataset("mnist"),
                   lambda: session.open_model(tmp_path / "x.dsmodel")):
        with pytest.raises(ConfigError, match="not while training"):
            action()
    assert session.state == "training"


def test_no_event_when_nothing_changes(small_session):
    session = small_session
    log = Recorder(session.events)
    session.model.update(trained=False, stale=False)
    session.update_settings(**session.settings.to_dict())
    session.layers.set(session.layers.layers)
    session.clear_input()  # already empty
    assert log.types() == []


def test_a_model_file_brings_its_dataset_and_only_canonical_names_are_written(
        small_session, tmp_path, fashion):
    session = small_session
    session.train()
    model = session.model
    path = tmp_path / "m.dsmodel"
    with pytest.raises(ModelFileError, match="bad dataset name"):
        save_model(model.predictor, path, model.config.replace(dataset="Fashion-MNIST"),
                   "Fashion-MNIST", model.class_names, {"epochs_trained": 2})
    save_model(model.predictor, path, model.config, "fashion_mnist", model.class_names,
               {"epochs_trained": 2})
    other = Session(dataset="mnist")
    other.open_model(path)
    assert other.dataset_name == "fashion_mnist"
    assert other.dataset_loaded(fashion) and other.model.trained
