"""Benchmark: wall time of `nenkg check` (QC queries + SHACL shapes) on the ontology.

Times the real command line in fresh processes, twice per run: on the sources (compiled without
reasoning, the default) and on the primary release file ontology/nenkg.owl. Target (issue 3):
under 10 s.

    python benchmarks/bench_check.py [--runs 5]

Writes benchmarks/results/check.json and prints a one-line summary per target.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 10.0
TARGETS = {"sources": [], "release nenkg.owl": [str(ROOT / "ontology" / "nenkg.owl")]}


def time_check(extra: list[str], runs: int) -> tuple[list[float], str]:
    times, summary = [], ""
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "nenkg.cli.main", "--root", str(ROOT), "check", *extra],
                              capture_output=True, text=True, env={**os.environ})
        times.append(time.perf_counter() - start)
        if proc.returncode == 2:
            raise SystemExit(proc.stderr)
        summary = proc.stderr.strip().splitlines()[-1]
    return times, summary


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results = {}
    for name, extra in TARGETS.items():
        times, summary = time_check(extra, args.runs)
        results[name] = {
            "seconds_median": round(statistics.median(times), 2),
            "seconds_min": round(min(times), 2),
            "seconds_max": round(max(times), 2),
            "check_summary": summary,
        }
        print(f"nenkg check ({name}): median {results[name]['seconds_median']} s over {args.runs} runs "
              f"(max {results[name]['seconds_max']}; target < {TARGET_SECONDS} s)")
    result = {
        "benchmark": "nenkg check (whole command, fresh process)",
        "runs": args.runs,
        "target_seconds": TARGET_SECONDS,
        "meets_target": all(r["seconds_max"] < TARGET_SECONDS for r in results.values()),
        "targets": results,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
    }
    out = ROOT / "benchmarks" / "results" / "check.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if result["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
