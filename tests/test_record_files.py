"""Record files as people make them, and nothing lost when a run fails (issue 12).

Every test runs the real `nenkg classify` in a subprocess on real files: spreadsheet exports
(BOM, header case, extra columns), registry codes (ICD-O-3 topography and morphology), JSON
Lines quirks, and faults deep inside a 200,000-row file. A failed run must exit 2 with one line
naming the line, leave no output file (or an existing one untouched) and never touch its input.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

HEADER = "record_id,primary_site,differentiation,ki67_percent,mitoses_per_2mm2"


def classify(built: Path, *args: str, stdin: str | bytes | None = None, cwd: Path | None = None):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "nenkg.cli.main", "--root", str(built), "classify", *args],
                          input=stdin, capture_output=True, env=env, timeout=600, cwd=cwd,
                          text=not isinstance(stdin, bytes))


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- files as people make them ------------------------------------------------------------------

def test_spreadsheet_export_with_bom_header_case_and_an_extra_column(built, tmp_path):
    src = tmp_path / "export.csv"
    src.write_bytes("\ufeffRecord_ID, Primary_Site ,DIFFERENTIATION,Ki67_Percent,mitoses_per_2mm2,Notes\r\n"
                    "s1,ileum,well,2,1,first\r\n\r\n"
                    "s2,Terminal Ileum,well,1.5,0,\"second, with comma\"\r\n".encode("utf-8"))
    proc = classify(built, str(src))
    assert proc.returncode == 0, proc.stderr
    rows = rows_of(proc.stdout)
    assert [r["record_id"] for r in rows] == ["s1", "s2"]  # the blank line is not a record
    assert {r["status"] for r in rows} == {"classified"}
    assert [r["Notes"] for r in rows] == ["first", "second, with comma"]  # carried through as named
    assert proc.stderr.count("unknown column(s) 'Notes'") == 1


def test_strict_makes_an_unknown_column_an_error(built, tmp_path):
    src = tmp_path / "export.csv"
    src.write_text(HEADER + ",notes\nr1,ileum,well,1,1,x\n")
    proc = classify(built, str(src), "--strict")
    assert proc.returncode == 2
    assert "unknown column(s) 'notes' (--strict)" in proc.stderr and "Traceback" not in proc.stderr


def test_a_repeated_column_is_an_error_naming_it(built, tmp_path):
    src = tmp_path / "twice.csv"
    src.write_text(HEADER + ",KI67_percent\nr1,ileum,well,1,1,30\n")
    proc = classify(built, str(src))
    assert proc.returncode == 2
    assert "column 'ki67_percent' appears twice (columns 4 and 6)" in proc.stderr


def test_registry_codes_and_everyday_words(built, tmp_path):
    src = tmp_path / "registry.csv"
    src.write_text("record_id,primary_site,topography_code,morphology_code,differentiation,ki67_percent,mitoses_per_2mm2,sex\n"
                   "c1,,C17.2,8240/3,,1,0,F\n"       # ileum from the code, well from the morphology
                   "c2,C252,,,well,1,0,M\n"           # tail of pancreas: a pancreas record
                   "c3,small bowel,,,well,1,0,\n"
                   "c4,appendix,,,well,1,0,\n"
                   "c5,C44.3,,,poor,,,\n"             # skin
                   "c6,C18.0,,,well,1,0,\n"           # caecum counts as colon
                   "c7,C80.9,,,well,1,0,\n"           # unknown primary
                   "c8,C34.1,,8041/3,,,,\n")          # small cell from the morphology
    proc = classify(built, str(src))
    rows = {r["record_id"]: r for r in rows_of(proc.stdout)}
    assert rows["c1"]["category"] == "ileal neuroendocrine tumour G1" and rows["c1"]["topography_code"] == "C17.2"
    assert "from morphology 8240/3" in rows["c1"]["reason"]
    assert "pancreatic" in rows["c2"]["category"] and rows["c2"]["topography_code"] == "C25.2"
    assert rows["c3"]["category"].startswith("small intestine neuroendocrine tumour")
    assert rows["c4"]["category"].startswith("appendiceal neuroendocrine tumour")
    assert rows["c5"]["category"] == "Merkel cell carcinoma" and rows["c5"]["topography_code"] == "C44.3"
    assert rows["c6"]["category"].startswith("caecal neuroendocrine tumour")
    assert rows["c7"]["status"] == "rejected" and "no site NENKG classifies" in rows["c7"]["error"]
    assert rows["c8"]["morphology_code"] == "8041/3"


def test_a_stated_morphology_that_disagrees_is_a_warning(built, tmp_path):
    src = tmp_path / "m.csv"
    src.write_text("record_id,primary_site,morphology_code,differentiation,ki67_percent,mitoses_per_2mm2\n"
                   "m1,ileum,8246/3,well,1,0\n")
    (row,) = rows_of(classify(built, str(src)).stdout)
    assert row["status"] == "classified" and row["category"] == "ileal neuroendocrine tumour G1"
    assert "morphology 8246/3 implies differentiation poorly differentiated" in row["warnings"]
    assert "the stated morphology 8246/3 differs from the derived 8240/3" in row["warnings"]


def test_json_lines_numbers_duplicate_keys_and_unknown_keys(built, tmp_path):
    src = tmp_path / "r.jsonl"
    src.write_text("\n".join([
        json.dumps({"record_id": "j1", "primary_site": "ileum", "differentiation": "well", "ki67_percent": 1.0, "mitoses_per_2mm2": 1.9}),
        "",
        '{"record_id": "j2", "primary_site": "ileum", "Primary_Site": "lung"}',
        json.dumps({"record_id": "j3", "primary_site": "ileum", "differentiation": "well", "ki67_percent": 2, "ward": "B"}),
    ]) + "\n")
    proc = classify(built, str(src), "--format", "jsonl")
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["status"] for r in rows] == ["classified", "rejected", "classified"]
    assert "ki67_percent 1.0 < 3" in rows[0]["reason"] and "mitoses_per_2mm2 1.9 < 2" in rows[0]["reason"]
    assert rows[1]["error"] == "line 3: row: key 'Primary_Site' appears twice"
    assert rows[2]["ward"] == "B" and "ward" not in rows[0]  # only the keys a record had


def test_output_to_standard_output_with_dash(built, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(HEADER + "\nr1,ileum,well,1,1\n")
    proc = classify(built, str(src), "-o", "-", cwd=tmp_path)
    assert proc.returncode == 0 and rows_of(proc.stdout)[0]["record_id"] == "r1"
    assert not (tmp_path / "-").exists()


# --- nothing lost on failure --------------------------------------------------------------------

@pytest.fixture(scope="module")
def big_rows():
    """200,000 valid rows."""
    return [f"b{i},{('ileum', 'pancreas', 'rectum', 'C17.2')[i % 4]},well,{i % 30},{i % 7}" for i in range(200_000)]


def write_big(path: Path, rows: list[str], fault_at: int | None = None, fault: str = "") -> None:
    lines = [HEADER, *rows]
    if fault_at is not None:
        lines[fault_at] = fault
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_unclosed_quote_deep_inside_stops_with_its_line_and_keeps_the_old_output(built, tmp_path, big_rows):
    jobs = "2"  # (the reader that finds it is the same with one job: test_big_file_counts_add_up... runs both)
    src = tmp_path / "big.csv"
    write_big(src, big_rows, 150_001, 'b150000,"ileum,well,1,1')  # file line 150,002
    before = digest(src)
    out = tmp_path / "out.csv"
    out.write_text("previous results\n")
    proc = classify(built, str(src), "-o", str(out), "--jobs", jobs)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1] == \
        f"nenkg: error: {src}: line 150002: a quoted field opened on this line is never closed"
    assert out.read_text() == "previous results\n"
    assert digest(src) == before
    assert {p.name for p in tmp_path.iterdir()} == {"big.csv", "out.csv"}  # no temporary file left


def test_invalid_utf8_deep_inside_names_line_and_true_byte_offset(built, tmp_path, big_rows):
    src = tmp_path / "big.csv"
    write_big(src, big_rows)
    data = bytearray(src.read_bytes())
    line_start = sum(len(r) + 1 for r in [HEADER, *big_rows[:180_000]])  # file line 180,002
    data[line_start + 3] = 0xFF
    src.write_bytes(bytes(data))
    proc = classify(built, str(src), "-o", str(tmp_path / "out.csv"))
    assert proc.returncode == 2
    assert f"line 180002: not UTF-8 text (invalid start byte at byte {line_start + 3} of the file)" in proc.stderr
    assert not (tmp_path / "out.csv").exists()
    assert "Traceback" not in proc.stderr


def test_the_output_may_not_be_the_input(built, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(HEADER + "\nr1,ileum,well,1,1\n")
    before = digest(src)
    for target in (str(src), str(tmp_path / "." / "in.csv")):
        proc = classify(built, str(src), "-o", target)
        assert proc.returncode == 2 and "would overwrite the input" in proc.stderr
    assert digest(src) == before


def test_a_missing_output_folder_is_one_line(built, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(HEADER + "\nr1,ileum,well,1,1\n")
    proc = classify(built, str(src), "-o", str(tmp_path / "no" / "such" / "out.csv"))
    assert proc.returncode == 2
    assert proc.stderr.strip().endswith("does not exist") and "Traceback" not in proc.stderr


def test_big_file_counts_add_up_and_both_paths_agree(built, tmp_path, big_rows):
    rows = list(big_rows)
    rows[123_456] = "b1,ileum,well,1,1"            # repeats b1 (line 3)
    rows[199_000] = "b199000,nowhere,well,1,1"
    rows[50_000] = "b50000,ileum,well"             # too few fields
    rows = [r + f",note {i}" for i, r in enumerate(rows)]  # a carried column
    src = tmp_path / "big.csv"
    write_big(src, rows)
    src.write_text(src.read_text().replace(HEADER, HEADER + ",note", 1))
    outs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.csv"
        proc = classify(built, str(src), "-o", str(out), "--jobs", jobs)
        assert proc.returncode == 1
        assert "200000 records in, 199997 classified, 0 not a NEN, 3 rejected" in proc.stderr
        outs[jobs] = out.read_bytes()
    assert outs["1"] == outs["2"]
    out_rows = rows_of(outs["1"].decode())
    assert out_rows[123_456]["note"] == "note 123456"
    errors = [r["error"] for r in out_rows if r["error"]]
    assert errors == ["line 50002: row: has 4 fields, the header has 6",
                      "line 123458: record_id: 'b1' repeats the record_id of line 3",
                      "line 199002: primary_site: unknown primary site 'nowhere'"]


def test_two_files_with_the_same_ids_are_two_record_sets(built, tmp_path):
    from rdflib import Graph, URIRef

    for name in ("north", "south"):
        (tmp_path / f"{name}.csv").write_text(HEADER + "\nr1,ileum,well,1,1\n")
    g = Graph()
    for name in ("north", "south"):
        g.parse(data=classify(built, str(tmp_path / f"{name}.csv"), "--format", "ttl").stdout, format="turtle")
    subjects = {s for s in g.subjects() if isinstance(s, URIRef)}
    assert {URIRef("https://w3id.org/nenkg/record/north/r1"), URIRef("https://w3id.org/nenkg/record/south/r1")} <= subjects


def test_fields_lists_every_contract_column_from_the_release(built):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    run = lambda *a: subprocess.run([sys.executable, "-m", "nenkg.cli.main", "--root", str(built), "fields", *a],  # noqa: E731
                                    capture_output=True, text=True, env=env, timeout=300)
    table = json.loads(run("--format", "json").stdout)
    from nenkg.contract import Contract
    from nenkg.grading import read_graph

    contract = Contract(read_graph(str(built / "ontology" / "nenkg.owl")))
    assert [r["column"] for r in table] == list(contract.names)
    ki67 = next(r for r in table if r["column"] == "ki67_percent")
    assert (ki67["minimum"], ki67["maximum"], ki67["kind"]) == (0, 100, "number")
    assert next(r for r in table if r["column"] == "metastatic_sites")["several"] is True
    sexes = run("--values", "sex").stdout
    assert "female\t\tfemale; F" in sexes
    topo = {r["value"] for r in json.loads(run("--values", "topography_code", "--format", "json").stdout)}
    assert {"C17.2", "C25.2", "C44.3"} <= topo and "C80.9" not in topo
    bad = run("--values", "colour")
    assert bad.returncode == 2 and "unknown column 'colour'" in bad.stderr
