"""ENETS TNM schemes where they differ from the AJCC 8th edition (ontology/src/staging/enets.yaml):
the pancreas, whose T, N and M rules are shared with the AJCC scheme and whose stage groups are
split (IIA/IIB, IIIA/IIIB). Knowledge for SPARQL users: listed by the library queries with their
edition and `applied` false, never applied by ``nenkg classify`` (one stage per record, from the
AJCC 8th edition scheme of the site). The ENETS criteria are also run through the real staging
evaluator, on a copy of the release where the ENETS scheme is the applied one."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from conftest import classify_fields
from nenkg import namespaces as ns
from nenkg.grading import Knowledge
from nenkg.vocab import NENKG as V

AJCC_PANCREAS = "NENKG:0005505"
ENETS_PANCREAS = "NENKG:0006011"
PANCREAS = dict(primary_site="pancreas", differentiation="well", ki67_percent="5", positive_nodes="0",
                invasion_extent="limited to pancreas",
                distant_metastasis="none")


def _with_applied(release_graph: Graph, applied: str, skipped: str) -> Knowledge:
    g = Graph()
    for t in release_graph:
        g.add(t)
    g.remove((URIRef(ns.expand(applied)), V.applied_by_classifier, None))
    g.set((URIRef(ns.expand(skipped)), V.applied_by_classifier, Literal(False, datatype=XSD.boolean)))
    return Knowledge(g)


@pytest.fixture(scope="module")
def enets_applied(release_graph) -> Knowledge:
    return _with_applied(release_graph, ENETS_PANCREAS, AJCC_PANCREAS)


def test_the_scheme_of_the_pancreas_lists_both_schemes_applied_first(library, query_store):
    rows = library.run(query_store, "staging-scheme-of-site", {"site": "UBERON:0001264"}).dicts()
    schemes = list(dict.fromkeys(d["scheme"] for d in rows))
    assert schemes == [AJCC_PANCREAS, ENETS_PANCREAS]
    assert {d["scheme"]: str(d["applied"]).lower() for d in rows} == {AJCC_PANCREAS: "true", ENETS_PANCREAS: "false"}
    editions = {d["scheme"]: d["edition"] for d in rows}
    assert editions[AJCC_PANCREAS] == "AJCC Cancer Staging Manual, 8th edition (2017)"
    assert "ENETS" in editions[ENETS_PANCREAS] and "2006" in editions[ENETS_PANCREAS]

    def axis(scheme, name):
        return [(d["criterion"], d["categoryLabel"]) for d in rows if d["scheme"] == scheme and d["axis"] == name]

    # the T and N rules are one set of criteria, shared word for word
    assert axis(ENETS_PANCREAS, "T") == axis(AJCC_PANCREAS, "T") == [
        ("NENKG:0005660", "T1"), ("NENKG:0005661", "T2"), ("NENKG:0005662", "T3"), ("NENKG:0005663", "T3"),
        ("NENKG:0005664", "T4")]
    assert axis(ENETS_PANCREAS, "N") == axis(AJCC_PANCREAS, "N")
    # ENETS has M0/M1 only; the AJCC 8th edition adds M1a-c
    assert [c for _, c in axis(ENETS_PANCREAS, "M")] == ["M0", "M1"]
    assert [c for _, c in axis(AJCC_PANCREAS, "M")] == ["M0", "M1", "M1a", "M1b", "M1c"]
    assert [c for _, c in axis(ENETS_PANCREAS, "stage group")] == [
        "stage I", "stage IIA", "stage IIB", "stage IIIA", "stage IIIB", "stage IV"]
    assert [c for _, c in axis(AJCC_PANCREAS, "stage group")] == [
        "stage I", "stage II", "stage III", "stage III", "stage IV"]


def test_sites_without_an_enets_scheme_keep_only_their_ajcc_scheme(library, query_store):
    for site in ("UBERON:0002116", "UBERON:0001154", "UBERON:0000945"):  # ileum, appendix, stomach
        rows = library.run(query_store, "staging-scheme-of-site", {"site": site}).dicts()
        assert len({d["scheme"] for d in rows}) == 1
        assert {str(d["applied"]).lower() for d in rows} == {"true"}


def test_t_category_for_findings_answers_per_scheme(library, query_store):
    rows = library.run(query_store, "t-category-for-findings",
                       {"site": "UBERON:0001264", "size_mm": "15", "invasion": "NENKG:0005472"}).dicts()
    assert [(d["scheme"], d["categoryLabel"]) for d in rows] == [
        (AJCC_PANCREAS, "T4"), (AJCC_PANCREAS, "T1"), (ENETS_PANCREAS, "T4"), (ENETS_PANCREAS, "T1")]


@pytest.mark.parametrize("t, n, m, ajcc, enets", [
    ("NENKG:0005410", "NENKG:0005430", "NENKG:0005440", "stage I", "stage I"),
    ("NENKG:0005413", "NENKG:0005430", "NENKG:0005440", "stage II", "stage IIA"),
    ("NENKG:0005414", "NENKG:0005430", "NENKG:0005440", "stage II", "stage IIB"),
    ("NENKG:0005415", "NENKG:0005430", "NENKG:0005440", "stage III", "stage IIIA"),   # the default
    ("NENKG:0005410", "NENKG:0005431", "NENKG:0005440", "stage III", "stage IIIB"),
    ("NENKG:0005415", "NENKG:0005431", "NENKG:0005440", "stage III", "stage IIIB"),
    ("NENKG:0005413", "NENKG:0005430", "NENKG:0005442", "stage IV", "stage IV"),     # M1a meets M1
])
def test_stage_group_for_categories_in_each_scheme(library, query_store, t, n, m, ajcc, enets):
    rows = library.run(query_store, "stage-group-for-categories",
                       {"site": "UBERON:0001264", "t": t, "n": n, "m": m}).dicts()
    assert [(d["scheme"], d["stageLabel"]) for d in rows] == [(AJCC_PANCREAS, ajcc), (ENETS_PANCREAS, enets)]
    assert [str(d["applied"]).lower() for d in rows] == ["true", "false"]


def test_stage_group_for_categories_defaults_and_other_sites(library, query_store):
    rows = library.run(query_store, "stage-group-for-categories").dicts()
    assert [d["stageLabel"] for d in rows] == ["stage III", "stage IIIA"]
    # the ileum has only its AJCC scheme: T2 N2 M0 is stage III
    rows = library.run(query_store, "stage-group-for-categories",
                       {"site": "UBERON:0002116", "t": "NENKG:0005413", "n": "NENKG:0005432"}).dicts()
    assert [(d["scheme"], d["stageLabel"]) for d in rows] == [("NENKG:0005502", "stage III")]
    # N2 (a jejunum and ileum category) meets the shared AJCC "stage III by nodes" criterion,
    # which names N1 or N2, but no ENETS pancreas group, whose IIIB names N1 only
    rows = library.run(query_store, "stage-group-for-categories", {"n": "NENKG:0005432"}).dicts()
    assert [(d["scheme"], d["stageLabel"]) for d in rows] == [(AJCC_PANCREAS, "stage III")]


def test_classify_stages_a_pancreatic_net_with_the_ajcc_8th_scheme_only(knowledge):
    assert ENETS_PANCREAS not in {ns.contract(str(s.iri)) for s in knowledge.staging.schemes}
    out = classify_fields(knowledge, **{**PANCREAS, "size_mm": "15", "invasion_extent": "large vessel"})
    assert ns.contract(out.stage_scheme_iri) == AJCC_PANCREAS
    assert (out.t_category, out.n_category, out.m_category, out.stage_group) == ("T4", "N0", "M0", "stage III")
    assert not out.warnings


@pytest.mark.parametrize("fields, expected", [
    (dict(size_mm="19.9"), ("T1", "N0", "M0", "stage I")),
    (dict(size_mm="20"), ("T2", "N0", "M0", "stage IIA")),       # 2 cm is T2 (T1 is < 2 cm)
    (dict(size_mm="40"), ("T2", "N0", "M0", "stage IIA")),       # 4 cm is still T2
    (dict(size_mm="40.1"), ("T3", "N0", "M0", "stage IIB")),
    (dict(size_mm="12", invasion_extent="duodenum or bile duct"), ("T3", "N0", "M0", "stage IIB")),
    (dict(size_mm="12", invasion_extent="large vessel"), ("T4", "N0", "M0", "stage IIIA")),
    (dict(size_mm="12", invasion_extent="large vessel", positive_nodes="2"), ("T4", "N1", "M0", "stage IIIB")),
    (dict(size_mm="12", positive_nodes="1"), ("T1", "N1", "M0", "stage IIIB")),
    (dict(size_mm="12", distant_metastasis="liver only"), ("T1", "N0", "M1", "stage IV")),  # no M1a in ENETS
])
def test_the_enets_criteria_through_the_staging_evaluator(enets_applied, fields, expected):
    out = classify_fields(enets_applied, **{**PANCREAS, **fields})
    assert ns.contract(out.stage_scheme_iri) == ENETS_PANCREAS
    assert (out.t_category, out.n_category, out.m_category, out.stage_group) == expected


def test_a_scheme_marked_not_applied_is_skipped_by_classify(release_graph):
    k = _with_applied(release_graph, "NENKG:0005505", AJCC_PANCREAS)  # neither pancreas scheme applied
    out = classify_fields(k, **{**PANCREAS, "size_mm": "15"})
    assert out.status == "classified"
    assert out.stage_scheme == "" and out.stage_group == "" and out.t_category == ""


# --- nenkg classify --staging-scheme: the ENETS scheme applied in place of the AJCC one ---------

CLI_ROWS = [
    # record_id, primary_site, size_mm, invasion_extent, positive_nodes, distant_metastasis, AJCC, ENETS
    ("p1", "pancreas", "25", "limited to pancreas", "0", "none", "stage II", "stage IIA"),
    ("p2", "pancreas", "50", "limited to pancreas", "0", "none", "stage II", "stage IIB"),
    ("p3", "pancreas", "12", "large vessel", "0", "none", "stage III", "stage IIIA"),
    ("p4", "pancreas", "12", "limited to pancreas", "3", "none", "stage III", "stage IIIB"),
    ("p5", "pancreas", "12", "limited to pancreas", "0", "liver only", "stage IV", "stage IV"),
    ("s1", "stomach", "8", "submucosa", "0", "none", "stage I", "stage I"),  # no ENETS scheme: AJCC either way
]


def _cli_records(tmp_path, n_copies: int = 1):
    import csv

    path = tmp_path / "pancreas.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["record_id", "primary_site", "differentiation", "ki67_percent", "size_mm", "invasion_extent",
                    "positive_nodes", "distant_metastasis"])
        for i in range(n_copies):
            for rid, site, size, ext, nodes, mets, *_ in CLI_ROWS:
                w.writerow([rid if n_copies == 1 else f"{rid}-{i}", site, "well", "5", size, ext, nodes, mets])
    return path


def test_classify_applies_a_chosen_scheme_and_keeps_the_default_elsewhere(built, tmp_path):
    import csv
    import io

    from cli_util import nenkg

    path = _cli_records(tmp_path)
    default = nenkg("classify", str(path), cwd=built)
    chosen = nenkg("classify", str(path), "--staging-scheme", ENETS_PANCREAS, cwd=built)
    assert default.returncode == 0 and chosen.returncode == 0, (default.stderr, chosen.stderr)
    d = {r["record_id"]: r for r in csv.DictReader(io.StringIO(default.stdout))}
    c = {r["record_id"]: r for r in csv.DictReader(io.StringIO(chosen.stdout))}
    for rid, site, *_, ajcc, enets in CLI_ROWS:
        assert d[rid]["stage_group"] == ajcc, rid
        assert c[rid]["stage_group"] == enets, rid
        if site == "pancreas":
            assert c[rid]["stage_scheme"] == "ENETS 2006 TNM staging of neuroendocrine tumours of the pancreas"
            # the same T and N either way (shared criteria); M1 without the AJCC's M1a
            assert (c[rid]["t_category"], c[rid]["n_category"]) == (d[rid]["t_category"], d[rid]["n_category"])
        else:
            assert c[rid]["stage_scheme"] == d[rid]["stage_scheme"]
    assert (d["p5"]["m_category"], c["p5"]["m_category"]) == ("M1a", "M1")


def test_a_chosen_scheme_gives_the_same_bytes_on_every_path(built, tmp_path):
    from cli_util import nenkg

    path = _cli_records(tmp_path, n_copies=400)  # 2,400 records: several chunks for the workers
    outs = {}
    for name, extra in {"jobs1": ["--jobs", "1"], "jobs2": ["--jobs", "2"], "per-record": ["--per-record"]}.items():
        for fmt in ("csv", "jsonl", "ttl"):
            proc = nenkg("classify", str(path), "--staging-scheme", ENETS_PANCREAS, "--format", fmt, *extra, cwd=built)
            assert proc.returncode == 0, proc.stderr
            outs[name, fmt] = proc.stdout
    for fmt in ("csv", "jsonl", "ttl"):
        assert outs["jobs1", fmt] == outs["jobs2", fmt] == outs["per-record", fmt], fmt
    assert sum("stage IIIA" in line for line in outs["jobs1", "csv"].splitlines()) == 400


@pytest.mark.parametrize("args, says", [
    (["--staging-scheme", "NENKG:0000111"], "NENKG:0000111 is not a staging scheme of the release"),
    (["--staging-scheme", "NOPE:1"], "unknown prefix 'NOPE'"),
    (["--staging-scheme", ENETS_PANCREAS, "--staging-scheme", AJCC_PANCREAS],
     "are both schemes of the same site; choose one"),
])
def test_a_bad_scheme_choice_is_one_line_and_writes_nothing(built, tmp_path, args, says):
    from cli_util import nenkg, one_error_line

    path = _cli_records(tmp_path)
    out = tmp_path / "out.csv"
    proc = nenkg("classify", str(path), "-o", str(out), *args, cwd=built)
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert line.startswith("nenkg: error: --staging-scheme") and says in line, line
    assert not out.exists()
