"""Hostile files of issue 7: time and peak memory of reading each, before -> after.

    python benchmarks/bench_hostile.py --before /tmp/ds-base     # a checkout of the old code
    python benchmarks/bench_hostile.py --before /tmp/ds-base --repeats 3 --timeout 30

``--before`` is a checkout of the code to compare with (e.g. ``git worktree add --detach
/tmp/ds-base <commit>``); "after" is this checkout. Each file is read in a fresh child
process (``PYTHONPATH`` picks the code), before and after alternating, and the child reports
its own wall time and peak resident memory (``resource.getrusage``, ``ru_maxrss``), minus
nothing: the import-only baseline is printed beside it. The files are built by another
child first, because a child's ``ru_maxrss`` starts from its parent's size at fork. A child that runs past ``--timeout``
is killed with its process group (a Ghostscript loop, a FIFO) and reported as a hang.

The bombs, built once under ``--workdir``:

- ``bzip2-shape-bomb.dsmodel``: ~2 KB, a 512×2048 input whose first kernel (268 MB of
  zeros) is fine and whose third array has the wrong shape;
- ``bzip2-8x4096.dsmodel``: ~5 KB, a valid model of 8×4096 zero weights (483 MB declared);
- ``stored-8x4096.dsmodel``: the same model stored as we write it (483 MB on disk): the
  legitimate worst case, loaded (the model built too) and only read (its arrays);
- ``7071x7071.png``: a ~200 KB RGBA PNG of 50 megapixels;
- ``loop.png``: PostScript ``{ } loop`` named .png; ``fifo.png``: a FIFO.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time
kind, path = sys.argv[1], sys.argv[2]
if kind == "model":
    from dense_studio.files.model_file import load_model as read
elif kind == "read":  # the file's arrays only, without building the model
    from dense_studio.files.model_file import read_model_file as read
elif kind == "image":
    from dense_studio.data import read_image as read
started = time.perf_counter()
outcome = "imports only"
if kind == "baseline":
    import dense_studio.files.model_file, dense_studio.data
    outcome = dense_studio.__file__
else:
    try:
        read(path)
        outcome = "loaded"
    except Exception as error:
        outcome = f"{type(error).__name__}: {str(error).split(chr(10))[0][-90:]}"
seconds = time.perf_counter() - started
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "rss_mb": rss / 1e6, "outcome": outcome}))
"""


def build(workdir: Path) -> dict[str, tuple[str, Path]]:
    """The hostile files (built once), as name -> (reader kind, path)."""
    workdir.mkdir(parents=True, exist_ok=True)
    files = {
        "bzip2 shape bomb (512x2048 input)": ("model", workdir / "bzip2-shape-bomb.dsmodel"),
        "bzip2 valid 8x4096 (483 MB declared)": ("model", workdir / "bzip2-8x4096.dsmodel"),
        "stored valid 8x4096 (483 MB on disk)": ("model", workdir / "stored-8x4096.dsmodel"),
        "  same, read_model_file (no model built)": ("read", workdir / "stored-8x4096.dsmodel"),
        "PNG 7071x7071 RGBA": ("image", workdir / "7071x7071.png"),
        "EPS { } loop named .png": ("image", workdir / "loop.png"),
        "FIFO named .png": ("image", workdir / "fifo.png"),
    }
    paths = {name: path for name, (_, path) in files.items()}
    paths = {name: path for name, path in paths.items() if not name.startswith(" ")}
    if not paths["bzip2 shape bomb (512x2048 input)"].exists():
        _model_file(paths["bzip2 shape bomb (512x2048 input)"], (512, 2048), [64],
                    zipfile.ZIP_BZIP2, broken_array=2)
    if not paths["bzip2 valid 8x4096 (483 MB declared)"].exists():
        _model_file(paths["bzip2 valid 8x4096 (483 MB declared)"], (28, 28), [4096] * 8,
                    zipfile.ZIP_BZIP2)
    if not paths["stored valid 8x4096 (483 MB on disk)"].exists():
        _model_file(paths["stored valid 8x4096 (483 MB on disk)"], (28, 28), [4096] * 8,
                    zipfile.ZIP_STORED)
    if not paths["PNG 7071x7071 RGBA"].exists():
        from PIL import Image

        Image.new("RGBA", (7071, 7071), (255, 255, 255, 0)).save(paths["PNG 7071x7071 RGBA"])
    paths["EPS { } loop named .png"].write_bytes(
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 28 28\n{ } loop\nshowpage\n")
    if not paths["FIFO named .png"].exists():
        os.mkfifo(paths["FIFO named .png"])
    return files


def _model_file(path: Path, input_shape, hidden: list[int], compression, broken_array=None):
    """A model file as np.savez lays it out (meta + w0..), members compressed as asked."""
    import numpy as np

    layers = [{"type": "dense", "units": units, "activation": "relu"} for units in hidden]
    config = {"layers": layers, "optimizer": "adam", "learning_rate": 0.001, "batch_size": 32,
              "epochs": 1, "validation_split": 0.0, "seed": 0, "dataset": "mnist",
              "lr_schedule": "constant"}
    meta = {"format": "dense-studio-model", "version": 1, "created_by": "bench_hostile",
            "config": config, "dataset": "mnist", "class_names": [str(i) for i in range(10)],
            "input_shape": list(input_shape),
            "layers": [{"type": "flatten"}, *layers,
                       {"type": "dense", "units": 10, "activation": "softmax"}],
            "metrics": None}
    shapes, fan_in = [], int(np.prod(input_shape))
    for units in [*hidden, 10]:
        shapes += [(fan_in, units), (units,)]
        fan_in = units
    if broken_array is not None:
        shapes[broken_array] = (shapes[broken_array][0] + 1, shapes[broken_array][1])
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        archive.writestr("meta.npy", _npy(np.frombuffer(json.dumps(meta).encode(), np.uint8)))
        for i, shape in enumerate(shapes):
            with archive.open(f"w{i}.npy", "w", force_zip64=True) as member:
                header = io.BytesIO()
                np.lib.format.write_array_header_1_0(
                    header, {"descr": "<f4", "fortran_order": False, "shape": shape})
                member.write(header.getvalue())
                zeros = bytes(1 << 24)
                left = int(np.prod(shape)) * 4
                while left:
                    member.write(zeros[: min(left, len(zeros))])
                    left -= min(left, len(zeros))


def _npy(array) -> bytes:
    import numpy as np

    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array)
    return buffer.getvalue()


def measure(code: Path, kind: str, path: Path, timeout: float) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code)}
    process = subprocess.Popen([sys.executable, "-c", CHILD, kind, str(path)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               start_new_session=True, cwd=code)
    started = time.perf_counter()
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # with Ghostscript, if the reader started it
        process.communicate()
        return {"seconds": time.perf_counter() - started, "rss_mb": None,
                "outcome": f"hang: killed after {timeout:g} s"}
    try:
        return json.loads(out.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"seconds": time.perf_counter() - started, "rss_mb": None,
                "outcome": f"child died (exit {process.returncode})"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="checkout of the old code")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/dense-hostile-files"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:
        build(args.workdir)
        return 0
    # Built in a child: a child's ru_maxrss starts from its parent's size at fork, so this
    # process must stay small while it measures.
    subprocess.run([sys.executable, __file__, "--before", str(args.before), "--workdir",
                    str(args.workdir), "--build-only"], check=True)
    files = build(args.workdir)
    codes = {"before": args.before.resolve(), "after": HERE}
    for label, code in codes.items():
        base = measure(code, "baseline", files["PNG 7071x7071 RGBA"][1], args.timeout)
        print(f"{label}: import-only baseline {base['rss_mb']:.0f} MB ({base['outcome']})")
    print(f"{'file':<40} {'before s':>9} {'MB':>7} {'after s':>9} {'MB':>7}  outcome before -> after")
    for name, (kind, path) in files.items():
        runs = {"before": [], "after": []}
        for repeat in range(args.repeats):
            order = ("before", "after") if repeat % 2 == 0 else ("after", "before")
            for label in order:
                if any(m["outcome"].startswith("hang") for m in runs[label]):
                    continue  # once is enough to know it hangs
                runs[label].append(measure(codes[label], kind, path, args.timeout))
        best = {label: min(r, key=lambda m: m["seconds"]) for label, r in runs.items()}
        cells = []
        for label in ("before", "after"):
            m = best[label]
            rss = "-" if m["rss_mb"] is None else f"{max(r['rss_mb'] or 0 for r in runs[label]):.0f}"
            cells += [f"{m['seconds']:9.3f}", f"{rss:>7}"]
        print(f"{name:<40} {' '.join(cells)}  {best['before']['outcome'][:60]} -> "
              f"{best['after']['outcome'][:70]}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
