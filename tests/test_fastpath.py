"""The batch fast path gives exactly the per-record path's output (differential test)."""

from __future__ import annotations

import csv
import io
import random

import pytest

from nenkg.fastpath import FastClassifier, per_record_results, result_row
from nenkg.grading import Classifier, Knowledge
from nenkg.records import COLUMNS, RecordReader, _csv_rows
from test_record_shapes import generate


@pytest.fixture(scope="module")
def knowledge(release_graph):
    return Knowledge(release_graph)


def csv_text(rows: list[dict[str, str]], extra_lines: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in rows:
        w.writerow([r.get(c, "") for c in COLUMNS])
    lines = buf.getvalue().splitlines()
    rng = random.Random(3)
    for extra in extra_lines:
        lines.insert(rng.randint(1, len(lines)), extra)
    return "\n".join(lines) + "\n"


def test_fast_path_equals_per_record_path(knowledge):
    rows = generate(4000, seed=5)
    rows[10]["record_id"] = rows[3]["record_id"]          # duplicate id
    rows[20]["record_id"] = "  "                           # missing id
    rows[30]["ki67_percent"] = " 2.50 "                    # spaces and trailing zero, quoted as given
    text = csv_text(rows, ["g-short,ileum,well", "", "g-long," + ",".join(["x"] * 16)])
    fast = [result_row(r) for r in FastClassifier(knowledge, RecordReader(knowledge)).classify_csv(io.StringIO(text), "t.csv")]
    slow = [result_row(r) for r in per_record_results(_csv_rows(io.StringIO(text), "t.csv"), RecordReader(knowledge), Classifier(knowledge))]
    assert len(fast) == len(slow) == 4003
    mismatches = [(f, s) for f, s in zip(fast, slow, strict=True) if f != s]
    assert not mismatches, mismatches[:3]
    statuses = {r["status"] for r in fast}
    assert statuses == {"classified", "rejected"}


def test_changed_threshold_reaches_the_fast_path_too(release_graph):
    from decimal import Decimal

    from rdflib import Graph, Literal, URIRef

    from nenkg.grading import P
    from nenkg import namespaces as ns

    g = Graph()
    for t in release_graph:
        g.add(t)
    n = ns.ENTITY_PREFIXES["NENKG"]
    g.set((URIRef(n + "0004101"), P["upper"], Literal(Decimal(5))))
    g.set((URIRef(n + "0004102"), P["lower"], Literal(Decimal(5))))
    k = Knowledge(g)
    text = ",".join(COLUMNS) + "\nx1,pancreas,well,4" + "," * (len(COLUMNS) - 4) + "\n"
    (result,) = list(FastClassifier(k).classify_csv(io.StringIO(text), "t.csv"))
    assert result_row(result)["grade"] == "G1"


def test_parallel_chunks_give_the_per_record_csv_byte_for_byte(knowledge):
    """Small chunks over two forked workers: same CSV text as the per-record path writes."""
    from nenkg.fastpath import csv_field

    rows = generate(3000, seed=9)
    rows[2500]["record_id"] = rows[100]["record_id"]  # a duplicate across chunks
    text = csv_text(rows, ["g-short,ileum,well"])
    fast = FastClassifier(knowledge, RecordReader(knowledge), chunk_size=400)
    parallel = "".join(t for t, _, _ in fast.csv_output(io.StringIO(text), "t.csv", jobs=2))
    slow = [result_row(r) for r in per_record_results(_csv_rows(io.StringIO(text), "t.csv"), RecordReader(knowledge), Classifier(knowledge))]
    expected = "".join(",".join(csv_field(r[c]) for c in r) + "\n" for r in slow)
    reference = io.StringIO()
    writer = csv.writer(reference, lineterminator="\n")
    for r in slow:
        writer.writerow(list(r.values()))
    assert expected == reference.getvalue()  # csv_field quotes exactly as csv.writer does
    assert parallel == expected


def test_byte_range_workers_give_the_per_record_csv(knowledge, tmp_path):
    """Workers that parse their own byte ranges (and a final in-order id check) write the same
    CSV as the per-record path, including duplicates across ranges and malformed rows."""
    from nenkg.fastpath import csv_field

    rows = [{k: v.replace(",", ";") for k, v in r.items()} for r in generate(3000, seed=13)]  # no quoting
    rows[2900]["record_id"] = rows[5]["record_id"]
    rows[1500]["record_id"] = ""
    text = csv_text(rows, ["g-short,ileum,well", ""])
    assert '"' not in text
    path = tmp_path / "in.csv"
    path.write_text(text)
    fast = FastClassifier(knowledge, RecordReader(knowledge), chunk_size=300)
    chunks = fast.csv_file_output(str(path), jobs=2)
    assert chunks is not None
    parallel = list(chunks)
    slow = [result_row(r) for r in per_record_results(_csv_rows(io.StringIO(text), "t.csv"), RecordReader(knowledge), Classifier(knowledge))]
    assert "".join(t for t, _, _ in parallel) == "".join(",".join(csv_field(r[c]) for c in r) + "\n" for r in slow)
    assert sum(ok for _, ok, _ in parallel) == sum(r["status"] == "classified" for r in slow)
    assert sum(bad for _, _, bad in parallel) == sum(r["status"] == "rejected" for r in slow)


def test_byte_ranges_are_not_used_when_quotes_could_hide_newlines(knowledge, tmp_path):
    path = tmp_path / "quoted.csv"
    path.write_text(",".join(COLUMNS) + '\n"q1",ileum,well,1' + "," * (len(COLUMNS) - 4) + "\n")
    assert FastClassifier(knowledge).csv_file_output(str(path), jobs=2) is None
