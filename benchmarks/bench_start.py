"""How long does pressing Start stall the window? (issue 8: ≤ 50 ms from the click on)

    python benchmarks/bench_start.py                  # offscreen Qt, 5 clicks
    python benchmarks/bench_start.py --clicks 7 --inside
    python benchmarks/bench_start.py --profile        # what the GUI thread does at Start

One fresh window per process, as a person meets it: the window is shown, the dataset is
switched (Fashion-MNIST ↔ MNIST, the first switch goes to MNIST) and, once Start is enabled
again, Start is clicked from the event loop while a 5 ms QTimer probe records every tick.
The stall of a click is the longest gap between two ticks from the click on, over the
next ``--watch-ms`` (the gap that contains the click counts from the click). Each run is
stopped and waited for before the next switch. The first click of the session is reported
on its own (it pays for first-time work: the worker pool, superqt's import, the fast
path's kernels loading in the worker) beside the median and the max over all clicks.
``--inside`` shows the Inside-the-network tab meanwhile (issue 9's window). Also reported:
``ready_s`` (window shown → dataset loaded, Start enabled), the longest stall from the
window's showing until the first click (the dataset loading and, with kernels in the
cache, the fast path loading in its thread), and whether the fast path was ready then.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_gui import Probe  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clicks", type=int, default=5, help="Start clicks (5)")
    parser.add_argument("--watch-ms", type=int, default=800,
                        help="how long after each click the probe watches (800)")
    parser.add_argument("--inside", action="store_true", help="show the Inside tab")
    parser.add_argument("--profile", action="store_true",
                        help="print where the GUI thread spends the first click")
    return parser.parse_args()


def wait_until(app, condition, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        app.processEvents()
        time.sleep(0.002)
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the window")


def click_stall(app, window, watch_ms: int, profiler=None) -> float:
    """Click Start from a timer callback while the probe runs; the longest gap (ms)."""
    from PySide6.QtCore import QEventLoop, QTimer

    clicked: list[float] = []
    probe = Probe()

    def click() -> None:
        clicked.append(time.perf_counter())
        if profiler is not None:
            profiler.enable()
        window.trainButton.click()
        if profiler is not None:
            profiler.disable()

    loop = QEventLoop()
    probe.start()
    QTimer.singleShot(100, click)
    QTimer.singleShot(100 + watch_ms, loop.quit)
    loop.exec()
    probe.stop()
    if not clicked or not window.training.is_training:
        raise SystemExit("Start did not start a run")
    times = [clicked[0]] + [t for t in probe.times if t > clicked[0]]
    return max(1000 * (b - a) for a, b in zip(times, times[1:]))


def main() -> int:
    args = parse_args()
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from dense_studio.ui import MainWindow
    from dense_studio.ui.app import prepare_application

    app = QApplication.instance() or QApplication(["bench_start"])
    prepare_application(app)
    folder = tempfile.mkdtemp(prefix="bench-start-")
    window = MainWindow(settings=QSettings(str(Path(folder) / "s.ini"),
                                           QSettings.Format.IniFormat))
    window.resize(1440, 880)
    from dense_studio.engine import fast  # (not numba: only a prepared fast path imports it)

    probe = Probe()  # the stalls before the first click: the dataset loading, the kernels
    probe.start()
    shown = time.perf_counter()
    window.show()
    wait_until(app, window.is_ready)
    ready_s = time.perf_counter() - shown
    if args.inside:
        window.centerTabs.show_inside()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    stalls = []
    combo = window.datasetCombo
    names = ["mnist", "fashion_mnist"]
    prepared_at_first_click = None
    for click in range(args.clicks):
        combo.setCurrentIndex(combo.findData(names[click % 2]))
        wait_until(app, lambda: window.is_ready() and window.trainButton.isEnabled()
                   and window.session.dataset is not None
                   and window.session.dataset.name == names[click % 2])
        for _ in range(10):
            app.processEvents()
        if click == 0:
            startup_gaps = probe.stop()
            prepared_at_first_click = fast.is_prepared()
        stalls.append(click_stall(app, window, args.watch_ms,
                                  profiler if click == 0 else None))
        window.stop_training()
        wait_until(app, lambda: not window.training.is_training)
        print(f"click {click + 1} ({names[click % 2]}): stall {stalls[-1]:.1f} ms",
              file=sys.stderr, flush=True)
    window.close()
    result = {"load_average": os.getloadavg(), "clicks": len(stalls),
              "first_click_ms": round(stalls[0], 1),
              "median_ms": round(statistics.median(stalls), 1),
              "max_ms": round(max(stalls), 1), "each_ms": [round(s, 1) for s in stalls],
              "ready_s": round(ready_s, 3),
              "before_first_click_max_ms": round(max(startup_gaps, default=0.0), 1),
              "fast_path_ready_at_first_click": prepared_at_first_click}
    print(json.dumps(result))
    if profiler is not None:
        import pstats

        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(35)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
