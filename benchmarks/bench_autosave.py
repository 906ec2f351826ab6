"""How long an autosave stalls the window's event loop while it trains, and what a kill loses.

Stall: the real window (offscreen Qt) trains; a 5 ms QTimer probe notes how late each of
its ticks is. Autosaves are forced every ``--every`` ms, alternating with equally long
windows without one (A/B, in one run: the machine is shared), besides the ones each epoch
end makes. For every autosave, the stall is the probe's worst lateness from the snapshot
until the write is on disk; the same for the windows without one is the baseline (what
training alone costs the probe). Also the GUI thread's own share: the snapshot's time.

Kill: ``--kills N`` runs the real window in a subprocess, kills it with SIGKILL at a
random moment of an epoch once it has finished two, and reads the recovery file it left:
epochs finished before the kill against epochs in the file.

    python benchmarks/bench_autosave.py                       # stall, reference model
    python benchmarks/bench_autosave.py --layers 512,512 --kills 6
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE_MS = 5


def measure_stall(args) -> dict:
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from dense_studio.engine.spec import DenseSpec
    from dense_studio.ui import MainWindow
    from dense_studio.ui.app import prepare_application

    app = QApplication.instance() or QApplication([])
    prepare_application(app)
    settings = QSettings(str(Path(args.tmp) / "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, train_limit=args.train_limit)
    window.session.layers.set([DenseSpec(int(u), "relu") for u in args.layers.split(",")])
    window.show()
    autosave = window.autosave
    ticks: list[float] = []
    probe = QTimer()
    probe.setTimerType(probe.timerType().PreciseTimer)
    probe.setInterval(PROBE_MS)
    probe.timeout.connect(lambda: ticks.append(time.perf_counter()))
    spans = {"autosave": [], "baseline": []}  # (start, end) of each measured window
    snapshots: list[float] = []
    state = {"round": 0, "open": None}

    def tick_round() -> None:
        if not window.is_training:
            return
        if state["open"] is not None:
            return  # the last write is still going
        state["round"] += 1
        start = time.perf_counter()
        if state["round"] % 2:
            if autosave.save_now():
                state["open"] = start
                snapshots.append(autosave.snapshot_seconds)
        else:
            spans["baseline"].append((start, start + last_write()))

    def written(_path) -> None:
        if state["open"] is not None:
            spans["autosave"].append((state["open"], time.perf_counter()))
            state["open"] = None

    def last_write() -> float:
        done = spans["autosave"]
        return (done[-1][1] - done[-1][0]) if done else 0.05

    autosave.saved.connect(written)
    rounds = QTimer()
    rounds.setInterval(args.every)
    rounds.timeout.connect(tick_round)

    def start(_name) -> None:
        window.session.update_settings(epochs=args.epochs)
        window.start_training()
        probe.start()
        rounds.start()

    window.datasetLoaded.connect(start)
    window.trainingEnded.connect(lambda _status: app.quit())
    app.exec()
    probe.stop()
    rounds.stop()
    weights = sum(w.size for w in window.model().get_weights())
    window.close()
    return {"stall": {name: [_worst_lateness(ticks, a, b) for a, b in found]
                      for name, found in spans.items()},
            "snapshot": snapshots, "weights": weights}


def _worst_lateness(ticks: list[float], start: float, end: float) -> float:
    """The probe's worst lateness (ms) for ticks due from ``start`` to ``end``."""
    worst = 0.0
    for before, after in zip(ticks, ticks[1:]):
        if after >= start and before <= end + PROBE_MS / 1000:
            worst = max(worst, (after - before) * 1000 - PROBE_MS)
    return worst


def measure_kills(args) -> list[tuple[int, int]]:
    sys.path.insert(0, str(ROOT / "tests" / "ui"))
    from test_autosave_kill import run_and_kill  # the test's child program and kill

    from dense_studio.files.session_file import read_session

    results = []
    for i in range(args.kills):
        home = Path(args.tmp) / f"kill-{i}"
        env = {**os.environ, "XDG_DATA_HOME": str(home / "data"),
               "XDG_CONFIG_HOME": str(home / "config"), "QT_QPA_PLATFORM": "offscreen",
               "DENSE_STUDIO_NO_GUIDE": "1", "DENSE_STUDIO_FAST": "0"}
        delay = random.uniform(0.0, args.kill_spread)
        finished, path = run_and_kill(env, args.kill_train_limit, delay=delay)
        restored = read_session(path).model.metrics["epochs_trained"]
        results.append((finished, int(restored)))
        print(f"kill {i + 1}: {delay * 1000:.0f} ms after a save; finished {finished} "
              f"epochs, restored {int(restored)}", flush=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layers", default="128", help="hidden Dense units, e.g. 512,512")
    parser.add_argument("--train-limit", type=int, default=12000)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--every", type=int, default=400, help="ms between forced rounds")
    parser.add_argument("--kills", type=int, default=4)
    parser.add_argument("--kill-train-limit", type=int, default=6000)
    parser.add_argument("--kill-spread", type=float, default=0.6,
                        help="kill up to this many seconds after a save")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("DENSE_STUDIO_NO_GUIDE", "1")
    with tempfile.TemporaryDirectory() as tmp:
        args.tmp = tmp
        os.environ["XDG_DATA_HOME"] = str(Path(tmp) / "data")
        stall = measure_stall(args)
        found = stall["stall"]
        print(f"model: {args.layers} hidden, {stall['weights']:,} weights; probe every "
              f"{PROBE_MS} ms while training")
        for name in ("autosave", "baseline"):
            values = found[name]
            if values:
                print(f"  {name:9s} stall: max {max(values):6.1f} ms, median "
                      f"{statistics.median(values):5.1f} ms over {len(values)} windows")
        shots = [1000 * s for s in stall["snapshot"]]
        if shots:
            print(f"  snapshot on the GUI thread: max {max(shots):.1f} ms, median "
                  f"{statistics.median(shots):.1f} ms")
        if args.kills:
            kills = measure_kills(args)
            lost = [finished - restored for finished, restored in kills]
            print(f"kill -9: epochs lost per kill {lost} (at most {max(lost)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
