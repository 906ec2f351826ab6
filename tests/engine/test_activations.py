import math

import numpy as np
import pytest

from dense_studio.engine import activations
from dense_studio.errors import ConfigError

ALL = activations.NAMES
Z = np.linspace(-4, 4, 41).reshape(1, -1)


def reference(name, z):
    """Textbook formulas (float64), independent of the engine's implementation."""
    if name == "linear":
        return z
    if name == "relu":
        return np.maximum(z, 0)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "softmax":
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    if name == "elu":
        return np.where(z > 0, z, np.exp(z) - 1)
    if name == "gelu":  # exact, Keras's default approximate=False
        return np.array([[0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in row] for row in z])
    if name == "swish":
        return z / (1 + np.exp(-z))
    if name == "leaky_relu":  # Keras 3 keras.activations.leaky_relu default slope 0.2
        return np.where(z > 0, z, 0.2 * z)
    raise AssertionError(name)


@pytest.mark.parametrize("name", ALL)
def test_forward_matches_formula(name):
    act = activations.get(name)
    np.testing.assert_allclose(act(Z), reference(name, Z), rtol=1e-6, atol=1e-7)
    z32 = Z.astype(np.float32)
    y32 = act(z32)
    assert y32.dtype == np.float32
    np.testing.assert_allclose(y32, reference(name, Z), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ALL)
def test_backward_matches_finite_differences(name):
    rng = np.random.default_rng(1)
    z = rng.normal(0, 2, size=(3, 7))
    z[np.abs(z) < 1e-3] += 0.01  # keep away from the relu kink
    dy = rng.normal(size=z.shape)
    act = activations.get(name)
    y = act.forward(z.copy())
    dz = act.backward(z, y, dy.copy())
    h = 1e-6
    numeric = np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        zp, zm = z.copy(), z.copy()
        zp[idx] += h
        zm[idx] -= h
        numeric[idx] = np.sum(dy * (act.forward(zp) - act.forward(zm))) / (2 * h)
    np.testing.assert_allclose(dz, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", ALL)
def test_buffers_are_reused_and_in_place_backward_works(name):
    act = activations.get(name)
    z = np.random.default_rng(2).normal(size=(4, 5)).astype(np.float32)
    out, work = np.empty_like(z), np.empty_like(z)
    assert act.forward(z, out, work) is out
    dy = np.ones_like(z)
    expected = act.backward(z, out, dy.copy())
    assert act.backward(z, out, dy, dy, work) is dy  # in place on the incoming gradient
    np.testing.assert_allclose(dy, expected, rtol=1e-6)


def test_sigmoid_and_friends_are_stable_for_huge_inputs():
    z = np.array([[-1e4, -100.0, 0.0, 100.0, 1e4]], np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = activations.sigmoid(z)
        e = activations.elu(z)
        sm = activations.softmax(z)
    np.testing.assert_allclose(s, [[0, 0, 0.5, 1, 1]], atol=1e-30)
    assert np.isfinite(e).all() and np.isfinite(sm).all()
    assert activations.swish(z)[0, 0] == 0 and activations.gelu(z)[0, -1] == 1e4


def test_keras_defaults_and_lookup():
    assert activations.get(None).name == "linear"
    assert activations.get("silu").name == "swish"
    assert activations.leaky_relu(np.array([-1.0]))[0] == pytest.approx(-0.2)
    with pytest.raises(ConfigError, match="unknown activation"):
        activations.get("sigmoidal")


def test_erfc_accuracy():
    x = np.linspace(-5, 5, 201)
    exact = np.array([math.erfc(v) for v in x])
    np.testing.assert_allclose(activations.erfc(x), exact, rtol=1.2e-7)
