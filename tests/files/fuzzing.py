"""A seeded fuzz harness for readers of files from strangers (model files, images, sessions).

``fuzz(reader, seeds, clean=SomeError, cases=N, seed=S)`` writes ``N`` mutants of the seed
files and calls ``reader(path)`` on each. A reader may accept a mutant or refuse it with
``clean`` (our one-line error); anything else (another exception, or any warning, which is
turned into an error) is counted in ``report.other`` and must stay empty. Mutators take
``(data, rng, seeds)`` and return new bytes; format-aware ones (e.g. inside a zip member)
get past checksums to the parsers behind them.

Reuse it for another format from a test in this folder::

    from fuzzing import fuzz
    report = fuzz(read_session, seed_paths, clean=SessionFileError, cases=1000, seed=1,
                  workdir=tmp_path)
    assert report.other == [] and report.tried == 1000
"""

from __future__ import annotations

import random
import time
import tracemalloc
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

Mutator = Callable[[bytes, random.Random, Sequence[bytes]], bytes]

_INTERESTING = [b"\x00", b"\xff", b"\x7f", b"\x80", b"\xff\xff\xff\x7f", b"\x00\x00\x00\x80",
                b"\xff\xff\xff\xff\xff\xff\xff\xff", b"9" * 40, b"'", b"(", b"{", b"\n", b"-1"]


def flip_bits(data: bytes, rng: random.Random, seeds: Sequence[bytes]) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if out:
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def set_bytes(data: bytes, rng: random.Random, seeds: Sequence[bytes]) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if out:
            value = rng.choice(_INTERESTING)
            at = rng.randrange(len(out))
            out[at:at + len(value)] = value
    return bytes(out)


def truncate(data: bytes, rng: random.Random, seeds: Sequence[bytes]) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def insert_or_delete(data: bytes, rng: random.Random, seeds: Sequence[bytes]) -> bytes:
    at = rng.randrange(len(data) + 1)
    if rng.random() < 0.5:
        return data[:at] + rng.randbytes(rng.randint(1, 64)) + data[at:]
    return data[:at] + data[at + rng.randint(1, 64):]


def splice(data: bytes, rng: random.Random, seeds: Sequence[bytes]) -> bytes:
    other = rng.choice(seeds)
    cut, other_cut = rng.randrange(len(data) + 1), rng.randrange(len(other) + 1)
    return data[:cut] + other[other_cut:]


BYTE_MUTATORS: list[Mutator] = [flip_bits, set_bytes, truncate, insert_or_delete, splice]


@dataclass
class FuzzReport:
    tried: int = 0
    accepted: int = 0
    clean: int = 0
    other: list[str] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")
    peak: tuple[int, str] = (0, "")  # most Python-traced memory (numpy included) for one file

    def summary(self) -> str:
        return (f"{self.tried} files tried: {self.clean} clean errors, {self.accepted} accepted, "
                f"{len(self.other)} other; slowest {self.slowest[0] * 1000:.1f} ms "
                f"({self.slowest[1]}), peak {self.peak[0] / 1e6:.1f} MB ({self.peak[1]})")


def fuzz(reader: Callable[[Path], object], seeds: Sequence[Path], *,
         clean: type[BaseException] | tuple[type[BaseException], ...], cases: int, seed: int,
         workdir: Path, mutators: Sequence[Mutator] = BYTE_MUTATORS,
         suffix: str | None = None) -> FuzzReport:
    """Try ``cases`` mutants of ``seeds`` on ``reader``; see the module's docstring."""
    rng = random.Random(seed)
    originals = [Path(path).read_bytes() for path in seeds]
    report = FuzzReport()
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    try:
        _run(reader, seeds, originals, clean, cases, rng, workdir, mutators, suffix, report)
    finally:
        if not tracing:
            tracemalloc.stop()
    return report


def _run(reader, seeds, originals, clean, cases, rng, workdir, mutators, suffix, report) -> None:
    for case in range(cases):
        index = rng.randrange(len(originals))
        data = originals[index]
        for _ in range(rng.randint(1, 3)):
            data = rng.choice(mutators)(data, rng, originals)
        name = f"case{case:05d}{suffix if suffix is not None else Path(seeds[index]).suffix}"
        path = workdir / name
        path.write_bytes(data)
        tracemalloc.reset_peak()
        started = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                reader(path)
            report.accepted += 1
        except clean:
            report.clean += 1
        except Exception as error:  # the point: count what escapes, keep going
            frame = traceback.extract_tb(error.__traceback__)[-1]
            report.other.append(f"{name} (from {Path(seeds[index]).name}): "
                                f"{type(error).__name__}: {error} at {frame.filename}:{frame.lineno}")
        finally:
            seconds = time.perf_counter() - started
            if seconds > report.slowest[0]:
                report.slowest = (seconds, name)
            peak = tracemalloc.get_traced_memory()[1]
            if peak > report.peak[0]:
                report.peak = (peak, name)
            report.tried += 1
            path.unlink()
