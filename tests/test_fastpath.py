"""The batch fast path gives exactly the per-record path's output (differential test)."""

from __future__ import annotations

import csv
import io
import random

import pytest

from nenkg.fastpath import FastClassifier, per_record_results, result_row
from nenkg.grading import Classifier, Knowledge
from nenkg.intake import Reader
from nenkg.records import RecordReader
from test_record_shapes import generate


@pytest.fixture(scope="module")
def knowledge(release_graph):
    return Knowledge(release_graph)


def csv_text(columns, rows: list[dict[str, str]], extra_lines: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([r.get(c, "") for c in columns])
    lines = buf.getvalue().splitlines()
    rng = random.Random(3)
    for extra in extra_lines:
        lines.insert(rng.randint(1, len(lines)), extra)
    return "\n".join(lines) + "\n"


def both_paths(knowledge, text: str, name: str = "t.csv", chunk_size: int = 50_000):
    """(batch rows, per-record rows) of one input text."""
    fast_in = Reader(io.StringIO(text), name, knowledge.contract.names, chunk_size=chunk_size)
    fast = [result_row(r) | {"extras": r.extras, "line": r.line} for r in
            FastClassifier(knowledge).results(fast_in.chunks(), lambda: fast_in.layout)]
    slow_in = Reader(io.StringIO(text), name, knowledge.contract.names, chunk_size=chunk_size)
    slow = [result_row(r) | {"extras": r.extras, "line": r.line} for r in
            per_record_results(slow_in.chunks(), lambda: slow_in.layout, RecordReader(knowledge), Classifier(knowledge))]
    return fast, slow


def test_fast_path_equals_per_record_path(knowledge):
    rows = generate(4000, seed=5)
    rows[10]["record_id"] = rows[3]["record_id"]          # duplicate id
    rows[20]["record_id"] = "  "                           # missing id
    rows[30]["ki67_percent"] = " 2.50 "                    # spaces and trailing zero, quoted as given
    columns = list(knowledge.contract.names) + ["notes"]
    text = csv_text(columns, rows, ["g-short,ileum,well", "", "g-long," + ",".join(["x"] * 20)])
    fast, slow = both_paths(knowledge, text, chunk_size=700)
    assert len(fast) == len(slow) == 4002  # the blank line is not a record
    mismatches = [(f, s) for f, s in zip(fast, slow, strict=True) if f != s]
    assert not mismatches, mismatches[:3]
    statuses = {r["status"] for r in fast}
    assert statuses == {"classified", "not_nen", "rejected"}
    assert any("repeats the record_id of line" in r["error"] for r in fast)


def test_json_lines_take_the_batch_path_and_agree(knowledge):
    import json

    rows = generate(1500, seed=11)
    lines = [json.dumps({k: v for k, v in r.items() if v != ""}) for r in rows]
    lines.insert(40, "")
    lines.insert(90, "[1, 2]")
    lines.insert(120, '{"record_id": "dup-key", "age": 3, "AGE": 4}')
    fast, slow = both_paths(knowledge, "\n".join(lines) + "\n", "t.jsonl", chunk_size=400)
    assert len(fast) == len(slow) == 1502
    assert fast == slow
    assert any(r["error"].endswith("key 'AGE' appears twice") for r in fast)


def test_changed_threshold_reaches_the_fast_path_too(release_graph):
    from decimal import Decimal

    from rdflib import Graph, Literal, URIRef

    from nenkg.vocab import NENKG
    from nenkg import namespaces as ns

    g = Graph()
    for t in release_graph:
        g.add(t)
    n = ns.ENTITY_PREFIXES["NENKG"]
    g.set((URIRef(n + "0004101"), NENKG.upper_bound, Literal(Decimal(5))))
    g.set((URIRef(n + "0004102"), NENKG.lower_bound, Literal(Decimal(5))))
    k = Knowledge(g)
    fast, slow = both_paths(k, "record_id,primary_site,differentiation,ki67_percent\nx1,pancreas,well,4\n")
    assert fast[0]["grade"] == slow[0]["grade"] == "G1"


def test_a_criterion_on_an_unread_field_enters_the_cache_key(release_graph):
    """The batch cache key follows what the criteria read: a new criterion on sex makes two
    records that differ only in sex two keys, as the per-record path sees them."""
    from rdflib import BNode, Graph, Literal
    from rdflib.namespace import RDF, RDFS

    from nenkg.vocab import NENKG

    g = Graph()
    for t in release_graph:
        g.add(t)
    k0 = Knowledge(g)
    assert "sex" not in FastClassifier(k0).key_columns
    c = BNode()
    g.add((c, RDF.type, NENKG.consistency_criterion))
    g.add((c, RDFS.label, Literal("test criterion on sex")))
    g.add((c, NENKG.criterion_variable, NENKG.record_sex))
    g.add((c, NENKG.criterion_message, Literal("sex is male")))
    k = Knowledge(g)
    assert "sex" in FastClassifier(k).key_columns


def test_parallel_output_through_spool_files_equals_one_process_and_leaves_nothing(built, tmp_path):
    """With --jobs 2 the workers leave each block's output in a spool folder that the main
    process copies into the output (a file or standard output) and removes; the bytes equal the
    one-process run's, staged rows included, with a repeated id deep inside."""
    import os
    import subprocess

    from cli_util import NENKG, cli_env
    from conftest import generate_records

    records = generate_records(tmp_path / "records.csv", 120_000, seed=11)
    with open(records, "a", encoding="utf-8") as fh:  # a repeated id near the end
        fh.write(open(records, encoding="utf-8").read().splitlines()[5000] + "\n")
    spool = tmp_path / "tmp"
    spool.mkdir()
    env = {**cli_env(), "TMPDIR": str(spool)}

    def run(*args):
        proc = subprocess.run([*NENKG, "classify", str(records), *args], cwd=built, capture_output=True, env=env,
                              timeout=600, check=False)
        assert proc.returncode == 1, proc.stderr  # the generator writes faulty rows: some are rejected
        return proc

    one = run("--jobs", "1", "-o", str(tmp_path / "one.csv"))
    two = run("--jobs", "2", "-o", str(tmp_path / "two.csv"))
    to_stdout = run("--jobs", "2")
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes() == to_stdout.stdout
    assert one.stderr == two.stderr
    assert b"repeats the record_id of line 5001" in to_stdout.stdout
    assert b",stage " in to_stdout.stdout
    assert os.listdir(spool) == [], "spool folders left behind"
