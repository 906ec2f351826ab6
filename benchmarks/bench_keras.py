"""The tutorial's code on dense_studio.keras and on TensorFlow's Keras, in one run; and the
import time of dense_studio.keras (which must import no Qt and no TensorFlow).

Run from the repository (the project installed, e.g. `pip install -e ".[tensorflow]"`):

    python benchmarks/bench_keras.py                 # 1 round: ours, then tf.keras
    python benchmarks/bench_keras.py --rounds 3      # alternating A/B rounds, medians
    python benchmarks/bench_keras.py --skip-tf       # only ours, and the import time

Each tutorial run is a fresh child process (so TensorFlow's threads and memory never touch
the other side), on the same bundled Fashion-MNIST arrays, with the same code: Flatten(28×28)
→ Dense(128, relu) → Dense(10, softmax), compile(adam, sparse categorical cross-entropy,
accuracy), fit 5 epochs with batch 32, evaluate, predict. Time is measured inside the child
from building the model to the end of predict (dataset loading and imports excluded); each
library runs with its own defaults (TensorFlow on every core; Dense Studio on one BLAS
thread, its measured best on two cores). The machine is shared: runs alternate A/B and the
median is reported with the spread.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

TUTORIAL_SEEDS = (0, 1, 2)


def tutorial(keras, x_train, y_train, x_test, y_test) -> tuple[float, float]:
    """The tutorial's model code; returns (test accuracy, seconds)."""
    start = time.perf_counter()
    model = keras.Sequential([
        keras.layers.Flatten(input_shape=(28, 28)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=5, batch_size=32, verbose=0)
    _, test_acc = model.evaluate(x_test, y_test, verbose=0)
    model.predict(x_test, verbose=0)
    return float(test_acc), time.perf_counter() - start


def child(library: str, seed: int) -> None:
    from dense_studio import keras as ours

    (x_train, y_train), (x_test, y_test) = ours.datasets.fashion_mnist.load_data()
    x_train, x_test = x_train / 255.0, x_test / 255.0
    if library == "tf":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import warnings

        import tensorflow as tf

        warnings.filterwarnings("ignore", message="Do not pass an `input_shape`")
        keras = tf.keras
    else:
        keras = ours
    keras.utils.set_random_seed(seed)
    accuracy, seconds = tutorial(keras, x_train, y_train, x_test, y_test)
    print(json.dumps({"library": library, "seed": seed, "accuracy": accuracy, "seconds": seconds}))


def run_child(library: str, seed: int) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", library, "--seed", str(seed)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stderr[-2000:])
        raise SystemExit(f"the {library} run failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


# The whole import in a fresh process, and the part of it that is numpy's own import.
IMPORT_PROBE = (
    "import time, sys; t0 = time.perf_counter(); import numpy; t1 = time.perf_counter(); "
    "import dense_studio.keras; t2 = time.perf_counter(); "
    "bad = sorted({m.split('.')[0] for m in sys.modules} & "
    "{'PySide6', 'pyqtgraph', 'superqt', 'tensorflow', 'keras', 'PIL'}); "
    "print(t2 - t0, t1 - t0, ','.join(bad) or '-')"
)


def import_times(runs: int) -> tuple[list[float], list[float], set]:
    """(whole import times, numpy's part, foreign top-level packages imported)."""
    times, numpy_times, bad = [], [], set()
    for _ in range(runs):
        whole, numpy_part, found = subprocess.run(
            [sys.executable, "-c", IMPORT_PROBE], capture_output=True, text=True, check=True
        ).stdout.split()
        times.append(float(whole))
        numpy_times.append(float(numpy_part))
        bad.update(name for name in found.split(",") if name != "-")
    return times, numpy_times, bad


def summary(name: str, runs: list[dict]) -> str:
    acc = [r["accuracy"] for r in runs]
    sec = [r["seconds"] for r in runs]
    return (f"{name:<20} test accuracy {statistics.median(acc):.2%} "
            f"(runs: {', '.join(f'{a:.2%}' for a in acc)}); time {statistics.median(sec):.1f} s "
            f"(runs: {', '.join(f'{s:.1f}' for s in sec)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=1, help="A/B rounds (seed 0, 1, 2, ...)")
    parser.add_argument("--import-runs", type=int, default=15)
    parser.add_argument("--skip-tf", action="store_true")
    parser.add_argument("--child", choices=("ours", "tf"), help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.seed)
        return 0

    times, numpy_times, bad = import_times(args.import_runs)
    print(f"import dense_studio.keras: median {statistics.median(times) * 1e3:.0f} ms, "
          f"min {min(times) * 1e3:.0f} ms over {len(times)} fresh processes (numpy's own "
          f"import: median {statistics.median(numpy_times) * 1e3:.0f} ms); "
          f"Qt/TensorFlow/Pillow imported: {', '.join(sorted(bad)) or 'none'}", flush=True)

    results: dict[str, list[dict]] = {"ours": [], "tf": []}
    for round_ in range(args.rounds):
        seed = TUTORIAL_SEEDS[round_ % len(TUTORIAL_SEEDS)] + round_ // len(TUTORIAL_SEEDS) * 10
        order = ("ours",) if args.skip_tf else (("ours", "tf") if round_ % 2 == 0 else ("tf", "ours"))
        for library in order:
            result = run_child(library, seed)
            results[library].append(result)
            print(json.dumps(result), flush=True)
    print(summary("dense_studio.keras", results["ours"]))
    if results["tf"]:
        print(summary("tf.keras", results["tf"]))
        ratio = statistics.median(t["seconds"] / o["seconds"]
                                  for o, t in zip(results["ours"], results["tf"]))
        print(f"tf.keras time / dense_studio.keras time (median of rounds): {ratio:.1f}x")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
