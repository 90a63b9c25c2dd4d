"""Shared fixtures. The real release is built once per session into a temporary copy of the
project (so tests never touch the working tree), with real HermiT."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def generate_records(path: Path, n: int, seed: int = 7) -> Path:
    """Write ``n`` synthetic tumour records (CSV) with the benchmark generator, reproducibly."""
    import subprocess
    import sys

    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "gen_records.py"), str(n), str(path), "--seed", str(seed)],
                   check=True)
    return path


def copy_project(dest: Path) -> Path:
    """A minimal project copy (sources only) that `nenkg build` can run in."""
    shutil.copytree(ROOT / "ontology" / "src", dest / "ontology" / "src")
    return dest


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """Project copy with a fresh release built by the library (HermiT included)."""
    from nenkg.release import build

    root = copy_project(tmp_path_factory.mktemp("project"))
    build(root)
    return root


@pytest.fixture(scope="session")
def release_graph(built) -> Graph:
    return Graph().parse(built / "ontology" / "nenkg.owl", format="xml")


@pytest.fixture(scope="session")
def ancestors(release_graph):
    """Ancestors of a class (IRI or CURIE) in the release: asserted and inferred named
    superclasses, and named equivalents, transitively (the class itself only through a cycle)."""
    from collections import defaultdict

    from rdflib import URIRef
    from rdflib.namespace import OWL, RDFS

    from nenkg import namespaces as ns

    parents = defaultdict(set)
    for s, o in release_graph.subject_objects(RDFS.subClassOf):
        if isinstance(o, URIRef):
            parents[s].add(o)
    for s, o in release_graph.subject_objects(OWL.equivalentClass):
        if isinstance(o, URIRef):
            parents[s].add(o)
            parents[o].add(s)

    def closure(node) -> set:
        start = node if isinstance(node, URIRef) else URIRef(ns.expand(node))
        seen, todo = set(), [start]
        while todo:
            for p in parents[todo.pop()] - seen:
                seen.add(p)
                todo.append(p)
        return seen

    return closure


@pytest.fixture(scope="session")
def knowledge(release_graph):
    """The classifier's knowledge read from the fresh release."""
    from nenkg.grading import Knowledge

    return Knowledge(release_graph)


def embedded_with_records(built: Path, records: Path):
    """An in-memory embedded store holding the fresh release and one record file, loaded the
    way `nenkg load` loads it: the reference the remote stores are compared with."""
    from nenkg.cli.query import _load_records
    from nenkg.grading import load_knowledge
    from nenkg.store import EmbeddedStore

    store = EmbeddedStore()
    store.load_release(built / "ontology")
    _load_records(store, records, load_knowledge(built / "ontology" / "nenkg.owl"))
    return store


def classify_fields(knowledge, **fields):
    """Parse one record given as field texts and classify it (the per-record path)."""
    from nenkg.grading import Classifier
    from nenkg.records import RecordReader

    raw = {"record_id": "case", **{k: str(v) for k, v in fields.items()}}
    return Classifier(knowledge).classify(RecordReader(knowledge).parse(raw))


def write_project(root: Path, modules: dict[str, str], header_extra: str = "") -> Path:
    """A tiny project with the given YAML modules (name -> text) after the real header files."""
    src = root / "ontology" / "src"
    src.mkdir(parents=True)
    for name in ("sources.yaml", "properties.yaml", "external.yaml"):
        shutil.copy(ROOT / "ontology" / "src" / name, src / name)
    names = ["sources.yaml", "properties.yaml", "external.yaml", *modules]
    (src / "nenkg.yaml").write_text(
        "ontology:\n"
        "  iri: https://w3id.org/nenkg/nenkg.owl\n"
        '  version: "2000-01-01"\n'
        "  title: fixture\n"
        "  description: a fixture ontology\n"
        "  license: https://creativecommons.org/licenses/by/4.0/\n"
        + header_extra
        + "modules:\n" + "".join(f"  - {n}\n" for n in names),
        encoding="utf-8",
    )
    for name, text in modules.items():
        (src / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def library():
    """The query library of the working tree (queries/**.rq without queries/qc)."""
    from nenkg.library import Library

    return Library.load(ROOT)


@pytest.fixture(scope="session")
def query_store(built):
    """An in-memory embedded store holding the freshly built release (do not modify it)."""
    from nenkg.store import EmbeddedStore

    store = EmbeddedStore()
    store.load_release(built / "ontology")
    return store


@pytest.fixture(scope="session")
def nenkg_server(built):
    """``nenkg serve`` (a real process on 127.0.0.1) over the fresh release plus the fixture
    file with a malicious label, the fixture query library, short limits for the tests."""
    from serve_util import FIXTURES, Server

    server = Server(built / "ontology", "--data", str(FIXTURES / "malicious.nt"), "--timeout", "3",
                    "--max-rows", "500", "--max-request-bytes", "8192", "--workers", "2")
    yield server
    server.stop()


#: Figures a test wants shown at the end of every run, passed or failed (pytest hides stdout).
REPORT_LINES: list[str] = []


def pytest_terminal_summary(terminalreporter) -> None:
    for line in REPORT_LINES:
        terminalreporter.write_line(line)
