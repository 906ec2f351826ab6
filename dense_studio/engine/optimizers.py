"""SGD, Adam and RMSprop with Keras 3's defaults and update formulas, on one flat vector.

The model keeps every parameter in one contiguous array and every gradient in another, so
an optimizer step is a few whole-array numpy operations instead of a Python loop over
layers. Each of those operations streams the whole parameter set through memory (about
17 µs for the 101 770 parameters of the reference model, ``sqrt`` about 45 µs), so the
updates are written to use as few passes as possible:

- The caller multiplies the gradient by :meth:`Optimizer.grad_scale` before handing it
  over. It does that for free, on the tiny output-layer error, before backpropagation.
  SGD folds its learning rate into that factor; Adam and RMSprop fold in a slowly growing
  factor ``sigma`` that takes the place of the per-step decay of the second moment, so
  ``v = beta_2 * v + (1 - beta_2) * g**2`` becomes ``V += G**2`` with ``V = sigma**2 * v /
  (1 - beta_2)``. The algebra is exact; the buffers are scaled back (``sigma = 1``)
  every ``FLUSH_EVERY`` steps, or sooner when a fast decay would let ``sigma**2`` pass 4.
- The new parameters are written to ``out``, which may differ from ``params``: the
  training loop alternates between two parameter buffers and so always still holds the
  previous weights, at no cost, for when a step makes the loss blow up.
- Every ``FLUSH_EVERY`` steps, optimizer-state entries below ~1e-30 are set to zero. An
  exponentially decaying moment otherwise lingers for hundreds of steps as a subnormal
  float, and x86 CPUs compute on subnormals up to 100 times slower. TensorFlow gets the
  same effect by running with flush-to-zero; entries that small change no float32 weight.

``Optimizer.apply(params, grads)`` is the plain interface (unscaled gradients, in place)
for anyone who does not care about the above; the formulas are those of
``keras.optimizers`` and are checked against hand computations in the tests.
"""

from __future__ import annotations

import math
from typing import Optional, Union

import numpy as np

from dense_studio.errors import ConfigError

FLUSH_EVERY = 64


# --- learning-rate schedules ----------------------------------------------------------

class LearningRateSchedule:
    """A learning rate that depends on the step number (0-based), as in Keras."""

    def __call__(self, step: int) -> float:
        raise NotImplementedError

    def get_config(self) -> dict:
        raise NotImplementedError


class CosineDecay(LearningRateSchedule):
    """Keras's ``CosineDecay``: ``lr * ((1 - alpha) * (1 + cos(pi * t / T)) / 2 + alpha)``
    with ``t = min(step, decay_steps)``."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, alpha: float = 0.0):
        _check_positive("initial_learning_rate", initial_learning_rate)
        if isinstance(decay_steps, bool) or not isinstance(decay_steps, int) or decay_steps < 1:
            raise ConfigError(f"decay_steps must be a positive whole number, not {decay_steps!r}")
        _check_range("alpha", alpha, 0.0, 1.0)
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = decay_steps
        self.alpha = float(alpha)

    def __call__(self, step: int) -> float:
        fraction = min(step, self.decay_steps) / self.decay_steps
        cosine = 0.5 * (1.0 + math.cos(math.pi * fraction))
        return self.initial_learning_rate * ((1.0 - self.alpha) * cosine + self.alpha)

    def get_config(self) -> dict:
        return {
            "class_name": "CosineDecay",
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
        }


LearningRate = Union[float, LearningRateSchedule]


# --- optimizers -----------------------------------------------------------------------

class Optimizer:
    """Base class: owns the state vectors for a flat parameter vector of a given size."""

    name = "optimizer"

    def __init__(self, learning_rate: LearningRate) -> None:
        if not isinstance(learning_rate, LearningRateSchedule):
            _check_positive("learning_rate", learning_rate)
            learning_rate = float(learning_rate)
        self.learning_rate = learning_rate
        self.iterations = 0
        self.size: Optional[int] = None
        self.dtype = np.dtype(np.float32)

    # -- state ------------------------------------------------------------------------
    def build(self, size: int, dtype=np.float32) -> None:
        """Allocate zeroed state for ``size`` parameters (again if the size changed)."""
        self.size = int(size)
        self.dtype = np.dtype(dtype)
        for name in self._slot_names():
            setattr(self, name, np.zeros(self.size, self.dtype))
        self.reset()

    def _slot_names(self) -> list[str]:
        """Attributes holding one value per parameter (moments and scratch), made by build."""
        return []

    @property
    def state_slots(self) -> int:
        """How many arrays of the parameters' size this optimizer keeps (Adam: m and v)."""
        return len(self._slot_names())

    def reset(self) -> None:
        """Forget all moments and restart the step count, as a fresh Keras optimizer."""
        self.iterations = 0
        for buffer in self._state_buffers():
            if buffer is not None:  # (None: not built yet, nothing to forget)
                buffer.fill(0)

    def _state_buffers(self) -> list[np.ndarray]:
        return []

    def current_learning_rate(self) -> float:
        """The learning rate the next step will use."""
        lr = self.learning_rate
        return float(lr(self.iterations)) if isinstance(lr, LearningRateSchedule) else lr

    # -- stepping ---------------------------------------------------------------------
    def grad_scale(self) -> float:
        """The factor the gradient passed to the next :meth:`step` must be multiplied by."""
        return 1.0

    def step(self, params: np.ndarray, grads: np.ndarray, out: np.ndarray) -> None:
        """One update: ``out = params - update(grads)``.

        ``grads`` must carry the factor :meth:`grad_scale` returned just before, and is
        overwritten. ``out`` may be ``params`` (in place) or another buffer.
        """
        raise NotImplementedError

    def apply(self, params: np.ndarray, grads: np.ndarray) -> None:
        """Update ``params`` in place from a plain gradient (same shape, any layout)."""
        if self.size != params.size:
            self.build(params.size, params.dtype)
        flat = params.reshape(-1)
        scaled = np.multiply(np.asarray(grads, dtype=self.dtype).reshape(-1), self.grad_scale())
        self.step(flat, scaled, flat)
        if not np.shares_memory(flat, params):
            params[...] = flat.reshape(params.shape)

    # Steps between renormalizations of a growing-scale state (see _GrowingScale).
    _renorm_every = FLUSH_EVERY

    def _after_step(self, scratch: np.ndarray) -> None:
        self.iterations += 1
        if self.iterations % self._renorm_every == 0:
            self._renormalize()
        if self.iterations % FLUSH_EVERY == 0:
            threshold = np.finfo(self.dtype).tiny * 1e8
            for buffer in self._state_buffers():
                # buffer *= (|buffer| >= threshold), with the gradient as scratch space
                np.abs(buffer, out=scratch)
                np.greater_equal(scratch, threshold, out=scratch)
                buffer *= scratch

    def finish_step(self, scratch: np.ndarray) -> None:
        """The bookkeeping after an update, by ``step`` or by the fast path's fused kernel
        (``fast.py``): count the step, renormalize and flush tiny state (``scratch``: a
        spent buffer of the parameters' size, the gradient)."""
        self._after_step(scratch)

    def _renormalize(self) -> None:
        pass

    def get_config(self) -> dict:
        lr = self.learning_rate
        return {
            "name": self.name,
            "learning_rate": lr.get_config() if isinstance(lr, LearningRateSchedule) else lr,
        }

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Keras 3 ``SGD``: ``m = momentum*m - lr*g``; ``w += m`` (nesterov:
    ``w += momentum*m - lr*g``); without momentum ``w -= lr*g``."""

    name = "sgd"

    def __init__(self, learning_rate: LearningRate = 0.01, momentum: float = 0.0,
                 nesterov: bool = False) -> None:
        super().__init__(learning_rate)
        _check_range("momentum", momentum, 0.0, 1.0)
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        self._m = self._tmp = None

    def _slot_names(self):
        return ["_m"] * bool(self.momentum) + ["_tmp"] * bool(self.momentum and self.nesterov)

    def _state_buffers(self):
        return [] if self._m is None else [self._m]

    def grad_scale(self) -> float:
        return self.current_learning_rate()  # the gradient arrives as lr * g

    def step(self, params, grads, out):
        if self._m is None:
            np.subtract(params, grads, out=out)
        else:
            m = self._m
            m *= self.momentum
            m -= grads  # m = momentum * m - lr * g
            if self.nesterov:
                np.multiply(m, self.momentum, out=self._tmp)
                np.subtract(self._tmp, grads, out=self._tmp)
                np.add(params, self._tmp, out=out)
            else:
                np.add(params, m, out=out)
        self.finish_step(grads)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


class _GrowingScale(Optimizer):
    """State kept scaled by ``sigma``, which grows by ``_grow`` each step instead of the
    state decaying (see the module docstring); the loop pre-scales gradients by it.

    The second moment is stored times ``sigma**2``: the state is scaled back to
    ``sigma = 1`` before ``sigma**2`` passes 4, so that a fast decay (a small ``beta_2`` or
    ``rho``: ``sigma**2`` grows by ``1 / beta_2`` a step) cannot overflow float32."""

    _grow = 1.0
    _sigma = 1.0

    def _set_decay(self, decay: float) -> None:
        """The per-step decay of the second moment (``beta_2``, ``rho``)."""
        self._grow = 1.0 / math.sqrt(decay)
        self._renorm_every = max(1, min(FLUSH_EVERY, int(math.log(4.0) / -math.log(decay))))
        self._sigma = 1.0

    def reset(self):
        super().reset()
        self._sigma = 1.0

    def grad_scale(self) -> float:
        return self._sigma * self._grow

    def finish_step(self, scratch: np.ndarray) -> None:
        """The bookkeeping after an update (``step`` or a fused kernel's): the scale grows."""
        self._sigma *= self._grow
        self._after_step(scratch)


class Adam(_GrowingScale):
    """Keras 3 ``Adam`` (``amsgrad=False``)::

        t += 1
        alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        m += (g - m) * (1 - beta_1)
        v += (g**2 - v) * (1 - beta_2)
        w -= alpha * m / (sqrt(v) + epsilon)

    Stored as ``M = sigma * m / (1 - beta_1)`` and ``V = sigma**2 * v / (1 - beta_2)``
    (see the module docstring), which takes 9 array passes per step instead of 12.
    """

    name = "adam"

    def __init__(self, learning_rate: LearningRate = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7) -> None:
        super().__init__(learning_rate)
        _check_range("beta_1", beta_1, 0.0, 1.0, high_open=True)
        _check_range("beta_2", beta_2, 0.0, 1.0, low_open=True, high_open=True)
        _check_positive("epsilon", epsilon)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)
        self._set_decay(self.beta_2)
        self._m = self._v = None

    def _slot_names(self):
        return ["_m", "_v"]

    def _state_buffers(self):
        return [self._m, self._v]

    def step_coefficients(self) -> tuple[float, float, float]:
        """``(decay, epsilon, factor)`` of the next step: ``M = decay * M + G``,
        ``V += G**2``, ``w -= factor * M / (sqrt(V) + epsilon)``."""
        b1, b2 = self.beta_1, self.beta_2
        t = self.iterations + 1
        sigma = self._sigma * self._grow
        alpha = self.current_learning_rate() * math.sqrt(1.0 - b2**t) / (1.0 - b1**t)
        root = math.sqrt(1.0 - b2)
        return b1 * self._grow, sigma * self.epsilon / root, alpha * (1.0 - b1) / root

    def step(self, params, grads, out):
        decay, epsilon, factor = self.step_coefficients()
        m, v, g = self._m, self._v, grads
        m *= decay
        m += g  # M = sigma * m / (1 - b1)
        np.square(g, out=g)
        v += g  # V = sigma**2 * v / (1 - b2)
        np.sqrt(v, out=g)
        g += epsilon
        np.divide(m, g, out=g)
        g *= factor
        np.subtract(params, g, out=out)
        self.finish_step(grads)

    def _renormalize(self):
        if self._sigma == 1.0:
            return
        self._m *= 1.0 / self._sigma
        self._v *= 1.0 / (self._sigma * self._sigma)
        self._sigma = 1.0

    def moments(self) -> tuple[np.ndarray, np.ndarray]:
        """Keras's ``(m, v)`` recovered from the scaled state (for tests and inspection)."""
        return (self._m * ((1.0 - self.beta_1) / self._sigma),
                self._v * ((1.0 - self.beta_2) / self._sigma**2))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}


class RMSprop(_GrowingScale):
    """Keras 3 ``RMSprop`` (``centered=False``)::

        v = rho * v + (1 - rho) * g**2
        increment = lr * g / sqrt(v + epsilon)
        m = momentum * m + increment; w -= m      (or w -= increment without momentum)

    Stored as ``V = sigma**2 * v / (1 - rho)``, as Adam's second moment.
    """

    name = "rmsprop"

    def __init__(self, learning_rate: LearningRate = 0.001, rho: float = 0.9,
                 momentum: float = 0.0, epsilon: float = 1e-7) -> None:
        super().__init__(learning_rate)
        _check_range("rho", rho, 0.0, 1.0, low_open=True, high_open=True)
        _check_range("momentum", momentum, 0.0, 1.0)
        _check_positive("epsilon", epsilon)
        self.rho, self.momentum, self.epsilon = float(rho), float(momentum), float(epsilon)
        self._set_decay(self.rho)
        self._v = self._m = self._tmp = None

    def _slot_names(self):
        return ["_v", "_tmp"] + ["_m"] * bool(self.momentum)

    def _state_buffers(self):
        return [self._v] + ([] if self._m is None else [self._m])

    def step_coefficients(self) -> tuple[float, float]:
        """``(epsilon, factor)`` of the next step: ``V += G**2``, the increment
        ``factor * G / sqrt(V + epsilon)``."""
        sigma = self._sigma * self._grow
        return (sigma * sigma * self.epsilon / (1.0 - self.rho),
                self.current_learning_rate() / math.sqrt(1.0 - self.rho))

    def step(self, params, grads, out):
        epsilon, factor = self.step_coefficients()
        v, tmp, g = self._v, self._tmp, grads
        np.square(g, out=tmp)
        v += tmp  # V = sigma**2 * v / (1 - rho)
        np.add(v, epsilon, out=tmp)
        np.sqrt(tmp, out=tmp)
        np.divide(g, tmp, out=tmp)
        tmp *= factor  # the increment, lr * g / sqrt(v + eps)
        if self._m is None:
            np.subtract(params, tmp, out=out)
        else:
            self._m *= self.momentum
            self._m += tmp
            np.subtract(params, self._m, out=out)
        self.finish_step(grads)

    def _renormalize(self):
        if self._sigma != 1.0:
            self._v *= 1.0 / (self._sigma * self._sigma)
            self._sigma = 1.0

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon}


# The registry of optimizer names (Keras's), in the order menus offer them.
_CLASSES = {cls.name: cls for cls in (Adam, SGD, RMSprop)}
NAMES = tuple(_CLASSES)


def get(identifier: "str | Optimizer", learning_rate: Optional[LearningRate] = None) -> Optimizer:
    """An optimizer by name with Keras's defaults, optionally with another learning rate."""
    if isinstance(identifier, Optimizer):
        if learning_rate is not None:
            identifier.learning_rate = learning_rate if isinstance(
                learning_rate, LearningRateSchedule) else _positive(learning_rate)
        return identifier
    key = identifier.lower() if isinstance(identifier, str) else identifier
    if key not in _CLASSES:
        raise ConfigError(
            f"unknown optimizer {identifier!r} (choose from {', '.join(NAMES)})"
        )
    if learning_rate is None:
        return _CLASSES[key]()
    return _CLASSES[key](learning_rate=learning_rate)


def _positive(value) -> float:
    _check_positive("learning_rate", value)
    return float(value)


def _check_positive(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) or not (
        math.isfinite(value) and value > 0
    ):
        raise ConfigError(f"{name} must be a positive number, not {value!r}")


def _check_range(name, value, low, high, low_open=False, high_open=False) -> None:
    ok = isinstance(value, (int, float, np.floating)) and not isinstance(value, bool)
    if ok and math.isfinite(value):
        ok = (value > low if low_open else value >= low) and (
            value < high if high_open else value <= high)
    else:
        ok = False
    if not ok:
        lo, hi = ("(" if low_open else "["), (")" if high_open else "]")
        raise ConfigError(f"{name} must be in {lo}{low:g}, {high:g}{hi}, not {value!r}")
