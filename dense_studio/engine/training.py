"""The training loop: progress events, pause/resume/stop, divergence handling, speed.

``run_training`` is the generator behind ``Sequential.train``. It yields a ``BatchEnd``
after every batch, an ``EpochEnd`` after every epoch and exactly one ``TrainingEnd`` last.

Why it is fast (the reference model trains an epoch of 60 000 images in well under a
second on two cores, where a straightforward numpy loop takes about one):

- every per-batch array is allocated once, in a ``_Plan``, and numpy writes into it with
  ``out=``; the batch is gathered with ``np.take(..., out=)``;
- parameters and gradients each live in one flat array (layers hold views), so the
  optimizer updates everything with a handful of whole-array operations;
- the first Dense layer's input gradient is never computed (nothing needs it);
- the softmax and the cross-entropy are fused, and the optimizer's gradient factor is
  applied to the small output error before backpropagation, not to the big gradient.

Divergence: the loop alternates between two parameter buffers (the optimizer writes the
new weights into the other one), so the weights before the last step are always still
there. When a batch loss is NaN or infinite, those weights -- which gave a finite loss
one step earlier -- become the model's weights again, the optimizer state (which holds
the runaway steps) is reset, and the run ends with status ``"diverged"``. The check is a
single ``math.isfinite`` per batch; the final weights are checked once more at the end.
"""

from __future__ import annotations

import math
import threading
import time
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator, Optional, Union

import numpy as np

from dense_studio.errors import DenseStudioError

if TYPE_CHECKING:  # pragma: no cover
    from dense_studio.engine.model import Sequential

DIVERGED_MESSAGE = (
    "training diverged (loss became {what}) — weights restored to the last good ones; "
    "try a lower learning rate"
)


# A diverging run overflows (inf, then NaN) before the loss check sees it; that case is
# handled and reported as one clear message, so numpy's RuntimeWarnings from the engine's
# own code would only be noise. A module filter costs nothing per step, where wrapping
# every step in np.errstate costs microseconds.
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"dense_studio\.engine(\.|$)")


class TrainingDiverged(DenseStudioError):
    """Raised by ``fit`` when the loss became NaN or infinite."""


# --- events -----------------------------------------------------------------------------

@dataclass(frozen=True)
class BatchEnd:
    """After every batch. ``loss``/``accuracy`` are running means over this epoch so far;
    ``samples_per_second`` is this epoch's so far; ``elapsed`` is training time since the
    run started. Times exclude pauses."""

    epoch: int  # 0-based
    epochs: int
    batch: int  # 1-based, batches done in this epoch
    batches: int
    loss: float
    accuracy: float
    samples_seen: int  # across the whole run
    samples_per_second: float
    elapsed: float

    @classmethod
    def _fast(cls, epoch, epochs, batch, batches, loss, accuracy, samples_seen,
              samples_per_second, elapsed) -> "BatchEnd":
        """The same event without the frozen dataclass's ``__init__``, whose nine
        ``object.__setattr__`` calls cost about 1 % of a reference training step."""
        event = object.__new__(cls)
        event.__dict__.update(
            epoch=epoch, epochs=epochs, batch=batch, batches=batches, loss=loss,
            accuracy=accuracy, samples_seen=samples_seen,
            samples_per_second=samples_per_second, elapsed=elapsed)
        return event


@dataclass(frozen=True)
class EpochEnd:
    epoch: int  # 0-based
    epochs: int
    loss: float
    accuracy: float
    val_loss: Optional[float]
    val_accuracy: Optional[float]
    seconds: float
    samples_per_second: float


@dataclass(frozen=True)
class TrainingEnd:
    status: str  # "finished" | "stopped" | "diverged"
    message: str
    history: dict = field(default_factory=dict)
    epochs_done: int = 0


Event = Union[BatchEnd, EpochEnd, TrainingEnd]


class TrainingControl:
    """Pause, resume or stop a running ``train()`` from another thread.

    The loop looks at it between batches (one attribute read). While paused it blocks in
    ``wait_if_paused`` and still wakes up at once for ``stop()``.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._paused = False
        self._stopped = False
        self.interrupted = False  # paused or stopped: the loop's cheap check

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def stopped(self) -> bool:
        return self._stopped

    def pause(self) -> None:
        with self._cond:
            if not self._stopped:
                self._paused = True
                self.interrupted = True

    def resume(self) -> None:
        with self._cond:
            self._paused = False
            self.interrupted = self._stopped
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._paused = False
            self.interrupted = True
            self._cond.notify_all()

    def wait_if_paused(self) -> bool:
        """Block while paused; return True when training should stop."""
        with self._cond:
            while self._paused and not self._stopped:
                self._cond.wait(0.5)
            return self._stopped


# --- the buffered forward/backward pass ------------------------------------------------

class _DenseStage:
    __slots__ = ("layer", "kernels", "biases", "grad_kernel", "grad_bias", "z", "y", "work",
                 "input", "d_input", "forward", "backward", "last", "first", "l2",
                 "reg_tmp", "index")


class _DropoutStage:
    __slots__ = ("layer", "rate", "scale", "random", "mask", "y", "input")


class _Plan:
    """Preallocated buffers and the forward/backward code for one batch size."""

    def __init__(self, model: "Sequential", batch: int, training: bool,
                 dropout: Optional[bool] = None) -> None:
        """``training``: also allocate what the backward pass needs; ``dropout``: apply the
        Dropout layers (defaults to ``training``)."""
        dtype = model.dtype
        dropout = training if dropout is None else dropout
        self.batch = batch
        self.training = training
        self.dtype = dtype
        classes = model.output_units
        self.x = np.empty((batch, model.input_size), dtype)
        self.y = np.empty(batch, np.int64)
        self.y_column = self.y.reshape(batch, 1)
        self.classes = np.arange(classes, dtype=np.int64)
        self.onehot = np.empty((batch, classes), dtype)
        self.row_max = np.empty((batch, 1), dtype)
        self.row_sum = np.empty((batch, 1), dtype)
        self.log_sum = np.empty((batch, 1), dtype)
        self.argmax = np.empty(batch, np.int64)
        self.hits = np.empty(batch, bool)
        self.product_fits = batch * math.log10(max(classes, 2)) < 300
        self.ones = np.ones(batch, dtype)  # bias gradients as ones @ d (BLAS beats a reduce)
        self.stages: list = []
        a = self.x
        dense_seen = False
        last_dense = max(i for i, layer in enumerate(model.layers) if model.is_dense(layer))
        for index, layer in enumerate(model.layers):
            if model.is_dense(layer):
                st = _DenseStage()
                st.layer, st.index = layer, index
                st.kernels = [views[index]["kernel"] for views in model._views]
                st.biases = ([views[index]["bias"] for views in model._views]
                             if layer.use_bias else None)
                st.grad_kernel = model._grad_views[index]["kernel"] if training else None
                st.grad_bias = (model._grad_views[index]["bias"]
                                if training and layer.use_bias else None)
                units = layer.units
                st.last = index == last_dense
                st.first = not dense_seen
                dense_seen = True
                st.input = a
                st.z = np.empty((batch, units), dtype)
                linear = layer.activation.name == "linear"
                st.forward = None if (st.last or linear) else layer.activation.forward
                st.backward = None if (st.last or linear) else layer.activation.backward
                st.y = st.z if st.forward is None else np.empty((batch, units), dtype)
                st.work = np.empty((batch, units), dtype) if st.forward is not None else None
                st.d_input = (np.empty((batch, a.shape[1]), dtype)
                              if training and not st.first else None)
                st.l2 = layer.kernel_regularizer
                st.reg_tmp = (np.empty(st.kernels[0].shape, dtype)
                              if training and st.l2 else None)
                self.stages.append(st)
                a = st.y
            elif model.is_dropout(layer) and dropout and layer.rate > 0:
                self.stages.append(self._dropout(layer, a))
                a = self.stages[-1].y
        self.logits = a
        self.rng: Optional[np.random.Generator] = None

    def _dropout(self, layer, a) -> _DropoutStage:
        st = _DropoutStage()
        st.layer, st.rate = layer, layer.rate
        st.scale = 1.0 / (1.0 - layer.rate)
        st.random = np.empty(a.shape, self.dtype)
        st.mask = np.empty(a.shape, self.dtype)
        st.y = np.empty(a.shape, self.dtype)
        st.input = a
        return st

    def forward(self, cur: int) -> np.ndarray:
        """Logits of the samples in ``self.x``, with dropout when this is a training plan.

        (``np.dot`` with ``out=``: every buffer here is C-contiguous, and it has about a
        microsecond less overhead per call than ``np.matmul``.)"""
        for st in self.stages:
            if type(st) is _DenseStage:
                z = st.z
                np.dot(st.input, st.kernels[cur], out=z)
                if st.biases is not None:
                    np.add(z, st.biases[cur], out=z)
                if st.forward is not None:
                    st.forward(z, st.y, st.work)
            else:
                self.rng.random(out=st.random, dtype=self.dtype)
                np.greater_equal(st.random, st.rate, out=st.mask)
                st.mask *= st.scale
                np.multiply(st.input, st.mask, out=st.y)
        return self.logits

    def loss(self, want_delta: bool, delta_scale: float = 1.0) -> tuple[float, int]:
        """Sum of the per-sample cross-entropies and number of correct predictions of the
        current logits and labels. With ``want_delta`` the logits buffer is replaced by
        ``delta_scale * (softmax - onehot)``, the error the backward pass starts from."""
        # (ufunc.reduce rather than np.max/np.sum: half the call overhead on tiny arrays)
        logits = self.logits
        np.maximum.reduce(logits, axis=1, keepdims=True, out=self.row_max)
        np.argmax(logits, axis=1, out=self.argmax)
        np.subtract(logits, self.row_max, out=logits)
        np.equal(self.y_column, self.classes, out=self.onehot)
        true_logit_sum = float(np.vdot(logits, self.onehot))
        np.exp(logits, out=logits)
        np.add.reduce(logits, axis=1, keepdims=True, out=self.row_sum)
        if self.product_fits:
            # sum(log(s)) as log(prod(s)): one call instead of two; each s is in [1, classes]
            # so the float64 product cannot overflow for this batch size.
            loss_sum = math.log(np.multiply.reduce(self.row_sum, axis=None, dtype=np.float64))
        else:
            np.log(self.row_sum, out=self.log_sum)
            loss_sum = float(np.add.reduce(self.log_sum, axis=None))
        loss_sum -= true_logit_sum
        np.equal(self.argmax, self.y, out=self.hits)
        correct = int(np.count_nonzero(self.hits))
        if want_delta:
            np.divide(logits, self.row_sum, out=logits)
            np.subtract(logits, self.onehot, out=logits)
            np.multiply(logits, delta_scale, out=logits)
        return loss_sum, correct

    def backward(self, cur: int, grad_scale: float) -> None:
        """Fill the model's gradient buffer from the error left in the logits buffer."""
        d = self.logits
        for st in reversed(self.stages):
            if type(st) is _DenseStage:
                if st.backward is not None:
                    st.backward(st.z, st.y, d, d, st.work)
                np.dot(st.input.T, d, out=st.grad_kernel)
                if st.grad_bias is not None:
                    np.dot(self.ones, d, out=st.grad_bias)
                if st.l2:
                    np.multiply(st.kernels[cur], 2.0 * st.l2 * grad_scale, out=st.reg_tmp)
                    st.grad_kernel += st.reg_tmp
                if st.first:
                    return
                np.dot(d, st.kernels[cur].T, out=st.d_input)
                d = st.d_input
            else:
                np.multiply(d, st.mask, out=d)


# --- the run --------------------------------------------------------------------------

class _Stats:
    __slots__ = ("loss", "correct", "seen")

    def __init__(self) -> None:
        self.loss = 0.0
        self.correct = 0
        self.seen = 0


def run_training(
    model: "Sequential",
    x: np.ndarray,
    y: np.ndarray,
    epochs: int,
    batch_size: int,
    validation_data=None,
    seed: int = 0,
    control: Optional[TrainingControl] = None,
    shuffle: bool = True,
    blas_threads: Optional[int] = None,
) -> Iterator[Event]:
    """See ``Sequential.train``. ``x``/``y`` are already validated and converted."""
    limiter = _blas_limit(blas_threads)
    try:
        yield from _run(model, x, y, epochs, batch_size, validation_data, seed, control,
                        shuffle)
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


def _run(model, x, y, epochs, batch_size, validation_data, seed, control, shuffle):
    n = len(x)
    batch_size = min(batch_size, n)
    batches = -(-n // batch_size)
    optimizer = model.optimizer
    if optimizer.size != model._size or optimizer.dtype != model.dtype:
        optimizer.build(model._size, model.dtype)
    model._ensure_training_buffers()
    shuffle_seq, dropout_seq = np.random.SeedSequence(seed).spawn(2)
    shuffle_rng = np.random.default_rng(shuffle_seq)
    dropout_rng = np.random.default_rng(dropout_seq)
    full = _Plan(model, batch_size, training=True)
    full.rng = dropout_rng
    partial = None
    buffers = model._buffers
    grads = model._grad
    cur = model._cur
    np.copyto(buffers[1 - cur], buffers[cur])  # "previous weights" for a diverging 1st step
    regularized = [st for st in full.stages if type(st) is _DenseStage and st.l2]
    dense_layers = [(st.layer, st.kernels, st.biases) for st in full.stages
                    if type(st) is _DenseStage]
    history: dict = {"loss": [], "accuracy": []}
    if validation_data is not None:
        history["val_loss"], history["val_accuracy"] = [], []
    order = np.arange(n)
    run_start = time.perf_counter()
    paused_total = 0.0
    samples_seen = 0
    epochs_done = 0
    status, what = "finished", ""
    last_batch = None

    def bind(index: int) -> None:
        model._cur = index
        for layer, kernels, biases in dense_layers:
            layer.kernel = kernels[index]
            if biases is not None:
                layer.bias = biases[index]

    def diverge(reason: str) -> str:
        nonlocal cur
        cur = 1 - cur
        bind(cur)
        optimizer.reset()
        return reason

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
                    partial = _Plan(model, count, training=True)
                    partial.rng = dropout_rng
                plan = partial
            # (the indices are valid; mode="clip" skips numpy's buffered, checked copy)
            np.take(x, idx, axis=0, out=plan.x, mode="clip")
            np.take(y, idx, out=plan.y, mode="clip")
            scale = optimizer.grad_scale()
            plan.forward(cur)
            loss_sum, correct = plan.loss(True, scale / count)
            if regularized:
                loss_sum += count * _penalty(regularized, cur)
            if not math.isfinite(loss_sum):
                what = diverge("NaN" if math.isnan(loss_sum) else "infinite")
                status = "diverged"
                break
            plan.backward(cur, scale)
            optimizer.step(buffers[cur], grads, buffers[1 - cur])
            cur = 1 - cur
            bind(cur)
            last_batch = (plan, idx)
            stats.loss += loss_sum
            stats.correct += correct
            stats.seen += count
            samples_seen += count
            now = time.perf_counter()
            yield BatchEnd._fast(
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
            result = model._evaluate_arrays(*validation_data)
            val_loss, val_accuracy = result["loss"], result["accuracy"]
            if not math.isfinite(val_loss):
                what = diverge("NaN" if math.isnan(val_loss) else "infinite")
                status = "diverged"
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

    if status != "diverged" and last_batch is not None:
        # The last update has not been seen by a loss yet: check it on the last batch.
        plan, idx = last_batch
        np.take(x, idx, axis=0, out=plan.x, mode="clip")
        np.take(y, idx, out=plan.y, mode="clip")
        plan.forward(cur)
        loss_sum, _ = plan.loss(False)
        if regularized:
            loss_sum += len(idx) * _penalty(regularized, cur)
        if not math.isfinite(loss_sum):
            what = diverge("NaN" if math.isnan(loss_sum) else "infinite")
            status = "diverged"
    model._cur = cur
    if status == "diverged":
        message = DIVERGED_MESSAGE.format(what=what)
    elif status == "stopped":
        message = f"training stopped after {epochs_done} of {epochs} epochs"
    else:
        message = f"training finished: {epochs} epoch{'s' if epochs != 1 else ''}"
    yield TrainingEnd(status, message, history, epochs_done)


def _penalty(regularized, cur: int) -> float:
    total = 0.0
    for st in regularized:
        k = st.kernels[cur].reshape(-1)
        total += st.l2 * float(np.dot(k, k))
    return total
