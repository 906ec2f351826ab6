"""The same model, the same initial weights and the same data give the same ``fit`` /
``evaluate`` / ``predict`` on dense_studio.keras as on TensorFlow's Keras."""

import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf = pytest.importorskip("tensorflow")
tf_keras = tf.keras

from dense_studio import keras  # noqa: E402

# float32 arithmetic in a different order (numpy vs TensorFlow kernels) over ~100 steps
TOLERANCE = dict(rtol=2e-3, atol=2e-4)


@pytest.fixture(scope="module")
def digits():
    """A small slice of the bundled MNIST, scaled as the tutorial scales it."""
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    return ((x_train[:1200] / 255.0).astype("float32"), y_train[:1200],
            (x_test[:400] / 255.0).astype("float32"), y_test[:400])


def make_pair(library_optimizers, last_activation="softmax", from_logits=False):
    """One model in each library with TensorFlow's random initial weights, compiled alike."""
    tf_keras.utils.set_random_seed(0)
    models = []
    for lib in (tf_keras, keras):
        model = lib.Sequential([
            lib.Input(shape=(28, 28)),
            lib.layers.Flatten(),
            lib.layers.Dense(32, activation="relu"),
            lib.layers.Dense(10, activation=last_activation),
        ])
        model.compile(optimizer=library_optimizers(lib),
                      loss=lib.losses.SparseCategoricalCrossentropy(from_logits=from_logits),
                      metrics=["accuracy"])
        models.append(model)
    theirs, ours = models
    ours.set_weights(theirs.get_weights())
    return theirs, ours


OPTIMIZERS = {
    "adam": lambda lib: "adam",
    "sgd-momentum": lambda lib: lib.optimizers.SGD(learning_rate=0.05, momentum=0.9),
    "rmsprop": lambda lib: lib.optimizers.RMSprop(learning_rate=0.002),
}


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_fit_evaluate_predict_match(digits, optimizer):
    x, y, x_test, y_test = digits
    theirs, ours = make_pair(OPTIMIZERS[optimizer])
    settings = dict(epochs=3, batch_size=32, validation_split=0.25, shuffle=False, verbose=0)
    expected = theirs.fit(x, y, **settings).history
    got = ours.fit(x, y, **settings).history

    assert list(got) == list(expected)
    for key in expected:
        np.testing.assert_allclose(got[key], expected[key], **TOLERANCE, err_msg=key)
    np.testing.assert_allclose(ours.evaluate(x_test, y_test, verbose=0),
                               theirs.evaluate(x_test, y_test, verbose=0), **TOLERANCE)
    np.testing.assert_allclose(ours.predict(x_test, verbose=0),
                               theirs.predict(x_test, verbose=0), rtol=0, atol=2e-3)
    for mine, keras_weights in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(mine, keras_weights, rtol=0, atol=2e-3)


def test_logits_model_with_from_logits_matches(digits):
    x, y, x_test, y_test = digits
    theirs, ours = make_pair(OPTIMIZERS["adam"], last_activation=None, from_logits=True)
    settings = dict(epochs=2, batch_size=64, shuffle=False, verbose=0)
    np.testing.assert_allclose(ours.fit(x, y, **settings).history["loss"],
                               theirs.fit(x, y, **settings).history["loss"], **TOLERANCE)
    np.testing.assert_allclose(ours.predict(x_test, verbose=0),  # logits, as Keras gives
                               theirs.predict(x_test, verbose=0), rtol=0, atol=5e-3)
    # and the tutorial's probability_model on top of each
    probabilities = [lib.Sequential([model, lib.layers.Softmax()]).predict(x_test, verbose=0)
                     for lib, model in ((tf_keras, theirs), (keras, ours))]
    np.testing.assert_allclose(probabilities[1], probabilities[0], rtol=0, atol=1e-3)


def test_results_have_keras_shapes_and_keys(digits):
    x, y, x_test, y_test = digits
    theirs, ours = make_pair(OPTIMIZERS["adam"])
    both = [model.fit(x, y, epochs=1, validation_data=(x_test, y_test), verbose=0)
            for model in (theirs, ours)]
    assert list(both[1].history) == list(both[0].history)
    assert both[1].params == both[0].params
    assert both[1].epoch == both[0].epoch
    evaluated = [m.evaluate(x_test, y_test, verbose=0, return_dict=True) for m in (theirs, ours)]
    assert list(evaluated[1]) == list(evaluated[0])
    predicted = [m.predict(x_test[:3], verbose=0) for m in (theirs, ours)]
    assert predicted[1].shape == predicted[0].shape and predicted[1].dtype == predicted[0].dtype
    assert ours.count_params() == theirs.count_params()
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]



def test_progress_line_is_keras_s(monkeypatch, capsys):
    """Keras's own Progbar (as its ProgbarLogger sets it up) and ours, on the same clock."""
    import types

    from keras.src.utils import progbar as keras_progbar

    from dense_studio.keras.progbar import Progbar

    outputs = []
    for make in (
        lambda: tf_keras.utils.Progbar(3, verbose=1, stateless_metrics=set()),
        lambda: Progbar(3, verbose=1, clock=lambda: clock[0], dynamic=True),
    ):
        clock = [50.0]
        monkeypatch.setattr(keras_progbar, "time", types.SimpleNamespace(time=lambda: clock[0]))
        bar = make()
        for step, (now, loss) in enumerate([(50.4, 2.5), (51.0, 1.25), (52.3, 0.0005)], start=1):
            clock[0] = now
            bar.update(step, [("accuracy", step / 3), ("loss", loss)])
        outputs.append(capsys.readouterr().out.replace("\b", ""))
    assert outputs[1] == outputs[0]
