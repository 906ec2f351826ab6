"""Reference epoch time of this tree against another revision, in one run, alternating A/B.

    python benchmarks/bench_compare.py --baseline 2fcad01            # 6 rounds x 2 epochs
    python benchmarks/bench_compare.py --baseline main --rounds 10 --epochs 3

The baseline's ``dense_studio`` package is exported with ``git archive`` into a temporary
folder. Each round then trains the reference model (784 -> 128 relu -> 10 softmax, Adam
0.001, batch 32, 1 BLAS thread) on the 60 000 Fashion-MNIST training images in one fresh
subprocess per tree, ``PYTHONPATH`` pointing at that tree; the order alternates every round
(A B, B A, ...) so that drifting load on the shared machine hits both alike. Reported: the
median epoch over all rounds for each tree, as wall time and as the process's CPU time (the
CPU time is less disturbed by other processes), and the ratio this tree / baseline.
OPENBLAS_CORETYPE and the rest of the environment are passed through unchanged. A tree
with a fast path (``dense_studio/engine/fast.py``) prepares it before training, outside
the timed epochs, unless ``DENSE_STUDIO_FAST=0`` is set (then both run the numpy engine).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs in each subprocess, against whichever tree PYTHONPATH names; only public API that
# both trees have. Prints one JSON line: the tree's path and its epoch times.
CHILD = r"""
import gzip, json, sys, time
from pathlib import Path
import numpy as np
import dense_studio.engine as engine
from dense_studio.engine import PRESETS, EpochEnd, build_model
try:
    from dense_studio.engine import fast  # trees before the fast path have none
    fast.prepare_fast_path()
except ImportError:
    pass

folder = Path(sys.argv[1])
epochs = int(sys.argv[2])
with gzip.open(folder / "train-images-idx3-ubyte.gz") as f:
    x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28).astype(np.float32) / 255
with gzip.open(folder / "train-labels-idx1-ubyte.gz") as f:
    y = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
config = PRESETS["reference"].replace(epochs=epochs)
model = build_model(config.layers, x.shape[1:], 10, 0, config=config)
wall, cpu = [], []
cpu_start = time.process_time()
for event in model.train(x, y, config.epochs, config.batch_size, seed=0, blas_threads=1):
    if isinstance(event, EpochEnd):
        now = time.process_time()
        wall.append(event.seconds)
        cpu.append(now - cpu_start)
        cpu_start = now
print(json.dumps({"tree": str(Path(engine.__file__).parents[2]), "wall": wall, "cpu": cpu}))
"""


def export(revision: str, into: Path) -> Path:
    """``dense_studio`` of ``revision`` under ``into`` (via ``git archive``)."""
    archive = into / "tree.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", revision,
                        "dense_studio"], stdout=out, check=True)
    tree = into / "tree"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def time_tree(tree: Path, data: Path, epochs: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, "-c", CHILD, str(data), str(epochs)], env=env,
                          cwd=tempfile.gettempdir(), capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if Path(result["tree"]).resolve() != tree.resolve():  # the right code was timed
        raise SystemExit(f"imported {result['tree']}, expected {tree}")
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", required=True, help="git revision to compare against")
    parser.add_argument("--rounds", type=int, default=6, help="A/B rounds (default 6)")
    parser.add_argument("--epochs", type=int, default=2, help="epochs per run (default 2)")
    args = parser.parse_args(argv)
    data = ROOT / "resources" / "datasets" / "fashion_mnist"
    print(f"load average at start: {os.getloadavg()}  "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    with tempfile.TemporaryDirectory(prefix="bench_compare_") as tmp:
        trees = {"baseline": export(args.baseline, Path(tmp)), "this tree": ROOT}
        times = {name: {"wall": [], "cpu": []} for name in trees}
        for round_ in range(args.rounds):
            order = list(trees) if round_ % 2 == 0 else list(trees)[::-1]
            for name in order:
                result = time_tree(trees[name], data, args.epochs)
                for kind in ("wall", "cpu"):
                    times[name][kind] += result[kind]
                print(f"round {round_ + 1} {name:<9} wall " +
                      " ".join(f"{t:.3f}" for t in result["wall"]) +
                      "  cpu " + " ".join(f"{t:.3f}" for t in result["cpu"]), flush=True)
    print(f"load average at end:   {os.getloadavg()}")
    for kind in ("wall", "cpu"):
        base = statistics.median(times["baseline"][kind])
        ours = statistics.median(times["this tree"][kind])
        print(f"median epoch ({kind:>4}): baseline {base:.3f} s, this tree {ours:.3f} s, "
              f"ratio {ours / base:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
