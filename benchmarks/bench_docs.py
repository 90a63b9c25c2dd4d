"""Benchmark: wall time of `nenkg docs` (the whole documentation site of the release: every term
page, every neighbourhood picture, the hierarchy picture, shapes, QC and the query catalogue with
each query run) in fresh processes. Target (issue 15): under 60 s for the whole ontology.

    python benchmarks/bench_docs.py [--runs 5]

Each run writes into a new temporary folder (removed afterwards); the runs must give the same
bytes. Writes benchmarks/results/docs.json and prints a one-line summary.
"""

from __future__ import annotations

import argparse
import hashlib
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
TARGET_SECONDS = 60.0


def digest(folder: Path) -> tuple[str, int, int]:
    h, count, size = hashlib.sha256(), 0, 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        h.update(path.relative_to(folder).as_posix().encode() + b"\0" + data)
        count, size = count + 1, size + len(data)
    return h.hexdigest(), count, size


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    times, digests, summary, files, size = [], set(), "", 0, 0
    for _ in range(args.runs):
        work = Path(tempfile.mkdtemp(prefix="nenkg-bench-docs-"))
        try:
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "nenkg.cli.main", "--root", str(ROOT), "docs", "-o", str(work / "site")],
                                  capture_output=True, text=True, env={**os.environ}, check=False)
            times.append(time.perf_counter() - start)
            if proc.returncode != 0:
                raise SystemExit(proc.stderr)
            summary = proc.stdout.strip().replace(str(work), "TMP")
            d, files, size = digest(work / "site")
            digests.add(d)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    result = {
        "benchmark": "nenkg docs (whole command, fresh process, whole ontology)",
        "runs": args.runs,
        "target_seconds": TARGET_SECONDS,
        "seconds_median": round(statistics.median(times), 2),
        "seconds_min": round(min(times), 2),
        "seconds_max": round(max(times), 2),
        "meets_target": max(times) < TARGET_SECONDS,
        "identical_bytes_every_run": len(digests) == 1,
        "site_files": files,
        "site_megabytes": round(size / 1e6, 1),
        "docs_summary": summary,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
    }
    print(f"nenkg docs: median {result['seconds_median']} s over {args.runs} runs (max {result['seconds_max']}; "
          f"target < {TARGET_SECONDS} s); {files} files, {result['site_megabytes']} MB; "
          f"identical bytes every run: {result['identical_bytes_every_run']}")
    out = ROOT / "benchmarks" / "results" / "docs.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if result["meets_target"] and result["identical_bytes_every_run"] else 1


if __name__ == "__main__":
    sys.exit(main())
