"""The fast path (``engine/fast.py``): the same weights as the numpy reference, and no
cost where it is not used (nothing of numba imported, kernels in the user's cache)."""

import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from dense_studio.engine import Dense, Dropout, Flatten, Sequential, activations, fast
from dense_studio.engine.optimizers import SGD, Adam, RMSprop

from .helpers import blobs


OPTIMIZERS = {
    "sgd": lambda: SGD(0.05),
    "sgd_momentum": lambda: SGD(0.05, momentum=0.9),
    "sgd_nesterov": lambda: SGD(0.05, momentum=0.9, nesterov=True),
    "adam": lambda: Adam(0.01),
    "rmsprop": lambda: RMSprop(0.005),
    "rmsprop_momentum": lambda: RMSprop(0.005, momentum=0.5),
}


@pytest.fixture(scope="module")
def prepared():
    pytest.importorskip("numba")
    if os.environ.get(fast.SWITCH) == "0":
        pytest.skip("the fast path is switched off for this test run")
    assert fast.prepare_fast_path(), fast.failure()


def trained_weights(activation, make_optimizer, use_fast, monkeypatch, steps=300):
    """Weights after ``steps`` steps of a net with dropout and L2 on the given path."""
    x, y = blobs(n=200, features=6, classes=3, seed=2)
    model = Sequential([Flatten(input_shape=(6,)), Dense(16, activation), Dropout(0.25),
                        Dense(12, activation, kernel_regularizer=0.01), Dense(3, "softmax")])
    model.build(seed=4)
    model.compile(make_optimizer(), lr_schedule="cosine")
    monkeypatch.setenv(fast.SWITCH, "1" if use_fast else "0")
    assert fast.use_for_training(model) is use_fast
    model.fit(x, y, epochs=steps // 10, batch_size=20, seed=5)  # 10 batches an epoch
    return model.get_weights()


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("activation", activations.NAMES)
def test_both_paths_give_the_same_weights(prepared, monkeypatch, activation, optimizer):
    reference = trained_weights(activation, OPTIMIZERS[optimizer], False, monkeypatch)
    fused = trained_weights(activation, OPTIMIZERS[optimizer], True, monkeypatch)
    moved = [w for w in reference if np.ptp(w) > 0]
    assert moved  # the comparison is about trained weights
    for a, b in zip(reference, fused):
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-5)


def reference_like_weights(activation, use_fast, monkeypatch, hidden=True, steps=300):
    """Weights after ``steps`` Adam steps of Flatten -> [Dense(16, activation)] ->
    Dense(3, softmax), the networks ``fast.dense_step`` runs in one call."""
    x, y = blobs(n=200, features=6, classes=3, seed=2)
    model = Sequential([Flatten(input_shape=(6,)), *([Dense(16, activation)] if hidden else []),
                        Dense(3, "softmax")])
    model.build(seed=4)
    model.compile(Adam(0.01), lr_schedule="cosine")
    monkeypatch.setenv(fast.SWITCH, "1" if use_fast else "0")
    assert fast.use_for_training(model) is use_fast
    model.fit(x, y, epochs=steps // 10, batch_size=20, seed=5)
    return model.get_weights()


@pytest.mark.parametrize("hidden", [*fast.CODES, None])
def test_the_whole_step_kernel_gives_the_same_weights(prepared, monkeypatch, hidden):
    if fast._blas is None:
        pytest.skip("numpy's BLAS has no cblas_sgemm to call here")
    calls = []
    run = fast._WholeStep.run
    monkeypatch.setattr(fast._WholeStep, "run", lambda self, *a: calls.append(1) or run(self, *a))
    reference = reference_like_weights(hidden, False, monkeypatch, hidden is not None)
    assert not calls
    fused = reference_like_weights(hidden, True, monkeypatch, hidden is not None)
    assert len(calls) == 300  # every step was the one-call kernel
    assert all(np.ptp(w) > 0 for w in reference)
    for a, b in zip(reference, fused):
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-5)


def test_each_kernel_equals_its_numpy_step(prepared):
    """One Adam step by the kernel and by ``Adam.step``: the same float32 operations."""
    rng = np.random.default_rng(0)
    params = rng.normal(size=1000).astype(np.float32)
    grads = rng.normal(size=1000).astype(np.float32)
    results = []
    for kernel in (False, True):
        optimizer = Adam(0.01)
        optimizer.build(params.size)
        out = np.empty_like(params)
        for _ in range(5):
            g = grads * np.float32(optimizer.grad_scale())
            if kernel:
                fast._update(optimizer, params, g, out, fast._compiled)
            else:
                optimizer.step(params, g, out)
        results.append(out)
    np.testing.assert_array_equal(results[0], results[1])


@pytest.mark.parametrize("optimizer", [lambda: SGD(1e6), lambda: Adam(1e30)],
                         ids=["sgd: layer by layer", "adam: the whole-step kernel"])
def test_diverging_run_restores_weights_on_the_fast_path(prepared, monkeypatch, optimizer):
    x, y = blobs(n=64)
    model = Sequential([Flatten(input_shape=(6,)), Dense(8, "relu"), Dense(3, "softmax")])
    model.build(seed=0)
    model.compile(optimizer())
    monkeypatch.setenv(fast.SWITCH, "1")
    assert fast.use_for_training(model)
    end = list(model.train(x, y, epochs=5, batch_size=16))[-1]
    assert end.status == "diverged"
    assert all(np.isfinite(w).all() for w in model.get_weights())


def test_the_switch_turns_it_off(monkeypatch):
    monkeypatch.setenv(fast.SWITCH, "0")
    assert not fast.enabled() and not fast.prepare_fast_path()
    model = Sequential([Flatten(input_shape=(6,)), Dense(3, "softmax")])
    model.build()
    model.compile("adam")
    assert not fast.use_for_training(model)


def test_the_activation_constants_match_the_reference():
    assert fast.LEAKY_RELU_SLOPE == activations.LEAKY_RELU_SLOPE
    assert set(fast.CODES) == set(activations.NAMES) - {"softmax"}


def run_python(code: str, env_changes: dict, timeout: float = 180) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", fast.SWITCH)}
    env.update(env_changes)
    # (not from the checkout: its dense_studio/ has no resources/, the installed one has)
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                          cwd=tempfile.gettempdir(),
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.parametrize("start", [
    "import dense_studio.engine, dense_studio.engine.fast",
    "from dense_studio.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass",
    "from PySide6.QtWidgets import QApplication\napp = QApplication([])\n"
    "from dense_studio.ui import MainWindow\nwindow = MainWindow()\nwindow.show()\n"
    "app.processEvents()",
], ids=["engine import", "--help", "window start"])
def test_nothing_of_numba_is_imported_before_training(start):
    out = run_python(start + "\nimport sys\nprint(sorted(m for m in sys.modules "
                     "if m.split('.')[0] in ('numba', 'llvmlite')))",
                     {"QT_QPA_PLATFORM": "offscreen"})
    assert out.strip().splitlines()[-1] == "[]"


def test_without_numba_the_numpy_path_trains(tmp_path):
    """numba failing to import (a platform without wheels): everything still works."""
    out = run_python("""
        import sys
        class NoNumba:
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] == 'numba':
                    raise ImportError('no numba on this platform')
        sys.meta_path.insert(0, NoNumba())
        from dense_studio.engine import Sequential, Flatten, Dense, fast
        import numpy as np
        rng = np.random.default_rng(0)
        x = rng.normal(size=(200, 4)).astype(np.float32); y = (x[:, 0] > 0).astype(np.int64)
        model = Sequential([Flatten(input_shape=(4,)), Dense(8, 'relu'), Dense(2, 'softmax')])
        model.build(); model.compile('adam', 0.01)
        print(fast.enabled(), fast.prepare_fast_path(), fast.use_for_training(model))
        history = model.fit(x, y, epochs=10, batch_size=20)
        print(history['accuracy'][-1] > 0.9, 'numba' in sys.modules)
    """, {"XDG_CACHE_HOME": str(tmp_path)})
    assert out.split() == ["False", "False", "False", "True", "False"]
    assert not (tmp_path / "dense-studio").exists()


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG_CACHE_HOME is Linux's")
def test_a_fresh_cache_compiles_in_the_background_then_loads(tmp_path):
    """First run with an empty cache: the numpy path, a background compile into the
    user's cache folder; the next process loads the kernels and takes the fast path."""
    pytest.importorskip("numba")
    program = """
        import sys
        from dense_studio.engine import Sequential, Flatten, Dense, fast
        import numpy as np
        x = np.random.default_rng(0).normal(size=(64, 4)).astype(np.float32)
        y = (x[:, 0] > 0).astype(np.int64)
        model = Sequential([Flatten(input_shape=(4,)), Dense(8, 'relu'), Dense(2, 'softmax')])
        model.build(); model.compile('adam')
        model.fit(x, y, epochs=1)
        print(fast.is_prepared(), 'numba' in sys.modules)
    """
    env = {"XDG_CACHE_HOME": str(tmp_path)}
    first = run_python(program, env).split()
    assert first == ["False", "False"]
    folder = tmp_path / "dense-studio" / "numba"
    assert any(folder.glob("compiling-*")) or any(folder.glob("ready-*"))
    for _ in range(340):  # the background process: at most ~170 s on a busy machine
        if any(folder.glob("ready-*")) and not any(folder.glob("compiling-*")):
            break
        time.sleep(0.5)
    assert any(folder.glob("ready-*")), list(folder.iterdir())
    assert list(folder.rglob("*.nbi")), "numba's index files are in the user's cache"
    package = Path(fast.__file__).parent
    assert not list(package.rglob("*.nbi")) and not list(package.rglob("*.nbc"))
    second = run_python(program, env).split()
    assert second == ["True", "True"]
    # The command line starts loading them before it reads the data; a run waits for it.
    preloaded = run_python("""
        import threading
        from dense_studio.engine import Sequential, Flatten, Dense, fast
        started = fast.preload()
        loading = 'dense-studio-fast-path' in [t.name for t in threading.enumerate()]
        model = Sequential([Flatten(input_shape=(4,)), Dense(8, 'relu'), Dense(2, 'softmax')])
        model.build(); model.compile('adam')
        print(started, loading, fast.use_for_training(model), fast.preload())
    """, env).split()
    assert preloaded == ["True", "True", "True", "False"]


def test_read_only_training_data_train_on_the_fast_path(prepared, monkeypatch):
    """The datasets' arrays are read-only: the compiled batch gathering takes them."""
    x, y = blobs(n=64)
    x.flags.writeable = y.flags.writeable = False
    model = Sequential([Flatten(input_shape=(6,)), Dense(8, "relu"), Dense(3, "softmax")])
    model.build(seed=0)
    model.compile("adam")
    monkeypatch.setenv(fast.SWITCH, "1")
    assert fast.use_for_training(model)
    assert fast.gatherer(x, y) is not None
    end = list(model.train(x, y, epochs=2, batch_size=16))[-1]
    assert end.status == "finished" and model.optimizer.iterations == 8


def test_byte_valued_images_are_gathered_from_bytes_with_the_same_floats(prepared):
    """Images stored as bytes / 255 (every bundled dataset) are gathered from a byte copy,
    made once per array: the very floats of the array, from a quarter of the memory."""
    from dense_studio.data import load_dataset

    dataset = load_dataset("mnist")
    images = dataset.x_train.reshape(len(dataset.x_train), -1)
    labels = dataset.y_train.astype(np.int64)
    x, y = images[1000:1600], labels[1000:1600]  # a run's slice, as prepare_run makes
    gather = fast.gatherer(x, y)
    rows = fast._rows_as_bytes(x)
    assert rows is not None and rows.dtype == np.uint8 and rows.shape == x.shape
    assert fast._rows_as_bytes(images[:1600]).base is rows.base  # one copy per array
    order = np.random.default_rng(0).permutation(len(x))[:32]
    out_x, out_y = np.empty((32, 784), np.float32), np.empty(32, np.int64)
    gather(order, out_x, out_y)
    np.testing.assert_array_equal(out_x, x[order])
    np.testing.assert_array_equal(out_y, y[order])
    # Values that are not whole bytes over 255 are gathered as floats.
    for other in (x * np.float32(0.5), x + np.float32(1e-3), np.where(x > 0.5, np.nan, x)):
        other = np.ascontiguousarray(other, np.float32)
        assert fast._rows_as_bytes(other) is None
        fast.gatherer(other, y)(order, out_x, out_y)
        np.testing.assert_array_equal(out_x, other[order])
