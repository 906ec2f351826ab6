"""The training loop's own backward pass (float64 model) against finite differences."""

import numpy as np
import pytest

from dense_studio.engine import Dense, Dropout, Flatten, Sequential, activations

from .helpers import blobs


def numeric_gradients(model, x, y, training=False, h=1e-6):
    weights = model.get_weights()
    result = []
    for i, w in enumerate(weights):
        g = np.zeros_like(w)
        for idx in np.ndindex(w.shape):
            for sign in (1, -1):
                changed = [v.copy() for v in weights]
                changed[i][idx] += sign * h
                model.set_weights(changed)
                loss, _ = model.compute_gradients(x, y, training=training, seed=5)
                g[idx] += sign * loss / (2 * h)
        result.append(g)
    model.set_weights(weights)
    return result


def check(model, x, y, training=False):
    loss, grads = model.compute_gradients(x, y, training=training, seed=5)
    assert np.isfinite(loss)
    expected = numeric_gradients(model, x, y, training)
    assert [g.shape for g in grads] == [w.shape for w in model.get_weights()]
    for got, want in zip(grads, expected):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-8)


@pytest.mark.parametrize("name", activations.NAMES)
def test_dense_gradients_for_every_hidden_activation(name):
    x, y = blobs(n=7, features=4, classes=3, seed=1)
    model = Sequential([Flatten(input_shape=(4,)), Dense(5, name), Dense(3, "softmax")],
                       dtype="float64")
    model.build(seed=2)
    model.layers[1].bias[...] = np.linspace(-0.3, 0.3, 5)  # non-trivial biases
    check(model, x, y)


def test_deep_model_with_dropout_l2_and_no_bias():
    x, y = blobs(n=6, features=3, classes=4, seed=3)
    model = Sequential([
        Flatten(input_shape=(3,)),
        Dense(6, "tanh", kernel_regularizer=0.01),
        Dropout(0.3),
        Dense(5, "elu", use_bias=False),
        Dropout(0.5),
        Dense(4, "softmax", kernel_regularizer=0.02),
    ], dtype="float64")
    model.build(seed=4)
    check(model, x, y, training=True)  # same dropout masks for every call (seed)
    check(model, x, y, training=False)


def test_flatten_of_images_and_linear_output_as_logits():
    rng = np.random.default_rng(0)
    x = rng.random((5, 3, 2))
    y = rng.integers(0, 3, 5)
    model = Sequential([Flatten(input_shape=(3, 2)), Dense(4, "relu"), Dense(3)], dtype="float64")
    model.build(seed=1)
    check(model, x, y)


def test_loss_is_the_mean_cross_entropy_plus_l2():
    x, y = blobs(n=9, features=4, classes=3)
    model = Sequential([Flatten(input_shape=(4,)), Dense(3, "softmax", kernel_regularizer=0.1)],
                       dtype="float64")
    model.build(seed=0)
    loss, _ = model.compute_gradients(x, y)
    z = x @ model.layers[1].kernel + model.layers[1].bias
    p = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    expected = -np.log(p[np.arange(9), y]).mean() + 0.1 * (model.layers[1].kernel ** 2).sum()
    assert loss == pytest.approx(expected, rel=1e-12)
    assert model.evaluate(x, y)["loss"] == pytest.approx(expected, rel=1e-12)


def test_dropout_on_image_shaped_inputs_before_flatten():
    rng = np.random.default_rng(4)
    x = rng.random((6, 2, 3))
    y = rng.integers(0, 3, 6)
    model = Sequential([Dropout(0.3), Flatten(), Dense(4, "tanh"), Dense(3, "softmax")],
                       dtype="float64")
    model.build(input_shape=(2, 3), seed=2)
    check(model, x, y, training=True)
