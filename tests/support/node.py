"""Shared by the /admin, tcb and parity tests: the seed's Node dependencies, installed once."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tests.support.paths import SEED_DIR

SEED_OPENID = "oJ4v0wRAfiXcnIbM3SgGEUkTw3Qw"

# The seed's updatePrinter call as wx-server-sdk 4.0.2 encodes its CommApiData, byte for
# byte (captured from the real SDK: openid, update_type, tagid_list, each value JSON-encoded).
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


# A Node function calling any logistics API through the real SDK, runnable as a script:
# `node index.js '{"method": ..., "data": {...}, "appid": ...}'` prints JSON.stringify(result).
NODE_CALLER = """
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
exports.main = async (event) => {
  const api = event.appid ? cloud.openapi({ appid: event.appid }) : cloud.openapi
  try {
    return await api.logistics[event.method](event.data)
  } catch (err) {
    return err
  }
}
if (require.main === module) {
  exports.main(JSON.parse(process.argv[2])).then((r) => process.stdout.write(JSON.stringify(r)))
}
"""


async def run_node_sdk(
    directory: Path, admin_url: str, event: dict[str, Any], secret_id: str = "AKIDx"
) -> Any:
    """Run NODE_CALLER once with the SDK pointed at ``admin_url``; its result, parsed."""
    node = shutil.which("node")
    assert node is not None, "node is needed on PATH"
    env = {
        "PATH": os.path.dirname(node),
        "TCB_CONTEXT_CNFG": json.dumps({"URL": admin_url}),
        "TENCENTCLOUD_SECRETID": secret_id,
        "TENCENTCLOUD_SECRETKEY": "k",
        "TCB_ENV": "e1",
        "TENCENTCLOUD_RUNENV": "SCF",
    }
    process = await asyncio.create_subprocess_exec(
        node, str(directory / "index.js"), json.dumps(event), env=env, stdout=asyncio.subprocess.PIPE
    )
    stdout, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0
    return json.loads(stdout)
