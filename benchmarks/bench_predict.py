"""Preprocessing + prediction of one 280×280 drawing, in-process (target ≤ 5 ms).

    python benchmarks/bench_predict.py [--runs 300]

A digit-like stroke is drawn into a 280×280 uint8 canvas (what the window's canvas hands
over); each run preprocesses it with the window's function and predicts with the reference
model (784 → 128 relu → 10 softmax). Prints the median and 95th percentile in ms.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from dense_studio.data import preprocess
from dense_studio.engine import build_model
from dense_studio.engine.spec import DenseSpec


def drawing() -> np.ndarray:
    canvas = np.zeros((280, 280), np.uint8)
    rows = np.arange(40, 240)
    for offset in range(-9, 10):  # a slanted stroke about 18 px wide, like a drawn "1"
        canvas[rows, np.clip(120 + rows // 5 + offset, 0, 279)] = 255
    return canvas


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    model = build_model((DenseSpec(128, "relu"),), input_shape=(28, 28), num_classes=10)
    image = drawing()
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        picture = preprocess(image, style="digit")
        model.predict(picture[None])
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    median = statistics.median(times)
    verdict = "ok" if median <= 5 else "MISSED"
    print(f"preprocess + predict of a 280×280 drawing: median {median:.2f} ms, "
          f"p95 {p95:.2f} ms over {args.runs} runs (target <= 5 ms: {verdict})")


if __name__ == "__main__":
    main()
