"""Build hook: the wheel carries the release, the query library and the shapes as ``nenkg/_data``.

The files stay once in the repository (``ontology/``, ``queries/``, ``shapes/``); ``build_py``
copies them into the package of the build folder, laid out as in the repository. Why a hook,
and how the package finds the files, is explained in ``src/nenkg/resources.py``. An editable
install copies nothing: the package then runs from its checkout and reads the repository files.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
#: the same list as nenkg.resources.PACKAGED (a test compares them); MANIFEST.in puts them in the sdist
PACKAGED = (
    "ontology/nenkg.owl", "ontology/nenkg.ttl", "ontology/nenkg.nt", "ontology/nenkg.jsonld",
    "ontology/nenkg-base.owl", "ontology/nenkg-full.owl", "ontology/catalog-v001.xml",
    "ontology/context.jsonld", "ontology/mappings/nenkg.sssom.tsv",
    "queries/**/*.rq", "queries/**/*.md", "shapes/**/*.ttl",
)


class BuildWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "nenkg" / "_data"
        for pattern in PACKAGED:
            found = sorted(HERE.glob(pattern))
            if not found:
                raise SystemExit(f"setup.py: no file matches {pattern} (run `nenkg build` in the checkout first)")
            for path in found:
                rel = path.relative_to(HERE)
                self.mkpath(str((target / rel).parent))
                self.copy_file(str(path), str(target / rel))


setup(cmdclass={"build_py": BuildWithData})
