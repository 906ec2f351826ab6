"""The numbers layerMath shows are the engine's: z = x·W + b, a = activation(z), and the
last layer's a is what ``Sequential.predict`` returns."""

import numpy as np
import pytest

from dense_studio.engine import activations
from dense_studio.insight.layer_math import layer_math, unit_detail
from dense_studio.insight.network import network_of


def test_every_layer_is_x_dot_w_plus_b_through_its_activation(fashion, hidden_model):
    image = fashion.x_test[7]
    layers = layer_math(network_of(hidden_model), image)
    dense = [layer for layer in hidden_model.layers if hidden_model.is_dense(layer)]
    assert len(layers) == len(dense) == 2
    x = image.reshape(-1).astype(np.float64)
    for shown, layer in zip(layers, dense):
        np.testing.assert_array_equal(shown.kernel, layer.kernel)
        np.testing.assert_array_equal(shown.bias, layer.bias)
        np.testing.assert_allclose(shown.x, x, rtol=1e-5, atol=1e-6)
        z = x @ layer.kernel.astype(np.float64) + layer.bias
        np.testing.assert_allclose(shown.z, z, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(shown.a, activations.get(layer.activation.name)(z),
                                   rtol=1e-4, atol=1e-6)
        x = shown.a.astype(np.float64)
    predicted = hidden_model.predict(image[np.newaxis])[0]
    np.testing.assert_allclose(layers[-1].a, predicted, rtol=1e-5, atol=1e-7)
    assert layers[-1].a.argmax() == predicted.argmax()


def test_shapes_are_labelled_as_keras_writes_them(fashion, hidden_model):
    layers = layer_math(network_of(hidden_model), fashion.x_test[0])
    assert layers[0].formula == "(784,) · (784, 48) + (48,) → (48,)"
    assert layers[1].formula == "(48,) · (48, 10) + (10,) → (10,)"
    assert set(layers[0].as_dict()) == {"x", "kernel", "bias", "z", "a"}


def test_an_empty_canvas_has_no_math(hidden_model):
    assert layer_math(network_of(hidden_model), None) is None


def test_a_unit_is_the_sum_of_its_weight_times_input_contributions(fashion, hidden_model):
    layer = layer_math(network_of(hidden_model), fashion.x_test[3])[0]
    unit = int(np.argmax(layer.z))
    detail = unit_detail(layer, unit, top=5)
    np.testing.assert_array_equal(detail.weights, hidden_model.layers[1].kernel[:, unit])
    assert detail.bias == pytest.approx(float(hidden_model.layers[1].bias[unit]))
    assert detail.contributions.sum(dtype=np.float64) + detail.bias == pytest.approx(
        detail.z, rel=1e-4, abs=1e-5)
    up = detail.contributions[detail.up]
    down = detail.contributions[detail.down]
    assert len(up) == 5 and (up > 0).all() and (np.diff(up) <= 0).all()
    assert (down < 0).all() and (np.diff(down) >= 0).all()
    assert up[0] == detail.contributions.max()
    with pytest.raises(IndexError):
        unit_detail(layer, 48)


def test_a_blank_input_pushes_nothing(hidden_model):
    layer = layer_math(network_of(hidden_model), np.zeros((28, 28), np.float32))[0]
    detail = unit_detail(layer, 0)
    assert len(detail.up) == len(detail.down) == 0
    assert detail.z == pytest.approx(detail.bias)
