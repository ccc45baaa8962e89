"""The real wx-server-sdk (a node process) on the emulator's /admin wire: media in, images out, open data."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import pytest

import cloudfn
from cloudfn.emulator.server import RunningEmulator
from cloudfn.errors import CloudSDKError
from tests.support.node import node_function, run_node_sdk
from tests.support.qr import decode_qr

# One Node function doing what the event asks; bytes cross the process boundary as base64.
NODE_SOURCE = """
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
exports.main = async (event) => {
  try {
    if (event.op === 'imgSecCheck') {
      return await cloud.openapi.security.imgSecCheck({
        media: { contentType: 'image/png', value: Buffer.from(event.image, 'base64') },
      })
    }
    if (event.op === 'getUnlimited') {
      const r = await cloud.openapi.wxacode.getUnlimited(event.data)
      return { contentType: r.contentType, isBuffer: Buffer.isBuffer(r.buffer),
               image: r.buffer.toString('base64'), errCode: r.errCode, errMsg: r.errMsg }
    }
    if (event.op === 'getOpenData') {
      return await cloud.getOpenData({ list: event.list })
    }
  } catch (err) {
    return { thrown: true, errCode: err.errCode, errMsg: err.errMsg }
  }
}
if (require.main === module) {
  exports.main(JSON.parse(process.argv[2])).then((r) => process.stdout.write(JSON.stringify(r)))
}
"""

PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture
def node_dir(tmp_path: Path) -> Path:
    return node_function(tmp_path / "calls", NODE_SOURCE)


async def node(directory: Path, emulator: RunningEmulator, event: dict[str, Any]) -> Any:
    return await run_node_sdk(directory, f"{emulator.base_url}/admin", event)


def tcb_cloud(emulator: RunningEmulator) -> cloudfn.Cloud:
    return cloudfn.init(base_url=emulator.base_url, transport="tcb", env="e1")


async def test_img_sec_check_reads_the_node_sdks_media_part(
    node_dir: Path, emulator: RunningEmulator
) -> None:
    emulator.state.arrange({"security": {"riskyImages": [hashlib.sha256(PNG_1PX).hexdigest()]}})
    risky = await node(node_dir, emulator, {"op": "imgSecCheck", "image": base64.b64encode(PNG_1PX).decode()})
    assert risky["thrown"] and risky["errCode"] == 87014
    clean = await node(
        node_dir, emulator, {"op": "imgSecCheck", "image": base64.b64encode(b"other").decode()}
    )
    assert clean == {"errMsg": "openapi.security.imgSecCheck:ok", "errCode": 0}
    checks = emulator.state.snapshot()["apps"][emulator.appid]["security"]["checks"]
    assert [c["sha256"] for c in checks] == [
        hashlib.sha256(PNG_1PX).hexdigest(),
        hashlib.sha256(b"other").hexdigest(),
    ]


async def test_get_unlimited_reaches_node_as_a_buffer_equal_to_pythons(
    node_dir: Path, emulator: RunningEmulator
) -> None:
    data = {"scene": "id=42", "page": "pages/index/index", "checkPath": False, "width": 300}
    answered = await node(node_dir, emulator, {"op": "getUnlimited", "data": data})
    assert answered["isBuffer"] and answered["contentType"] == "image/png"
    assert answered["errMsg"] == "openapi.wxacode.getUnlimited:ok"
    image = base64.b64decode(answered["image"])
    assert decode_qr(image) == ["pages/index/index?scene=id=42"]
    async with tcb_cloud(emulator) as cloud:
        python = await cloud.openapi.wxacode.getUnlimited(data)
    assert python["buffer"] == image


async def test_get_open_data_exchanges_arranged_cloud_ids_as_node_does(
    node_dir: Path, emulator: RunningEmulator
) -> None:
    steps = {"stepInfoList": [{"timestamp": 1603641600, "step": 1234}]}
    emulator.state.arrange({"cloudbase": {"cloudIDs": {"cid-run": steps, "cid-share": {"openGId": "g1"}}}})
    wanted = ["cid-run", "cid-share"]
    node_answer = await node(node_dir, emulator, {"op": "getOpenData", "list": wanted})
    assert node_answer == {
        "list": [{"cloudID": "cid-run", "data": steps}, {"cloudID": "cid-share", "data": {"openGId": "g1"}}],
        "errMsg": "getOpenData:ok",
        "errCode": 0,
    }
    node_unknown = await node(node_dir, emulator, {"op": "getOpenData", "list": ["cid-nope"]})
    for transport in ("tcb", "https"):
        async with cloudfn.init(
            base_url=emulator.base_url,
            appid=emulator.appid,
            secret=emulator.secret,
            transport=transport,
            env="e1",
        ) as cloud:
            assert await cloud.getOpenData({"list": wanted}) == node_answer, transport
            with pytest.raises(CloudSDKError) as info:
                await cloud.getOpenData({"list": ["cid-nope"]})
        assert {"thrown": True, "errCode": info.value.errCode, "errMsg": info.value.errMsg} == node_unknown
    assert node_unknown["errCode"] == -601005  # the platform's refusal, thrown as it comes
    snapshot = emulator.state.snapshot()["apps"][emulator.appid]["cloudbase"]
    assert snapshot == {"cloudIDs": ["cid-run", "cid-share"], "exchanged": wanted * 3}


async def test_get_open_data_refuses_bad_options_worded_as_the_sdk(emulator: RunningEmulator) -> None:
    # The Node SDK's words for these (run against it: errCode -1, nothing sent).
    async with tcb_cloud(emulator) as cloud:
        with pytest.raises(CloudSDKError) as info:
            await cloud.getOpenData({})
        assert (info.value.errCode, info.value.errMsg) == (-1, "getOpenData:fail list must be provided")
        with pytest.raises(CloudSDKError) as info:
            await cloud.getOpenData(None)
        assert info.value.errMsg == (
            "getOpenData:fail undefined . Params for getOpenData must be an object instead of undefined"
        )
        assert await cloud.getOpenData({"list": []}) == {"list": [], "errMsg": "getOpenData:ok", "errCode": 0}
