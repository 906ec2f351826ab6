"""Before → after: one benchmark script run on a baseline revision and on this tree, alternately.

    python benchmarks/bench_ab.py --baseline REV -- bench_gui.py --inside --epochs 1 --json
    python benchmarks/bench_ab.py --baseline REV --rounds 3 -- bench_start.py --clicks 5

The baseline is ``git archive REV`` unpacked into a temporary folder (its own copy of the
script and the package); each round runs the script once in each tree, the order
alternating from round to round, so the shared machine's load drifts over both alike (a
script the baseline does not have runs from this tree, on the baseline's package). The
script must print one JSON object as its last line (the benchmarks here do with
``--json``, or always); every number in it (nested keys joined with dots) is reported per
tree as the median over rounds, with the after / before ratio. Both trees' fast-path
kernels are compiled before the first round.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


# (a baseline from before the fast path has nothing to prepare)
PREPARE = ("import importlib.util\n"
           "if importlib.util.find_spec('dense_studio.engine.fast'):\n"
           "    from dense_studio.engine import fast; fast.prepare_fast_path()\n")


def unpack(revision: str, folder: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    package_resources = folder / "dense_studio" / "resources"
    if not package_resources.exists() and (folder / "resources").is_dir():
        package_resources.symlink_to("../resources")  # the package-dir mapping of pyproject
    return folder


def run(tree: Path, script: list[str]) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree))
    path = tree / "benchmarks" / script[0]
    if not path.exists():  # a benchmark newer than the baseline: this tree's, on its package
        path = ROOT / "benchmarks" / script[0]
    done = subprocess.run([sys.executable, str(path), *script[1:]],
                          cwd=tree, env=env, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{script[0]} failed in {tree}:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


def numbers(value, prefix: str = "") -> dict:
    if isinstance(value, bool):
        return {}
    if isinstance(value, (int, float)):
        return {prefix: float(value)}
    if isinstance(value, dict):
        found = {}
        for key, item in value.items():
            found.update(numbers(item, f"{prefix}.{key}" if prefix else str(key)))
        return found
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        found = {}
        for index, item in enumerate(value):
            found.update(numbers(item, f"{prefix}[{index}]"))
        return found
    return {}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", required=True, help="git revision to compare with")
    parser.add_argument("--rounds", type=int, default=2, help="runs per tree (2)")
    parser.add_argument("script", nargs=argparse.REMAINDER,
                        help="-- SCRIPT.py [ARGS]: a script in benchmarks/")
    args = parser.parse_args(argv)
    script = args.script[1:] if args.script[:1] == ["--"] else args.script
    if not script:
        parser.error("name the benchmark script after --")
    with tempfile.TemporaryDirectory(prefix="bench_ab_") as temp:
        trees = {"before": unpack(args.baseline, Path(temp)), "after": ROOT}
        for tree in trees.values():
            subprocess.run([sys.executable, "-c", PREPARE], cwd=tree, check=True,
                           env=dict(os.environ, PYTHONPATH=str(tree)))
        print(f"load average at start: {os.getloadavg()}", flush=True)
        results = {name: [] for name in trees}
        for round_ in range(args.rounds):
            order = list(trees) if round_ % 2 == 0 else list(trees)[::-1]
            for name in order:
                results[name].append(numbers(run(trees[name], script)))
                print(f"round {round_ + 1} {name} done", flush=True)
        print(f"load average at end: {os.getloadavg()}")
    keys = [k for k in results["after"][0] if all(k in r for rs in results.values() for r in rs)]
    summary = {}
    print(f"\n{'figure':<48} {'before':>10} {'after':>10} {'after/before':>13}")
    for key in keys:
        before = statistics.median(r[key] for r in results["before"])
        after = statistics.median(r[key] for r in results["after"])
        summary[key] = {"before": before, "after": after,
                        "each_before": [r[key] for r in results["before"]],
                        "each_after": [r[key] for r in results["after"]]}
        ratio = f"{after / before:13.3f}" if before else " " * 13
        print(f"{key:<48} {before:10.3f} {after:10.3f} {ratio}")
    print(json.dumps({"baseline": args.baseline, "script": script, "figures": summary}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
