"""Hostile lesson files (issues 7 and 10): the fuzz battery's figures, and a few crafted files.

    python benchmarks/bench_hostile_lessons.py                  # 20 000 mutants, seeds 1..4
    python benchmarks/bench_hostile_lessons.py --cases 5000 --seeds 1

The battery is the test suite's (``tests/files/test_fuzz_lesson.py``: the bundled lessons as
seeds, byte and JSON-aware mutators) run for longer: per seed it prints files tried, clean
errors (``LessonFileError``), accepted, anything else (must be 0), the slowest file and the
most memory one file needed (tracemalloc). Then each crafted file is read once, with its
time, peak memory and the one line it got.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(HERE), str(HERE / "tests" / "files")]

from test_fuzz_lesson import fuzz_lessons  # noqa: E402

from dense_studio.files.lesson_file import MAX_FILE_BYTES, read_lesson  # noqa: E402


def crafted(folder: Path) -> dict[str, Path]:
    files = {
        "deep nesting (1 MB of [ and ])":
            b"[" * (MAX_FILE_BYTES // 2) + b"]" * (MAX_FILE_BYTES // 2),
        "a 4000-digit number":
            b'{"format": "dense-studio-lesson", "version": ' + b"9" * 4000 + b"}",
        "just over the size limit": b" " * (MAX_FILE_BYTES + 1),
        "a zip named .dslesson": b"PK\x03\x04" + bytes(4096),
    }
    paths = {}
    for name, data in files.items():
        path = folder / f"{len(paths)}.dslesson"
        path.write_bytes(data)
        paths[name] = path
    fifo = folder / "fifo.dslesson"
    os.mkfifo(fifo)
    paths["a FIFO named .dslesson"] = fifo
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=5000, help="mutants per seed")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4])
    args = parser.parse_args()
    total_other = 0
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        for seed in args.seeds:
            started = time.perf_counter()
            report = fuzz_lessons(folder, cases=args.cases, seed=seed)
            total_other += len(report.other)
            print(f"seed {seed}: {report.summary()} [{time.perf_counter() - started:.1f} s]",
                  flush=True)
            for line in report.other[:5]:
                print("   ", line)
        tracemalloc.start()
        for name, path in crafted(folder).items():
            tracemalloc.reset_peak()
            started = time.perf_counter()
            try:
                read_lesson(path)
                outcome = "accepted"
            except Exception as error:  # noqa: BLE001 - what a hostile file gets, reported
                outcome = f"{type(error).__name__}: {str(error)[-70:]}"
            seconds = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1]
            print(f"{name:<30} {seconds * 1000:8.1f} ms {peak / 1e6:6.2f} MB  {outcome}")
    print(f"anything else than a clean error: {total_other}")
    return 1 if total_other else 0


if __name__ == "__main__":
    raise SystemExit(main())
