"""The API specs (top-level ``schemas/``) load however cloudfn is installed: wheel, sdist, editable.

Each install goes into its own folder and is probed by a fresh interpreter
started with ``-S`` (no site-packages, so not this checkout's own install):
cloudfn must come from that folder and find every spec of the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.support.paths import ROOT

REPO_SPECS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "schemas").rglob("*.json"))
REPO_NAMES = sorted(json.loads((ROOT / p).read_text(encoding="utf-8"))["api"] for p in REPO_SPECS)

PROBE = (
    "import json, site, sys\n"
    "if len(sys.argv) > 1: site.addsitedir(sys.argv[1])  # runs the editable install's .pth\n"
    "import cloudfn\n"
    "from cloudfn.api.registry import default_registry\n"
    "from cloudfn.config import FunctionConfig\n"
    "FunctionConfig.from_dict({'permissions': {'openapi': []}})  # the format schemas ship too\n"
    "print(json.dumps([cloudfn.__file__, default_registry().names()]))\n"
)


def run(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args}: {done.stderr}"
    return done


def probe(site_dir: Path, *, cwd: Path, add_site: bool = False) -> tuple[str, list[str]]:
    """Where cloudfn is imported from and the API names it knows, in an interpreter without site-packages."""
    # The probe imports jsonschema (config.json's format); put only that dependency's folder on the path.
    deps = Path(site.getsitepackages()[0])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site_dir), str(deps)] if not add_site else [str(deps)]),
    }
    argv = [sys.executable, "-S", "-c", PROBE] + ([str(site_dir)] if add_site else [])
    ran = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=60, env=env)
    assert ran.returncode == 0, ran.stderr
    location, names = json.loads(ran.stdout)
    return location, names


def pip_install(target: Path, *what: str) -> None:
    run(sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), *what)


def test_wheel_ships_the_specs_inside_the_package(tmp_path: Path) -> None:
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path / "dist"), str(ROOT))
    [wheel] = (tmp_path / "dist").glob("cloudfn-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = sorted(n.removeprefix("cloudfn/") for n in names if n.startswith("cloudfn/schemas/"))
    assert shipped == REPO_SPECS
    assert {
        "cloudfn/formats/api.schema.json",
        "cloudfn/formats/config.schema.json",
        "cloudfn/py.typed",
    } <= names

    pip_install(tmp_path / "site", str(wheel))
    location, loaded = probe(tmp_path / "site", cwd=tmp_path)
    assert location.startswith(str(tmp_path / "site"))  # the installed copy, not the checkout
    assert loaded == REPO_NAMES


def test_sdist_carries_the_specs_and_installs_with_them(tmp_path: Path) -> None:
    run(sys.executable, "-m", "build", "--sdist", "--outdir", str(tmp_path / "dist"), str(ROOT))
    [sdist] = (tmp_path / "dist").glob("cloudfn-*.tar.gz")
    pip_install(tmp_path / "site", str(sdist))
    location, loaded = probe(tmp_path / "site", cwd=tmp_path)
    assert location.startswith(str(tmp_path / "site"))
    assert loaded == REPO_NAMES


def test_editable_install_reads_the_checkouts_specs_live(tmp_path: Path) -> None:
    project = tmp_path / "project"
    for name in ("cloudfn", "schemas"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "hatch_build.py", "README.md"):
        shutil.copy(ROOT / name, project / name)
    pip_install(tmp_path / "site", "--editable", str(project))
    assert not (tmp_path / "site" / "cloudfn").exists()  # no copy to go stale

    # A namespace added after installing is picked up: the install reads the checkout itself.
    added = json.loads((ROOT / "schemas/logistics/getPrinter.json").read_text(encoding="utf-8"))
    (project / "schemas" / "probe").mkdir()
    (project / "schemas" / "probe" / "ping.json").write_text(json.dumps({**added, "api": "probe.ping"}))

    location, loaded = probe(tmp_path / "site", cwd=tmp_path, add_site=True)
    assert location == str(project / "cloudfn" / "__init__.py")
    assert loaded == sorted([*REPO_NAMES, "probe.ping"])
