"""Issue 11's figures for the runs table: overlays while training, and exact re-runs.

    python benchmarks/bench_runs.py                      # stalls, offscreen Qt
    python benchmarks/bench_runs.py --xvfb               # on a private Xvfb server
    python benchmarks/bench_runs.py --rerun --epochs 2   # re-run: test accuracy twice

Stalls (target: max ≤ 50 ms with 10 runs overlaid): the window gets ten finished runs
(trained headless on a slice, 3 epochs each; an overlay draws at most 400 points of a run,
so longer runs draw the same), then trains the reference model (784 → 128 relu → 10, Adam,
batch 32, full Fashion-MNIST, 10 % validation) for ``--epochs`` while a 5 ms QTimer probe
records every tick; a stall is the gap between two ticks. Runs alternate between no
overlay (A) and all ten ticked (B), ``--repeats`` times each, in one process, so the ratio
of the two is measured under the same load.

Re-run (``--rerun``): the reference model on the full data, trained by the session as the
window trains it, its test accuracy measured; then the same run again from the seed's
weights (what the Runs tab's Re-run does); the difference of the test accuracies.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_gui import Probe, percentile, start_xvfb  # noqa: E402

OVERLAID = 10


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--xvfb", action="store_true", help="run on a private Xvfb server")
    parser.add_argument("--epochs", type=int, default=1, help="epochs of the timed run (1)")
    parser.add_argument("--repeats", type=int, default=2, help="A/B pairs (2)")
    parser.add_argument("--rerun", action="store_true", help="measure a re-run instead")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser.parse_args()


def finished_runs(count: int) -> list:
    """``count`` finished runs with their curves (headless, 3 epochs on 3000 images)."""
    from dense_studio.data import load_dataset
    from dense_studio.session import Session, TrainingSettings

    session = Session(settings=TrainingSettings(epochs=3, batch_size=32, validation_split=0.1),
                      train_limit=3000)
    session.dataset_loaded(load_dataset("fashion_mnist"))
    for i in range(count):
        session.update_settings(learning_rate=0.0005 * (i + 1), seed=i)
        session.train()
    return list(session.runs)


def timed_run(app, window, overlay: bool, epochs: int) -> dict:
    from PySide6.QtCore import QEventLoop

    experiments = window.experiments
    for record in list(window.session.runs)[:OVERLAID]:
        experiments.set_ticked(record.id, overlay)
    app.processEvents()
    assert len(window.curves.overlays()) == (OVERLAID if overlay else 0)
    window.session.rebuild_model()
    window.session.update_settings(epochs=epochs, validation_split=0.1, batch_size=32)
    probe = Probe()
    loop = QEventLoop()
    window.trainingEnded.connect(loop.quit)
    probe.start()
    started = time.perf_counter()
    assert window.start_training()
    loop.exec()
    seconds = time.perf_counter() - started
    gaps = probe.stop()  # ms between ticks
    worst = max(range(len(gaps)), key=gaps.__getitem__)
    worst_at = probe.times[worst] - started  # when the longest stall began (s after Start)
    window.trainingEnded.disconnect(loop.quit)
    experiments.wait_for_tests()
    app.processEvents()
    record = window.session.runs.records[-1]
    return {"overlays": OVERLAID if overlay else 0, "max_stall_ms": max(gaps),
            "median_stall_ms": percentile(gaps, 50), "p95_stall_ms": percentile(gaps, 95),
            "worst_stall_at_s": worst_at, "stalls_over_50ms": sum(g > 50 for g in gaps),
            "seconds": seconds, "samples_per_second": record.last_batch.samples_seen / seconds}


def repaint_ms(app, window, overlay: bool, count: int = 40) -> float:
    """Median GUI-thread time of one repaint of both plots (nothing training)."""
    for record in list(window.session.runs)[:OVERLAID]:
        window.experiments.set_ticked(record.id, overlay)
    app.processEvents()
    times = []
    for _ in range(count):
        started = time.perf_counter()
        for plot in (window.lossPlot, window.accuracyPlot):
            plot.viewport().repaint()
        times.append(1000 * (time.perf_counter() - started))
    return percentile(times, 50)


def stalls(args) -> dict:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from dense_studio.ui import MainWindow
    from dense_studio.ui.app import prepare_application

    app = QApplication([sys.argv[0]])
    prepare_application(app)
    history = finished_runs(OVERLAID)
    folder = tempfile.mkdtemp(prefix="bench-runs-")
    window = MainWindow(settings=QSettings(str(Path(folder) / "s.ini"),
                                           QSettings.Format.IniFormat))
    window.resize(1440, 880)
    window.show()
    while not window.is_ready():
        app.processEvents()
        time.sleep(0.005)
    window.session.runs.replace_all(history)
    window.session.runs.changed()
    window.centerTabs.show_curves()
    repaints = {False: [], True: []}
    for _ in range(5):
        for overlay in (False, True):
            repaints[overlay].append(repaint_ms(app, window, overlay))
    runs = []
    for _ in range(args.repeats):
        for overlay in (False, True):
            runs.append(timed_run(app, window, overlay, args.epochs))
            print(json.dumps(runs[-1]), file=sys.stderr)
    window.close()
    app.processEvents()
    a = [r for r in runs if not r["overlays"]]
    b = [r for r in runs if r["overlays"]]
    return {
        "runs": runs,
        "repaint_ms_without": percentile(repaints[False], 50),
        "repaint_ms_with_10": percentile(repaints[True], 50),
        "max_stall_ms_without": max(r["max_stall_ms"] for r in a),
        "max_stall_ms_with_10": max(r["max_stall_ms"] for r in b),
        "median_stall_ms_without": percentile([r["median_stall_ms"] for r in a], 50),
        "median_stall_ms_with_10": percentile([r["median_stall_ms"] for r in b], 50),
        "throughput_ratio_with_over_without": percentile(
            [rb["samples_per_second"] / ra["samples_per_second"] for ra, rb in zip(a, b)], 50),
    }


def rerun(args) -> dict:
    from dense_studio.data import load_dataset
    from dense_studio.session import Session, TrainingSettings
    from dense_studio.session.runs import test_metrics

    dataset = load_dataset("fashion_mnist")
    session = Session(settings=TrainingSettings(epochs=args.epochs, validation_split=0.1))
    session.dataset_loaded(dataset)
    results = []
    for _ in range(2):
        session.rebuild_model()  # the seed's weights, as Re-run does
        started = time.perf_counter()
        record = session.train()
        metrics = test_metrics(session.model.model, dataset.x_test, dataset.y_test)
        results.append({"status": record.status, "seconds": time.perf_counter() - started,
                        **metrics})
        print(json.dumps(results[-1]), file=sys.stderr)
    return {"runs": results, "test_accuracy_difference": abs(
        results[0]["test_accuracy"] - results[1]["test_accuracy"]),
        "test_loss_difference": abs(results[0]["test_loss"] - results[1]["test_loss"])}


def main() -> int:
    args = parse_args()
    server = start_xvfb() if args.xvfb else None
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("DENSE_STUDIO_NO_GUIDE", "1")
    try:
        result = rerun(args) if args.rerun else stalls(args)
    finally:
        if server is not None:
            server.terminate()
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            if key != "runs":
                print(f"{key}: {value:.6g}" if isinstance(value, float) else f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
