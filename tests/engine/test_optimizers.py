"""Each optimizer against Keras 3's update formulas, written out by hand in float64."""

import math

import numpy as np
import pytest

from dense_studio.engine import SGD, Adam, CosineDecay, RMSprop, optimizers
from dense_studio.errors import ConfigError

W0 = np.array([0.5, -1.0, 2.0, 0.0])
GRADS = [np.array([0.1, -0.2, 0.3, 0.0]), np.array([-0.4, 0.5, 0.1, 1e-3]),
         np.array([0.2, 0.2, -0.6, 0.0])]


def run(opt, grads, dtype=np.float64):
    w = W0.astype(dtype)
    trace = []
    for g in grads:
        opt.apply(w, g.astype(dtype))
        trace.append(w.copy())
    return trace


def keras_sgd(grads, lr, momentum=0.0, nesterov=False):
    w, m, trace = W0.copy(), np.zeros(4), []
    for g in grads:
        if momentum:
            m = momentum * m - lr * g
            w = w + (momentum * m - lr * g if nesterov else m)
        else:
            w = w - lr * g
        trace.append(w.copy())
    return trace


def keras_adam(grads, lr=1e-3, b1=0.9, b2=0.999, eps=1e-7):
    w, m, v, trace = W0.copy(), np.zeros(4), np.zeros(4), []
    for t, g in enumerate(grads, start=1):
        alpha = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        w = w - alpha * m / (np.sqrt(v) + eps)
        trace.append(w.copy())
    return trace


def keras_rmsprop(grads, lr=1e-3, rho=0.9, momentum=0.0, eps=1e-7):
    w, v, m, trace = W0.copy(), np.zeros(4), np.zeros(4), []
    for g in grads:
        v = rho * v + (1 - rho) * g * g
        inc = lr * g / np.sqrt(v + eps)
        if momentum:
            m = momentum * m + inc
            w = w - m
        else:
            w = w - inc
        trace.append(w.copy())
    return trace


def assert_traces(got, want, rtol=1e-12):
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-15)


def test_keras_defaults():
    assert SGD().learning_rate == 0.01 and SGD().momentum == 0 and not SGD().nesterov
    a = Adam()
    assert (a.learning_rate, a.beta_1, a.beta_2, a.epsilon) == (0.001, 0.9, 0.999, 1e-7)
    r = RMSprop()
    assert (r.learning_rate, r.rho, r.momentum, r.epsilon) == (0.001, 0.9, 0.0, 1e-7)
    assert isinstance(optimizers.get("adam"), Adam)
    assert optimizers.get("sgd", 0.5).learning_rate == 0.5


@pytest.mark.parametrize("momentum,nesterov", [(0.0, False), (0.9, False), (0.9, True)])
def test_sgd_first_steps(momentum, nesterov):
    got = run(SGD(0.1, momentum=momentum, nesterov=nesterov), GRADS)
    assert_traces(got, keras_sgd(GRADS, 0.1, momentum, nesterov))


def test_sgd_by_hand():
    w = np.array([1.0])
    opt = SGD(0.1, momentum=0.5)
    opt.apply(w, np.array([2.0]))  # m = -0.2, w = 0.8
    opt.apply(w, np.array([2.0]))  # m = 0.5 * -0.2 - 0.2 = -0.3, w = 0.5
    assert w[0] == pytest.approx(0.5)


def test_adam_first_steps():
    assert_traces(run(Adam(), GRADS), keras_adam(GRADS))
    assert_traces(run(Adam(0.01, 0.8, 0.99, 1e-3), GRADS), keras_adam(GRADS, 0.01, 0.8, 0.99, 1e-3))


def test_adam_first_step_by_hand():
    # t = 1: m = 0.1 g, v = 0.001 g^2, alpha = lr * sqrt(0.001) / 0.1, so the step is
    # lr * g / (|g| + eps / sqrt(0.001)) -> almost exactly lr * sign(g).
    w = np.array([1.0, 1.0])
    Adam().apply(w, np.array([0.5, -2.0]))
    expected = 1.0 - 1e-3 * np.array([0.5, -2.0]) / (np.abs([0.5, -2.0]) + 1e-7 / math.sqrt(1e-3))
    np.testing.assert_allclose(w, expected, rtol=1e-13)


@pytest.mark.parametrize("momentum", [0.0, 0.8])
def test_rmsprop_first_steps(momentum):
    got = run(RMSprop(0.01, momentum=momentum), GRADS)
    assert_traces(got, keras_rmsprop(GRADS, 0.01, momentum=momentum))


@pytest.mark.parametrize("make,reference", [
    (lambda: Adam(), keras_adam),
    (lambda: RMSprop(momentum=0.5), lambda g: keras_rmsprop(g, momentum=0.5)),
    (lambda: SGD(0.05, momentum=0.9, nesterov=True), lambda g: keras_sgd(g, 0.05, 0.9, True)),
])
def test_long_runs_in_float32_follow_keras(make, reference):
    """300 steps: crosses the periodic rescaling and flushing of the state, in float32."""
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=4) * (i % 5 != 0) for i in range(300)]  # some zero gradients
    got = run(make(), grads, dtype=np.float32)
    want = reference(grads)
    np.testing.assert_allclose(got[-1], want[-1], rtol=2e-5, atol=2e-6)


def test_adam_moments_are_keras_moments():
    opt = Adam()
    w = W0.copy()
    for g in GRADS:
        opt.apply(w, g)
    m, v = opt.moments()
    m_ref, v_ref = np.zeros(4), np.zeros(4)
    for g in GRADS:
        m_ref = 0.9 * m_ref + 0.1 * g
        v_ref = 0.999 * v_ref + 0.001 * g * g
    np.testing.assert_allclose(m, m_ref, rtol=1e-12)
    np.testing.assert_allclose(v, v_ref, rtol=1e-12)


def test_step_writes_to_another_buffer_and_reset_forgets():
    opt = SGD(0.1)
    opt.build(2, np.float64)
    params, out = np.array([1.0, 2.0]), np.zeros(2)
    grads = np.array([1.0, 1.0]) * opt.grad_scale()
    opt.step(params, grads, out)
    np.testing.assert_allclose(out, [0.9, 1.9])
    np.testing.assert_allclose(params, [1.0, 2.0])  # the previous weights are untouched
    opt = Adam()
    w = W0.copy()
    opt.apply(w, GRADS[0])
    opt.reset()
    assert opt.iterations == 0 and not opt.moments()[0].any()


@pytest.mark.parametrize("make", [lambda: SGD(0.1, momentum=0.9), Adam, RMSprop,
                                  lambda: RMSprop(momentum=0.5)])
def test_an_optimizer_never_built_resets_without_complaint(make):
    opt = make()
    opt.reset()  # (Reset weights before the first run)
    assert opt.iterations == 0


def test_cosine_decay_matches_keras():
    schedule = CosineDecay(0.1, decay_steps=100, alpha=0.1)
    assert schedule(0) == pytest.approx(0.1)
    assert schedule(50) == pytest.approx(0.1 * (0.9 * 0.5 + 0.1))
    assert schedule(100) == pytest.approx(0.01) and schedule(500) == pytest.approx(0.01)
    opt = SGD(schedule)
    w = np.array([0.0])
    for _ in range(50):
        opt.apply(w, np.array([1.0]))
    assert w[0] == pytest.approx(-sum(schedule(i) for i in range(50)))


@pytest.mark.parametrize("make", [
    lambda: Adam(learning_rate=0), lambda: Adam(beta_1=1.0), lambda: Adam(epsilon=-1),
    lambda: SGD(momentum=1.5), lambda: RMSprop(rho=0), lambda: SGD(float("nan")),
    lambda: optimizers.get("adagrad"),
])
def test_bad_hyperparameters(make):
    with pytest.raises(ConfigError):
        make()


@pytest.mark.parametrize("make,reference", [
    (lambda: Adam(beta_2=0.1), lambda g: keras_adam(g, b2=0.1)),
    (lambda: Adam(beta_1=0.5, beta_2=0.01), lambda g: keras_adam(g, b1=0.5, b2=0.01)),
    (lambda: RMSprop(rho=0.1), lambda g: keras_rmsprop(g, rho=0.1)),
])
def test_a_fast_decaying_second_moment_keeps_learning_in_float32(make, reference):
    """With a small beta_2 the scaled second moment grows by 1 / beta_2 a step; it must be
    scaled back before it overflows float32 (it used to reach inf after ~40 steps, and
    every update then was m / inf = 0: training silently stopped)."""
    rng = np.random.default_rng(1)
    grads = [rng.normal(size=4) for _ in range(200)]
    opt = make()
    trace = run(opt, grads, dtype=np.float32)
    want = reference(grads)
    np.testing.assert_allclose(trace[-1], want[-1], rtol=1e-4, atol=1e-5)
    assert not np.array_equal(trace[-1], trace[-2])  # still moving at the end


@pytest.mark.parametrize("make,slots", [
    (lambda: Adam(), 2), (lambda: RMSprop(), 2), (lambda: RMSprop(momentum=0.9), 3),
    (lambda: SGD(), 0), (lambda: SGD(momentum=0.9), 1), (lambda: SGD(momentum=0.9, nesterov=True), 2),
])
def test_state_slots_count_the_arrays_build_allocates(make, slots):
    opt = make()
    assert opt.state_slots == slots
    opt.build(10)
    arrays = [v for v in vars(opt).values() if isinstance(v, np.ndarray) and v.size == 10]
    assert len(arrays) == slots
