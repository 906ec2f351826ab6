"""Command-line figures: `dense-studio --help` wall time and peak memory of a reference train.

Run from the repository (the project installed, e.g. `pip install -e .`):

    python benchmarks/bench_cli.py                # --help x 15, then the reference train run
    python benchmarks/bench_cli.py --help-runs 31 --epochs 1 --dataset mnist

Targets (issue 2): `--help` <= 0.5 s, peak RSS of the reference `train` run <= 400 MB.
The reference run is the default `dense-studio train` (784 -> 128 relu -> 10 softmax, Adam
0.001, batch 32, 5 epochs, Fashion-MNIST), run as a real child process; its peak resident
memory comes from the kernel's accounting of that one child (os.wait4 rusage). The machine is
shared, so wall times are noisy: the median of many runs is reported, and the minimum beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

HELP_TARGET_S = 0.5
RSS_TARGET_MB = 400.0


def help_times(command: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([*command, "--help"], stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return times


def peak_rss_of(command: list[str]) -> tuple[float, float, int, str]:
    """Run ``command``; return (its own peak RSS in MB, wall seconds, exit code, stdout).

    The child is reaped with ``os.wait4``, which returns the kernel's resource usage of that
    one process (``ru_maxrss``: KiB on Linux), not of every child this script started.
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = process.stdout.read()  # a few JSON lines; stderr is tiny too, so no deadlock
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.stderr.write(err.decode(errors="replace"))
    scale = 1 if sys.platform == "darwin" else 1024  # macOS reports bytes, Linux KiB
    return usage.ru_maxrss * scale / 1e6, seconds, code, out.decode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--help-runs", type=int, default=15)
    parser.add_argument("--dataset", default="fashion_mnist")
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()

    results = {}
    commands = {"python -m dense_studio": [sys.executable, "-m", "dense_studio"]}
    script = shutil.which("dense-studio") or os.path.join(os.path.dirname(sys.executable), "dense-studio")
    if os.path.exists(script):
        commands["dense-studio"] = [script]
    baseline = help_times([sys.executable, "-c", "pass"], args.help_runs)
    print(f"python -c pass (interpreter start, for scale): median {statistics.median(baseline):.3f} s")
    for label, command in commands.items():
        times = help_times(command, args.help_runs)
        median = statistics.median(times)
        results[f"help_median_s[{label}]"] = round(median, 4)
        verdict = "ok" if median <= HELP_TARGET_S else "OVER TARGET"
        print(f"{label} --help: median {median:.3f} s, min {min(times):.3f} s over "
              f"{len(times)} runs (target <= {HELP_TARGET_S} s: {verdict})")

    train = [sys.executable, "-m", "dense_studio", "train", "--dataset", args.dataset,
             "--epochs", str(args.epochs), "--json"]
    print("running:", " ".join(train[2:]), flush=True)
    rss_mb, seconds, code, out = peak_rss_of(train)
    records = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    epochs = [r["seconds"] for r in records if "epoch" in r]
    test = next((r for r in records if "test_accuracy" in r), {})
    results.update({
        "train_peak_rss_mb": round(rss_mb, 1), "train_wall_s": round(seconds, 2),
        "train_exit_code": code, "median_epoch_s": round(statistics.median(epochs), 3) if epochs else None,
        "test_accuracy": test.get("test_accuracy"),
    })
    verdict = "ok" if rss_mb <= RSS_TARGET_MB else "OVER TARGET"
    print(f"train peak RSS {rss_mb:.0f} MB (target <= {RSS_TARGET_MB:.0f} MB: {verdict}); "
          f"wall {seconds:.1f} s, median epoch {results['median_epoch_s']} s, "
          f"test accuracy {results['test_accuracy']}")
    print(json.dumps(results))
    return 0 if code == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
