"""The built wheel installs exactly one import package, ``strata``, with its data and types."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = (".git", ".venv", "build", "*.egg-info", "node_modules", "*_cache", "__pycache__")


def test_the_wheel_has_one_top_level_package(tmp_path: Path) -> None:
    source = tmp_path / "src"  # a copy: the build leaves build/ and egg-info behind
    shutil.copytree(ROOT, source, symlinks=True, ignore=shutil.ignore_patterns(*SKIP))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    [wheel] = tmp_path.glob("strata_memory-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names if ".dist-info/" not in n} == {"strata"}
    for needed in [
        "strata/py.typed",
        "strata/api/cli.py",
        "strata/cypher/migrations/V001__constraints.cypher",
        "strata/graph/local/pom.xml",
        "strata/api/static/dashboard/index.html",
        "strata/integrations/langgraph.py",
        "strata/bench/locomo.py",
    ]:
        assert needed in names, needed
    license_files = [n for n in names if n.endswith("LICENSE")]
    assert license_files and b"Apache License" in zipfile.ZipFile(wheel).read(license_files[0])
