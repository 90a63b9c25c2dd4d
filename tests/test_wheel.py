"""The package is the product: the built wheel, installed into a fresh virtual environment, works
in an empty folder with no checkout (release, query library, QC queries and shapes packaged as
``nenkg/_data``), and ``nenkg build`` there says in one line that it needs a source tree.

The wheel is built offline (``pip wheel --no-deps --no-build-isolation --no-index``) from a copy
of the project files, so the working tree gets no ``build/`` or ``*.egg-info``; it is installed
with ``--no-deps`` into a venv whose dependencies come from this test's environment (its
site-packages are appended to the venv's path by a ``.pth`` file, without their ``.pth`` files,
so an editable install of nenkg there stays invisible).
"""

from __future__ import annotations

import ast
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from nenkg import __version__
from nenkg.release import RELEASE_FILES
from nenkg.resources import PACKAGED

PROJECT_FILES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "src", "ontology", "queries", "shapes")
IGNORE = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "dist", "src")  # ontology/src stays out


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INDEX"] = "1"
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel-build")
    for name in PROJECT_FILES:
        src = ROOT / name
        if src.is_dir():
            ignore = IGNORE if name == "ontology" else shutil.ignore_patterns("__pycache__", "*.egg-info")
            shutil.copytree(src, work / name, ignore=ignore)
        else:
            shutil.copy2(src, work / name)
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
                        "-w", str(work / "dist"), str(work)], capture_output=True, text=True, env=_clean_env(), timeout=120)
    assert r.returncode == 0, r.stderr
    (found,) = (work / "dist").glob("nenkg-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    env_dir = tmp_path_factory.mktemp("venv") / "v"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(env_dir)], check=True)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             capture_output=True, text=True, check=True, env=_clean_env()).stdout.strip()
    # the dependencies: this environment's site-packages, after the venv's own
    Path(purelib, "zz-test-environment.pth").write_text("".join(p + "\n" for p in site.getsitepackages()))
    r = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)],
                       capture_output=True, text=True, env=_clean_env(), timeout=120)
    assert r.returncode == 0, r.stderr
    return env_dir


@pytest.fixture
def empty(tmp_path) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder


def nenkg(venv: Path, cwd: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(venv / "bin" / "nenkg"), *args], cwd=cwd, capture_output=True, text=True,
                          env=_clean_env(), timeout=timeout)


def test_wheel_carries_the_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in RELEASE_FILES:
        assert f"nenkg/_data/ontology/{name}" in names, name
    for folder in ("queries", "shapes"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".rq", ".ttl", ".md"):
                assert f"nenkg/_data/{path.relative_to(ROOT)}" in names, path
    assert "nenkg/_data/queries/qc/error-missing_label.rq" in names
    assert "nenkg/_data/shapes/records/tumour-record.ttl" in names
    assert not any(n.startswith("nenkg/_data/ontology/src/") for n in names)


def test_setup_lists_the_same_files_as_the_package():
    tree = ast.parse((ROOT / "setup.py").read_text())
    (value,) = [n.value for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "PACKAGED"]
    assert ast.literal_eval(value) == PACKAGED


def test_installed_package_is_the_wheel(venv, empty):
    r = subprocess.run([str(venv / "bin" / "python"), "-c", "import nenkg.resources as r; print(r.data_root())"],
                       cwd=empty, capture_output=True, text=True, env=_clean_env(), check=True)
    assert r.stdout.strip().startswith(str(venv)) and r.stdout.strip().endswith("nenkg/_data")


def test_commands_in_an_empty_folder(venv, empty):
    r = nenkg(venv, empty, "--version")
    assert r.returncode == 0 and r.stdout.startswith(f"nenkg {__version__}, ontology release ")
    # the installed package's own release, not a checkout's
    assert r.stdout.rstrip().endswith("site-packages/nenkg/_data/ontology/nenkg.owl)")

    r = nenkg(venv, empty, "queries")
    assert r.returncode == 0, r.stderr
    assert "nens-in-organ" in r.stdout and "queries; `nenkg queries NAME` shows one" in r.stdout

    r = nenkg(venv, empty, "queries", "nens-in-organ")
    assert r.returncode == 0 and "queries/anatomy/010-nens-in-organ.rq" in r.stdout

    r = nenkg(venv, empty, "query", "nens-in-organ", "-p", "organ=UBERON:0001264", "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert "pancreatic neuroendocrine tumour" in r.stdout

    r = nenkg(venv, empty, "check")
    assert r.returncode == 0, r.stderr
    assert "0 ERROR" in r.stderr and "_data/ontology/nenkg.owl" in r.stderr

    (empty / "records.csv").write_text("record_id,primary_site,differentiation,ki67_percent\n"
                                       "r1,ileum,well,2.5\nr2,pancreas,poor,80\n")
    r = nenkg(venv, empty, "classify", "records.csv")
    assert r.returncode == 0, r.stderr
    rows = r.stdout.splitlines()
    assert rows[0].startswith("record_id,status,category") and len(rows) == 3
    assert rows[1].startswith("r1,classified,") and ",G1," in rows[1]
    assert rows[2].startswith("r2,classified,")
    assert "2 records in, 2 classified, 0 not a NEN, 0 rejected" in r.stderr

    r = nenkg(venv, empty, "load", "--store", "store", "records.csv")
    assert r.returncode == 0, r.stderr
    assert "https://w3id.org/nenkg/nenkg.owl: " in r.stdout and "2 classified, 0 not a NEN, 0 rejected" in r.stdout
    r = nenkg(venv, empty, "query", "record-counts-by-site", "--store", "store", "--format", "csv")
    assert r.returncode == 0 and "ileum" in r.stdout.lower(), r.stderr

    assert sorted(p.name for p in empty.iterdir()) == ["records.csv", "store"]  # nothing else written there


def test_build_needs_a_source_tree(venv, empty):
    r = nenkg(venv, empty, "build")
    assert r.returncode == 2
    assert r.stdout == "" and len(r.stderr.strip().splitlines()) == 1
    assert "needs a source tree" in r.stderr and "ontology/src/nenkg.yaml" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("before", [True, False], ids=["root-before", "root-after"])
def test_root_before_or_after_the_subcommand(empty, before):
    args = ["--root", str(empty), "build"] if before else ["build", "--root", str(empty)]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    r = subprocess.run([sys.executable, "-m", "nenkg.cli.main", *args], capture_output=True, text=True, env=env, cwd=ROOT)
    assert r.returncode == 2
    assert f"needs a source tree: no ontology/src/nenkg.yaml in {empty.resolve()}" in r.stderr


def test_docs_from_the_wheel(venv, empty):
    """`nenkg docs` of the installed package: templates, style sheet and layout program found
    without a checkout."""
    r = nenkg(venv, empty, "docs", "-o", "site", timeout=300)
    assert r.returncode == 0, r.stderr
    assert (empty / "site" / "static" / "docs.css").is_file()
    page = (empty / "site" / "terms" / "NENKG_0000111.html").read_text(encoding="utf-8")
    assert "<svg" in page and "pancreas" in page
