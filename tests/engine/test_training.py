import threading

import numpy as np
import pytest

from dense_studio.engine import (BatchEnd, Dense, DenseSpec, Dropout, EpochEnd, Flatten,
                                 Sequential, TrainingControl, TrainingDiverged, TrainingEnd,
                                 build_model)
from dense_studio.errors import ConfigError, DenseStudioError

from .helpers import blobs, load_idx


def small_model(seed=0, optimizer="adam", lr=None, dropout=0.0):
    layers = [Flatten(input_shape=(6,)), Dense(16, "relu")]
    if dropout:
        layers.append(Dropout(dropout))
    layers.append(Dense(3, "softmax"))
    model = Sequential(layers)
    model.build(seed=seed)
    model.compile(optimizer, lr)
    return model


def test_event_sequence_with_validation_and_partial_batch():
    x, y = blobs(n=100)
    model = small_model()
    events = list(model.train(x, y, epochs=3, batch_size=32, validation_data=(x[:20], y[:20])))
    kinds = [type(e).__name__ for e in events]
    per_epoch = ["BatchEnd"] * 4 + ["EpochEnd"]  # 32 + 32 + 32 + 4
    assert kinds == per_epoch * 3 + ["TrainingEnd"]
    batches = [e for e in events if isinstance(e, BatchEnd)]
    assert [b.batch for b in batches[:4]] == [1, 2, 3, 4] and batches[0].batches == 4
    assert [b.epoch for b in batches[::4]] == [0, 1, 2]
    assert batches[-1].samples_seen == 300 and batches[3].samples_seen == 100
    assert all(b.epochs == 3 and b.samples_per_second > 0 for b in batches)
    assert all(b.elapsed <= c.elapsed for b, c in zip(batches, batches[1:]))
    epochs = [e for e in events if isinstance(e, EpochEnd)]
    assert [e.epoch for e in epochs] == [0, 1, 2]
    assert all(e.val_loss is not None and 0 <= e.val_accuracy <= 1 for e in epochs)
    assert epochs[0].loss == pytest.approx(batches[3].loss)  # running mean at epoch end
    end = events[-1]
    assert end.status == "finished" and end.epochs_done == 3
    assert end.history["loss"] == [e.loss for e in epochs]
    assert set(end.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}


def test_fit_returns_history_without_validation_keys():
    x, y = blobs(n=64)
    history = small_model().fit(x, y, epochs=2, batch_size=16)
    assert set(history) == {"loss", "accuracy"} and len(history["loss"]) == 2
    assert history["loss"][1] < history["loss"][0]


@pytest.mark.parametrize("optimizer", ["adam", "sgd", "rmsprop"])
def test_runs_are_reproducible_from_the_seed(optimizer):
    x, y = blobs(n=90)

    def run(seed):
        model = small_model(seed=1, optimizer=optimizer, dropout=0.3)
        history = model.fit(x, y, epochs=2, batch_size=8, seed=seed)
        return history["loss"], model.get_weights()

    loss_a, w_a = run(4)
    loss_b, w_b = run(4)
    loss_c, _ = run(5)
    assert loss_a == loss_b
    for a, b in zip(w_a, w_b):
        np.testing.assert_array_equal(a, b)
    assert loss_a != loss_c  # another shuffle and other dropout masks


def test_matches_a_plain_numpy_adam_loop():
    """One epoch of the optimized loop equals the textbook computation, step by step."""
    x, y = blobs(n=40, features=6, classes=3)
    model = small_model(seed=3)
    w1, b1, w2, b2 = [w.astype(np.float64) for w in model.get_weights()]
    params = [w1, b1, w2, b2]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    order = np.random.default_rng(np.random.SeedSequence(7).spawn(2)[0]).permutation(40)
    for t, start in enumerate(range(0, 40, 10), start=1):
        idx = order[start:start + 10]
        xb, yb = x[idx].astype(np.float64), y[idx]
        z1 = xb @ w1 + b1
        h = np.maximum(z1, 0)
        z2 = h @ w2 + b2
        p = np.exp(z2 - z2.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        d2 = p.copy()
        d2[np.arange(len(yb)), yb] -= 1
        d2 /= len(yb)
        d1 = (d2 @ w2.T) * (z1 > 0)
        grads = [xb.T @ d1, d1.sum(0), h.T @ d2, d2.sum(0)]
        alpha = 1e-3 * np.sqrt(1 - 0.999**t) / (1 - 0.9**t)
        for i, g in enumerate(grads):
            m[i] += (g - m[i]) * 0.1
            v[i] += (g * g - v[i]) * 0.001
            params[i] -= alpha * m[i] / (np.sqrt(v[i]) + 1e-7)
    model.fit(x, y, epochs=1, batch_size=10, seed=7)
    for got, want in zip(model.get_weights(), params):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


class WatchedControl(TrainingControl):
    """Tells the test when the loop has started to wait, so nothing depends on timing."""

    def __init__(self):
        super().__init__()
        self.waiting = threading.Event()

    def wait_if_paused(self):
        self.waiting.set()
        return super().wait_if_paused()


def test_pause_resume_and_stop_from_another_thread():
    x, y = blobs(n=64)
    model = small_model()
    control = WatchedControl()
    seen = []
    pause_at = {5, 30}

    def consume():
        for event in model.train(x, y, epochs=1000, batch_size=8, control=control):
            seen.append(event)
            if len(seen) in pause_at:
                control.pause()

    worker = threading.Thread(target=consume)
    worker.start()
    assert control.waiting.wait(10)  # (a safety limit, not a timing assertion)
    assert control.paused and len(seen) == 5  # blocked between batches, nothing more
    control.waiting.clear()
    control.resume()
    assert control.waiting.wait(10)
    assert len(seen) == 30  # it ran on after the resume, up to the second pause
    control.stop()  # a stop while paused ends the run at once
    worker.join(10)
    assert not worker.is_alive()
    assert len(seen) == 31
    end = seen[-1]
    assert isinstance(end, TrainingEnd) and end.status == "stopped"
    assert not any(isinstance(e, TrainingEnd) for e in seen[:-1])
    assert end.epochs_done == 3 and end.message == "training stopped after 3 of 1000 epochs"


def test_stop_before_start_gives_only_the_end_event():
    x, y = blobs(n=32)
    control = TrainingControl()
    control.stop()
    events = list(small_model().train(x, y, epochs=2, control=control))
    assert len(events) == 1 and events[0].status == "stopped" and events[0].epochs_done == 0


# (pytest shows numpy's overflow warnings that the engine silences for real use)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("optimizer,lr,scale", [("sgd", 10.0, 1e3), ("rmsprop", 1e36, 1),
                                               ("adam", 1e36, 1)])
def test_divergence_restores_last_good_weights(optimizer, lr, scale):
    x, y = blobs(n=200, spread=3.0)
    x = x * scale  # with a huge learning rate, the weights overflow within a few steps
    model = small_model(optimizer=optimizer, lr=lr)
    snapshots = [model.get_weights()]  # the weights after 0, 1, 2, ... updates
    events = []
    for event in model.train(x, y, epochs=200, batch_size=10):
        events.append(event)
        if isinstance(event, BatchEnd):
            snapshots.append(model.get_weights())
    end = events[-1]
    assert end.status == "diverged", end
    # at least one step gave a finite loss, so there are good weights to go back to
    assert sum(isinstance(e, BatchEnd) for e in events) >= 1
    assert end.message in {
        f"training diverged (loss became {what}) — weights restored to the last good ones; "
        "try a lower learning rate" for what in ("NaN", "infinite")}
    weights = model.get_weights()
    assert all(np.isfinite(w).all() for w in weights)
    # The loss of the last snapshot's weights blew up: the model holds the ones before,
    # which gave the last finite loss.
    for got, want in zip(weights, snapshots[-2]):
        np.testing.assert_array_equal(got, want)
    assert np.isfinite(model.evaluate(x[:10], y[:10])["loss"])
    assert model.optimizer.iterations == 0  # the runaway optimizer state is dropped
    model.compile(optimizer, 1e-4)  # and training can go on from there
    events = list(model.train(x / scale, y, epochs=1))
    assert events[-1].status == "finished"
    assert np.isfinite(events[-1].history["loss"][0])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_fit_raises_on_divergence_with_a_one_line_message():
    x, y = blobs(n=200)
    model = small_model(optimizer="sgd", lr=10.0)
    with pytest.raises(TrainingDiverged) as info:
        model.fit(x * 1e4, y, epochs=50, batch_size=10)
    assert isinstance(info.value, DenseStudioError) and "lower learning rate" in str(info.value)


def test_bad_training_arguments():
    x, y = blobs(n=20)
    model = small_model()
    for kwargs, match in ((dict(epochs=0), "epochs"), (dict(batch_size=0), "batch size"),
                          (dict(seed=-1), "seed"), (dict(validation_data=(x,)), "pair")):
        with pytest.raises(ConfigError, match=match):
            model.train(x, y, **kwargs)
    with pytest.raises(ConfigError, match="one class index per sample"):
        model.train(x, y[:5])


def test_cosine_schedule_runs_to_zero_and_restores_the_rate():
    x, y = blobs(n=40)
    model = small_model()
    model.compile("sgd", 0.1, lr_schedule="cosine")
    rates = []
    for event in model.train(x, y, epochs=2, batch_size=10):
        if isinstance(event, BatchEnd):
            rates.append(model.optimizer.current_learning_rate())
    assert rates[0] < 0.1 and rates[-1] == pytest.approx(0.0, abs=1e-12)
    assert model.optimizer.learning_rate == 0.1


def test_learns_real_fashion_mnist():
    x, y = load_idx("fashion_mnist", "train", limit=2500)
    model = build_model((DenseSpec(64, "relu"),), seed=0)
    model.compile("adam")
    history = model.fit(x[:2000], y[:2000], epochs=1, batch_size=32)
    result = model.evaluate(x[2000:], y[2000:])
    assert history["accuracy"][0] > 0.5
    assert result["accuracy"] > 0.65  # chance is 0.10
