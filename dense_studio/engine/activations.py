"""Activation functions by Keras name, each with its derivative, written for reuse of buffers.

Every activation has ``forward(z, out, work)`` returning ``y = f(z)`` and
``backward(z, y, dy, out, work)`` returning ``dz = dy * f'(z)``. ``out`` and ``work`` are
optional arrays of ``z``'s shape and dtype: the training loop passes preallocated ones so
that a step allocates nothing; called without them, the functions allocate. ``out`` may be
the same array as ``dy`` in ``backward`` (an in-place update), never the same as ``z``.

Semantics follow ``keras.activations`` (Keras 3): ``leaky_relu`` uses Keras's default
``negative_slope=0.2``; ``elu`` uses ``alpha=1``; ``gelu`` is the *exact* form
``x * Phi(x)`` (Keras's default ``approximate=False``), with the normal CDF computed from an
erfc approximation whose relative error is below 1.2e-7, i.e. under float32 resolution;
``swish`` is ``x * sigmoid(x)``; ``softmax`` works on the last axis. Derivatives at the
kinks match TensorFlow's kernels (relu and leaky_relu use ``z > 0``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from dense_studio.errors import ConfigError

LEAKY_RELU_SLOPE = 0.2
_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _buf(out: Optional[np.ndarray], like: np.ndarray) -> np.ndarray:
    return np.empty_like(like) if out is None else out


# --- linear ---------------------------------------------------------------------------

def _linear_forward(z, out=None, work=None):
    """y = z"""
    out = _buf(out, z)
    np.copyto(out, z)
    return out


def _linear_backward(z, y, dy, out=None, work=None):
    """dz = dy"""
    out = _buf(out, dy)
    if out is not dy:
        np.copyto(out, dy)
    return out


# --- relu -----------------------------------------------------------------------------

def _relu_forward(z, out=None, work=None):
    """y = max(z, 0)"""
    return np.maximum(z, 0, out=_buf(out, z))


def _relu_backward(z, y, dy, out=None, work=None):
    """dz = dy · [z > 0]"""
    work = _buf(work, z)
    np.greater(z, 0, out=work)
    return np.multiply(dy, work, out=_buf(out, dy))


# --- sigmoid --------------------------------------------------------------------------

def _sigmoid_forward(z, out=None, work=None):
    """y = 1 / (1 + exp(-z)), computed from exp(-|z|) so nothing overflows and the tails
    keep their precision."""
    out, work = _buf(out, z), _buf(work, z)
    np.abs(z, out=work)
    np.negative(work, out=work)
    np.exp(work, out=work)  # e = exp(-|z|) in (0, 1]
    np.add(work, 1, out=out)
    np.divide(1, out, out=out)  # sigmoid(|z|) = 1 / (1 + e)
    np.multiply(work, out, out=work)  # sigmoid(-|z|) = e / (1 + e)
    np.copyto(out, work, where=z < 0)
    return out


def _sigmoid_backward(z, y, dy, out=None, work=None):
    """dz = dy · y · (1 - y)"""
    work = _buf(work, z)
    np.subtract(1, y, out=work)
    np.multiply(work, y, out=work)
    return np.multiply(dy, work, out=_buf(out, dy))


# --- tanh -----------------------------------------------------------------------------

def _tanh_forward(z, out=None, work=None):
    """y = tanh(z)"""
    return np.tanh(z, out=_buf(out, z))


def _tanh_backward(z, y, dy, out=None, work=None):
    """dz = dy · (1 - y²)"""
    work = _buf(work, z)
    np.multiply(y, y, out=work)
    np.subtract(1, work, out=work)
    return np.multiply(dy, work, out=_buf(out, dy))


# --- softmax (last axis) ----------------------------------------------------------------

def _softmax_forward(z, out=None, work=None):
    """y = exp(z - max z) / Σ exp(z - max z), per row"""
    out = _buf(out, z)
    np.subtract(z, z.max(axis=-1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=-1, keepdims=True)
    return out


def _softmax_backward(z, y, dy, out=None, work=None):
    """dz = y · (dy - Σ dy·y), per row"""
    work = _buf(work, z)
    np.multiply(dy, y, out=work)
    total = work.sum(axis=-1, keepdims=True)
    out = _buf(out, dy)
    np.subtract(dy, total, out=out)
    return np.multiply(out, y, out=out)


# --- elu ------------------------------------------------------------------------------

def _elu_forward(z, out=None, work=None):
    """y = z for z > 0, exp(z) - 1 otherwise"""
    out, work = _buf(out, z), _buf(work, z)
    np.minimum(z, 0, out=work)
    np.expm1(work, out=work)  # exp(z) - 1 for z <= 0, 0 for z > 0 (Keras's alpha = 1)
    np.maximum(z, 0, out=out)
    return np.add(out, work, out=out)


def _elu_backward(z, y, dy, out=None, work=None):
    """dz = dy for z > 0, dy · exp(z) otherwise"""
    work = _buf(work, z)
    np.minimum(z, 0, out=work)
    np.exp(work, out=work)  # 1 for z > 0, exp(z) = y + 1 for z <= 0
    return np.multiply(dy, work, out=_buf(out, dy))


# --- leaky_relu -----------------------------------------------------------------------

def _leaky_relu_forward(z, out=None, work=None):
    """y = z for z > 0, 0.2 · z otherwise"""
    work = _buf(work, z)
    np.multiply(z, LEAKY_RELU_SLOPE, out=work)
    return np.maximum(z, work, out=_buf(out, z))  # valid because the slope is below 1


def _leaky_relu_backward(z, y, dy, out=None, work=None):
    """dz = dy for z > 0, 0.2 · dy otherwise"""
    work = _buf(work, z)
    np.greater(z, 0, out=work)
    work *= 1.0 - LEAKY_RELU_SLOPE
    work += LEAKY_RELU_SLOPE
    return np.multiply(dy, work, out=_buf(out, dy))


# --- swish / silu ---------------------------------------------------------------------

def _swish_forward(z, out=None, work=None):
    """y = z · sigmoid(z)"""
    out = _sigmoid_forward(z, out, work)
    return np.multiply(out, z, out=out)


def _swish_backward(z, y, dy, out=None, work=None):
    """dz = dy · (s + y · (1 - s)), s = sigmoid(z)"""
    # d/dz z·s(z) = s + z·s·(1-s) = s + y·(1-s); s is recomputed rather than stored.
    work = _buf(work, z)
    s = _sigmoid_forward(z, np.empty_like(z), work)
    np.subtract(1, s, out=work)
    np.multiply(work, y, out=work)
    work += s
    return np.multiply(dy, work, out=_buf(out, dy))


# --- gelu (exact) ---------------------------------------------------------------------

def erfc(x: np.ndarray) -> np.ndarray:
    """Complementary error function, relative error < 1.2e-7 for every x.

    Chebyshev fit from Numerical Recipes (``erfcc``); numpy has no erf and the engine
    must not depend on scipy.
    """
    x = np.asarray(x)
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (
        -0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (
            -0.82215223 + t * 0.17087277))))))))
    with np.errstate(under="ignore"):
        ans = t * np.exp(poly)
    return np.where(x >= 0, ans, 2.0 - ans).astype(x.dtype, copy=False)


def normal_cdf(x: np.ndarray) -> np.ndarray:
    """Phi(x) = erfc(-x / sqrt(2)) / 2."""
    return 0.5 * erfc(-x * _SQRT_HALF)


def _gelu_forward(z, out=None, work=None):
    """y = z · Φ(z), Φ the standard normal CDF"""
    out = _buf(out, z)
    np.multiply(z, normal_cdf(z), out=out)
    return out


def _gelu_backward(z, y, dy, out=None, work=None):
    """dz = dy · (Φ(z) + z · φ(z)), φ the standard normal density"""
    work = _buf(work, z)
    np.multiply(z, z, out=work)
    work *= -0.5
    np.exp(work, out=work)
    work *= _INV_SQRT_2PI
    work *= z
    work += normal_cdf(z)
    return np.multiply(dy, work, out=_buf(out, dy))


@dataclass(frozen=True)
class Activation:
    """A named activation: ``forward(z, out, work)`` and ``backward(z, y, dy, out, work)``."""

    name: str
    forward: Callable
    backward: Callable

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return self.forward(np.asarray(z))

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"

    def __str__(self) -> str:
        return self.name


_REGISTRY = {
    "linear": Activation("linear", _linear_forward, _linear_backward),
    "relu": Activation("relu", _relu_forward, _relu_backward),
    "sigmoid": Activation("sigmoid", _sigmoid_forward, _sigmoid_backward),
    "tanh": Activation("tanh", _tanh_forward, _tanh_backward),
    "softmax": Activation("softmax", _softmax_forward, _softmax_backward),
    "elu": Activation("elu", _elu_forward, _elu_backward),
    "gelu": Activation("gelu", _gelu_forward, _gelu_backward),
    "swish": Activation("swish", _swish_forward, _swish_backward),
    "leaky_relu": Activation("leaky_relu", _leaky_relu_forward, _leaky_relu_backward),
}
_ALIASES = {None: "linear", "silu": "swish"}

NAMES = tuple(_REGISTRY)


def get(identifier: "str | Activation | None") -> Activation:
    """Look up an activation by Keras name (``None`` means linear, as in Keras)."""
    if isinstance(identifier, Activation):
        return identifier
    name = _ALIASES.get(identifier, identifier)
    if isinstance(name, str) and name in _REGISTRY:
        return _REGISTRY[name]
    raise ConfigError(
        f"unknown activation {identifier!r} (choose from {', '.join(NAMES)})"
    )


# Module-level functions under their Keras names, for direct use: activations.relu(x).
linear = _REGISTRY["linear"]
relu = _REGISTRY["relu"]
sigmoid = _REGISTRY["sigmoid"]
tanh = _REGISTRY["tanh"]
softmax = _REGISTRY["softmax"]
elu = _REGISTRY["elu"]
gelu = _REGISTRY["gelu"]
swish = _REGISTRY["swish"]
leaky_relu = _REGISTRY["leaky_relu"]
