"""Where the data files of NENKG live: the release, the query library, the QC queries, the shapes.

The package needs files that are not Python code: the release files of ``ontology/`` (the
default data of ``query``, ``serve``, ``load``, ``classify`` and ``check``), the query library
``queries/<group>/*.rq``, the QC queries ``queries/qc/*.rq`` and the SHACL shapes ``shapes/**``.
They are kept ONCE in the repository, at those paths, and found here in one of two places:

* **a source checkout** (the package imported from ``src/nenkg`` of a repository, as with
  ``pip install -e .`` or ``PYTHONPATH=src``): the repository files themselves, so what
  ``nenkg build`` writes is seen at once;
* **an installed wheel**: the copies packaged as ``nenkg/_data/`` (found with
  :mod:`importlib.resources`), laid out like the repository (``_data/ontology/nenkg.owl``,
  ``_data/queries/anatomy/...``, ``_data/shapes/...``), so code that takes a project root
  works unchanged on either.

Why a build hook (``setup.py``: ``build_py`` copies the files into ``nenkg/_data`` of the build
folder) and not the alternatives: a symlink ``src/nenkg/_data -> ..`` breaks on Windows and in
sdists; ``[tool.setuptools.data-files]`` installs under ``<prefix>/share``, where
``importlib.resources`` cannot find them; mapping ``nenkg._data.*`` onto ``queries/`` and
``shapes/`` with ``package-dir`` makes data folders pose as packages (explicit package list,
warnings about missing ``__init__.py``, odd editable installs). The hook keeps one copy in the
repository, names the packaged files in one list (:data:`PACKAGED`, mirrored by ``setup.py`` and
``MANIFEST.in`` for the sdist) and a test installs the built wheel and runs it in an empty folder
(``tests/test_wheel.py``).

A *source tree* (``ontology/src/nenkg.yaml``, the current folder or above, or ``--root``) is
another matter: ``nenkg build`` and ``nenkg check`` of the sources need one; every other
command falls back to :func:`data_root` when there is none.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

#: The packaged files, relative to the data root (globs; ``**`` recurses). setup.py holds the same list.
PACKAGED = (
    "ontology/nenkg.owl", "ontology/nenkg.ttl", "ontology/nenkg.nt", "ontology/nenkg.jsonld",
    "ontology/nenkg-base.owl", "ontology/nenkg-full.owl", "ontology/catalog-v001.xml",
    "ontology/context.jsonld", "ontology/mappings/nenkg.sssom.tsv",
    "queries/**/*.rq", "queries/**/*.md", "shapes/**/*.ttl",
)
SOURCE_HEADER = Path("ontology") / "src" / "nenkg.yaml"

_CHECKOUT = Path(__file__).resolve().parents[2]


def is_source_tree(folder: Path) -> bool:
    """Does ``folder`` hold the ontology sources (``ontology/src/nenkg.yaml``)?"""
    return (Path(folder) / SOURCE_HEADER).is_file()


def find_source_tree(start: Path) -> Path | None:
    """The nearest folder, ``start`` or above, holding the ontology sources; None if there is none."""
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if is_source_tree(folder):
            return folder
    return None


def data_root() -> Path:
    """The folder laid out like the repository that holds the release, queries and shapes:
    the checkout the package runs from, else the packaged ``nenkg/_data``."""
    if is_source_tree(_CHECKOUT) and (_CHECKOUT / "queries").is_dir():
        return _CHECKOUT
    # an installed wheel is unpacked on disk, so the resource is a real folder (a missing file
    # is reported where it is opened, with its path)
    return Path(str(files("nenkg") / "_data"))


def release_dir() -> Path:
    """The release files (``nenkg.owl``, ``nenkg.nt``, ...)."""
    return data_root() / "ontology"


def queries_dir() -> Path:
    """The query library (``<group>/NNN-name.rq``; ``qc/`` holds the QC queries)."""
    return data_root() / "queries"


def qc_dir() -> Path:
    """The QC queries run by ``nenkg check`` and the build's quality gate."""
    return queries_dir() / "qc"


def shapes_dir() -> Path:
    """The SHACL shapes of the ontology (``*.ttl``; ``records/`` holds the record shapes)."""
    return data_root() / "shapes"
