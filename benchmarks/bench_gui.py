"""How responsive is the window while the reference model trains? (issue 3's figures)

    python benchmarks/bench_gui.py                 # offscreen Qt, BLAS 1 and default threads
    python benchmarks/bench_gui.py --xvfb          # a real X server (needs Xvfb)
    python benchmarks/bench_gui.py --epochs 1 --blas 1 --repeats 5 --json

Measures, in one process and one run (timings on a shared machine are noisy, so compare the
ratios measured together):

* event-loop stalls while the reference model (784 → 128 relu → 10 softmax, Adam, batch 32,
  full Fashion-MNIST, no validation) trains in the window: a 5 ms QTimer probe records
  every tick; a stall is the gap between two ticks (so an idle loop shows ~5 ms). Target:
  max ≤ 50 ms, p95 ≤ 20 ms. Measured once with nobody drawing and once while a stroke is
  being drawn (live predictions running);
* training throughput in the window vs. the headless engine (same model, data, seed; the
  engine's own samples/elapsed): target ≥ 90 %. Measured twice: in the probed run above
  (``throughput_ratio``) and in a run of its own without the probe, whose 200 wake-ups a
  second the window itself does not have (``unprobed_throughput_ratio``: that run and
  the headless one come side by side, in turn first; the probed run follows them). On Linux also where the training thread's
  time went (``worker_on_cpu_share``, ``worker_run_queue_share``: waiting for a CPU the
  machine's other processes hold, ``worker_asleep_share``: waiting for the GIL), and
  ``cpu_throughput_ratio``: the headless run's CPU seconds over the window's training
  thread's for the same work -- the ratio with the machine's other load left out (on a
  shared machine the wall-time ratio is mostly the run queue's luck);
* stroke → bars latency: mouse moves are sent to the canvas every 8 ms (a 125 Hz mouse);
  for each move, the time until the prediction chart's probabilities() have changed to a
  prediction that includes it — the throttle's waiting time is counted. Target ≤ 16 ms;
* the GUI-thread cost of one live prediction's two widget steps: reading the canvas and
  showing new bars (median ms; once timed tests, measured here instead);
* launch → window shown: ``python -m dense_studio`` as a subprocess with
  DENSE_STUDIO_REPORT_SHOWN=1; time until it reports its first exposed frame. Target ≤ 1.5 s.

With ``--inside`` (issue 9) the window shows its "Inside the network" tab on the layer math
(``--inside-tab`` chooses another of its tabs) for every measurement: the runs then also
report stroke → updated layer math (each mouse move until ``layerMath`` has been given an
input that includes it, throttle included; the issue's target is ≤ 16 ms p50 idle, with the
bars), and the runs' stalls include the epoch-end work of the panel (weights kept, test
split evaluated in its thread).

Run with ``--blas`` to choose the BLAS thread counts compared (default "1,default").
Each figure is the median of ``--repeats`` alternated headless/window runs (the machine's
load drifts between runs); the per-run ratios and worst stalls are listed too.
"""

from __future__ import annotations

import atexit
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--xvfb", action="store_true", help="run on a private Xvfb server")
    parser.add_argument("--epochs", type=int, default=2, help="epochs per training run (2)")
    parser.add_argument("--blas", default="1,default",
                        help="BLAS thread settings to compare, e.g. 1,2,default")
    parser.add_argument("--repeats", type=int, default=3,
                        help="headless/window runs alternated per setting; medians reported (3)")
    parser.add_argument("--launches", type=int, default=3, help="launch timings (3)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--inside", action="store_true",
                        help="show the window's Inside the network tab (issue 9)")
    parser.add_argument("--inside-tab", type=int, default=0,
                        help="the Inside tab shown: 0 layer math, 1 weight images, "
                             "2 diagram, 3 test results (0)")
    parser.add_argument("--no-launch", action="store_true", help="skip the launch timings")
    return parser.parse_args()


#: Set by main: the Inside tab to show in every window (None: the curves, as before).
INSIDE_TAB: int | None = None


def show_inside(window) -> None:
    if INSIDE_TAB is not None:
        window.centerTabs.show_inside()
        window.insidePanel.tabs.setCurrentIndex(INSIDE_TAB)


def start_xvfb() -> subprocess.Popen:
    """A private Xvfb server (DISPLAY set for this process), stopped at exit."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        sys.exit("Xvfb is not installed (apt-get install xvfb)")
    log = open(Path(tempfile.gettempdir()) / "bench-xvfb.log", "ab")
    for _attempt in range(5):
        read_fd, write_fd = os.pipe()
        server = subprocess.Popen([xvfb, "-displayfd", str(write_fd), "-screen", "0",
                                   "1600x1000x24", "-nolisten", "tcp"], pass_fds=(write_fd,),
                                  stderr=log)
        os.close(write_fd)
        number = os.read(read_fd, 16).decode().strip()
        # The pipe stays open while the server runs: it may write again, and a closed
        # pipe kills it ("Cannot write display number to fd 4", every other start here).
        time.sleep(0.05)
        if number and server.poll() is None:
            break
        os.close(read_fd)
        server.wait()
    else:
        sys.exit("Xvfb did not start (see bench-xvfb.log in the temporary folder)")
    atexit.register(lambda: (server.terminate(), server.wait(5), os.close(read_fd)))
    os.environ["DISPLAY"] = f":{number}"
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    return server


def percentile(values, q: float) -> float:
    import numpy as np

    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else float("nan")


# ----------------------------------------------------------------------------- threads
class ThreadTimes:
    """Where a thread's wall time went, from Linux's /proc/self/task/<tid>/schedstat: on
    a CPU, waiting in the run queue for one (the machine's other load), and neither --
    asleep, which for the training thread is waiting for the GIL (or a pause). None of
    it elsewhere. Call ``start()`` and ``stop()`` on the thread measured."""

    def __init__(self) -> None:
        self.shares: dict | None = None
        self.on_cpu_s = float("nan")

    @staticmethod
    def _read():
        import threading

        try:
            with open(f"/proc/self/task/{threading.get_native_id()}/schedstat") as f:
                on_cpu, waiting, _ = f.read().split()
        except (OSError, ValueError):
            return None
        return int(on_cpu) / 1e9, int(waiting) / 1e9, time.perf_counter()

    def start(self) -> None:
        self._start = self._read()

    def stop(self) -> None:
        end = self._read()
        if self._start is None or end is None:
            return
        (cpu0, wait0, t0), (cpu1, wait1, t1) = self._start, end
        wall = t1 - t0
        self.on_cpu_s = cpu1 - cpu0
        self.shares = {"on_cpu": self.on_cpu_s / wall, "run_queue": (wait1 - wait0) / wall,
                       "asleep": (wall - self.on_cpu_s - (wait1 - wait0)) / wall}


def timed_worker(times: ThreadTimes):
    """Make the window's training worker record its thread's times into ``times``."""
    from dense_studio.ui import training_worker

    original = training_worker.throttled_training

    def throttled_training(*args, **kwargs):
        times.start()
        try:
            yield from original(*args, **kwargs)
        finally:
            times.stop()
            training_worker.throttled_training = original

    training_worker.throttled_training = throttled_training


# ----------------------------------------------------------------------------- headless
def headless_throughput(dataset, epochs: int, blas: int | None,
                        times: ThreadTimes | None = None) -> float:
    """Samples per second of the bare engine loop (no Qt), as the engine measures it."""
    from threadpoolctl import threadpool_limits

    from dense_studio.engine import BatchEnd
    from dense_studio.engine.run import prepare_run
    from dense_studio.engine.spec import TrainingConfig

    # The window's default run (the reference recipe, nothing held out: run_window sets
    # validation to 0 %), put together by prepare_run, as the window's session does it.
    run = prepare_run(TrainingConfig(epochs=epochs, validation_split=0.0),
                      dataset.x_train, dataset.y_train, num_classes=dataset.num_classes)
    last = None
    # A `with` block: threadpoolctl then hands OpenBLAS control back when it ends, so the
    # window's worker thread can set its own limit afterwards.
    with threadpool_limits(limits=blas, user_api="blas"):
        if times is not None:
            times.start()
        for event in run.train(blas_threads=None):
            if isinstance(event, BatchEnd):
                last = event
        if times is not None:
            times.stop()
    return last.samples_seen / last.elapsed


# ----------------------------------------------------------------------------- in the window
class Probe:
    """A 5 ms timer that records when it actually ran."""

    def __init__(self, interval_ms: int = 5):
        from PySide6.QtCore import Qt, QTimer

        self.times: list[float] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(lambda: self.times.append(time.perf_counter()))

    def start(self) -> None:
        self.times = []
        self.timer.start()

    def stop(self) -> list[float]:
        self.timer.stop()
        return [1000 * (b - a) for a, b in zip(self.times, self.times[1:])]


class StrokePlayer:
    """Sends a long zigzag stroke to the canvas, one mouse move every ``period_ms``, and
    measures for each move how long until the chart shows a prediction that includes it."""

    def __init__(self, window, period_ms: int = 8):
        from PySide6.QtCore import Qt, QTimer

        self.window = window
        self.canvas = window.drawCanvas
        self.moves: list[float] = []
        self.latencies: list[float] = []
        self.last_probabilities = None
        self._pending: list[float] = []
        self._step = 0
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(period_ms)
        self.timer.timeout.connect(self._move)
        window.prediction.predicted.connect(self._predicted)
        self._original_update = window.prediction.update_now
        self._started_at: list[float] = []
        # Stroke → layer math: when each session input was read from the canvas, and when
        # the layer math was given it.
        self.math_latencies: list[float] = []
        self._math_pending: list[float] = []
        self._read_at: dict[int, float] = {}
        prediction = window.prediction

        def timed_update(*args, **kwargs):
            self._reading = time.perf_counter()
            return self._original_update(*args, **kwargs)

        self._reading = 0.0
        prediction.update_now = timed_update
        prediction._throttle._func = timed_update  # noqa: SLF001 (the throttle's callee)
        window.session.events.canvas.connect(self._input_set)
        math = window.insidePanel.layer_math
        self._original_math = math.set_input

        def timed_math(image, *args, **kwargs):
            self._original_math(image, *args, **kwargs)
            self._math_shown(image)

        math.set_input = timed_math

    def _point(self, step: int):
        from PySide6.QtCore import QPointF

        rect = self.canvas.canvas_rect()
        u = (step % 120) / 120.0
        zig = (step // 120) % 2
        x = 0.15 + 0.7 * (u if not zig else 1 - u)
        y = 0.2 + 0.6 * ((step % 30) / 30.0)
        return QPointF(rect.x() + x * rect.width(), rect.y() + y * rect.height())

    def _send(self, kind, pos, button, buttons) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QMouseEvent
        from PySide6.QtWidgets import QApplication

        event = QMouseEvent(kind, pos, pos, button, buttons, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(self.canvas, event)

    def start(self) -> None:
        from PySide6.QtCore import QEvent, Qt

        self.canvas.clear()
        self.last_probabilities = None
        left = Qt.MouseButton.LeftButton
        self._send(QEvent.Type.MouseButtonPress, self._point(0), left, left)
        self._step = 1
        self.timer.start()

    def _move(self) -> None:
        from PySide6.QtCore import QEvent, Qt

        self._step += 1
        if self._step % 200 == 0:  # lift the pen now and then, start a new stroke
            left = Qt.MouseButton.LeftButton
            self._send(QEvent.Type.MouseButtonRelease, self._point(self._step), left,
                       Qt.MouseButton.NoButton)
            self._send(QEvent.Type.MouseButtonPress, self._point(self._step), left, left)
        t = time.perf_counter()
        self._send(QEvent.Type.MouseMove, self._point(self._step), Qt.MouseButton.NoButton,
                   Qt.MouseButton.LeftButton)
        self._pending.append(t)
        self._math_pending.append(t)

    def _input_set(self, event) -> None:
        if event.value is not None:
            self._read_at = {id(event.value): self._reading}
            self._last_input = event.value  # (keeps its id valid)

    def _math_shown(self, image) -> None:
        began = self._read_at.pop(id(image), None) if image is not None else None
        if began is None:
            return
        now = time.perf_counter()
        served = [t for t in self._math_pending if t <= began]
        self._math_pending = [t for t in self._math_pending if t > began]
        self.math_latencies.extend(1000 * (now - t) for t in served)

    def _predicted(self, probabilities) -> None:
        import numpy as np

        now = time.perf_counter()
        began = now - self.window.prediction.last_seconds  # when the canvas was read
        changed = probabilities is not None and (
            self.last_probabilities is None
            or not np.array_equal(probabilities, self.last_probabilities))
        self.last_probabilities = probabilities
        if not changed:
            return
        served = [t for t in self._pending if t <= began]
        self._pending = [t for t in self._pending if t > began]
        self.latencies.extend(1000 * (now - t) for t in served)

    def stop(self) -> list[float]:
        from PySide6.QtCore import QEvent, Qt

        self.timer.stop()
        self._send(QEvent.Type.MouseButtonRelease, self._point(self._step),
                   Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton)
        return list(self.latencies)


def run_window(app, dataset_name: str, epochs: int, blas: int | None, draw: bool,
               probe: bool = True) -> dict:
    """One run of the reference model in a fresh window; ``probe`` False leaves the 5 ms
    probe out (no stall figures): a throughput the probe's 200 wake-ups a second, which the
    window itself does not have, do not take their share of."""
    from PySide6.QtCore import QEventLoop, QSettings

    from dense_studio.ui import MainWindow

    folder = tempfile.mkdtemp(prefix="bench-gui-")
    settings = QSettings(str(Path(folder) / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, blas_threads=blas)
    window.resize(1440, 880)
    window.show()
    deadline = time.monotonic() + 30
    while not window.is_ready():
        app.processEvents()
        time.sleep(0.005)
        if time.monotonic() > deadline:
            raise SystemExit("the dataset did not load")
    window.epochsSpin.setValue(epochs)
    window.validationSpin.setValue(0)
    show_inside(window)
    for _ in range(20):
        app.processEvents()
    ended: list[str] = []
    window.trainingEnded.connect(ended.append)
    probe = Probe() if probe else None
    worker_times = ThreadTimes()
    timed_worker(worker_times)
    player = StrokePlayer(window) if draw else None
    if probe:
        probe.start()
    if player:
        player.start()
    loop = QEventLoop()
    window.trainingEnded.connect(lambda _status: loop.quit())
    t0 = time.perf_counter()
    window.trainButton.click()
    loop.exec()  # the app's event loop, as app.exec() runs it
    wall = time.perf_counter() - t0
    gaps = probe.stop() if probe else [float("nan")]
    latencies = player.stop() if player else []
    last = window.session.runs.records[-1].last_batch  # the run the session recorded
    result = {
        "blas_threads": blas or "default",
        "drawing": draw,
        "status": ended[0],
        "stall_max_ms": max(gaps),
        "stall_p95_ms": percentile(gaps, 95),
        "stall_p50_ms": percentile(gaps, 50),
        "probe_ticks": len(gaps) + 1,
        "window_samples_per_s": last.samples_seen / last.elapsed,
        "window_wall_samples_per_s": last.samples_seen / wall,
        "worker_on_cpu_s": worker_times.on_cpu_s,
    }
    if worker_times.shares is not None:
        result.update({f"worker_{k}_share": v for k, v in worker_times.shares.items()})
    if latencies:
        result.update(stroke_to_bars_p50_ms=percentile(latencies, 50),
                      stroke_to_bars_p95_ms=percentile(latencies, 95),
                      stroke_to_bars_max_ms=max(latencies), stroke_moves=len(latencies),
                      prediction_ms=1000 * window.prediction.last_seconds)
    if player and INSIDE_TAB == 0 and player.math_latencies:
        result.update(stroke_to_math_p50_ms=percentile(player.math_latencies, 50),
                      stroke_to_math_p95_ms=percentile(player.math_latencies, 95))
    result["inside_tab"] = INSIDE_TAB
    window.close()
    window.deleteLater()
    app.processEvents()
    return result


def idle_stroke_latency(app) -> dict:
    """Stroke → bars with nothing training (the common case in class)."""
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from dense_studio.ui import MainWindow

    folder = tempfile.mkdtemp(prefix="bench-gui-")
    window = MainWindow(settings=QSettings(str(Path(folder) / "s.ini"),
                                           QSettings.Format.IniFormat), train_limit=5000)
    window.resize(1440, 880)
    window.show()
    while not window.is_ready():
        app.processEvents()
        time.sleep(0.005)
    window.epochsSpin.setValue(1)
    window.session.train()  # a trained network (one epoch on 5000 images): real numbers
    show_inside(window)
    app.processEvents()
    player = StrokePlayer(window)
    player.start()
    loop = QEventLoop()
    QTimer.singleShot(3000, loop.quit)
    loop.exec()
    latencies = player.stop()
    math = player.math_latencies
    window.close()
    app.processEvents()
    result = {"stroke_to_bars_p50_ms": percentile(latencies, 50),
              "stroke_to_bars_p95_ms": percentile(latencies, 95),
              "stroke_to_bars_max_ms": max(latencies), "stroke_moves": len(latencies)}
    if INSIDE_TAB == 0:
        result.update(stroke_to_math_p50_ms=percentile(math, 50),
                      stroke_to_math_p95_ms=percentile(math, 95),
                      stroke_to_math_max_ms=max(math), math_moves=len(math))
    return result


# ----------------------------------------------------------------------------- widgets
def widget_update_ms(app, repeats: int = 200) -> dict:
    """Median milliseconds of the two GUI-thread steps of every live prediction: reading
    the canvas (``DrawCanvas.image``) and showing new bars (``set_probabilities``)."""
    import numpy as np

    from dense_studio.ui.draw_canvas import DrawCanvas
    from dense_studio.ui.prediction_chart import PredictionChart

    canvas, chart = DrawCanvas(), PredictionChart()
    chart.set_class_names(tuple(str(d) for d in range(10)))
    canvas.show()
    chart.show()
    app.processEvents()
    samples = np.random.default_rng(0).dirichlet(np.ones(10), size=repeats)
    image_s, bars_s = [], []
    for probabilities in samples:
        t0 = time.perf_counter()
        canvas.image()
        t1 = time.perf_counter()
        chart.set_probabilities(probabilities)
        t2 = time.perf_counter()
        image_s.append(t1 - t0)
        bars_s.append(t2 - t1)
    canvas.close()
    chart.close()
    return {"canvas_image_ms": round(1000 * float(np.median(image_s)), 3),
            "set_probabilities_ms": round(1000 * float(np.median(bars_s)), 3)}


# ----------------------------------------------------------------------------- launch
def with_bytecode(env) -> dict:
    """``env`` without PYTHONDONTWRITEBYTECODE (set on some build machines, this one too):
    with it every start compiles the project's sources again, which a person's second
    start does not (Python caches the bytecode)."""
    return {key: value for key, value in env.items() if key != "PYTHONDONTWRITEBYTECODE"}


def launch_seconds(runs: int) -> list[float]:
    env = dict(with_bytecode(os.environ), DENSE_STUDIO_REPORT_SHOWN="1",
               XDG_CONFIG_HOME=tempfile.mkdtemp(prefix="bench-gui-config-"))
    times = []
    for _ in range(runs):
        start = time.time()
        app = subprocess.Popen([sys.executable, "-m", "dense_studio"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        shown = None
        try:
            deadline = time.monotonic() + 30
            for line in app.stderr:
                if line.startswith("dense-studio: shown"):
                    shown = float(line.split()[-1])
                    break
                if time.monotonic() > deadline:
                    break
        finally:
            app.terminate()
            app.wait(10)
        if shown is None:
            raise SystemExit("the app never reported its window as shown")
        times.append(shown - start)
    return times


def summarize(runs: list[dict]) -> dict:
    """Medians over repeated runs, plus each run's key figures."""
    import numpy as np

    keys = [k for k, v in runs[0].items()
            if isinstance(v, (int, float)) and not isinstance(v, bool) and k != "blas_threads"]
    summary = {k: v for k, v in runs[0].items() if k not in keys}
    summary["repeats"] = len(runs)
    for key in keys:
        summary[key] = round(float(np.median([r[key] for r in runs])), 3)
    summary["each_throughput_ratio"] = [round(r["throughput_ratio"], 3) for r in runs]
    if all("unprobed_throughput_ratio" in r for r in runs):
        summary["each_unprobed_throughput_ratio"] = [
            round(r["unprobed_throughput_ratio"], 3) for r in runs]
    if all("cpu_throughput_ratio" in r for r in runs):
        summary["each_cpu_throughput_ratio"] = [round(r["cpu_throughput_ratio"], 3)
                                                for r in runs]
    summary["each_stall_max_ms"] = [round(r["stall_max_ms"], 1) for r in runs]
    return summary


def main() -> int:
    global INSIDE_TAB
    args = parse_args()
    INSIDE_TAB = args.inside_tab if args.inside else None
    server = start_xvfb() if args.xvfb else None
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from PySide6.QtWidgets import QApplication

        from dense_studio.data import load_dataset

        from dense_studio.ui.app import prepare_application

        app = QApplication.instance() or QApplication(["bench_gui"])
        prepare_application(app)
        dataset = load_dataset("fashion_mnist")
        results: dict = {"platform": os.environ["QT_QPA_PLATFORM"], "epochs": args.epochs,
                         "cpus": os.cpu_count(), "runs": []}
        for setting in args.blas.split(","):
            blas = None if setting == "default" else int(setting)
            for draw in (False, True):
                runs = []
                for repeat in range(args.repeats):  # alternate: the machine's load drifts
                    times = ThreadTimes()

                    def unprobed():  # the same, without the probe (see run_window)
                        return run_window(app, "fashion_mnist", args.epochs, blas, False,
                                          probe=False)

                    # The unprobed run and the headless one side by side, in turn first.
                    quiet = unprobed() if not draw and repeat % 2 else None
                    headless = headless_throughput(dataset, args.epochs, blas, times)
                    if not draw and quiet is None:
                        quiet = unprobed()
                    run = run_window(app, "fashion_mnist", args.epochs, blas, draw)
                    run["headless_samples_per_s"] = headless
                    run["throughput_ratio"] = run["window_samples_per_s"] / headless
                    if times.shares is not None:
                        run["headless_on_cpu_share"] = times.shares["on_cpu"]
                        run["headless_run_queue_share"] = times.shares["run_queue"]
                        # The same work on the CPU: how much more of it the window's
                        # training thread needed (the GUI's share of the GIL, caches),
                        # with the machine's other load (its run queue) left out.
                        run["cpu_throughput_ratio"] = times.on_cpu_s / run["worker_on_cpu_s"]
                    if quiet is not None:
                        run["unprobed_throughput_ratio"] = (quiet["window_samples_per_s"]
                                                            / headless)
                        run["unprobed_worker_asleep_share"] = quiet.get(
                            "worker_asleep_share", float("nan"))
                        if times.shares is not None:
                            run["unprobed_cpu_throughput_ratio"] = (
                                times.on_cpu_s / quiet["worker_on_cpu_s"])
                    runs.append(run)
                summary = summarize(runs)
                results["runs"].append(summary)
                if not args.json:
                    print(json.dumps(summary), flush=True)
        results["idle_stroke"] = idle_stroke_latency(app)
        results["widgets"] = widget_update_ms(app)
        results["launch_s"] = [] if args.no_launch else launch_seconds(args.launches)
    finally:
        if server is not None:
            server.terminate()
    if args.json:
        print(json.dumps(results))
    else:
        print(json.dumps({"idle_stroke": results["idle_stroke"], "widgets": results["widgets"],
                          "launch_s": results["launch_s"]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
