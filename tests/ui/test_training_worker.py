"""The bridge between a run's training loop and Qt: throttling, snapshots, errors, stop;
and the curves' smoothing of what a session's run record holds."""

from __future__ import annotations


import numpy as np
import pytest

from dense_studio.engine import BatchEnd, build_model
from dense_studio.engine.run import prepare_run
from dense_studio.engine.spec import DenseSpec, TrainingConfig
from dense_studio.session import RunRecord
from dense_studio.ui.run_curves import BatchSmoother, RunCurves
from dense_studio.ui.training_worker import (
    BatchProgress,
    EndReport,
    EpochReport,
    Failure,
    TrainingWorker,
    one_line,
    throttled_training,
)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.random((640, 28, 28), dtype=np.float32)
    y = (x[:, :14].mean(axis=(1, 2)) > x[:, 14:].mean(axis=(1, 2))).astype(np.int64)
    return x, y


def small_model():
    model = build_model((DenseSpec(16, "relu"),), input_shape=(28, 28), num_classes=2, seed=1)
    model.compile(optimizer="adam", learning_rate=1e-3)
    return model


def run_of(model, x, y, *, epochs: int, batch_size: int):
    """The run the window would make: no validation, the model trained as it is."""
    config = TrainingConfig(layers=(DenseSpec(16, "relu"),), epochs=epochs,
                            batch_size=batch_size, validation_split=0.0, lr_schedule="constant")
    return prepare_run(config, x, y, num_classes=2, model=model)


def events(model, x, y, *, epochs, batch_size, **kwargs):
    """The engine's events for ``model`` on ``(x, y)``, as ``Run.train`` yields them."""
    return model.train(x, y, epochs=epochs, batch_size=batch_size, seed=0, **kwargs)


class FakeClock:
    """Time that advances 1 ms per reading: 1000 batches "take" one second."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        self.now += 0.001
        return self.now


def test_batches_are_thinned_but_every_epoch_and_its_last_batch_arrive(data):
    x, y = data
    model = small_model()
    items = list(throttled_training(events(model, x, y, epochs=3, batch_size=8), model,
                                    max_rate=30, clock=FakeClock()))
    batches = [i for i in items if isinstance(i, BatchProgress)]
    epochs = [i for i in items if isinstance(i, EpochReport)]
    assert isinstance(items[-1], EndReport) and items[-1].event.status == "finished"
    assert [e.event.epoch for e in epochs] == [0, 1, 2]
    # 80 batches per epoch at 1 ms each = 0.24 s of fake time: at most 30/s, plus the
    # flushed last batch of each epoch.
    assert len(batches) <= 0.24 * 30 + 3 + 1
    for epoch in range(3):
        last = [b for b in batches if b.event.epoch == epoch][-1]
        assert last.event.batch == last.event.batches == 80
    # An epoch report comes right after its epoch's last batch.
    for i, item in enumerate(items):
        if isinstance(item, EpochReport):
            assert isinstance(items[i - 1], BatchProgress)
            assert items[i - 1].event.batch == items[i - 1].event.batches


def test_the_curves_smooth_every_batch_a_run_record_holds(qtbot, data):
    """The curves read the session's record: one point per batch (80 an epoch), x in
    epochs of the run, whatever the throttled progress let through."""
    from dense_studio.session import Session
    from dense_studio.ui.curves import TrainingCurves

    x, y = data
    record = RunRecord.start(1, run_of(small_model(), x, y, epochs=2, batch_size=8), 0.0,
                             clock=lambda: 0.0)
    for _event in record.train():
        pass
    session, curves = Session(), TrainingCurves()
    qtbot.addWidget(curves)
    feed = RunCurves(session, curves)
    feed._runs(type("E", (), {"value": (record,)})())  # a history with this one run
    points = curves.data("loss")
    assert len(points) == 160
    assert np.all(np.diff(points[:, 0]) > 0)
    assert points[-1, 0] == pytest.approx(2.0)
    accuracy = curves.data("accuracy")[:, 1]
    assert np.all(np.isfinite(points[:, 1])) and np.all((accuracy >= 0) & (accuracy <= 100))
    assert len(curves.data("loss", "epochs")) == 2


def test_smoother_recovers_batch_losses_from_running_means():
    smoother = BatchSmoother(batches_per_epoch=4, points_per_epoch=4)
    losses = [4.0, 2.0, 3.0, 1.0]
    mean = 0.0
    for b, loss in enumerate(losses, start=1):
        mean += (loss - mean) / b
        smoother.add(BatchEnd(epoch=0, epochs=1, batch=b, batches=4, loss=mean, accuracy=0.5,
                              samples_seen=b, samples_per_second=1.0, elapsed=b))
    points = smoother.take()
    assert points[0, 1] == pytest.approx(4.0)  # the first point is the first batch itself
    beta = np.exp(-1.0)  # time constant max(1, 5 % of 4 batches) = 1 batch
    avg = weight = 0.0
    for loss in losses:
        avg = beta * avg + (1 - beta) * loss
        weight = beta * weight + (1 - beta)
    assert points[-1, 1] == pytest.approx(avg / weight)
    assert smoother.take().shape == (0, 3)


def test_epoch_snapshots_are_copies(data):
    x, y = data
    model = small_model()
    snapshots = [i.weights for i in throttled_training(
        events(model, x, y, epochs=2, batch_size=32), model) if isinstance(i, EpochReport)]
    assert not np.allclose(snapshots[0][0], snapshots[1][0])
    final = model.get_weights()
    np.testing.assert_array_equal(snapshots[1][0], final[0])
    final[0][...] = 0  # changing the model's arrays never changes a snapshot
    assert np.abs(snapshots[1][0]).sum() > 0


def test_errors_become_one_line_failures(data):
    x, y = data
    model = small_model()

    original = model.train

    def broken(*args, **kwargs):
        for count, event in enumerate(original(*args, **kwargs)):
            if count == 3:
                raise ValueError("first line\nsecond line")
            yield event

    model.train = broken
    items = list(throttled_training(events(model, x, y, epochs=1, batch_size=64), model))
    assert isinstance(items[-1], Failure)
    assert items[-1].message == "ValueError: first line"
    assert one_line(MemoryError()).startswith("not enough memory")


def test_worker_signals_pause_and_stop(qtbot, data):
    x, y = data
    x, y = np.concatenate([x] * 40), np.concatenate([y] * 40)
    model = small_model()
    stop_asked = []  # for every batch the engine finishes: had stop been asked by then?
    original = model.train

    def counting_train(*args, control=None, **kwargs):
        for event in original(*args, control=control, **kwargs):
            if isinstance(event, BatchEnd):
                stop_asked.append(control.stopped)
            yield event

    model.train = counting_train
    worker = TrainingWorker(run_of(model, x, y, epochs=50, batch_size=8))
    progress, epochs, ended, failed = [], [], [], []
    worker.progress.connect(progress.append)
    worker.epochEnded.connect(epochs.append)
    worker.trainingEnded.connect(ended.append)
    worker.failed.connect(failed.append)
    worker.start()
    qtbot.waitUntil(lambda: len(progress) >= 2, timeout=5000)
    worker.pause()
    qtbot.wait(200)
    count = len(progress)
    qtbot.wait(300)
    assert len(progress) <= count + 1 and worker.is_paused and worker.is_running
    worker.resume()
    qtbot.waitUntil(lambda: len(progress) > count + 1, timeout=5000)
    # (how far progress is thinned is checked on a fake clock above)
    with qtbot.waitSignal(worker.finished, timeout=5000):
        worker.stop()
    assert stop_asked.count(True) <= 1  # stopped after the batch in flight
    assert [e.event.status for e in ended] == ["stopped"] and failed == []
    assert worker.wait(1000) and not worker.is_running


def test_stop_while_paused_ends_quickly(qtbot, data):
    x, y = data
    worker = TrainingWorker(run_of(small_model(), np.concatenate([x] * 40),
                                   np.concatenate([y] * 40), epochs=50, batch_size=8))
    ended = []
    worker.trainingEnded.connect(ended.append)
    worker.start()
    qtbot.wait(100)
    worker.pause()
    qtbot.wait(100)
    assert worker.is_paused and worker.is_running
    assert worker.stop_and_wait(1000)  # a paused loop wakes up for stop at once
    qtbot.waitSignal(worker.finished, timeout=1000).wait()
    assert [report.event.status for report in ended] == ["stopped"]


def test_blas_is_limited_while_training_only(data):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    x, y = data
    seen = []
    model = small_model()
    original = model.train

    def spying_train(*args, **kwargs):
        for event in original(*args, **kwargs):
            seen.append([i["num_threads"] for i in threadpoolctl.threadpool_info()
                         if i["user_api"] == "blas"])
            yield event

    model.train = spying_train
    before = [i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
    run = run_of(model, x, y, epochs=1, batch_size=64)
    list(throttled_training(run.train(blas_threads=None), model, blas_threads=1))
    after = [i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
    assert seen and all(all(n == 1 for n in threads) for threads in seen)
    assert after == before


class FakeFastPath:
    """The engine's fast-path switches, with kernels "in the cache" but not loaded."""

    def __init__(self, monkeypatch, cached: bool):
        from dense_studio.engine import fast

        self.loads = 0
        monkeypatch.setattr(fast, "enabled", lambda: True)
        monkeypatch.setattr(fast, "kernels_cached", lambda: cached)
        monkeypatch.setattr(fast, "is_prepared", lambda: self.loads > 0)
        monkeypatch.setattr(fast, "prepare_fast_path", self.prepare)

    def prepare(self, progress=None):
        self.loads += 1
        return True


def one_small_run(model, x, y) -> list:
    """What the worker yields for one epoch of 64 samples."""
    return list(throttled_training(events(model, x[:64], y[:64], epochs=1, batch_size=32),
                                   model, clock=FakeClock()))


def test_cached_kernels_are_loaded_in_the_worker_before_the_first_batch(monkeypatch, data):
    x, y = data
    fake = FakeFastPath(monkeypatch, cached=True)
    model = small_model()
    items = one_small_run(model, x, y)
    assert [type(item).__name__ for item in items[:3]] == ["Preparing", "Preparing", "BatchProgress"]
    assert [item.done for item in items[:2]] == [False, True] and fake.loads == 1
    again = one_small_run(model, x, y)
    assert not any(type(item).__name__ == "Preparing" for item in again)  # once per process


def test_no_preparing_state_without_cached_kernels(monkeypatch, data):
    x, y = data
    fake = FakeFastPath(monkeypatch, cached=False)
    model = small_model()
    items = one_small_run(model, x, y)
    assert type(items[0]).__name__ == "BatchProgress" and fake.loads == 0


def test_the_worker_signals_the_preparing_state(qtbot, monkeypatch, data):
    x, y = data
    FakeFastPath(monkeypatch, cached=True)
    worker = TrainingWorker(run_of(small_model(), x[:64], y[:64], epochs=1, batch_size=32))
    states = []
    worker.preparing.connect(states.append)
    with qtbot.waitSignal(worker.finished, timeout=5000):
        worker.start()
    assert states == [True, False]


def test_the_gil_switch_interval_is_short_while_training_and_restored_after(data):
    import sys

    from dense_studio.ui.training_worker import TRAINING_SWITCH_INTERVAL

    x, y = data
    model = small_model()
    before = sys.getswitchinterval()
    assert before > TRAINING_SWITCH_INTERVAL  # (Python's default, 5 ms)
    during = []
    for item in throttled_training(events(model, x, y, epochs=1, batch_size=32), model,
                                   clock=FakeClock()):
        during.append(sys.getswitchinterval())
    assert isinstance(item, EndReport)
    assert during and all(value == pytest.approx(TRAINING_SWITCH_INTERVAL) for value in during)
    assert sys.getswitchinterval() == before
