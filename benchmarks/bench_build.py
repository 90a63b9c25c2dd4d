"""Benchmark: wall time of a whole `nenkg build` (compile, HermiT, all release files).

Runs the real command line in fresh processes on a temporary copy of the sources, so the
committed tree is untouched. Target (issue 2): under 15 s on the 2-core reference machine.

    python benchmarks/bench_build.py [--runs 5]

Writes benchmarks/results/build.json and prints a one-line summary.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 15.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    times = []
    summary = ""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "ontology" / "src", Path(tmp) / "ontology" / "src")
        for _ in range(args.runs):
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "nenkg.cli.main", "--root", tmp, "build"],
                                  capture_output=True, text=True, env={**os.environ})
            times.append(time.perf_counter() - start)
            if proc.returncode != 0:
                print(proc.stderr, file=sys.stderr)
                return 2
            summary = proc.stdout.splitlines()[0]
    result = {
        "benchmark": "nenkg build (whole command, fresh process)",
        "runs": args.runs,
        "seconds_median": round(statistics.median(times), 2),
        "seconds_min": round(min(times), 2),
        "seconds_max": round(max(times), 2),
        "target_seconds": TARGET_SECONDS,
        "meets_target": max(times) < TARGET_SECONDS,
        "build_summary": summary,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
    }
    out = ROOT / "benchmarks" / "results" / "build.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"nenkg build: median {result['seconds_median']} s over {args.runs} runs "
          f"(min {result['seconds_min']}, max {result['seconds_max']}; target < {TARGET_SECONDS} s)")
    return 0 if result["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
