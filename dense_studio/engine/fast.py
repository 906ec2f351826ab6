"""The fast path: ``training.train_step`` with its element-wise work fused, compiled by numba.

The numpy engine is the readable reference; this module does the same step with fewer
passes over memory. The matrix products stay numpy's (``np.dot`` into the plan's buffers,
the same BLAS calls); what numba fuses is the rest, each into one loop:

- bias + activation (``z += b; y = f(z)``), and its gradient with the bias gradient
  (``dz = dy * f'(z); db = sum(dz)``);
- softmax + cross-entropy + the output error (``dz = scale * (softmax(z) - onehot)``)
  + the output layer's bias gradient;
- the optimizer's update, one pass over the flat parameters (Adam's nine numpy passes).

Each kernel does the numpy path's float32 operations in the same order (no fast-math),
so the weights agree to about 1e-7 (``exp`` may differ by an ulp). A hidden softmax,
Dropout and Flatten run their layer's own ``forward``/``backward``.

For the networks the presets and the window start with (at most one hidden Dense, Adam,
no Dropout or L2), ``dense_step`` does the whole step in one call, calling numpy's own
BLAS for the products: the training thread then releases the GIL once per batch, and
the window's Python no longer slows each of the step's nine calls (see ``dense_step``).

Cost elsewhere: numba is imported only by ``prepare_fast_path`` (never by importing the
engine). The kernels are cached in the user's cache folder (``cache_dir()``); compiling
them takes a few seconds, once per install, and loading them from the cache about half a
second, once per process. So that no run waits for a compile, training chooses
automatically, once per process (``use_for_training``): when the cache holds the kernels
it loads them and takes the fast path; otherwise it starts compiling them in a separate
low-priority process and takes the numpy path for now. ``DENSE_STUDIO_FAST=0`` switches
the fast path off; without numba the numpy path runs.
"""

from __future__ import annotations

import hashlib
import math
import os
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path
from typing import Callable, Optional

import numpy as np

from dense_studio.engine.layers import Dense, Flatten

SWITCH = "DENSE_STUDIO_FAST"  # "0": always the numpy path

# Activation codes the kernels branch on (a loop-invariant branch: LLVM unswitches it).
LINEAR, RELU, SIGMOID, TANH, ELU, LEAKY_RELU, SWISH, GELU = range(8)
CODES = {"linear": LINEAR, "relu": RELU, "sigmoid": SIGMOID, "tanh": TANH, "elu": ELU,
         "leaky_relu": LEAKY_RELU, "swish": SWISH, "gelu": GELU}  # softmax: the layer's own
LEAKY_RELU_SLOPE = 0.2  # activations.LEAKY_RELU_SLOPE (a test keeps them equal)

# A compile that started this long ago and left no result is taken as dead.
_COMPILE_TIMEOUT = 300.0


# --- the kernels (plain Python here; numba compiles them in prepare_fast_path) ------------

_HELPERS: list[Callable] = []
_KERNELS: dict[str, tuple[Callable, str]] = {}


def _helper(func: Callable) -> Callable:
    """A scalar function the kernels call (inlined into them by numba)."""
    _HELPERS.append(func)
    return func


def _kernel(signature) -> Callable:
    """A kernel with its numba signature (C-contiguous float32 arrays): a string, or a
    function that builds it from numba's types when the kernels are compiled."""
    def register(func: Callable) -> Callable:
        _KERNELS[func.__name__] = (func, signature)
        return func
    return register


@_helper
def _sigmoid(v):
    e = math.exp(-abs(v))  # from exp(-|v|): nothing overflows
    return 1.0 / (1.0 + e) if v >= 0 else e / (1.0 + e)


@_helper
def _normal_cdf(v):
    return 0.5 * math.erfc(-v * 0.7071067811865476)


@_helper
def _activate(code, v):
    """``f(v)`` (see ``activations.py`` for the formulas)."""
    if code == RELU:
        return v if v > 0 else v * 0
    if code == SIGMOID:
        return _sigmoid(v)
    if code == TANH:
        return math.tanh(v)
    if code == ELU:
        return v if v > 0 else math.expm1(v)
    if code == LEAKY_RELU:
        return v if v > 0 else v * LEAKY_RELU_SLOPE
    if code == SWISH:
        return v * _sigmoid(v)
    if code == GELU:
        return v * _normal_cdf(v)
    return v


@_helper
def _derivative(code, z, y):
    """``f'(z)``, from ``z`` and ``y = f(z)``."""
    if code == RELU:
        return 1.0 if z > 0 else 0.0
    if code == SIGMOID:
        return y * (1.0 - y)
    if code == TANH:
        return 1.0 - y * y
    if code == ELU:
        return 1.0 if z > 0 else math.exp(z)
    if code == LEAKY_RELU:
        return 1.0 if z > 0 else LEAKY_RELU_SLOPE
    if code == SWISH:
        s = _sigmoid(z)
        return s + y * (1.0 - s)
    if code == GELU:
        return _normal_cdf(z) + z * math.exp(-0.5 * z * z) * 0.3989422804014327
    return 1.0


@_kernel("void(float32[:, ::1], float32[::1], float32[:, ::1], int64)")
def bias_activation(z, bias, y, code):
    """``z += bias`` (when there is one), ``y = f(z)``; ``y`` may be ``z``."""
    with_bias = bias.size > 0
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            v = z[i, j] + bias[j] if with_bias else z[i, j]
            z[i, j] = v
            y[i, j] = _activate(code, v)


@_kernel("void(float32[:, ::1], float32[:, ::1], float32[:, ::1], float32[::1], int64)")
def activation_backward(z, y, dy, grad_bias, code):
    """``dy *= f'(z)`` (it becomes ``dz``); ``grad_bias = sum of dz over the batch``."""
    with_bias = grad_bias.size > 0
    grad_bias[:] = 0
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            d = dy[i, j] * _derivative(code, z[i, j], y[i, j])
            dy[i, j] = d
            if with_bias:
                grad_bias[j] += d


@_kernel("Tuple((float64, int64))(float32[:, ::1], float32[::1], int64[::1], float64, "
         "float32[::1])")
def softmax_cross_entropy(z, bias, labels, scale, grad_bias):
    """Adds ``bias`` to the logits ``z``; returns ``(sum of logsumexp(z) - z[label],
    correct predictions)`` and writes ``scale * (softmax(z) - onehot)`` over ``z`` and its
    sum over the batch into ``grad_bias`` (see ``losses.SoftmaxCrossEntropy``)."""
    rows, classes = z.shape
    with_bias = bias.size > 0
    factor = np.float32(scale)
    one = np.float32(1.0)
    grad_bias[:] = 0
    loss = 0.0
    correct = 0
    for i in range(rows):
        best = 0
        for j in range(classes):
            if with_bias:
                z[i, j] += bias[j]
            if z[i, j] > z[i, best]:
                best = j
        top = z[i, best]
        label = labels[i]
        loss -= z[i, label] - top
        total = np.float32(0.0)
        for j in range(classes):
            e = np.exp(z[i, j] - top)
            z[i, j] = e
            total += e
        loss += math.log(total)
        correct += best == label
        for j in range(classes):
            d = z[i, j] / total
            if j == label:
                d -= one
            d *= factor
            z[i, j] = d
            if with_bias:
                grad_bias[j] += d
    return loss, correct


@_kernel("void(float32[::1], float32[::1], float32[::1], float32[::1], float32[::1], "
         "float64, float64, float64)")
def adam(params, grads, out, m, v, decay, epsilon, factor):
    """``optimizers.Adam.step`` in one pass: ``M = decay * M + G; V += G**2;
    out = params - factor * M / (sqrt(V) + epsilon)``."""
    decay32, epsilon32, factor32 = np.float32(decay), np.float32(epsilon), np.float32(factor)
    for i in range(params.size):
        g = grads[i]
        mi = m[i] * decay32 + g
        vi = v[i] + g * g
        m[i] = mi
        v[i] = vi
        out[i] = params[i] - mi / (np.sqrt(vi) + epsilon32) * factor32


@_kernel("void(float32[::1], float32[::1], float32[::1], float32[::1], float32[::1], "
         "float64, float64, float64)")
def rmsprop(params, grads, out, v, m, epsilon, factor, momentum):
    """``optimizers.RMSprop.step`` in one pass (``m`` empty: without momentum)."""
    epsilon32, factor32, momentum32 = np.float32(epsilon), np.float32(factor), np.float32(momentum)
    with_momentum = m.size > 0
    for i in range(params.size):
        g = grads[i]
        vi = v[i] + g * g
        v[i] = vi
        increment = g / np.sqrt(vi + epsilon32) * factor32
        if with_momentum:
            increment = m[i] * momentum32 + increment
            m[i] = increment
        out[i] = params[i] - increment


@_kernel("void(float32[::1], float32[::1], float32[::1], float32[::1], float64, boolean)")
def sgd_momentum(params, grads, out, m, momentum, nesterov):
    """``optimizers.SGD.step`` with momentum in one pass (the gradient carries ``lr``)."""
    momentum32 = np.float32(momentum)
    for i in range(params.size):
        g = grads[i]
        mi = m[i] * momentum32 - g
        m[i] = mi
        out[i] = params[i] + (mi * momentum32 - g if nesterov else mi)


@_kernel("void(float32[::1], float32[::1], float64)")
def add_scaled(target, source, factor):
    """``target += factor * source`` (a kernel's L2 gradient)."""
    factor32 = np.float32(factor)
    for i in range(target.size):
        target[i] += source[i] * factor32


def _array(dtype: str, dims: int, readonly: bool = False):
    """numba's type of a C-contiguous array (``dtype`` a numba type's name)."""
    from numba.core import types

    return types.Array(getattr(types, dtype), dims, "C", readonly=readonly)


def _gather_signature():
    """(The training data are often read-only arrays: ``gatherer`` passes read-only views.)"""
    from numba.core import types

    return types.void(_array("float32", 2, True), _array("int64", 1, True),
                      _array("int64", 1), _array("float32", 2), _array("int64", 1))


@_kernel(_gather_signature)
def gather(x, y, indices, out_x, out_y):
    """The batch: ``out_x[r] = x[indices[r]]``, ``out_y[r] = y[indices[r]]`` (the two
    ``np.take`` of the loop in one call; the indices are the epoch's valid ones)."""
    for r in range(indices.size):
        i = indices[r]
        out_y[r] = y[i]
        out_x[r, :] = x[i, :]


def _bytes_signatures():
    from numba.core import types

    return (types.boolean(_array("float32", 2, True), _array("uint8", 2)),
            types.void(_array("uint8", 2, True), _array("int64", 1, True),
                       _array("int64", 1, True), _array("float32", 2), _array("int64", 1)))


@_kernel(lambda: _bytes_signatures()[0])
def to_bytes(x, out):
    """``out = x * 255`` as bytes, when every value is a byte over 255 exactly as the
    loader computes it (``float32(b) / float32(255)``); False at the first that is not."""
    for r in range(x.shape[0]):
        exact = True  # (row by row, without a branch: the loop vectorizes)
        for j in range(x.shape[1]):
            v = x[r, j]
            b = np.uint8(min(max(v * np.float32(255.0) + np.float32(0.5), 0.0), 255.0))
            out[r, j] = b
            exact &= np.float32(b) / np.float32(255.0) == v
        if not exact:
            return False
    return True


@_kernel(lambda: _bytes_signatures()[1])
def gather_bytes(x_bytes, y, indices, out_x, out_y):
    """``gather`` from the bytes ``to_bytes`` made: the same floats, from a quarter of the
    memory (a batch's random rows are what the step waits for, not the arithmetic)."""
    for r in range(indices.size):
        i = indices[r]
        out_y[r] = y[i]
        for j in range(x_bytes.shape[1]):
            out_x[r, j] = np.float32(x_bytes[i, j]) / np.float32(255.0)


# --- the whole reference step in one call ------------------------------------------------
# For the networks the presets and the window start with (Flatten, at most one hidden Dense,
# the output Dense; Adam; no Dropout, no L2), the step is one kernel: its five matrix
# products call numpy's own BLAS (``sgemm``, found in ``_find_sgemm``) with the arguments
# ``np.dot`` passes it, so they give the same numbers, and the element-wise work between
# them is the kernels above. One call per batch means the training thread gives the GIL
# back once per batch, for the whole step, instead of at each of nine calls -- and waits
# for it once: while the GUI thread runs Python, each of those waits costs up to Python's
# switch interval. (No Python between the products, either: about 20 µs a step less.)

ROW_MAJOR, NO_TRANS, TRANS = 101, 111, 112  # CBLAS's enums


def _sgemm64(address, trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc):
    """``c = op(a)·op(b)`` by the ``cblas_sgemm`` at ``address`` (64-bit integers).
    Stands in for the numba intrinsic ``_make_sgemm`` builds (see ``_compile``)."""
    raise RuntimeError("only callable from the compiled kernels")


_sgemm32 = _sgemm64  # the same, for a BLAS with 32-bit integers


@_helper
def _gemm(blas, ilp64, trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc):
    if ilp64:
        _sgemm64(blas, trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc)
    else:
        _sgemm32(blas, trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc)


@_kernel("Tuple((float64, int64))(int64, boolean, boolean, float32[:, ::1], int64[::1], "
         "float32[:, ::1], float32[::1], float32[:, ::1], float32[::1], "
         "float32[:, ::1], float32[:, ::1], float32[:, ::1], "
         "float32[:, ::1], float32[::1], float32[:, ::1], float32[::1], float32[:, ::1], "
         "int64, float64, float32[::1], float32[::1], float32[::1], float32[::1], "
         "float32[::1], float64, float64, float64)")
def dense_step(blas, ilp64, hidden, x, labels, kernel1, bias1, kernel2, bias2,
               z1, y1, z2, grad_kernel1, grad_bias1, grad_kernel2, grad_bias2, dx,
               code, scale, params, grads, out, m, v, decay, epsilon, factor):
    """One Adam step of ``Flatten -> [Dense(f)] -> Dense(softmax)`` on the batch ``x``
    (``hidden`` False: no hidden layer, its arrays are empty): the numpy path's
    ``train_step`` with each ``np.dot`` a BLAS call and the fused kernels between them.
    Returns ``(loss sum, correct)``; a non-finite loss leaves the weights alone."""
    rows = x.shape[0]
    a = x
    if hidden:
        units = kernel1.shape[1]
        _gemm(blas, ilp64, NO_TRANS, NO_TRANS, rows, units, x.shape[1], x, x.shape[1],
              kernel1, units, z1, units)  # z1 = x·W1
        bias_activation(z1, bias1, y1, code)
        a = y1
    inputs, classes = kernel2.shape
    _gemm(blas, ilp64, NO_TRANS, NO_TRANS, rows, classes, inputs, a, inputs,
          kernel2, classes, z2, classes)  # z2 = a·W2
    loss, correct = softmax_cross_entropy(z2, bias2, labels, scale, grad_bias2)
    if not math.isfinite(loss):
        return loss, correct
    _gemm(blas, ilp64, TRANS, NO_TRANS, inputs, classes, rows, a, inputs,
          z2, classes, grad_kernel2, classes)  # dW2 = aᵀ·dz2
    if hidden:
        _gemm(blas, ilp64, NO_TRANS, TRANS, rows, inputs, classes, z2, classes,
              kernel2, classes, dx, inputs)  # dx = dz2·W2ᵀ
        activation_backward(z1, y1, dx, grad_bias1, code)
        _gemm(blas, ilp64, TRANS, NO_TRANS, x.shape[1], inputs, rows, x, x.shape[1],
              dx, inputs, grad_kernel1, inputs)  # dW1 = xᵀ·dz1
    adam(params, grads, out, m, v, decay, epsilon, factor)
    return loss, correct


for _function in (bias_activation, activation_backward, softmax_cross_entropy, adam):
    _helper(_function)  # (dense_step calls them: compiled into it as well)


def _make_sgemm(bits: int):
    """The numba intrinsic that calls a ``cblas_sgemm`` through its address."""
    from llvmlite import ir
    from numba.core import types
    from numba.extending import intrinsic

    @intrinsic
    def sgemm(typingctx, address, trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc):
        signature = types.void(address, trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc)

        def codegen(context, builder, sig, args):
            i32, f32, integer = ir.IntType(32), ir.FloatType(), ir.IntType(bits)
            pointer = ir.IntType(8).as_pointer()
            function_type = ir.FunctionType(ir.VoidType(), [
                i32, i32, i32, integer, integer, integer, f32, pointer, integer, pointer,
                integer, f32, pointer, integer])

            def number(index, kind):
                value = context.cast(builder, args[index], sig.args[index], types.int64)
                return builder.trunc(value, kind) if kind.width < 64 else value

            def data(index):
                array = context.make_array(sig.args[index])(context, builder, args[index])
                return builder.bitcast(array.data, pointer)

            function = builder.inttoptr(number(0, ir.IntType(64)), function_type.as_pointer())
            builder.call(function, [
                ir.Constant(i32, ROW_MAJOR), number(1, i32), number(2, i32),
                number(3, integer), number(4, integer), number(5, integer),
                ir.Constant(f32, 1.0), data(6), number(7, integer), data(8),
                number(9, integer), ir.Constant(f32, 0.0), data(10), number(11, integer)])
            return context.get_dummy_value()

        return signature, codegen

    return sgemm


def _find_sgemm() -> Optional[tuple[int, bool]]:
    """``(address, 64-bit integers)`` of ``cblas_sgemm`` in the BLAS numpy itself uses (an
    OpenBLAS, as numpy's wheels bundle), or None (then ``dense_step`` is not used)."""
    import ctypes

    from threadpoolctl import threadpool_info

    libraries = [info for info in threadpool_info() if info.get("internal_api") == "openblas"]
    libraries.sort(key=lambda info: "numpy" not in info.get("filepath", ""))
    for info in libraries[:1]:
        try:
            library = ctypes.CDLL(info["filepath"])
        except OSError:
            return None
        for name, ilp64 in (("scipy_cblas_sgemm64_", True), ("cblas_sgemm64_", True),
                            ("scipy_cblas_sgemm", False), ("cblas_sgemm", False)):
            function = getattr(library, name, None)
            if function is not None:
                return ctypes.cast(function, ctypes.c_void_p).value, ilp64
    return None


# --- where the kernels are cached, and whether they are ---------------------------------

def enabled() -> bool:
    """The fast path may run: not switched off, and numba is installed (not imported)."""
    if os.environ.get(SWITCH, "").strip() == "0":
        return False
    import importlib.util

    try:
        return importlib.util.find_spec("numba") is not None
    except (ImportError, ValueError):
        return False


def cache_dir() -> Path:
    """The user's cache folder for the compiled kernels (never the installed package):
    ``$XDG_CACHE_HOME/dense-studio/numba`` (default ``~/.cache``), on Windows
    ``%LOCALAPPDATA%``, on macOS ``~/Library/Caches``."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dense-studio" / "numba"


def _cache_key() -> str:
    """Changes when the kernels' source, numba or Python does (as numba's own index)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        numba_version = version("numba")
    except PackageNotFoundError:
        numba_version = "?"
    source = Path(__file__).resolve()
    stat = source.stat()
    text = f"{source}|{stat.st_mtime_ns}|{stat.st_size}|{numba_version}|{sys.version_info[:2]}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _marker(kind: str) -> Path:
    return cache_dir() / f"{kind}-{_cache_key()}"


def kernels_cached() -> bool:
    """A ``prepare_fast_path`` has compiled this version's kernels into the cache."""
    try:
        return _marker("ready").exists()
    except OSError:
        return False


def compile_in_background() -> Optional[subprocess.Popen]:
    """Start compiling the kernels into the cache in a separate, low-priority process
    (once: not while one runs, not after one failed). Returns it, or None."""
    if not enabled() or getattr(sys, "frozen", False) or kernels_cached():
        return None
    try:
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        if _marker("failed").exists():
            return None
        lock = _marker("compiling")
        try:
            if time.time() - lock.stat().st_mtime < _COMPILE_TIMEOUT:
                return None
            lock.unlink()
        except FileNotFoundError:
            pass
        with open(lock, "x"):
            pass
    except OSError:
        return None
    code = ("import os, sys\n"
            "if hasattr(os, 'nice'): os.nice(10)\n"
            "from dense_studio.engine import fast\n"
            "sys.exit(0 if fast._compile_into_cache() else 1)\n")
    flags = getattr(subprocess, "BELOW_NORMAL_PRIORITY_CLASS", 0)
    try:
        return subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                creationflags=flags, start_new_session=True)
    except OSError:
        return None


def _compile_into_cache() -> bool:
    """The background process's work: compile, record the outcome, drop the lock."""
    try:
        ready = prepare_fast_path()
        if not ready:
            _marker("failed").write_text(_failure or "unknown")
        return ready
    finally:
        try:
            _marker("compiling").unlink()
        except OSError:
            pass


# --- preparing --------------------------------------------------------------------------

_lock = threading.Lock()
_compiled: Optional[dict] = None  # name -> numba dispatcher, once prepared
_blas: Optional[tuple[int, bool]] = None  # numpy's cblas_sgemm, for dense_step
_failure: Optional[str] = None
_automatic: Optional[bool] = None  # use_for_training's once-per-process choice


def prepare_fast_path(progress: Optional[Callable[[int, int], None]] = None) -> bool:
    """Import numba and load the kernels from the user's cache, compiling those that are
    not there yet (a few seconds, once per install). ``progress(done, total)`` is called
    as it goes. Returns True when the fast path is ready in this process, False when it
    cannot run (switched off, numba missing or failing: the numpy path runs). Blocks:
    call it off the GUI thread. Thread-safe; later calls return at once."""
    global _compiled, _failure
    if not enabled():
        return False
    with _lock:
        if _compiled is not None:
            return True
        if _failure is not None:
            return False
        total = len(_KERNELS) + 1
        if progress is not None:
            progress(0, total)
        try:
            _compiled = _compile(progress, total)
        except Exception as error:  # noqa: BLE001 - any numba failure means: numpy path
            _failure = f"{type(error).__name__}: {error}"
            return False
    try:
        _marker("ready").touch()
    except OSError:
        pass
    return True


def _compile(progress, total) -> dict:
    import numba
    from numba.core import config
    from numba.extending import register_jitable

    if progress is not None:
        progress(1, total)
    global _blas, _sgemm64, _sgemm32
    _blas = _find_sgemm()
    _sgemm64, _sgemm32 = _make_sgemm(64), _make_sgemm(32)
    for helper in _HELPERS:
        register_jitable(helper)
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    # numba's cache locator takes the folder when a function is decorated: point it at
    # the user's cache for ours only (a NUMBA_CACHE_DIR the user set wins).
    saved = config.CACHE_DIR
    if not saved:
        config.CACHE_DIR = str(folder)
    compiled = {}
    try:
        for done, (name, (func, signature)) in enumerate(_KERNELS.items(), start=2):
            if callable(signature):  # built from numba's types (see _gather_signature)
                signature = signature()
            compiled[name] = numba.njit(signature, cache=True, nogil=True,
                                        error_model="numpy")(func)
            if progress is not None:
                progress(done, total)
    finally:
        config.CACHE_DIR = saved
    return compiled


def preload() -> bool:
    """Start loading the cached kernels in a thread now, when the cache holds them (the
    command line before it reads the data, the window once it is on screen): a run then
    finds them ready, or waits only for the rest. True when a thread was started."""
    if not enabled() or _compiled is not None or _failure is not None or not kernels_cached():
        return False
    threading.Thread(target=prepare_fast_path, name="dense-studio-fast-path",
                     daemon=True).start()
    return True


def is_prepared() -> bool:
    return _compiled is not None


def failure() -> Optional[str]:
    """Why ``prepare_fast_path`` could not make the fast path ready (None: it could)."""
    return _failure


def use_for_training(model) -> bool:
    """Whether a training run of ``model`` takes the fast path. Decided once per process
    when nothing prepared it: load the kernels if the cache holds them, else start
    compiling them in the background and keep the numpy path (runs in one process all
    take the same path, so the same seed gives the same run)."""
    global _automatic
    if not enabled() or model.dtype != np.float32 or not _supported(model.optimizer):
        return False
    if _compiled is None and _automatic is None:
        if kernels_cached():
            _automatic = prepare_fast_path()
        else:
            _automatic = False
            compile_in_background()
    return _compiled is not None


def gatherer(x: np.ndarray, y: np.ndarray) -> Optional[Callable]:
    """``gather(indices, out_x, out_y)`` for the training loop's batches of ``(x, y)`` with
    the compiled kernel, or None when the arrays are not the kernel's kind (or the fast
    path is not prepared): the loop then takes ``np.take``."""
    if (_compiled is None or x.dtype != np.float32 or x.ndim != 2
            or not x.flags.c_contiguous or y.dtype != np.int64 or not y.flags.c_contiguous):
        return None
    y = y.view()
    y.flags.writeable = False
    x_bytes = _rows_as_bytes(x)
    if x_bytes is not None:
        from_bytes = _compiled["gather_bytes"]
        return lambda indices, out_x, out_y: from_bytes(x_bytes, y, indices, out_x, out_y)
    kernel = _compiled["gather"]
    x = x.view()
    x.flags.writeable = False
    return lambda indices, out_x, out_y: kernel(x, y, indices, out_x, out_y)


# The data arrays seen, as bytes: id(array) -> its rows as bytes, or None (not bytes). An
# entry goes with its array (weakref.finalize), before its id can be another's.
_byte_copies: dict = {}


def _rows_as_bytes(x: np.ndarray) -> Optional[np.ndarray]:
    """``x``'s rows as bytes (see ``to_bytes``), or None when its values are not such.
    Converted once per array ``x`` is a slice of (the runs of a session slice one)."""
    root = x
    while isinstance(root.base, np.ndarray):
        root = root.base
    width, row_bytes = x.shape[1], x.shape[1] * x.itemsize
    if (root.dtype != np.float32 or not root.flags.c_contiguous or root.size % width
            or x.strides != (row_bytes, x.itemsize)):
        return None
    if id(root) not in _byte_copies:
        readonly = root.reshape(-1, width).view()
        readonly.flags.writeable = False
        rows = np.empty(readonly.shape, np.uint8)
        exact = _compiled["to_bytes"](readonly, rows)
        rows.flags.writeable = False  # (the kernels take read-only data)
        _byte_copies[id(root)] = rows if exact else None
        weakref.finalize(root, _byte_copies.pop, id(root), None)
    rows = _byte_copies[id(root)]
    offset = x.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    if rows is None or offset % row_bytes:
        return None
    start = offset // row_bytes
    return rows[start:start + len(x)]


def _supported(optimizer) -> bool:
    from dense_studio.engine.optimizers import SGD, Adam, RMSprop

    return type(optimizer) in (SGD, Adam, RMSprop)


# --- the step -----------------------------------------------------------------------------

_EMPTY = np.empty(0, np.float32)


class _Reference:
    """A layer the kernels do not cover (Flatten, Dropout, a hidden softmax): its own code."""

    __slots__ = ("layer", "buffers")

    def __init__(self, layer, buffers) -> None:
        self.layer, self.buffers = layer, buffers

    def forward(self, x):
        return self.layer.forward(x, self.buffers)

    def backward(self, dy, scale):
        return self.layer.backward(dy, self.buffers, scale)


class _FusedDense:
    """A hidden Dense layer: ``np.dot`` + the fused bias/activation kernels."""

    __slots__ = ("layer", "buffers", "code", "kernels", "grad_bias")

    def __init__(self, layer, buffers, kernels) -> None:
        self.layer, self.buffers, self.kernels = layer, buffers, kernels
        self.code = CODES[layer.activation.name]
        self.grad_bias = buffers.grad_bias if buffers.grad_bias is not None else _EMPTY

    def forward(self, x):
        b, layer = self.buffers, self.layer
        b.x = x
        np.dot(x, layer.kernel, out=b.z)
        self.kernels["bias_activation"](b.z, layer.bias if layer.use_bias else _EMPTY, b.y,
                                        self.code)
        return b.y

    def backward(self, dy, scale):
        b, layer = self.buffers, self.layer
        self.kernels["activation_backward"](b.z, b.y, dy, self.grad_bias, self.code)
        return _weight_gradients(layer, b, dy, scale, self.kernels)


def _weight_gradients(layer, b, dz, scale, kernels):
    """``dW = xᵀ·dz`` (+ L2), and ``dx = dz·Wᵀ`` when wanted (as ``Dense.backward``)."""
    np.dot(b.x.T, dz, out=b.grad_kernel)
    if layer.kernel_regularizer:
        kernels["add_scaled"](b.grad_kernel.reshape(-1), layer.kernel.reshape(-1),
                              2.0 * layer.kernel_regularizer * scale)
    if b.dx is None:
        return None
    return np.dot(dz, layer.kernel.T, out=b.dx)


class _Program:
    """One plan's layers as the fast step runs them."""

    def __init__(self, plan, kernels) -> None:
        steps = plan.steps
        *hidden, (output, out_buffers) = steps
        self.hidden = [
            _FusedDense(layer, buffers, kernels)
            if isinstance(layer, Dense) and layer.activation.name in CODES
            else _Reference(layer, buffers)
            for layer, buffers in hidden]
        self.reversed_hidden = self.hidden[::-1]
        self.output, self.out_buffers = output, out_buffers
        self.out_grad_bias = (out_buffers.grad_bias if out_buffers.grad_bias is not None
                              else _EMPTY)


class _WholeStep:
    """A plan ``dense_step`` runs in one call (see there for which)."""

    def __init__(self, plan, kernels) -> None:
        *hidden, (output, out_buffers) = [step for step in plan.steps
                                          if not isinstance(step[0], Flatten)]
        self.kernel, self.x, self.labels = kernels["dense_step"], plan.x, plan.y
        self.output, self.out = output, out_buffers
        self.hidden = hidden[0][0] if hidden else None
        empty = np.empty((0, 0), np.float32)
        if hidden:
            b = hidden[0][1]
            self.code = CODES[self.hidden.activation.name]
            self.z1, self.y1, self.grad_kernel1 = b.z, b.y, b.grad_kernel
            self.grad_bias1 = b.grad_bias if b.grad_bias is not None else _EMPTY
            self.dx = out_buffers.dx
        else:
            self.code = LINEAR
            self.z1 = self.y1 = self.grad_kernel1 = self.dx = empty
            self.grad_bias1 = _EMPTY
        self.grad_bias2 = (out_buffers.grad_bias if out_buffers.grad_bias is not None
                           else _EMPTY)

    @staticmethod
    def fits(plan, optimizer, regularized) -> bool:
        from dense_studio.engine.optimizers import Adam

        if _blas is None or type(optimizer) is not Adam or regularized:
            return False
        layers = [layer for layer, _ in plan.steps if not isinstance(layer, Flatten)]
        return (0 < len(layers) <= 2 and all(type(layer) is Dense for layer in layers)
                and all(layer.activation.name in CODES for layer in layers[:-1])
                and plan.x.flags.c_contiguous)

    def run(self, optimizer, store, scale) -> tuple[float, int]:
        hidden, output = self.hidden, self.output
        if hidden is None:
            kernel1 = self.z1
            bias1 = _EMPTY
        else:
            kernel1 = hidden.kernel
            bias1 = hidden.bias if hidden.use_bias else _EMPTY
        decay, epsilon, factor = optimizer.step_coefficients()
        loss_sum, correct = self.kernel(
            *_blas, hidden is not None, self.x, self.labels, kernel1, bias1, output.kernel,
            output.bias if output.use_bias else _EMPTY, self.z1, self.y1, self.out.z,
            self.grad_kernel1, self.grad_bias1, self.out.grad_kernel, self.grad_bias2,
            self.dx, self.code, scale / len(self.x), store.current, store.grad,
            store.previous, optimizer._m, optimizer._v, decay, epsilon, factor)
        if math.isfinite(loss_sum):
            optimizer.finish_step(store.grad)
            store.swap()
        return loss_sum, int(correct)


_programs: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def train_step(plan, optimizer, store, regularized: list) -> tuple[float, int]:
    """``training.train_step`` with the fused kernels: same arguments, same result."""
    kernels = _compiled
    program = _programs.get(plan)
    if program is None or program.optimizer is not optimizer:
        program = _WholeStep(plan, kernels) if _WholeStep.fits(
            plan, optimizer, regularized) else _Program(plan, kernels)
        program.optimizer = optimizer
        _programs[plan] = program
    if type(program) is _WholeStep:
        return program.run(optimizer, store, optimizer.grad_scale())
    count = plan.batch
    scale = optimizer.grad_scale()
    a = plan.inputs
    for op in program.hidden:
        a = op.forward(a)
    output, b = program.output, program.out_buffers
    b.x = a
    np.dot(a, output.kernel, out=b.z)
    loss_sum, correct = kernels["softmax_cross_entropy"](
        b.z, output.bias if output.use_bias else _EMPTY, plan.y, scale / count,
        program.out_grad_bias)
    correct = int(correct)
    if regularized:
        loss_sum += count * sum(layer.regularization_loss() for layer in regularized)
    if not math.isfinite(loss_sum):
        return loss_sum, correct
    d = _weight_gradients(output, b, b.z, scale, kernels)
    for op in program.reversed_hidden:
        if d is None:
            break
        d = op.backward(d, scale)
    _update(optimizer, store.current, store.grad, store.previous, kernels)
    store.swap()
    return loss_sum, correct


def _update(optimizer, params, grads, out, kernels) -> None:
    """``optimizer.step(params, grads, out)`` with one fused pass."""
    name = optimizer.name
    if name == "adam":
        kernels["adam"](params, grads, out, optimizer._m, optimizer._v,
                        *optimizer.step_coefficients())
    elif name == "rmsprop":
        m = optimizer._m if optimizer._m is not None else _EMPTY
        kernels["rmsprop"](params, grads, out, optimizer._v, m,
                           *optimizer.step_coefficients(), optimizer.momentum)
    elif optimizer._m is not None:
        kernels["sgd_momentum"](params, grads, out, optimizer._m, optimizer.momentum,
                                optimizer.nesterov)
    else:
        optimizer.step(params, grads, out)  # one numpy pass already
        return
    optimizer.finish_step(grads)
