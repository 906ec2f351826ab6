import math

import numpy as np
import pytest

from dense_studio.engine import Dense, Dropout, Flatten, initializers
from dense_studio.errors import ConfigError


@pytest.mark.parametrize("units", [0, -3, 2.5, True, "8", None])
def test_dense_rejects_bad_units_like_keras(units):
    with pytest.raises(ConfigError, match="expected a positive integer"):
        Dense(units)


def test_dense_rejects_bad_arguments():
    with pytest.raises(ConfigError, match="unknown activation"):
        Dense(4, activation="bogus")
    with pytest.raises(ConfigError, match="unknown initializer"):
        Dense(4, kernel_initializer="lecun_fancy")
    with pytest.raises(ConfigError, match="L2 factor"):
        Dense(4, kernel_regularizer=-0.1)
    with pytest.raises(ConfigError, match="use_bias"):
        Dense(4, use_bias="yes")
    assert Dense(4, kernel_regularizer="l2").kernel_regularizer == 0.01


def test_dense_shapes_and_formula():
    layer = Dense(3, activation="relu")
    x = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    y = layer(x)
    assert layer.kernel.shape == (4, 3) and layer.bias.shape == (3,)
    assert layer.count_params() == 4 * 3 + 3
    layer.bias[...] = [0.5, -0.5, 0.0]
    np.testing.assert_allclose(layer(x), np.maximum(x @ layer.kernel + layer.bias, 0), rtol=1e-6)
    assert y.shape == (5, 3)
    assert "y = activation(x · W + b)" in Dense.__doc__


def test_dense_without_bias_and_weights_api():
    layer = Dense(2, use_bias=False)
    layer.build((3,))
    assert [w.shape for w in layer.get_weights()] == [(3, 2)]
    layer.set_weights([np.ones((3, 2))])
    assert layer.kernel.sum() == 6
    with pytest.raises(ConfigError, match="shape"):
        layer.set_weights([np.ones((2, 3))])


def test_dense_needs_flat_input():
    with pytest.raises(ConfigError, match="Flatten"):
        Dense(2).build((28, 28))


def test_flatten():
    layer = Flatten(input_shape=(28, 28))
    assert layer.declared_input_shape == (28, 28)
    assert layer.compute_output_shape((28, 28)) == (784,)
    assert layer(np.zeros((2, 28, 28))).shape == (2, 784)
    with pytest.raises(ConfigError):
        Flatten(input_shape=(0, 28))


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5, float("nan"), "0.2"])
def test_dropout_rejects_bad_rate(rate):
    with pytest.raises(ConfigError, match="rate"):
        Dropout(rate)


def test_dropout_is_inverted_seeded_and_training_only():
    x = np.ones((200, 50), np.float32)
    layer = Dropout(0.25, seed=3)
    assert layer(x) is x  # inference: identity
    y = layer(x, training=True)
    kept = y != 0
    assert 0.70 < kept.mean() < 0.80
    np.testing.assert_allclose(y[kept], 1 / 0.75)
    assert abs(y.mean() - 1.0) < 0.05  # the expected activation is unchanged
    np.testing.assert_array_equal(Dropout(0.25, seed=3)(x, training=True), y)


def test_initializers_follow_keras_formulas():
    rng = np.random.default_rng(0)
    shape = (784, 128)
    limit = math.sqrt(6 / (784 + 128))
    w = initializers.glorot_uniform(shape, rng)
    assert w.dtype == np.float32 and np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.99 * limit
    w = initializers.he_uniform(shape, rng)
    assert np.abs(w).max() <= math.sqrt(6 / 784)
    for name, fan in (("glorot_normal", (784 + 128) / 2), ("he_normal", 784 / 2)):
        w = initializers.get(name)(shape, rng)
        std = math.sqrt(1 / fan)
        assert abs(w.std() / std - 1) < 0.02  # truncation is compensated, as in Keras
        assert np.abs(w).max() <= 2 * std / 0.87962566103423978 + 1e-6  # cut at 2 sigma
    assert not initializers.zeros((3,)).any()
    a = initializers.glorot_uniform((5, 5), np.random.default_rng(7))
    b = initializers.glorot_uniform((5, 5), np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
