"""Dense Studio against its peers on the reference model, in one run, alternating run by run.

    python benchmarks/bench_peers.py                  # 4 rounds x 3 epochs, every system found
    python benchmarks/bench_peers.py --rounds 6 --epochs 4
    python benchmarks/bench_peers.py --first-epoch    # + the first epoch of a fresh process
    nice -n 10 python benchmarks/bench_peers.py --json benchmarks/results/peers.json

The reference model: Flatten(28x28) -> Dense(128, relu) -> Dense(10, softmax), Adam 0.001,
batch 32, sparse categorical cross-entropy, on the 60 000 bundled Fashion-MNIST training
images. Systems (each one that imports; install the peers yourself, e.g.
``pip install tensorflow-cpu torch``, they are never the project's dependencies):

- ``dense_studio fast``: the engine with its fast path (``engine/fast.py``, prepared before
  the timed epochs), 1 BLAS thread, as ``dense-studio train`` runs;
- ``dense_studio numpy``: the same with ``DENSE_STUDIO_FAST=0`` (the numpy reference);
- ``tf.keras fit``: ``model.fit`` with TensorFlow's defaults (every core);
- ``pytorch eager``: a plain training loop, ``torch.set_num_threads(1)``.

Each run is a fresh child process; the order rotates every round, so the load of the
shared machine drifts over all systems alike. An epoch time is the median over rounds of
epochs 2.. of each run (the first one warms up). The single-core limit is the matmul work
of an epoch, 6 x parameters x samples FLOPs (forward, and the two gradients), at the
float32 GFLOP/s this machine's numpy reaches on one core (best of a few 1024^3 products):
"share of the limit" is that time over the measured epoch. Dense Studio's CPU time per
epoch is printed too (one thread: the machine's other load disturbs it less than wall
time; the limit is a wall-time figure, so no share is made of it).

``--first-epoch`` also times, in fresh processes, the first epoch after ``train()`` is
called: the numpy path, the fast path with its kernels in the cache (loaded in-process),
and with an empty cache (a temporary ``XDG_CACHE_HOME``: the run takes the numpy path
while a background process compiles; and, for scale, waiting for the compile instead).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "resources" / "datasets" / "fashion_mnist"
PARAMS = 784 * 128 + 128 + 128 * 10 + 10
SAMPLES = 60_000

CHILD = r"""
import gzip, json, sys, time
from pathlib import Path
import numpy as np

system, folder, epochs = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
with gzip.open(folder / "train-images-idx3-ubyte.gz") as f:
    x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28).astype(np.float32) / 255
with gzip.open(folder / "train-labels-idx1-ubyte.gz") as f:
    y = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
seconds, extra = [], {}

if system.startswith("dense_studio"):
    from dense_studio.engine import PRESETS, EpochEnd, build_model, fast
    mode = system.split()[1]
    if mode in ("fast", "wait"):
        start = time.perf_counter()
        if not fast.prepare_fast_path():
            raise SystemExit("fast path unavailable: " + str(fast.failure()))
        extra["prepare_seconds"] = time.perf_counter() - start
    config = PRESETS["reference"].replace(epochs=epochs, lr_schedule="constant")
    model = build_model(config.layers, x.shape[1:], 10, 0, config=config)
    start = time.perf_counter()
    cpu, extra["cpu_seconds"] = time.process_time(), []
    for event in model.train(x, y, epochs, 32, seed=0, blas_threads=1):
        if isinstance(event, EpochEnd):
            seconds.append(event.seconds)
            extra["cpu_seconds"].append(time.process_time() - cpu)
            cpu = time.process_time()
            if len(seconds) == 1:
                extra["first_epoch_from_call"] = time.perf_counter() - start
    extra["fast_path"] = fast.is_prepared()
elif system == "tf.keras":
    import os
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf
    keras = tf.keras
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])

    class Times(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            seconds.append(time.perf_counter() - self.start)

    model.fit(x, y, batch_size=32, epochs=epochs, verbose=0, callbacks=[Times()])
elif system == "pytorch":
    import torch
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 128), torch.nn.ReLU(),
                                torch.nn.Linear(128, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    for epoch in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(len(xt))
        for i in range(0, len(xt), 32):
            idx = order[i:i + 32]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(xt.index_select(0, idx)), yt.index_select(0, idx))
            loss.backward()
            optimizer.step()
        seconds.append(time.perf_counter() - start)
elif system == "matmul":
    from threadpoolctl import threadpool_limits
    a = np.random.default_rng(0).random((1024, 1024), dtype=np.float32)
    out = np.empty_like(a)
    best = float("inf")
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in range(12):
            start = time.perf_counter()
            np.dot(a, a, out=out)
            best = min(best, time.perf_counter() - start)
    extra["gflops"] = 2 * 1024**3 / best / 1e9
print(json.dumps({"system": system, "seconds": seconds, **extra}))
"""

SYSTEMS = {  # name shown -> (child's system argument, module that must import)
    "dense_studio fast": ("dense_studio fast", "numba"),
    "dense_studio numpy": ("dense_studio numpy", None),
    "tf.keras fit": ("tf.keras", "tensorflow"),
    "pytorch eager 1 thread": ("pytorch", "torch"),
}


def installed(module) -> bool:
    if module is None:
        return True
    import importlib.util

    return importlib.util.find_spec(module) is not None


def child(system: str, epochs: int, env_changes=None) -> dict:
    env = {**os.environ, **(env_changes or {})}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if system == "dense_studio numpy":
        env["DENSE_STUDIO_FAST"] = "0"
    done = subprocess.run([sys.executable, "-c", CHILD, system, str(DATA), str(epochs)],
                          env=env, cwd=tempfile.gettempdir(), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{system} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def first_epochs(report: dict) -> None:
    """The first epoch of a fresh process, from the ``train()`` call, on each path."""
    rows = {}
    rows["numpy path"] = child("dense_studio numpy", 1)
    rows["fast path, kernels cached"] = child("dense_studio auto", 1)
    with tempfile.TemporaryDirectory(prefix="bench_peers_cache_") as empty:
        rows["fast path, empty cache (numpy now, compiling aside)"] = child(
            "dense_studio auto", 1, {"XDG_CACHE_HOME": empty})
    with tempfile.TemporaryDirectory(prefix="bench_peers_cache_") as empty:
        rows["empty cache, waiting for the compile"] = child(
            "dense_studio wait", 1, {"XDG_CACHE_HOME": empty})
    report["first_epoch"] = rows
    print("\nfirst epoch of a fresh process (s, from the train() call; + prepare when waited):")
    for name, row in rows.items():
        total = row["first_epoch_from_call"] + row.get("prepare_seconds", 0.0)
        print(f"  {name:<52} {total:6.3f}  (fast path: {row['fast_path']})")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=4, help="rounds (default 4)")
    parser.add_argument("--epochs", type=int, default=3, help="epochs per run (default 3)")
    parser.add_argument("--skip", action="append", default=[], choices=list(SYSTEMS),
                        help="leave a system out (repeatable)")
    parser.add_argument("--first-epoch", action="store_true",
                        help="also time the first epoch of fresh processes")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)
    systems = [name for name, (_, module) in SYSTEMS.items()
               if name not in args.skip and installed(module)]
    print(f"load average at start: {os.getloadavg()}; systems: {', '.join(systems)}")
    epochs = {name: [] for name in systems}
    cpu_epochs = {name: [] for name in systems if name.startswith("dense_studio")}
    gflops = []
    for round_ in range(args.rounds):
        order = systems[round_ % len(systems):] + systems[:round_ % len(systems)]
        gflops.append(child("matmul", 0)["gflops"])
        for name in order:
            result = child(SYSTEMS[name][0], args.epochs)
            epochs[name] += result["seconds"][1:]
            if name in cpu_epochs:
                cpu_epochs[name] += result["cpu_seconds"][1:]
            print(f"round {round_ + 1} {name:<24} " +
                  " ".join(f"{t:.3f}" for t in result["seconds"]), flush=True)
    print(f"load average at end:   {os.getloadavg()}")
    rate = statistics.median(gflops)
    limit = 6 * PARAMS * SAMPLES / (rate * 1e9)
    medians = {name: statistics.median(values) for name, values in epochs.items()}
    ours = medians.get("dense_studio fast", medians["dense_studio numpy"])
    print(f"\nsingle-core matmul: {rate:.1f} GFLOP/s (spread {min(gflops):.1f}-{max(gflops):.1f})"
          f" -> limit {limit:.3f} s / epoch")
    print(f"{'system':<24} {'s / epoch':>9} {'spread':>13} {'Dense Studio is':>16} "
          f"{'share of limit':>15}")
    for name, median in medians.items():
        spread = f"{min(epochs[name]):.3f}-{max(epochs[name]):.3f}"
        print(f"{name:<24} {median:9.3f} {spread:>13} {median / ours:15.2f}x "
              f"{100 * limit / median:14.1f}%")
    if "dense_studio fast" in medians:
        ratio = medians["dense_studio fast"] / medians["dense_studio numpy"]
        print(f"fast path / numpy path: {ratio:.3f}")
    # Dense Studio trains on one thread: its CPU time per epoch is less disturbed by the
    # machine's other load than its wall time (the peers use more threads: wall time only).
    cpu_medians = {name: statistics.median(values) for name, values in cpu_epochs.items()}
    for name, median in cpu_medians.items():
        print(f"{name:<24} CPU s / epoch {median:.3f}")
    if len(cpu_medians) == 2:
        print(f"fast path / numpy path (CPU time): "
              f"{cpu_medians['dense_studio fast'] / cpu_medians['dense_studio numpy']:.3f}")
    report = {"load_average_end": os.getloadavg(), "gflops": gflops, "limit_seconds": limit,
              "epoch_seconds": epochs, "median_epoch_seconds": medians,
              "cpu_epoch_seconds": cpu_epochs, "median_cpu_epoch_seconds": cpu_medians}
    if args.first_epoch:
        first_epochs(report)
    if args.json:
        from bench_engine import write_json  # (benchmarks/ is on sys.path: the script's folder)

        write_json(args.json, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
