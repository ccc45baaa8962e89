"""A wheel built from the repo carries the schemas and works outside the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_schemas_and_type_marker(tmp_path: Path) -> None:
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = (tmp_path / "dist").glob("cloudfn-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped_specs = {n for n in names if n.startswith("cloudfn/schemas/") and n.endswith(".json")}
    repo_specs = {p.relative_to(ROOT).as_posix() for p in (ROOT / "cloudfn" / "schemas").rglob("*.json")}
    assert shipped_specs == repo_specs
    assert "cloudfn/py.typed" in names

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = (
        "import json, cloudfn\n"
        "from cloudfn.api.registry import default_registry\n"
        "print(json.dumps([cloudfn.__file__, default_registry().names()]))\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(site)},
    )
    assert ran.returncode == 0, ran.stderr
    location, names_loaded = json.loads(ran.stdout)
    assert location.startswith(str(site))  # the wheel's copy, not the checkout
    assert "logistics.updatePrinter" in names_loaded and "logistics.getPrinter" in names_loaded
