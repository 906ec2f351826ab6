import numpy as np
import pytest

from dense_studio.engine import (PRESETS, Dense, DenseSpec, Dropout, DropoutSpec, Flatten,
                                 Sequential, TrainingConfig, build_model, parse_layers)
from dense_studio.errors import ConfigError

from .helpers import blobs


def reference_model(seed=0):
    return build_model((DenseSpec(128, "relu"),), input_shape=(28, 28), num_classes=10, seed=seed)


def test_reference_summary_counts_like_keras():
    model = reference_model()
    assert model.count_params() == 101_770
    assert model.layer_rows() == [
        ("flatten", (None, 784), 0),
        ("dense", (None, 128), 100_480),
        ("dense_1", (None, 10), 1_290),
    ]
    text = model.summary()
    for piece in ("Layer (type)", "Output Shape", "Param #", "flatten (Flatten)",
                  "dense_1 (Dense)", "(None, 784)", "100,480",
                  " Total params: 101,770 (397.54 KB)", " Trainable params: 101,770 (397.54 KB)",
                  " Non-trainable params: 0 (0.00 B)"):
        assert piece in text
    assert text.isascii()
    assert "┃ Layer (type)" in model.summary(unicode=True)


def test_build_model_structure_and_names():
    model = build_model(parse_layers("64:tanh,dropout:0.2,32:gelu"), num_classes=5)
    names = [layer.name for layer in model.layers]
    assert names == ["flatten", "dense", "dropout", "dense_1", "dense_2"]
    assert model.layers[-1].activation.name == "softmax" and model.layers[-1].units == 5
    assert model.layers[1].kernel.shape == (784, 64)
    assert model.count_params() == 784 * 64 + 64 + 64 * 32 + 32 + 32 * 5 + 5
    assert isinstance(model.layers[2], Dropout) and model.layers[2].rate == 0.2
    assert not model.layers[1].bias.any()  # zeros bias, as Keras


def test_build_model_with_config_compiles():
    cfg = PRESETS["reference"]
    model = build_model(cfg.layers, seed=cfg.seed, config=cfg)
    assert model.config is cfg and model.optimizer.name == "adam"
    assert model.optimizer.learning_rate == 1e-3 and model.lr_schedule == "cosine"


def test_presets():
    ref = PRESETS["reference"]
    assert (ref.layers, ref.optimizer, ref.learning_rate, ref.batch_size, ref.epochs) == (
        (DenseSpec(128, "relu"),), "adam", 1e-3, 32, 5)
    assert ref.lr_schedule == "cosine" and ref == TrainingConfig()
    strong = PRESETS["strong"]
    assert all(isinstance(layer, (DenseSpec, DropoutSpec)) for layer in strong.layers)


def test_seeded_initialization_and_reset():
    a, b, c = reference_model(1), reference_model(1), reference_model(2)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    assert not np.array_equal(a.get_weights()[0], c.get_weights()[0])
    c.reset_weights(1)
    np.testing.assert_array_equal(c.get_weights()[0], a.get_weights()[0])


def test_weights_round_trip_and_validation():
    model = reference_model()
    weights = model.get_weights()
    assert [w.shape for w in weights] == [(784, 128), (128,), (128, 10), (10,)]
    kernel = model.layers[1].kernel.copy()
    weights[0] += 1  # get_weights gives copies: the model is unchanged
    np.testing.assert_array_equal(model.layers[1].kernel, kernel)
    np.testing.assert_array_equal(model.get_weights()[0], kernel)
    new = [np.full_like(w, 0.01) for w in weights]
    model.set_weights(new)
    assert model.layers[1].kernel[0, 0] == pytest.approx(0.01)
    with pytest.raises(ConfigError, match="shape"):
        model.set_weights([np.zeros((784, 64)), *new[1:]])
    with pytest.raises(ConfigError, match="4 weight arrays"):
        model.set_weights(new[:2])
    bad = [w.copy() for w in new]
    bad[1][0] = np.nan
    with pytest.raises(ConfigError, match="finite"):
        model.set_weights(bad)
    assert model.layers[1].bias[0] == pytest.approx(0.01)  # nothing changed by a failed set


def test_predict_and_evaluate_shapes_and_inputs():
    model = reference_model()
    x = np.random.default_rng(0).random((7, 28, 28)).astype(np.float32)
    p = model.predict(x, batch_size=3)
    assert p.shape == (7, 10) and p.dtype == np.float32
    np.testing.assert_allclose(p.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_allclose(model.predict(x.reshape(7, 784)), p, rtol=1e-6)
    manual = np.maximum(x.reshape(7, -1) @ model.layers[1].kernel, 0) @ model.layers[2].kernel
    np.testing.assert_allclose(p.argmax(1), manual.argmax(1))
    labels = np.arange(7)
    result = model.evaluate(x, labels)
    assert set(result) == {"loss", "accuracy"}
    # the loss and the accuracy of exactly the probabilities predict gives
    assert result["loss"] == pytest.approx(-np.log(p[np.arange(7), labels]).mean(), rel=1e-5)
    assert result["accuracy"] == np.mean(p.argmax(1) == labels)
    with pytest.raises(ConfigError, match="shape"):
        model.predict(np.zeros((2, 27, 28)))
    with pytest.raises(ConfigError, match="class 10"):
        model.evaluate(x, np.full(7, 10))
    with pytest.raises(ConfigError, match="NaN"):
        model.predict(np.full((1, 784), np.nan))


def test_model_errors():
    with pytest.raises(ConfigError, match="input shape"):
        Sequential([Dense(3)]).build()
    with pytest.raises(ConfigError, match="last layer"):
        Sequential([Flatten(input_shape=(4,)), Dense(3), Dropout(0.1)]).build()
    model = Sequential([Flatten(input_shape=(4,)), Dense(3, "softmax")])
    with pytest.raises(ConfigError, match="not built"):
        model.predict(np.zeros((1, 4)))
    model.build()
    x, y = blobs(features=4)
    with pytest.raises(ConfigError, match="not compiled"):
        next(model.train(x, y))
    with pytest.raises(ConfigError, match="unknown optimizer"):
        model.compile("adagrad")
    sig = Sequential([Flatten(input_shape=(4,)), Dense(3, "sigmoid")])
    sig.build()
    with pytest.raises(ConfigError, match="softmax"):
        sig.compile()
    with pytest.raises(ConfigError, match="two layers"):
        Sequential([Dense(2, name="a"), Dense(2, name="a")])


def test_compile_defaults_follow_keras():
    model = reference_model()
    model.compile("sgd")
    assert model.optimizer.learning_rate == 0.01
    model.compile("rmsprop", learning_rate=0.002)
    assert model.optimizer.learning_rate == 0.002


def test_evaluate_gives_the_loss_of_what_predict_gives():
    x, y = blobs(n=30, features=4)
    softmax = Sequential([Flatten(input_shape=(4,)), Dense(3, "softmax")])
    softmax.build(seed=1)
    p = softmax.predict(x)
    assert softmax.evaluate(x, y)["loss"] == pytest.approx(
        -np.log(p[np.arange(30), y]).mean(), rel=1e-5)
    logits = Sequential([Flatten(input_shape=(4,)), Dense(3)])  # linear: the outputs are logits
    logits.build(seed=1)
    z = logits.predict(x)
    log_p = z - z.max(1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(1, keepdims=True))
    assert logits.evaluate(x, y)["loss"] == pytest.approx(-log_p[np.arange(30), y].mean(),
                                                          rel=1e-5)


@pytest.mark.parametrize("activation", ["sigmoid", "relu", "tanh"])
def test_a_non_probability_output_is_refused_alike_everywhere(activation):
    """Such a model's evaluate used to report the softmax cross-entropy of its
    pre-activations, a number unrelated to what predict gives."""
    x, y = blobs(n=10, features=4)
    model = Sequential([Flatten(input_shape=(4,)), Dense(3, activation)])
    model.build(seed=0)
    message = ("sparse categorical cross-entropy needs a last Dense layer with softmax "
               f"(or linear) activation, not {activation}")
    for action in (lambda: model.evaluate(x, y), lambda: model.compile("adam"),
                   lambda: model.compute_gradients(x, y), lambda: model.fit(x, y)):
        with pytest.raises(ConfigError) as info:
            action()
        assert str(info.value) == message
    assert model.predict(x).shape == (10, 3)  # predicting is still fine
