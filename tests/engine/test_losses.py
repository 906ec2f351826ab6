import numpy as np
import pytest

from dense_studio.engine import Dense, Flatten, Sequential, losses


def test_fused_loss_is_finite_for_huge_logits():
    logits = np.array([[1e4, 0.0, -1e4], [0.0, 1e4, 1e4]], np.float32)
    y = np.array([1, 2])
    loss = losses.sparse_categorical_crossentropy(y, logits, from_logits=True)
    assert np.isfinite(loss).all()
    np.testing.assert_allclose(loss, [1e4, np.log(2)], rtol=1e-6)
    per_sample, grad = losses.softmax_cross_entropy_grad(logits, y)
    assert np.isfinite(grad).all()
    np.testing.assert_allclose(grad, [[0.5, -0.5, 0], [0, 0.25, -0.25]], atol=1e-6)


def test_model_loss_with_huge_logits_has_no_nan():
    model = Sequential([Flatten(input_shape=(2,)), Dense(3, "softmax")])
    model.build(seed=0)
    model.set_weights([np.array([[1e4, -1e4, 0], [0, 0, 1e4]], np.float32), np.zeros(3)])
    x = np.array([[1, 0], [0, 1], [1, 1]], np.float32)
    y = np.array([1, 2, 0])
    result = model.evaluate(x, y)
    assert np.isfinite(result["loss"])
    # losses 2e4, ~0 and log(2); the last sample ties classes 0 and 2: argmax picks 0
    assert result["loss"] == pytest.approx((2e4 + 0 + np.log(2)) / 3, rel=1e-6)
    assert result["accuracy"] == pytest.approx(2 / 3)
    p = model.predict(x)
    assert np.isfinite(p).all() and np.allclose(p.sum(1), 1)


def test_probability_loss_clips_like_keras():
    p = np.array([[1.0, 0.0]])
    assert losses.sparse_categorical_crossentropy([1], p)[0] == pytest.approx(-np.log(1e-7))


def test_accuracy_takes_first_maximum():
    assert losses.accuracy([0, 1, 1], [[1, 1], [0, 2], [3, 1]]) == pytest.approx(2 / 3)
