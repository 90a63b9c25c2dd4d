"""Benchmark: CSV-to-CSV classification with validation, at 10k, 100k and 1M records.

For each size it measures, in fresh processes (wall time and peak memory of the process):
* the floor: merely reading the CSV with Python's csv module;
* `nenkg classify IN -o OUT.csv` (fast path: validation + classification + writing);
* the same records as JSON Lines (`classify IN.jsonl`; target: within 2x of CSV);
* at 1M also `--format ttl` (target < 30 s);
and at 10k the pyshacl reference path (validating the records against shapes/records/tumour-record.ttl).
Targets (issues 5 and 12): 1M records < 10 s end to end, >= 100k records/s, peak memory < 1 GB,
JSON Lines within 2x of CSV, Turtle output of 1M < 30 s.

    python benchmarks/bench_classify.py [--sizes 10000,100000,1000000]

Writes benchmarks/results/classify.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOOR = "import csv,sys\nn=sum(1 for _ in csv.reader(open(sys.argv[1], newline='')))\n"
SHACL = """
import sys, pyshacl
from rdflib import Graph
sys.path.insert(0, sys.argv[3])
from nenkg.grading import load_knowledge
from nenkg.intake import Reader, open_lines
from nenkg.records import RecordReader, raw_to_triples
k = load_knowledge(sys.argv[2]); reader = RecordReader(k); data = Graph()
lines, _ = open_lines(sys.argv[1]); intake = Reader(lines, sys.argv[1], k.contract.names)
for chunk in intake.chunks():
    for row in chunk.rows:
        for t in raw_to_triples(dict(zip(intake.layout.columns, row)), reader): data.add(t)
shapes = Graph().parse(sys.argv[4], format='turtle')
pyshacl.validate(data, shacl_graph=shapes, ont_graph=k.g, inference='none')
"""


TO_JSONL = """
import csv, json, sys
with open(sys.argv[1], newline='') as fh, open(sys.argv[2], 'w') as out:
    for row in csv.DictReader(fh):
        out.write(json.dumps({k: v for k, v in row.items() if v}) + '\\n')
"""

WRAP = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - start
print(json.dumps([proc.returncode, seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, proc.stderr[-2000:]]))
"""


def timed(cmd: list[str]) -> tuple[float, float]:
    """(seconds, peak resident MB) of one child process, measured by a fresh wrapper."""
    out = subprocess.run([sys.executable, "-c", WRAP, *cmd], capture_output=True, text=True, check=True)
    code, seconds, peak_kb, err = json.loads(out.stdout)
    if code not in (0, 1):
        raise RuntimeError(err)
    return seconds, peak_kb / 1024


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="10000,100000,1000000")
    args = p.parse_args()
    py = sys.executable
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(x) for x in args.sizes.split(",")]:
            src = Path(tmp) / f"r{n}.csv"
            subprocess.run([py, str(ROOT / "benchmarks" / "gen_records.py"), str(n), str(src)], check=True)
            floor_s, _ = timed([py, "-c", FLOOR, str(src)])
            cls_s, cls_mb = timed([py, "-m", "nenkg.cli.main", "--root", str(ROOT), "classify", str(src), "-o", str(Path(tmp) / "out.csv")])
            row = {"records": n, "read_floor_s": round(floor_s, 2), "classify_csv_s": round(cls_s, 2),
                   "records_per_s": int(n / cls_s), "peak_mb": round(cls_mb)}
            jsonl = Path(tmp) / f"r{n}.jsonl"
            subprocess.run([py, "-c", TO_JSONL, str(src), str(jsonl)], check=True)
            js_s, js_mb = timed([py, "-m", "nenkg.cli.main", "--root", str(ROOT), "classify", str(jsonl), "-o", str(Path(tmp) / "out.jsonl")])
            row.update({"classify_jsonl_s": round(js_s, 2), "jsonl_over_csv": round(js_s / cls_s, 2), "jsonl_peak_mb": round(js_mb)})
            if n >= 1_000_000:
                ttl_s, ttl_mb = timed([py, "-m", "nenkg.cli.main", "--root", str(ROOT), "classify", str(src), "--format", "ttl", "-o", str(Path(tmp) / "out.ttl")])
                row["classify_ttl_s"] = round(ttl_s, 2)
            if n == 10_000:
                sh_s, _ = timed([py, "-c", SHACL, str(src), str(ROOT / "ontology" / "nenkg.owl"), str(ROOT / "src"), str(ROOT / "shapes" / "records" / "tumour-record.ttl")])
                row["pyshacl_reference_s"] = round(sh_s, 2)
            results.append(row)
            print(json.dumps(row))
    out = {
        "benchmark": "nenkg classify, CSV to CSV with validation (fresh process each)",
        "targets": {"1M_seconds": 10, "records_per_s": 100000, "peak_mb": 1024, "1M_ttl_seconds": 30, "jsonl_over_csv": 2},
        "results": results,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
    }
    (ROOT / "benchmarks" / "results" / "classify.json").write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
