"""Shared by the /admin, tcb and parity tests: the seed's Node dependencies, installed once."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "examples" / "update_printer"
SEED_EVENTS = SEED_DIR / "events.jsonl"
SEED_OPENID = "oJ4v0wRAfiXcnIbM3SgGEUkTw3Qw"

# The reference's byte-exact test vector (../shared/reference/node-sdk-wire.md): the
# seed's updatePrinter call as wx-server-sdk 4.0.2 encodes its CommApiData.
SEED_VECTOR = bytes.fromhex(
    "0800125a0a280a066f70656e6964121e226f4a347630775241666958636e49624d3353674745556b5477335177"
    "220a150a0b7570646174655f7479706512062262696e64220a170a0a74616769645f6c6973741209223132332c34353622"
)


def ensure_node_modules() -> Path:
    """`npm ci` in the seed when its node_modules is missing (tests never skip for it)."""
    if not (SEED_DIR / "node_modules" / "wx-server-sdk").is_dir():
        npm = shutil.which("npm")
        assert npm is not None, "npm is needed to install the seed's Node dependencies"
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=SEED_DIR, check=True, timeout=300)
    return SEED_DIR / "node_modules"


def node_function(directory: Path, source: str) -> Path:
    """A Node function in ``directory`` that can require wx-server-sdk (the seed's node_modules)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "index.js").write_text(source, encoding="utf-8")
    (directory / "config.json").write_text(
        (SEED_DIR / "config.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (directory / "node_modules").symlink_to(ensure_node_modules(), target_is_directory=True)
    return directory
