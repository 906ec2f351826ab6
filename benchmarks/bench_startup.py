"""What a person waits for at the start: ``--help``, the window, the first epoch (issue 8).

    python benchmarks/bench_startup.py --xvfb               # 5 runs of each, medians
    python benchmarks/bench_ab.py --baseline ee06d43 --rounds 3 -- bench_startup.py --xvfb

Each figure is a fresh process, as a person starts one (a second time: Python's bytecode
cache is written, see ``bench_gui.with_bytecode``):

- ``help_s``: ``python -m dense_studio --help``, start to exit;
- ``launch_s``: ``python -m dense_studio``, start to the window's first frame on screen
  (``DENSE_STUDIO_REPORT_SHOWN``; on a private Xvfb server with ``--xvfb``);
- ``first_epoch_s``: ``dense-studio train --epochs 1`` on the reference model, the epoch's
  own time as the run reports it, with the fast path's kernels in the user's cache;
- ``first_epoch_fresh_install_s``: the same with an empty cache (a new ``XDG_CACHE_HOME``:
  the first run takes the numpy path while the kernels compile in the background);
- ``train_1_epoch_wall_s``: the whole ``train --epochs 1`` process, start to exit (imports,
  loading the data, the epoch, the test evaluation).

The last line is one JSON object of the medians (``bench_ab.py`` reads it).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_gui import launch_seconds, start_xvfb, with_bytecode  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each figure (5)")
    parser.add_argument("--xvfb", action="store_true", help="launch on a private Xvfb server")
    return parser.parse_args()


def outside_checkout() -> str:
    """Children run from a temporary folder: the checkout's dense_studio/ has no resources."""
    return tempfile.gettempdir()


def help_seconds() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "dense_studio", "--help"], check=True,
                   stdout=subprocess.DEVNULL, cwd=outside_checkout(),
                   env=with_bytecode(os.environ))
    return time.perf_counter() - start


def first_epoch(env: dict) -> tuple[float, float]:
    """(the first epoch's seconds, the process's wall seconds) of ``train --epochs 1``."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "dense_studio", "train", "--epochs", "1",
                           "--json"], check=True, capture_output=True, text=True,
                          env=with_bytecode(env),
                          cwd=outside_checkout())
    wall = time.perf_counter() - start
    epochs = [json.loads(line) for line in done.stdout.splitlines() if '"epoch"' in line]
    return float(epochs[0]["seconds"]), wall


def wait_for_compile(cache: Path, seconds: float = 120.0) -> None:
    """Until the background compile a fresh install starts has left its "ready" marker."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(cache.glob("dense-studio/numba/ready-*")):
            return
        time.sleep(0.2)


def main() -> int:
    args = parse_args()
    if args.xvfb:
        start_xvfb()
    else:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("DENSE_STUDIO_NO_GUIDE", "1")
    first_epoch(dict(os.environ))  # the kernels into the user's cache, once
    launch_seconds(1)  # and the bytecode of everything the window imports
    helps, launches, warm, fresh, walls = [], [], [], [], []
    for run in range(args.runs):
        helps.append(help_seconds())
        launches.extend(launch_seconds(1))
        seconds, wall = first_epoch(dict(os.environ))
        warm.append(seconds)
        walls.append(wall)
        cache = tempfile.mkdtemp(prefix="bench-startup-cache-")
        fresh.append(first_epoch(dict(os.environ, XDG_CACHE_HOME=cache))[0])
        wait_for_compile(Path(cache))  # (its compile would slow the next runs)
        print(f"run {run + 1}: help {helps[-1]:.3f} s, launch {launches[-1]:.3f} s, first "
              f"epoch {warm[-1]:.3f} s (fresh install {fresh[-1]:.3f} s), train wall "
              f"{wall:.3f} s", file=sys.stderr, flush=True)
    result = {name: round(statistics.median(values), 3) for name, values in (
        ("help_s", helps), ("launch_s", launches), ("first_epoch_s", warm),
        ("first_epoch_fresh_install_s", fresh), ("train_1_epoch_wall_s", walls))}
    result["load_average"] = os.getloadavg()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
