"""Each layer's forward and backward against their formulas, and training running them."""

import ast
from pathlib import Path

import numpy as np
import pytest

from dense_studio.engine import Dense, Dropout, Flatten, Sequential, activations
from dense_studio.engine.plan import BatchPlan

from .helpers import blobs

ENGINE = Path(__file__).resolve().parents[2] / "dense_studio" / "engine"


def built_dense(units=3, activation="tanh", inputs=4, l2=0.0, seed=0):
    layer = Dense(units, activation, kernel_regularizer=l2)
    layer.build((inputs,), np.random.default_rng(seed))
    layer.kernel = layer.kernel.astype(np.float64)
    layer.bias = np.linspace(-0.5, 0.5, units)
    return layer


@pytest.mark.parametrize("name", ["relu", "tanh", "linear", "gelu"])
def test_dense_forward_and_backward_follow_the_formulas(name):
    rng = np.random.default_rng(1)
    layer = built_dense(activation=name)
    x = rng.normal(size=(5, 4))
    grads = {attr: np.zeros(shape) for attr, shape in layer.param_shapes()}
    buffers = layer.make_buffers(5, np.float64, grads=grads)
    y = layer.forward(x, buffers)
    z = x @ layer.kernel + layer.bias  # z = x·W + b
    act = activations.get(name)
    np.testing.assert_allclose(y, act(z), rtol=1e-12)
    dy = rng.normal(size=(5, 3))
    dz = act.backward(z, act(z), dy.copy())  # dz = f'(z)·dy
    dx = layer.backward(dy.copy(), buffers)
    np.testing.assert_allclose(grads["kernel"], x.T @ dz, rtol=1e-12)  # dW = xᵀ·dz
    np.testing.assert_allclose(grads["bias"], dz.sum(axis=0), rtol=1e-12)  # db = Σ dz
    np.testing.assert_allclose(dx, dz @ layer.kernel.T, rtol=1e-12)  # dx = dz·Wᵀ
    np.testing.assert_allclose(layer(x), y, rtol=1e-6)  # call is forward on new buffers


def test_dense_backward_adds_the_scaled_l2_gradient_and_can_skip_dx():
    layer = built_dense(activation="linear", l2=0.05)
    x = np.random.default_rng(2).normal(size=(6, 4))
    grads = {attr: np.zeros(shape) for attr, shape in layer.param_shapes()}
    buffers = layer.make_buffers(6, np.float64, grads=grads, input_grad=False)
    layer.forward(x, buffers)
    dy = np.ones((6, 3))
    assert layer.backward(dy, buffers, scale=3.0) is None  # no dx wanted: none computed
    expected = x.T @ dy + 3.0 * 2 * 0.05 * layer.kernel
    np.testing.assert_allclose(grads["kernel"], expected, rtol=1e-12)


def test_output_layer_stops_at_logits_for_the_fused_loss():
    layer = built_dense(activation="softmax")
    x = np.random.default_rng(3).normal(size=(2, 4))
    logits = layer.forward(x, layer.make_buffers(2, np.float64, logits=True))
    np.testing.assert_allclose(logits, x @ layer.kernel + layer.bias, rtol=1e-12)
    np.testing.assert_allclose(layer(x), activations.softmax(logits), rtol=1e-12)


def test_flatten_and_dropout_forward_and_backward():
    flatten = Flatten()
    flatten.build((3, 2))
    x = np.arange(12.0).reshape(2, 3, 2)
    assert flatten.forward(x, None).shape == (2, 6)
    np.testing.assert_array_equal(flatten.backward(flatten.forward(x, None), None), x)
    dropout = Dropout(0.5)
    dropout.build((6,))
    buffers = dropout.make_buffers(2, np.float64, rng=np.random.default_rng(0))
    y = dropout.forward(np.ones((2, 6)), buffers)
    assert set(np.unique(y)) <= {0.0, 2.0} and (y == 0).any() and (y == 2).any()
    np.testing.assert_array_equal(dropout.backward(np.ones((2, 6)), buffers), y)  # dx = dy·mask
    assert dropout.make_buffers(2, np.float64) is None  # not training: the identity
    assert dropout.forward(x, None) is x


def test_training_runs_the_layers_own_forward_and_backward(monkeypatch):
    monkeypatch.setenv("DENSE_STUDIO_FAST", "0")  # the numpy reference (fast.py fuses them)
    calls = {"forward": 0, "backward": 0}
    real_forward, real_backward = Dense.forward, Dense.backward

    def forward(self, x, buffers):
        calls["forward"] += 1
        return real_forward(self, x, buffers)

    def backward(self, dy, buffers, scale=1.0):
        calls["backward"] += 1
        return real_backward(self, dy, buffers, scale)

    monkeypatch.setattr(Dense, "forward", forward)
    monkeypatch.setattr(Dense, "backward", backward)
    x, y = blobs(n=40)
    model = Sequential([Flatten(input_shape=(6,)), Dense(8, "relu"), Dense(3, "softmax")])
    model.build(seed=0)
    model.compile("sgd", 0.1)
    before = model.evaluate(x, y)["loss"]
    calls.update(forward=0, backward=0)
    model.fit(x, y, epochs=1, batch_size=10)
    # 4 steps x 2 layers, plus the final check of the last update (forward only)
    assert calls == {"forward": 4 * 2 + 2, "backward": 4 * 2}
    assert model.evaluate(x, y)["loss"] < before  # and those calls are what trained it


def test_a_plan_counts_only_the_arrays_it_owns():
    model = Sequential([Flatten(input_shape=(4,)), Dense(5, "relu"), Dense(3, "softmax")])
    model.build(seed=0)
    model.parameters.allocate_training()
    plan = BatchPlan(model, 2, backward=True)
    # x, y; dense: z, y, work, ones; dense_1: z, ones, dx; loss: classes, onehot, row_max,
    # row_sum, argmax, hits (the gradient views belong to the store)
    floats = 2 * 4 + 3 * 2 * 5 + 2 + 2 * 3 + 2 + 2 * 5 + 2 * 3 + 2 + 2
    assert plan.nbytes == 4 * floats + 8 * (2 + 3 + 2) + 2


def test_training_touches_no_private_attribute():
    """The loop works through public API only (the model, its store, plans, optimizer)."""
    tree = ast.parse((ENGINE / "training.py").read_text())
    private = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
               and node.attr.startswith("_") and not node.attr.startswith("__")}
    assert private == set()
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "dense_studio.engine.model" not in imported  # no model <-> training cycle
