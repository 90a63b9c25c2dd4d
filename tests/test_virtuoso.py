"""Remote-store tests against Virtuoso open source (Debian's ``virtuoso-opensource``, installed by
.ci/run): a fresh database on 127.0.0.1, loaded through ``nenkg load --endpoint --graph-store``
(Virtuoso's Graph Store Protocol service with digest authentication, user dba from ~/.netrc), and
every library query compared with the embedded store. The server is stopped at the end, always.

Without ``virtuoso-t`` the tests are skipped with a one-line reason, unless
``NENKG_REQUIRE_VIRTUOSO=1`` is set: then its absence is a failure (``.ci/run`` installs Debian's
``virtuoso-opensource`` and sets it)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, embedded_with_records, generate_records
from test_store import normalise
from virtuoso_util import Virtuoso, available

from nenkg.store import (
    RECORDS_GRAPH_BASE,
    RELEASE_GRAPH,
    RemoteStore,
    StoreError,
)

REQUIRED = os.environ.get("NENKG_REQUIRE_VIRTUOSO") == "1"
MISSING = "no virtuoso-t found (apt-get install -y virtuoso-opensource; NENKG_REQUIRE_VIRTUOSO=1 makes this a failure)"
if not available() and not REQUIRED:
    pytestmark = pytest.mark.skip(reason=MISSING)  # decided before anything is built or started
XSD = "http://www.w3.org/2001/XMLSchema#"

# Library queries Virtuoso 7.2.5 (Debian's virtuoso-opensource 7.2.5.1) answers wrongly or not at all.
# Virtuoso compiles a `*` / `+` property path into a transitive subquery, which must be given one
# end (documented, "Transitivity in SPARQL"; a path open at both ends fails with "TR...: transitive
# start not given"). Joined with the other patterns of a query, 7.2.5 returns too few rows: two
# paths on one variable, `?s rdfs:subClassOf* A . ?s rdfs:subClassOf* B`, give 0 rows where SPARQL
# 1.1 gives 11; `?s rdfs:subClassOf+ A . ?s rdfs:subClassOf* A` gives 0 of 10; and whether a single
# path joined with triple patterns answers right depends on the order of the patterns and on the
# query's other parts. Each path alone, with a constant or VALUES end, answers right. This is a
# defect of 7.2.5's SQL compilation, not a documented dialect. Five library queries are written
# in standard forms it answers right (queries/README.md: closures in sub-SELECTs with the start
# bound inside, `p*` as `p+` UNION the zero-length case, a path with both ends bound as FILTER
# EXISTS outside the OPTIONALs). The same forms did not help the queries below: joined with
# their other parts (further paths, rdf:rest* lists, OPTIONALs, parameters) 7.2.5 still loses
# rows, answers rows that are not there (the NEN root for somatostatin), stops its compiler
# (SP031 on a FILTER beside a BIND in a UNION branch) or runs past its time limit. Counts below
# are embedded -> Virtuoso, with the test's 300 records. Virtuoso also repeats a node once per
# path where SPARQL 1.1 gives it once; the library's path queries are SELECT DISTINCT
# (classes-without-xrefs for that reason) or have their paths inside EXISTS, so that difference
# does not show.
JOINED = "* or + paths joined with other patterns: Virtuoso 7.2.5 returns too few rows"
VIRTUOSO_CANNOT = {
    "t-category-for-findings": JOINED + " (2 -> 0: site-scope paths inside nested FILTER EXISTS and NOT EXISTS)",
    "who-grade-for-findings": JOINED + " (3 -> 1: the site-scope path inside FILTER NOT EXISTS, once a record graph is loaded)",
    "carcinoid-syndrome-causes": JOINED + " (44 -> 4)",
    "classes-of-grade": JOINED + " (6 -> 5: the site, an OPTIONAL reached through rdf:rest*, is lost)",
    "hereditary-predispositions": JOINED + " (105 -> 0)",
    "nens-producing-hormone": JOINED + " (5 -> 0)",
    "syndromes-predisposing-to": JOINED + " (28 -> 0)",
    "treatments-for-nen": "* or + paths joined with other patterns: Virtuoso 7.2.5 answers other rows (13 -> 20)",
    "treatments-by-entity-and-setting": JOINED + " (the class's ancestors joined with the syndromes it causes)",
    "genetic-tests-for-syndrome": JOINED + " (1 -> 0)",
    "stage-group-for-categories": "Virtuoso 7.2.5 answers rows that are not there (2 -> 6: the parameter's `*` path inside FILTER EXISTS; as OPTIONALs, 2 -> 9)",
    "tests-for-hormone-excess": "Virtuoso error SQ200 ('No column ... trans_subj': * paths inside UNION branches)",
    "nens-in-organ": "Virtuoso error SQ156 (internal optimized compiler error, 'unknown table for a column')",
    "functioning-gep-tumours": "Virtuoso error SQ156 (internal optimized compiler error, 'unknown table for a column')",
    "organ-parts": "Virtuoso error SP031 (SPARQL compiler internal error in sparp_gp_deprecate: FILTER over an equivalence)",
    "seed-symptoms": "Virtuoso error SQ074 compiling the SQL it generates",
    "tests-for-nen": "ends the Virtuoso 7.2.5 server process (so it is not run)",
}
NOT_RUN = {"tests-for-nen"}


def nenkg(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nenkg.cli.main", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    if not available():
        pytest.fail(f"NENKG_REQUIRE_VIRTUOSO=1 but {MISSING.split(' (')[0]}: install Debian's package with "
                    "apt-get install -y virtuoso-opensource (.ci/run does)")
    server = Virtuoso(tmp_path_factory.mktemp("virtuoso"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def netrc_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("netrc") / "netrc"
    path.write_text("machine 127.0.0.1\nlogin dba\npassword dba\n", encoding="utf-8")
    path.chmod(0o600)
    return path


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> Path:
    return generate_records(tmp_path_factory.mktemp("vrecords") / "sample.csv", 300)


@pytest.fixture(scope="module")
def loaded(virtuoso, netrc_file, built, records):
    out = nenkg("load", "--endpoint", virtuoso.endpoint, "--graph-store", virtuoso.graph_store,
                "--ontology", str(built / "ontology"), str(records), env={"NETRC": str(netrc_file)})
    assert out.returncode == 1, out.stderr  # the generator puts a bad row in: reported, the rest loaded
    assert RELEASE_GRAPH + ": " in out.stdout and RECORDS_GRAPH_BASE + "sample: 300 records" in out.stdout
    return RemoteStore(virtuoso.endpoint)


@pytest.fixture(scope="module")
def local(built, records):
    return embedded_with_records(built, records)


def comparable(result, booleans: set[int] | None = None):
    """Rows as sorted text: Virtuoso breaks ORDER BY ties its own way, writes xsd:boolean as 0/1
    (and a boolean expression as an xsd:integer 0/1), and an xsd:string literal with its datatype."""
    if result.kind != "select":
        return normalise(result)
    variables, rows = normalise(result)

    def term(i: int, x: str | None) -> str | None:
        if x is None:
            return None
        x = x.replace(f"^^<{XSD}string>", "")
        kinds = "boolean|integer" if booleans and i in booleans else "boolean"
        m = re.fullmatch(rf'"([01])"\^\^<{XSD}(?:{kinds})>', x)
        return f'"{"true" if m.group(1) == "1" else "false"}"^^<{XSD}boolean>' if m else x

    return variables, sorted((tuple(term(i, x) for i, x in enumerate(row)) for row in rows), key=str)


def boolean_columns(result) -> set[int]:
    return {i for row in result.rows for i, t in enumerate(row)
            if t is not None and getattr(getattr(t, "datatype", None), "value", "") == XSD + "boolean"}


def test_graphs_and_counts(loaded, local):
    assert [g for g in loaded.graphs() if g.startswith("https://w3id.org/nenkg/")] == local.graphs()
    for g in local.graphs():
        assert loaded.count(g) == local.count(g), g


def test_library_same_answers_as_the_embedded_store(loaded, local, library):
    assert set(VIRTUOSO_CANNOT) <= set(library.names())
    compared = [n for n in library.names() if n not in VIRTUOSO_CANNOT]
    assert len(compared) >= 10
    for name in compared:
        mine = library.run(local, name)
        theirs = library.run(loaded, name)
        assert comparable(theirs, boolean_columns(mine)) == comparable(mine), name


def test_excused_queries_still_differ(loaded, local, library):
    """The excuses stay true: each excused query fails or answers differently on this Virtuoso (when
    one starts to agree, it leaves VIRTUOSO_CANNOT and is compared like the others)."""
    agree = []
    for name in sorted(set(VIRTUOSO_CANNOT) - NOT_RUN):
        mine = library.run(local, name)
        try:
            theirs = library.run(loaded, name, timeout=60)
        except StoreError:
            continue
        if comparable(theirs, boolean_columns(mine)) == comparable(mine):
            agree.append(name)
    assert agree == [], "now the same on Virtuoso: remove from VIRTUOSO_CANNOT"


def test_reload_replaces_the_graph(virtuoso, netrc_file, built, loaded, local):
    out = nenkg("load", "--endpoint", virtuoso.endpoint, "--graph-store", virtuoso.graph_store,
                "--ontology", str(built / "ontology"), env={"NETRC": str(netrc_file)})
    assert out.returncode == 0, out.stderr
    assert loaded.count(RELEASE_GRAPH) == local.count(RELEASE_GRAPH)


def test_credentials_in_the_url_and_wrong_ones(virtuoso, built, loaded, tmp_path):
    no_netrc = {"NETRC": str(tmp_path / "none")}
    good = virtuoso.graph_store.replace("http://", "http://dba:dba@")
    out = nenkg("load", "--endpoint", virtuoso.endpoint, "--graph-store", good, "--ontology", str(built / "ontology"),
                env=no_netrc)
    assert out.returncode == 0, out.stderr
    for url in (virtuoso.graph_store.replace("http://", "http://dba:Xq7-not-it@"), virtuoso.graph_store):
        out = nenkg("load", "--endpoint", virtuoso.endpoint, "--graph-store", url, "--ontology",
                    str(built / "ontology"), env=no_netrc)
        assert out.returncode == 2 and "answered 401" in out.stderr and "~/.netrc" in out.stderr
        assert "Traceback" not in out.stderr and "Xq7-not-it" not in out.stderr  # the password is never shown
    with pytest.raises(StoreError, match="answered 401"):
        RemoteStore(virtuoso.endpoint, graph_store=virtuoso.graph_store).load_file(
            built / "ontology" / "nenkg.nt", RELEASE_GRAPH)
