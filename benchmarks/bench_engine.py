"""Engine figures: epoch time of the reference model, 5-epoch test accuracies, strong preset.

Run from the repository (the project installed, e.g. ``pip install -e .``)::

    python benchmarks/bench_engine.py                       # everything, seeds 0,1,2
    python benchmarks/bench_engine.py --constant-too        # + the constant-rate recipe
    python benchmarks/bench_engine.py --json benchmarks/results/engine.json
    python benchmarks/bench_engine.py --quick               # timing + Fashion-MNIST, seed 0
    python benchmarks/bench_engine.py --only timing --epochs 7 --timing-threads 1

What it measures (targets from issue 2):

- ``timing``: the reference model (784 -> 128 relu -> 10 softmax, Adam 0.001, batch 32) on
  the 60 000 Fashion-MNIST training images; median seconds per epoch (target <= 0.8 s) and
  samples per second, once per BLAS thread count (1 and 2 by default). A plain numpy loop
  (one epoch of the same model written the obvious way, float32) is timed in the same run
  for scale, because the machine is shared and absolute times drift: compare the ratio.
  On a busy machine 2 BLAS threads stall (each matmul waits for a thread that is not
  scheduled); 1 thread degrades gracefully. The load average is printed first.
- ``fashion`` / ``mnist``: test accuracy after 5 epochs of the reference preset, for each
  seed (targets >= 87.5 % and >= 97.5 %); ``--constant-too`` adds the same runs without
  the preset's cosine learning-rate decay, i.e. exactly the tf.keras recipe.
- ``strong``: the "strong" preset (Dense and Dropout only) -- test accuracy (target
  >= 90.0 %) and training seconds (target <= 60 s).
- ``quick``: the "quick" preset against the reference, per seed, the two runs of a seed
  back to back (order alternating by seed): test accuracy (target: at least the
  reference's minus 0.5 points) and training time (target: at most half the reference's).

``--path fast`` (default) prepares the fast path first (``engine/fast.py``, compiling
its kernels if the cache lacks them) and times that; ``--path numpy`` times the numpy
engine (``DENSE_STUDIO_FAST=0``); ``--path auto`` leaves the choice to the engine.

Data come from ``dense_studio.data.load_dataset`` when available, else straight from the
bundled IDX files.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dense_studio.engine import PRESETS, EpochEnd, TrainingEnd, build_model  # noqa: E402

TARGETS = {"epoch_seconds": 0.8, "fashion_mnist": 0.875, "mnist": 0.975, "strong": 0.90,
           "strong_seconds": 60.0, "quick_accuracy_drop": 0.005, "quick_time_ratio": 0.5}


# --- data -----------------------------------------------------------------------------

def load(name: str):
    try:
        from dense_studio.data import load_dataset

        ds = load_dataset(name)
        return ds.x_train, ds.y_train, ds.x_test, ds.y_test
    except Exception:  # the data package missing or failing: read the IDX files directly
        pass
    for base in (ROOT / "resources" / "datasets", ROOT.parent / "shared" / "datasets"):
        folder = base / name
        if folder.exists():
            break
    else:
        raise SystemExit(f"no {name} data found")

    def read(split):
        with gzip.open(folder / f"{split}-images-idx3-ubyte.gz") as f:
            x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
        with gzip.open(folder / f"{split}-labels-idx1-ubyte.gz") as f:
            y = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
        return x.astype(np.float32) / 255.0, y

    return (*read("train"), *read("t10k"))


# --- runs -----------------------------------------------------------------------------

def run_preset(preset: str, data, seed: int, blas_threads, epochs=None, **changes) -> dict:
    x, y, xt, yt = data
    config = PRESETS[preset].replace(seed=seed, **({"epochs": epochs} if epochs else {}),
                                     **changes)
    model = build_model(config.layers, x.shape[1:], int(y.max()) + 1, seed, config=config)
    times = []
    start = time.perf_counter()
    end = None
    for event in model.train(x, y, config.epochs, config.batch_size, seed=seed,
                             blas_threads=blas_threads):
        if isinstance(event, EpochEnd):
            times.append(event.seconds)
        elif isinstance(event, TrainingEnd):
            end = event
    wall = time.perf_counter() - start
    result = model.evaluate(xt, yt)
    return {"seed": seed, "status": end.status, "epoch_seconds": times,
            "train_seconds": sum(times), "wall_seconds": wall,
            "test_accuracy": result["accuracy"], "test_loss": result["loss"]}


def naive_numpy_epoch(x, y, seed=0) -> float:
    """One epoch of the reference model as a straightforward numpy program (for scale)."""
    rng = np.random.default_rng(seed)
    x = x.reshape(len(x), -1)
    w1 = rng.uniform(-1, 1, (784, 128)).astype(np.float32) * np.float32(np.sqrt(6 / 912))
    w2 = rng.uniform(-1, 1, (128, 10)).astype(np.float32) * np.float32(np.sqrt(6 / 138))
    params = [w1, np.zeros(128, np.float32), w2, np.zeros(10, np.float32)]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    order = rng.permutation(len(x))
    start = time.perf_counter()
    for t, i in enumerate(range(0, len(x), 32), start=1):
        idx = order[i:i + 32]
        xb, yb = x[idx], y[idx]
        z1 = xb @ params[0] + params[1]
        h = np.maximum(z1, 0)
        z2 = h @ params[2] + params[3]
        p = np.exp(z2 - z2.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        p[np.arange(len(yb)), yb] -= 1
        p /= len(yb)
        dh = (p @ params[2].T) * (z1 > 0)
        grads = [xb.T @ dh, dh.sum(0), h.T @ p, p.sum(0)]
        alpha = 1e-3 * math.sqrt(1 - 0.999**t) / (1 - 0.9**t)  # a Python float: stays float32
        for k, g in enumerate(grads):
            m[k] = 0.9 * m[k] + 0.1 * g
            v[k] = 0.999 * v[k] + 0.001 * g * g
            params[k] -= alpha * m[k] / (np.sqrt(v[k]) + 1e-7)
    return time.perf_counter() - start


def step_profile(data, steps: int = 1875) -> dict:
    """CPU microseconds per training step of the reference model, by phase (1 BLAS thread,
    this thread's CPU time, so time lost to other processes does not count)."""
    from threadpoolctl import threadpool_limits

    from dense_studio.engine.plan import BatchPlan

    x, y = data[0], data[1]
    config = PRESETS["reference"]
    model = build_model(config.layers, x.shape[1:], int(y.max()) + 1, 0, config=config)
    x2 = np.ascontiguousarray(x.reshape(len(x), -1), dtype=model.dtype)
    y2 = np.ascontiguousarray(y, dtype=np.int64)
    store = model.parameters
    store.allocate_training()
    optimizer = model.optimizer
    optimizer.build(store.size)
    plan = BatchPlan(model, 32, backward=True)
    order = np.random.default_rng(0).permutation(len(x2))
    names = ("gather", "forward", "loss", "backward", "optimizer")
    totals = dict.fromkeys(names, 0.0)
    clock = time.thread_time
    with threadpool_limits(limits=1, user_api="blas"):
        for i in range(min(steps, len(x2) // 32)):
            t0 = clock()
            idx = order[i * 32:(i + 1) * 32]
            np.take(x2, idx, axis=0, out=plan.x, mode="clip")
            np.take(y2, idx, out=plan.y, mode="clip")
            t1 = clock()
            logits = plan.forward()
            t2 = clock()
            scale = optimizer.grad_scale()
            plan.loss.forward(logits)
            dz = plan.loss.backward(scale / 32)
            t3 = clock()
            plan.backward(dz, scale)
            t4 = clock()
            optimizer.step(store.current, store.grad, store.previous)
            store.swap()
            t5 = clock()
            for name, value in zip(names, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
                totals[name] += value
    count = min(steps, len(x2) // 32)
    return {name: 1e6 * value / count for name, value in totals.items()}


def choose_path(path: str) -> str:
    """Set up the step ``path`` names; returns what will run ("fast", "numpy", "auto")."""
    from dense_studio.engine import fast

    if path == "numpy":
        os.environ[fast.SWITCH] = "0"
    elif path == "fast" and not fast.prepare_fast_path():
        raise SystemExit(f"the fast path cannot run: {fast.failure() or 'numba missing'}")
    return path


# --- report ---------------------------------------------------------------------------

def write_json(name: str, report: dict) -> None:
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2))
    print(f"wrote {path}")


def pct(value: float) -> str:
    return f"{100 * value:.2f} %"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=["timing", "fashion", "mnist", "strong", "quick"],
                        action="append",
                        help="run only these parts (repeatable); default all")
    parser.add_argument("--epochs", type=int, default=5, help="timed epochs (default 5)")
    parser.add_argument("--seeds", default="0,1,2", help="seeds for the accuracy runs")
    parser.add_argument("--strong-seeds", default="0", help="seeds for the strong preset")
    parser.add_argument("--timing-threads", default="1,2",
                        help="BLAS thread counts to time the reference epoch with (default 1,2)")
    parser.add_argument("--blas-threads", type=int, default=None,
                        help="BLAS threads for the accuracy and strong runs (default: as "
                             "configured, i.e. OpenBLAS's own choice)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain numpy epoch")
    parser.add_argument("--constant-too", action="store_true",
                        help="also run the accuracy seeds with a constant learning rate (the "
                             "exact tf.keras recipe, without the preset's cosine decay)")
    parser.add_argument("--quick", action="store_true", help="timing and Fashion-MNIST, seed 0")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--path", choices=["fast", "numpy", "auto"], default="fast",
                        help="the engine's step: fast path (default), numpy, or its choice")
    args = parser.parse_args(argv)
    path = choose_path(args.path)
    parts = set(args.only or ["timing", "fashion", "mnist", "strong", "quick"])
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    if args.quick:
        parts, seeds = {"timing", "fashion"}, seeds[:1]
    strong_seeds = [int(s) for s in args.strong_seeds.split(",") if s.strip()]
    report: dict = {"machine": {"cpus": os.cpu_count(), "numpy": np.__version__,
                                "load_average": os.getloadavg()}, "targets": TARGETS,
                    "path": path}
    rows = [("training step", path, "", None)]
    fashion = load("fashion_mnist") if parts & {"timing", "fashion", "strong", "quick"} else None

    if "timing" in parts:
        from threadpoolctl import threadpool_limits

        profile = step_profile(fashion)
        report["step_profile_cpu_us"] = profile
        rows.append(("CPU µs per step, 1 thread", "  ".join(f"{k} {v:.0f}" for k, v in profile.items())
                     + f"  = {sum(profile.values()):.0f}", "", None))

        report["timing"] = {}
        for threads in [int(t) for t in args.timing_threads.split(",") if t.strip()]:
            baseline = None
            if not args.no_baseline:
                with threadpool_limits(limits=threads, user_api="blas"):
                    baseline = naive_numpy_epoch(fashion[0], fashion[1])
            run = run_preset("reference", fashion, seeds[0] if seeds else 0, threads,
                             epochs=args.epochs)
            median = statistics.median(run["epoch_seconds"])
            timing = {"epoch_seconds": run["epoch_seconds"], "median_epoch_seconds": median,
                      "min_epoch_seconds": min(run["epoch_seconds"]),
                      "samples_per_second": len(fashion[0]) / median}
            if baseline:
                timing["plain_numpy_epoch_seconds"] = baseline
                timing["speedup_vs_plain_numpy"] = baseline / median
            report["timing"][f"blas_threads_{threads}"] = timing
            rows.append((f"reference median epoch, {threads} BLAS thread{'s' * (threads > 1)}",
                         f"{median:.3f} s", "<= 0.8 s", median <= TARGETS["epoch_seconds"]))
            rows.append(("  epochs (s)", " ".join(f"{t:.3f}" for t in run["epoch_seconds"]),
                         "", None))
            rows.append(("  samples / s", f"{timing['samples_per_second']:,.0f}", "", None))
            if baseline:
                rows.append(("  plain numpy epoch, same threads", f"{baseline:.3f} s "
                             f"(engine x{timing['speedup_vs_plain_numpy']:.2f} faster)", "", None))

    for name, target in (("fashion_mnist", TARGETS["fashion_mnist"]), ("mnist", TARGETS["mnist"])):
        part = "fashion" if name == "fashion_mnist" else "mnist"
        if part not in parts:
            continue
        data = fashion if name == "fashion_mnist" else load(name)
        runs = [run_preset("reference", data, seed, args.blas_threads) for seed in seeds]
        accuracies = [r["test_accuracy"] for r in runs]
        report[name] = {"runs": runs, "min": min(accuracies), "max": max(accuracies),
                        "mean": statistics.fmean(accuracies)}
        rows.append((f"{name} 5-epoch test acc", f"{pct(min(accuracies))} .. {pct(max(accuracies))}",
                     f">= {pct(target)}", min(accuracies) >= target))
        rows.append(("  per seed", ", ".join(f"{s}: {pct(a)}" for s, a in zip(seeds, accuracies)),
                     "", None))
        if args.constant_too:
            runs = [run_preset("reference", data, seed, args.blas_threads, lr_schedule="constant")
                    for seed in seeds]
            accuracies = [r["test_accuracy"] for r in runs]
            report[name]["constant_rate_runs"] = runs
            rows.append(("  constant rate (tf.keras recipe)",
                         ", ".join(f"{s}: {pct(a)}" for s, a in zip(seeds, accuracies)), "", None))

    if "strong" in parts:
        runs = [run_preset("strong", fashion, seed, args.blas_threads) for seed in strong_seeds]
        report["strong"] = {"config": PRESETS["strong"].to_dict(), "runs": runs}
        for r in runs:
            rows.append((f"strong preset (seed {r['seed']})", f"{pct(r['test_accuracy'])} in "
                         f"{r['train_seconds']:.1f} s", ">= 90.00 % in <= 60 s",
                         r["test_accuracy"] >= TARGETS["strong"]
                         and r["train_seconds"] <= TARGETS["strong_seconds"]))

    if "quick" in parts:
        report["quick"] = {"config": PRESETS["quick"].to_dict(), "runs": []}
        for n, seed in enumerate(seeds):
            order = ["reference", "quick"] if n % 2 == 0 else ["quick", "reference"]
            runs = {name: run_preset(name, fashion, seed, args.blas_threads) for name in order}
            ref, quick = runs["reference"], runs["quick"]
            ratio = quick["train_seconds"] / ref["train_seconds"]
            drop = ref["test_accuracy"] - quick["test_accuracy"]
            report["quick"]["runs"].append({"seed": seed, "reference": ref, "quick": quick})
            rows.append((f"quick preset (seed {seed})",
                         f"{pct(quick['test_accuracy'])} in {quick['train_seconds']:.2f} s; "
                         f"reference {pct(ref['test_accuracy'])} in "
                         f"{ref['train_seconds']:.2f} s: time x{ratio:.2f}",
                         ">= ref - 0.5 pt, <= x0.5",
                         drop <= TARGETS["quick_accuracy_drop"]
                         and ratio <= TARGETS["quick_time_ratio"]))

    width = max(len(r[0]) for r in rows) + 2
    print(f"load average at start: {report['machine']['load_average']}")
    for label, value, target, ok in rows:
        mark = "" if ok is None else ("  ok" if ok else "  MISSED")
        print(f"{label:<{width}}{value:<44}{target}{mark}")
    if args.json:
        write_json(args.json, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
