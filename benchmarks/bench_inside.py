"""How much do the Inside views cost? (issue 9's figures)

    python benchmarks/bench_inside.py                 # offscreen Qt
    python benchmarks/bench_inside.py --repeats 3 --epochs 2 --json

Measured in one process, the headless and panel runs alternated (the machine is shared,
so compare the ratios measured together):

* test-split readiness: when an epoch's weights reach the GUI thread (the worker's
  EpochReport, handed to ``session.epoch_end`` as the window does), the time until the
  InsidePanel has the confusion matrix and mistakes for the 10 000 test images
  (``testEvaluated``). Target ≤ 150 ms. Also the bare ``evaluate_test`` time, idle;
* event-loop stalls while the reference model trains with the panel shown (a 5 ms QTimer
  probe; a stall is the gap between two ticks): max, p95. Target max ≤ 50 ms;
* training throughput with the panel shown vs. the headless engine (same run, same BLAS
  threads): target ≥ 0.85;
* input → updated layer math, idle: ``session.set_input`` of a test image until
  ``layerMath.current()`` shows it (p50, p95; target ≤ 16 ms p50), and the GUI-thread cost
  of one update with each tab visible.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_gui import Probe, headless_throughput, percentile  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=2, help="epochs per training run (2)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="headless/panel runs alternated; medians reported (3)")
    parser.add_argument("--inputs", type=int, default=200, help="input updates timed (200)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser.parse_args()


def panel_run(app, dataset, epochs: int, tab: int) -> dict:
    """Train the reference model with the panel shown, as the window does: the worker in a
    pool thread, its epoch reports handed to the session on the GUI thread."""
    from PySide6.QtCore import QEventLoop

    from dense_studio.engine.spec import TrainingConfig
    from dense_studio.session import Session, TrainingSettings
    from dense_studio.ui.inside.panel import InsidePanel
    from dense_studio.ui.training_worker import TrainingWorker

    config = TrainingConfig(epochs=epochs, validation_split=0.0)
    session = Session(layers=config.layers, settings=TrainingSettings.from_config(config))
    session.dataset_loaded(dataset)
    panel = InsidePanel(session)
    panel.resize(1024, 700)
    panel.tabs.setCurrentIndex(tab)
    panel.show()
    session.show_test_sample(0)
    app.processEvents()
    panel.evaluator.wait()
    app.processEvents()

    record = session.start_run()
    worker = TrainingWorker(record.run, blas_threads=1)
    epoch_at: dict[float, float] = {}
    ready: list[float] = []
    last = {}

    def epoch(report) -> None:
        epoch_at[record.initial_epoch + report.event.epoch + 1] = time.perf_counter()
        session.epoch_end(report.event, report.weights)

    def evaluated(report) -> None:
        if report.epoch in epoch_at:
            ready.append(1000 * (time.perf_counter() - epoch_at.pop(report.epoch)))

    worker.progress.connect(lambda item: last.__setitem__("batch", item.event))
    worker.epochEnded.connect(epoch)
    # As the window does: the run is finished once the thread has let go of the model.
    worker.trainingEnded.connect(lambda report: last.__setitem__("end", report.event))
    loop = QEventLoop()
    worker.finished.connect(lambda: (session.finish_run(last.get("end")), loop.quit()))
    panel.testEvaluated.connect(evaluated)
    probe = Probe()
    probe.start()
    worker.start()
    loop.exec()  # a real event loop, as in the window: the probe's ticks run in it
    gaps = probe.stop()  # ms between two ticks
    deadline = time.perf_counter() + 2
    while epoch_at and time.perf_counter() < deadline:  # the last epoch's evaluation
        app.processEvents()
        time.sleep(0.001)
    panel.evaluator.wait()
    batch = last["batch"]
    panel.close()
    panel.deleteLater()
    app.processEvents()
    return {"throughput": batch.samples_seen / batch.elapsed, "ready_ms": ready,
            "stall_max_ms": max(gaps), "stall_p95_ms": percentile(gaps, 95)}


def input_latency(app, dataset, count: int) -> dict:
    """Idle: set_input of a test image → layerMath.current() shows it."""
    import numpy as np

    from dense_studio.engine.spec import TrainingConfig
    from dense_studio.session import Session, TrainingSettings
    from dense_studio.ui.inside.panel import INPUT_INTERVAL_MS, InsidePanel

    config = TrainingConfig(epochs=1, validation_split=0.0)
    session = Session(layers=config.layers, settings=TrainingSettings.from_config(config),
                      train_limit=5000)
    session.dataset_loaded(dataset)
    session.train()
    panel = InsidePanel(session)
    panel.resize(1024, 700)
    panel.show()
    app.processEvents()
    panel.evaluator.wait()
    result = {}
    for tab, name in enumerate(("math", "images", "diagram", "results")):
        panel.tabs.setCurrentIndex(tab)
        latencies, costs = [], []
        for i in range(count):
            time.sleep(INPUT_INTERVAL_MS / 1000)  # idle: a new stroke, not a burst
            image = dataset.x_test[i]
            start = time.perf_counter()
            session.set_input(image)
            while True:
                app.processEvents()
                shown = panel.layer_math.current() if tab == 0 else panel._image  # noqa: SLF001
                if shown is not None and (
                        np.array_equal(shown[0]["x"], image.reshape(-1)) if tab == 0
                        else shown is session.canvas.image):
                    break
            latencies.append(1000 * (time.perf_counter() - start))
            # The GUI-thread cost of one update by itself (no event-loop wait).
            panel.set_input(dataset.x_test[i + 1])
            start = time.perf_counter()
            panel._apply_input()  # noqa: SLF001
            costs.append(1000 * (time.perf_counter() - start))
        result[name] = {"latency_p50_ms": percentile(latencies, 50),
                        "latency_p95_ms": percentile(latencies, 95),
                        "update_cost_p50_ms": percentile(costs, 50)}
    panel.close()
    return result


def evaluation_alone(dataset, repeats: int = 7) -> float:
    from dense_studio.engine.spec import TrainingConfig
    from dense_studio.engine.presets import build_model
    from dense_studio.insight.evaluation import evaluate_test
    from dense_studio.insight.network import network_of

    network = network_of(build_model(TrainingConfig().layers))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        evaluate_test(network, dataset.x_test, dataset.y_test)
        times.append(1000 * (time.perf_counter() - start))
    return percentile(times, 50)


def main() -> None:
    args = parse_args()
    from PySide6.QtWidgets import QApplication

    from dense_studio.data import load_dataset

    app = QApplication.instance() or QApplication([])
    dataset = load_dataset("fashion_mnist")
    figures = {"evaluate_test_10k_ms": evaluation_alone(dataset)}
    runs = []
    for repeat in range(args.repeats):
        headless = headless_throughput(dataset, args.epochs, 1)
        # Alternate the visible tab: the layer math (updated per input) and the results
        # (where the new matrix is drawn) are the costly ones.
        tab = (0, 3)[repeat % 2]
        shown = panel_run(app, dataset, args.epochs, tab)
        runs.append({"headless": headless, "tab": tab, **shown,
                     "ratio": shown["throughput"] / headless})
    ready = [ms for run in runs for ms in run["ready_ms"]]
    figures.update({
        "ready_after_epoch_ms_max": max(ready), "ready_after_epoch_ms_p50": percentile(ready, 50),
        "stall_max_ms": max(run["stall_max_ms"] for run in runs),
        "stall_p95_ms_median": percentile([run["stall_p95_ms"] for run in runs], 50),
        "throughput_ratio_median": percentile([run["ratio"] for run in runs], 50),
        "input": input_latency(app, dataset, args.inputs),
        "runs": runs,
    })
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"evaluate_test, 10 000 test images, idle: {figures['evaluate_test_10k_ms']:.1f} ms")
    print(f"epoch end → matrix and mistakes ready: p50 {figures['ready_after_epoch_ms_p50']:.0f} ms, "
          f"max {figures['ready_after_epoch_ms_max']:.0f} ms (target ≤ 150)")
    print(f"event-loop stalls while training: max {figures['stall_max_ms']:.0f} ms (target ≤ 50), "
          f"p95 {figures['stall_p95_ms_median']:.1f} ms")
    print(f"training throughput, panel shown / headless: {figures['throughput_ratio_median']:.3f} "
          f"(target ≥ 0.85) per run: "
          + ", ".join(f"{run['ratio']:.3f} (tab {run['tab']})" for run in runs))
    for name, row in figures["input"].items():
        print(f"input → panel updated, {name} tab: p50 {row['latency_p50_ms']:.1f} ms, "
              f"p95 {row['latency_p95_ms']:.1f} ms; one update costs "
              f"{row['update_cost_p50_ms']:.2f} ms")


if __name__ == "__main__":
    main()
