"""The training loop: progress events, pause/resume/stop, divergence handling, speed.

``run_training`` is the generator behind ``Sequential.train``. It yields a ``BatchEnd``
after every batch, an ``EpochEnd`` after every epoch and exactly one ``TrainingEnd`` last
(see ``events.py``). It uses the model only through its public parts: ``layers``,
``optimizer``, ``parameters`` (the ``ParameterStore``) and ``BatchPlan``s made from it.

Why it is fast (the reference model trains an epoch of 60 000 images in under a second
on one core; ``benchmarks/bench_engine.py`` times it beside the same model written the
obvious way):

- every per-batch array is allocated once, in a ``BatchPlan``, and numpy writes into it
  with ``out=``; the batch is gathered with ``np.take(..., out=)``;
- parameters and gradients each live in one flat array (layers hold views), so the
  optimizer updates everything with a handful of whole-array operations;
- the first Dense layer's input gradient is never computed (nothing needs it);
- the softmax and the cross-entropy are fused, and the optimizer's gradient factor is
  applied to the small output error before backpropagation, not to the big gradient.

One step is ``train_step`` below. ``fast.py`` has a second implementation of it with the
element-wise work fused by numba; a run takes it when ``fast.use_for_training`` says so
(the same weights to about 1e-7; ``DENSE_STUDIO_FAST=0`` keeps this one).

Divergence: the loop alternates between the store's two parameter buffers (the optimizer
writes the new weights into the previous one), so the weights before the last step are
always still there. When a batch loss is NaN or infinite, those weights -- which gave a
finite loss one step earlier -- become the model's weights again, the optimizer state
(which holds the runaway steps) is reset, and the run ends with status ``"diverged"``. The
check is a single ``math.isfinite`` per batch; the final weights are checked once more.

Early stopping (``early_stopping.py``, Keras's rules) is checked once per epoch, after
validation; the best epoch's weights are one copy into a buffer made once per run.
"""

from __future__ import annotations

import math
import time
import warnings
from typing import Iterator, Optional

import numpy as np

from dense_studio.engine.events import (
    DIVERGED_MESSAGE,
    BatchEnd,
    EpochEnd,
    Event,
    TrainingControl,
    TrainingEnd,
)
from dense_studio.engine import fast
from dense_studio.engine.early_stopping import EarlyStoppingRule
from dense_studio.engine.plan import BatchPlan, evaluate_arrays

# A diverging run overflows (inf, then NaN) before the loss check sees it; that case is
# handled and reported as one clear message, so numpy's RuntimeWarnings from the engine's
# own code would only be noise. A module filter costs nothing per step, where wrapping
# every step in np.errstate costs microseconds.
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"dense_studio\.engine(\.|$)")


def train_step(plan: BatchPlan, optimizer, store, regularized: list) -> tuple[float, int]:
    """One step on the batch in ``plan``: forward, loss, backward, update.

    Returns ``(sum of the batch's losses, correct predictions)`` for the weights *before*
    the update. A non-finite loss leaves the weights alone (the caller restores them)."""
    count = plan.batch
    scale = optimizer.grad_scale()
    loss = plan.loss
    loss_sum, correct = loss.forward(plan.forward())
    if regularized:
        loss_sum += count * sum(layer.regularization_loss() for layer in regularized)
    if not math.isfinite(loss_sum):
        return loss_sum, correct
    plan.backward(loss.backward(scale / count), scale)
    optimizer.step(store.current, store.grad, store.previous)
    store.swap()
    return loss_sum, correct


def batch_loss(plan: BatchPlan, regularized: list) -> float:
    """The loss sum of the batch in ``plan`` for the current weights (no update)."""
    loss_sum, _ = plan.loss.forward(plan.forward())
    if regularized:
        loss_sum += plan.batch * sum(layer.regularization_loss() for layer in regularized)
    return loss_sum


class _Stats:
    __slots__ = ("loss", "correct", "seen")

    def __init__(self) -> None:
        self.loss = 0.0
        self.correct = 0
        self.seen = 0


def run_training(
    model,
    x: np.ndarray,
    y: np.ndarray,
    epochs: int,
    batch_size: int,
    validation_data=None,
    seed: int = 0,
    control: Optional[TrainingControl] = None,
    shuffle: bool = True,
    blas_threads: Optional[int] = None,
    early_stopping: Optional[EarlyStoppingRule] = None,
) -> Iterator[Event]:
    """See ``Sequential.train``. ``x``/``y`` are already validated and converted."""
    limiter = _blas_limit(blas_threads)
    try:
        yield from _run(model, x, y, epochs, batch_size, validation_data, seed, control,
                        shuffle, early_stopping)
    finally:
        if limiter is not None:
            limiter.restore_original_limits()


def _blas_limit(threads: Optional[int]):
    if threads is None:
        return None
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return None
    return threadpool_limits(limits=threads, user_api="blas")


def _what(loss: float) -> str:
    return "NaN" if math.isnan(loss) else "infinite"


def _run(model, x, y, epochs, batch_size, validation_data, seed, control, shuffle,
         early_stopping):
    n = len(x)
    batch_size = min(batch_size, n)
    batches = -(-n // batch_size)
    store = model.parameters
    optimizer = model.optimizer
    if optimizer.size != store.size or optimizer.dtype != store.dtype:
        optimizer.build(store.size, store.dtype)
    store.allocate_training()
    shuffle_seq, dropout_seq = np.random.SeedSequence(seed).spawn(2)
    shuffle_rng = np.random.default_rng(shuffle_seq)
    dropout_rng = np.random.default_rng(dropout_seq)
    full = BatchPlan(model, batch_size, backward=True, rng=dropout_rng)
    partial = None
    store.keep_previous()  # "previous weights" for a diverging first step
    regularized = [layer for layer in model.layers if getattr(layer, "kernel_regularizer", 0)]
    step = fast.train_step if fast.use_for_training(model) else train_step
    # (the epochs' orders are int64, as the kernel's indices: numpy's default integer)
    gather = fast.gatherer(x, y) if step is fast.train_step and np.intp == np.int64 else None
    history: dict = {"loss": [], "accuracy": []}
    if validation_data is not None:
        history["val_loss"], history["val_accuracy"] = [], []
    order = np.arange(n)
    run_start = time.perf_counter()
    paused_total = 0.0
    samples_seen = 0
    epochs_done = 0
    status, what = "finished", ""
    stopped_early = False
    last_batch = None

    def diverge(loss: float) -> str:
        store.swap()  # back to the weights before the last update
        optimizer.reset()
        return _what(loss)

    for epoch in range(epochs):
        if shuffle:
            order = shuffle_rng.permutation(n)
        stats = _Stats()
        epoch_start = time.perf_counter()
        epoch_paused = 0.0
        for b in range(batches):
            if control is not None and control.interrupted:
                t_pause = time.perf_counter()
                stop = control.wait_if_paused()
                waited = time.perf_counter() - t_pause
                paused_total += waited
                epoch_paused += waited
                if stop:
                    status = "stopped"
                    break
            idx = order[b * batch_size:(b + 1) * batch_size]
            count = len(idx)
            if count == batch_size:
                plan = full
            else:
                if partial is None or partial.batch != count:
                    partial = BatchPlan(model, count, backward=True, rng=dropout_rng)
                plan = partial
            if gather is not None:
                gather(idx, plan.x, plan.y)
            else:
                # (the indices are valid; mode="clip" skips numpy's buffered, checked copy)
                np.take(x, idx, axis=0, out=plan.x, mode="clip")
                np.take(y, idx, out=plan.y, mode="clip")
            loss_sum, correct = step(plan, optimizer, store, regularized)
            if not math.isfinite(loss_sum):
                what, status = diverge(loss_sum), "diverged"
                break
            last_batch = (plan, idx)
            stats.loss += loss_sum
            stats.correct += correct
            stats.seen += count
            samples_seen += count
            now = time.perf_counter()
            yield BatchEnd.fast(
                epoch, epochs, b + 1, batches, stats.loss / stats.seen,
                stats.correct / stats.seen, samples_seen,
                stats.seen / max(now - epoch_start - epoch_paused, 1e-9),
                now - run_start - paused_total,
            )
        if status != "finished":
            break
        seconds = time.perf_counter() - epoch_start - epoch_paused
        val_loss = val_accuracy = None
        if validation_data is not None:
            result = evaluate_arrays(model, *validation_data)
            val_loss, val_accuracy = result["loss"], result["accuracy"]
            if not math.isfinite(val_loss):
                what, status = diverge(val_loss), "diverged"
                break
        epochs_done += 1
        epoch_loss = stats.loss / max(stats.seen, 1)
        epoch_accuracy = stats.correct / max(stats.seen, 1)
        history["loss"].append(epoch_loss)
        history["accuracy"].append(epoch_accuracy)
        if validation_data is not None:
            history["val_loss"].append(val_loss)
            history["val_accuracy"].append(val_accuracy)
        yield EpochEnd(epoch, epochs, epoch_loss, epoch_accuracy, val_loss, val_accuracy,
                       seconds, stats.seen / max(seconds, 1e-9))
        # Once per epoch, after validation: no cost per batch.
        if early_stopping is not None and early_stopping.epoch_end(
                epoch, val_loss, val_accuracy, store.current):
            stopped_early = True
            break

    if status != "diverged" and last_batch is not None:
        # The last update has not been seen by a loss yet: check it on the last batch.
        plan, idx = last_batch
        np.take(x, idx, axis=0, out=plan.x, mode="clip")
        np.take(y, idx, out=plan.y, mode="clip")
        loss_sum = batch_loss(plan, regularized)
        if not math.isfinite(loss_sum):
            what, status = diverge(loss_sum), "diverged"
    best_epoch = None if early_stopping is None else early_stopping.best_epoch
    if status != "diverged" and early_stopping is not None:
        early_stopping.restore(store.current)  # Keras restores on any end but a crash
    if status == "diverged":
        message = DIVERGED_MESSAGE.format(what=what)
    elif status == "stopped":
        message = f"training stopped after {epochs_done} of {epochs} epochs"
    elif stopped_early:
        message = (f"stopped early after {epochs_done} of {epochs} epochs: "
                   f"{early_stopping.monitor} best at epoch {best_epoch + 1}")
    else:
        message = f"training finished: {epochs} epoch{'s' if epochs != 1 else ''}"
    yield TrainingEnd(status, message, history, epochs_done, best_epoch, stopped_early)
