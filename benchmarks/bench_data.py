"""Benchmark the data side: loading Fashion-MNIST (budget 1 s) and preprocessing a canvas (budget 5 ms).

Run: python benchmarks/bench_data.py [--json]

Loading is timed in fresh processes (as the app and the command line start), with the peak
memory of that process; preprocessing is timed in-process on a 280×280 drawing, as the canvas
calls it. Times are medians: the machine is shared, so compare ratios from one run.
Exits 1 when a budget is exceeded.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

LOAD_BUDGET_S = 1.0
PREPROCESS_BUDGET_MS = 5.0

_CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    import numpy
    import dense_studio.data as data
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    ds = data.load_dataset(sys.argv[1])
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mb": peak / 1024, "before_mb": before / 1024}))
    """
)


def load_in_fresh_process(name: str) -> dict:
    output = subprocess.run(
        [sys.executable, "-c", _CHILD, name], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def checksum_cost(repeats: int = 3) -> tuple[float, float]:
    from dense_studio.data.datasets import load_bundled

    def timed(verify: bool) -> float:
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            load_bundled("fashion_mnist", verify=verify)
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    return timed(True), timed(False)


def canvas(paper: int = 255, ink: int = 0) -> np.ndarray:
    image = Image.new("L", (280, 280), paper)
    draw = ImageDraw.Draw(image)
    draw.line([(80, 60), (200, 60), (120, 230)], fill=ink, width=18)
    return np.asarray(image)


def time_ms(function, *args, repeats: int = 1000) -> tuple[float, float]:
    function(*args)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e3, float(np.percentile(times, 90) * 1e3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per load timing")
    args = parser.parse_args()

    from dense_studio.data import preprocess, read_image

    results: dict[str, float] = {}
    for name in ("fashion_mnist", "mnist"):
        runs = [load_in_fresh_process(name) for _ in range(args.runs)]
        results[f"load_{name}_s"] = statistics.median(run["seconds"] for run in runs)
        results[f"load_{name}_peak_mb"] = max(run["peak_mb"] for run in runs)
        results[f"load_{name}_baseline_mb"] = max(run["before_mb"] for run in runs)
    verified, unverified = checksum_cost()
    results["fashion_load_with_sha256_s"] = verified
    results["fashion_load_without_sha256_s"] = unverified

    white, black = canvas(), canvas(paper=0, ink=255)
    results["preprocess_digit_white_ms"], results["preprocess_digit_white_p90_ms"] = time_ms(
        preprocess, white, "digit"
    )
    results["preprocess_digit_black_ms"], _ = time_ms(preprocess, black, "digit")
    results["preprocess_garment_ms"], _ = time_ms(preprocess, white, "garment")
    rgba = np.dstack([np.repeat(black[:, :, None], 3, axis=2), black])  # white ink, transparent
    results["preprocess_rgba_ms"], _ = time_ms(preprocess, rgba, "digit")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "drawing.png"
        Image.fromarray(white).save(path)
        results["read_image_png_ms"], _ = time_ms(read_image, path, repeats=300)

    over = []
    if results["load_fashion_mnist_s"] > LOAD_BUDGET_S:
        over.append(f"Fashion-MNIST load {results['load_fashion_mnist_s']:.2f} s > {LOAD_BUDGET_S} s")
    if results["preprocess_digit_white_ms"] > PREPROCESS_BUDGET_MS:
        over.append(f"preprocess {results['preprocess_digit_white_ms']:.2f} ms > {PREPROCESS_BUDGET_MS} ms")

    if args.json:
        print(json.dumps({key: round(value, 4) for key, value in results.items()}))
    else:
        for key, value in results.items():
            print(f"{key:34s} {value:10.3f}")
        print("budgets: " + ("exceeded: " + "; ".join(over) if over else "all met"))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
