"""The "quick" preset against the reference, seed by seed, alternating in one run (issue 8).

    python benchmarks/bench_presets.py                      # quick vs reference, seeds 0,1,2
    python benchmarks/bench_presets.py --candidate 256:3e-3:4 --candidate 128:2e-3:4
    nice -n 10 python benchmarks/bench_presets.py --rounds 2 --json

For each seed the reference preset and every candidate train on the 60 000 Fashion-MNIST
images and are evaluated on the 10 000 test images; the order of the runs rotates from
seed to seed (and round to round), so the shared machine's load drifts over all alike.
A candidate is ``BATCH:LEARNING_RATE:EPOCHS[:UNITS]`` on the reference model (Adam, cosine
decay; ``UNITS`` changes the hidden Dense layer's size);
without ``--candidate`` the shipped ``quick`` preset is measured. Reported per candidate:
test accuracy per seed beside the reference's (target: each at least the reference's
minus 0.5 points), and the training time over the reference's, the median of the per-seed
ratios of the runs measured side by side (target ≤ 0.5), beside the same ratio of the
process's CPU time (training and the test evaluation; less disturbed by the machine's other
load). The engine's fast path is prepared first (as the CLI and the window take it).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_engine import load, run_preset  # noqa: E402

from dense_studio.engine import PRESETS, fast  # noqa: E402
from dense_studio.engine.spec import DenseSpec  # noqa: E402

TARGET_DROP, TARGET_RATIO = 0.005, 0.5


def parse_candidate(text: str) -> dict:
    """``BATCH:LR:EPOCHS`` or ``BATCH:LR:EPOCHS:UNITS`` (the hidden Dense layer's size)."""
    batch, rate, epochs, *units = text.split(":")
    changes = {"batch_size": int(batch), "learning_rate": float(rate), "epochs": int(epochs)}
    if units:
        changes["layers"] = (DenseSpec(int(units[0]), "relu"),)
    return changes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--candidate", action="append", default=[],
                        help="BATCH:LR:EPOCHS on the reference model (repeatable); "
                             "default: the quick preset")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--rounds", type=int, default=1, help="timed rounds per seed (1)")
    parser.add_argument("--blas-threads", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print one JSON object at the end")
    args = parser.parse_args(argv)
    if not fast.prepare_fast_path():
        print(f"(fast path unavailable: {fast.failure()}; timing the numpy path)")
    data = load("fashion_mnist")
    quick = PRESETS["quick"]
    candidates = {"quick": {"batch_size": quick.batch_size, "learning_rate": quick.learning_rate,
                            "epochs": quick.epochs}}
    if args.candidate:
        candidates = {text: parse_candidate(text) for text in args.candidate}
    names = ["reference", *candidates]
    print(f"load average at start: {os.getloadavg()}", flush=True)
    results = {name: {} for name in names}
    ratios = {name: [] for name in candidates}
    cpu_ratios = {name: [] for name in candidates}
    turn = 0
    for seed in (int(s) for s in args.seeds.split(",")):
        for _round in range(args.rounds):
            order = names[turn % len(names):] + names[:turn % len(names)]
            turn += 1
            seconds, cpu_seconds = {}, {}
            for name in order:
                changes = {} if name == "reference" else candidates[name]
                cpu = time.process_time()
                run = run_preset("reference", data, seed, args.blas_threads, **changes)
                run["cpu_seconds"] = time.process_time() - cpu  # (training and evaluation)
                seconds[name] = run["train_seconds"]
                cpu_seconds[name] = run["cpu_seconds"]
                results[name].setdefault(seed, []).append(run)
                print(f"seed {seed} {name:<14} {run['train_seconds']:6.2f} s "
                      f"(CPU {run['cpu_seconds']:6.2f} s)  "
                      f"test {100 * run['test_accuracy']:.2f} %", flush=True)
            for name in candidates:
                ratios[name].append(seconds[name] / seconds["reference"])
                cpu_ratios[name].append(cpu_seconds[name] / cpu_seconds["reference"])
    print(f"load average at end: {os.getloadavg()}")
    summary = {"load_average_end": os.getloadavg(), "candidates": {}}
    reference = {seed: runs[0]["test_accuracy"] for seed, runs in results["reference"].items()}
    print(f"\nreference accuracy per seed: "
          + ", ".join(f"{seed}: {100 * acc:.2f} %" for seed, acc in reference.items()))
    for name in candidates:
        accuracy = {seed: runs[0]["test_accuracy"] for seed, runs in results[name].items()}
        drops = {seed: reference[seed] - accuracy[seed] for seed in accuracy}
        ratio = statistics.median(ratios[name])
        ok = max(drops.values()) <= TARGET_DROP + 1e-9 and ratio <= TARGET_RATIO  # (50 of 10 000)
        cpu_ratio = statistics.median(cpu_ratios[name])
        summary["candidates"][name] = {"accuracy": accuracy, "reference_accuracy": reference,
                                       "time_ratio_median": ratio, "time_ratios": ratios[name],
                                       "cpu_time_ratio_median": cpu_ratio,
                                       "cpu_time_ratios": cpu_ratios[name],
                                       "meets_targets": ok}
        print(f"{name:<14} accuracy " + ", ".join(
            f"{seed}: {100 * acc:.2f} % ({-100 * drops[seed]:+.2f})"
            for seed, acc in accuracy.items())
            + f"; time / reference {ratio:.3f} (each "
            + ", ".join(f"{r:.3f}" for r in ratios[name]) + f"; CPU time {cpu_ratio:.3f}) "
            + ("OK" if ok else "misses"))
    if args.json:
        print(json.dumps(summary, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
