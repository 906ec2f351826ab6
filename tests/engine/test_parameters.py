"""The parameter store: flat buffers, the layers' views, the double buffer."""

import numpy as np
import pytest

from dense_studio.engine import Dense, Flatten, ParameterStore, Sequential


def model():
    m = Sequential([Flatten(input_shape=(3,)), Dense(4, "relu"), Dense(2, "softmax",
                                                                      use_bias=False)])
    m.build(seed=0)
    return m


def test_layers_hold_views_into_the_current_buffer_in_keras_order():
    m = model()
    store = m.parameters
    assert isinstance(store, ParameterStore) and store.size == 3 * 4 + 4 + 4 * 2
    dense, out = m.layers[1], m.layers[2]
    assert list(store.views_for(dense)) == ["kernel", "bias"]
    assert list(store.views_for(out)) == ["kernel"] and store.views_for(m.layers[0]) == {}
    assert np.shares_memory(dense.kernel, store.current)
    store.current[:] = np.arange(store.size)
    np.testing.assert_array_equal(dense.kernel.ravel(), np.arange(12))
    np.testing.assert_array_equal(dense.bias, [12, 13, 14, 15])
    np.testing.assert_array_equal(m.get_weights()[2].ravel(), np.arange(16, 24))
    assert [layer.name for layer, _, _ in store.weight_views()] == ["dense", "dense", "dense_1"]


def test_swap_points_the_layers_at_the_other_buffer_and_back():
    m = model()
    store = m.parameters
    with pytest.raises(RuntimeError):
        store.previous  # only training has a second buffer
    store.allocate_training()
    before = store.current.copy()
    store.keep_previous()
    np.testing.assert_array_equal(store.previous, before)
    store.previous[:] = -1.0  # what an optimizer step writes
    store.swap()
    assert (m.layers[1].kernel == -1).all() and (m.get_weights()[0] == -1).all()
    np.testing.assert_array_equal(store.previous, before)  # the last weights survive
    store.swap()  # a diverging step goes back
    np.testing.assert_array_equal(m.layers[1].kernel.ravel(), before[:12])


def test_gradient_views_share_the_flat_gradient():
    m = model()
    store = m.parameters
    store.allocate_training()
    grads = store.grad_views_for(m.layers[1])
    assert grads["kernel"].shape == (3, 4) and np.shares_memory(grads["kernel"], store.grad)
    assert [g.shape for g in store.gradient_views()] == [(3, 4), (4,), (4, 2)]
    assert store.grad_views[1] is grads
    assert store.nbytes == 3 * store.size * 4  # two weight buffers and the gradient
