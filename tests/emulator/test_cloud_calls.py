"""The common cloud calls against the emulator over HTTPS: state kept, files in and out, stubs."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator

import pytest

import cloudfn
from cloudfn.emulator.binary import Binary
from cloudfn.emulator.server import RunningEmulator, run_emulator
from cloudfn.emulator.state import SEED_OPENID
from tests.support.emulator import api_requests
from tests.support.logistics import make_cloud
from tests.support.qr import decode_qr, pixels
from tests.support.spec_bodies import TINY_PNG


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    async with run_emulator() as running:
        yield running


@pytest.fixture
async def cloud(emulator: RunningEmulator) -> AsyncIterator[cloudfn.Cloud]:
    async with make_cloud(emulator) as made:
        yield made


# -- wxacode ----------------------------------------------------------------


async def test_get_unlimited_answers_a_png_of_the_width_asked_holding_page_and_scene(
    cloud: cloudfn.Cloud,
) -> None:
    result = await cloud.openapi.wxacode.getUnlimited(scene="id=42", page="pages/index/index", width=300)

    assert result["errCode"] == 0 and result["errMsg"] == "openapi.wxacode.getUnlimited:ok"
    assert result["contentType"] == "image/png" and result["buffer"].startswith(b"\x89PNG\r\n\x1a\n")
    width, height, _, info = pixels(result["buffer"])
    assert (width, height, info["alpha"]) == (300, 300, False)
    assert decode_qr(result["buffer"]) == ["pages/index/index?scene=id=42"]


async def test_hyaline_and_line_colour_are_drawn(cloud: cloudfn.Cloud) -> None:
    result = await cloud.openapi.wxacode.get(
        path="pages/item/item?id=7", width=280, isHyaline=True, lineColor={"r": 200, "g": "0", "b": 0}
    )
    _, _, rows, info = pixels(result["buffer"])
    assert info["alpha"]
    colours = {tuple(row[i : i + 4]) for row in rows for i in range(0, len(row), 4)}
    assert colours == {(200, 0, 0, 255), (255, 255, 255, 0)}
    assert decode_qr(result["buffer"]) == ["pages/item/item?id=7"]


async def test_get_unlimited_refuses_an_unknown_page_unless_arranged_or_unchecked(
    emulator: RunningEmulator, cloud: cloudfn.Cloud
) -> None:
    with pytest.raises(cloudfn.CloudSDKError) as refused:
        await cloud.openapi.wxacode.getUnlimited(scene="a=1", page="pages/shop/shop")
    assert refused.value.errCode == 41030

    unchecked = await cloud.openapi.wxacode.getUnlimited(scene="a=1", page="pages/shop/shop", checkPath=False)
    assert decode_qr(unchecked["buffer"]) == ["pages/shop/shop?scene=a=1"]

    emulator.state.arrange({"wxacode": {"pages": ["pages/shop/shop"]}})
    checked = await cloud.openapi.wxacode.getUnlimited(scene="a=1", page="pages/shop/shop")
    assert checked["buffer"] == unchecked["buffer"]


async def test_a_scene_over_32_characters_is_refused_before_sending(
    emulator: RunningEmulator, cloud: cloudfn.Cloud
) -> None:
    with pytest.raises(cloudfn.CloudSDKError) as refused:
        await cloud.openapi.wxacode.getUnlimited(scene="x" * 33)
    assert refused.value.errCode == 40097 and "scene" in str(refused.value)
    assert api_requests(emulator, "wxacode.getUnlimited") == []


# -- subscribeMessage ---------------------------------------------------------


async def _template(cloud: cloudfn.Cloud) -> tuple[str, list[str]]:
    # The wire names these fields in camelCase, so case conversion is turned off for the call.
    templates = cloud.openapi(convertCase=False).subscribeMessage
    added = await templates.addTemplate({"tid": "99", "kidList": [1, 2], "sceneDesc": "付款"})
    [listed] = (await templates.getTemplateList())["data"]
    assert listed["priTmplId"] == added["priTmplId"] and listed["title"] == "付款成功通知"
    assert listed["content"] == "物品名称:{{thing1.DATA}}\n付款金额:{{amount2.DATA}}\n"
    return added["priTmplId"], ["thing1", "amount2"]


async def test_send_needs_a_subscription_and_uses_up_a_one_off_one(
    emulator: RunningEmulator, cloud: cloudfn.Cloud
) -> None:
    template_id, _ = await _template(cloud)
    message = {
        "touser": SEED_OPENID,
        "templateId": template_id,
        "data": {"thing1": {"value": "咖啡"}, "amount2": {"value": "12元"}},
    }
    with pytest.raises(cloudfn.CloudSDKError) as refused:
        await cloud.openapi.subscribeMessage.send(message)
    assert refused.value.errCode == 43101

    emulator.state.arrange(
        {"subscribeMessage": {"subscriptions": [{"openid": SEED_OPENID, "templateId": template_id}]}}
    )
    assert (await cloud.openapi.subscribeMessage.send(message))["errCode"] == 0
    with pytest.raises(cloudfn.CloudSDKError) as used_up:
        await cloud.openapi.subscribeMessage.send(message)
    assert used_up.value.errCode == 43101

    sent = emulator.state.snapshot()["apps"][emulator.appid]["subscribeMessage"]["sent"]
    assert sent == [{"touser": SEED_OPENID, "template_id": template_id, "data": message["data"]}]


async def test_send_checks_data_against_the_templates_keywords(
    emulator: RunningEmulator, cloud: cloudfn.Cloud
) -> None:
    template_id, _ = await _template(cloud)
    emulator.state.arrange(
        {"subscribeMessage": {"subscriptions": [{"openid": SEED_OPENID, "templateId": template_id}]}}
    )
    with pytest.raises(cloudfn.CloudSDKError) as refused:
        await cloud.openapi.subscribeMessage.send(
            touser=SEED_OPENID, templateId=template_id, data={"thing1": {"value": "咖啡"}}
        )
    assert refused.value.errCode == 47003 and "amount2" in str(refused.value)


async def test_delete_template_removes_it(cloud: cloudfn.Cloud) -> None:
    template_id, _ = await _template(cloud)
    await cloud.openapi(convertCase=False).subscribeMessage.deleteTemplate({"priTmplId": template_id})
    assert (await cloud.openapi.subscribeMessage.getTemplateList())["data"] == []


# -- security -------------------------------------------------------------------


async def test_msg_sec_check_both_versions_follow_the_risky_words(
    emulator: RunningEmulator, cloud: cloudfn.Cloud
) -> None:
    emulator.state.arrange({"security": {"riskyWords": [{"word": "代开发票", "label": 20008}]}})
    assert (await cloud.openapi.security.msgSecCheck(content="今天天气很好"))["errCode"] == 0
    with pytest.raises(cloudfn.CloudSDKError) as risky:
        await cloud.openapi.security.msgSecCheck(content="专业代开发票")
    assert risky.value.errCode == 87014

    passed = await cloud.openapi.security.msgSecCheck(
        content="今天天气很好", version=2, openid=SEED_OPENID, scene=2
    )
    assert passed["result"] == {"suggest": "pass", "label": 100}
    flagged = await cloud.openapi.security.msgSecCheck(
        content="专业代开发票", version=2, openid=SEED_OPENID, scene=2
    )
    assert flagged["result"] == {"suggest": "risky", "label": 20008}
    assert flagged["detail"][0]["strategy"] == "content_model" and flagged["traceId"]


async def test_img_sec_check_takes_the_image_as_bytes(
    emulator: RunningEmulator, cloud: cloudfn.Cloud
) -> None:
    media = {"contentType": "image/png", "value": TINY_PNG}
    assert (await cloud.openapi.security.imgSecCheck(media=media))["errCode"] == 0

    emulator.state.arrange({"security": {"riskyImages": [hashlib.sha256(TINY_PNG).hexdigest()]}})
    with pytest.raises(cloudfn.CloudSDKError) as risky:
        await cloud.openapi.security.imgSecCheck(media=media)
    assert risky.value.errCode == 87014

    logged = api_requests(emulator, "security.imgSecCheck")[-1].body["media"]
    # The file went as a multipart part named as the Node SDK names it, and is logged without its bytes.
    assert logged == {"contentType": "image/png", "fileName": "media.png", "bytes": len(TINY_PNG)}


async def test_a_media_field_that_is_not_a_file_is_refused_locally(
    emulator: RunningEmulator, cloud: cloudfn.Cloud
) -> None:
    with pytest.raises(cloudfn.CloudSDKError) as refused:
        await cloud.openapi.security.imgSecCheck(media={"contentType": "image/bmp", "value": TINY_PNG})
    assert (
        refused.value.errCode == 40097 and "media" in str(refused.value) and "image/png" in str(refused.value)
    )
    assert api_requests(emulator, "security.imgSecCheck") == []


# -- temp media, links, phone numbers ---------------------------------------------------


async def test_temp_media_round_trips_its_bytes(cloud: cloudfn.Cloud) -> None:
    uploaded = await cloud.openapi.customerServiceMessage.uploadTempMedia(
        type="image", media={"contentType": "image/png", "value": TINY_PNG, "fileName": "a.png"}
    )
    fetched = await cloud.openapi.customerServiceMessage.getTempMedia(mediaId=uploaded["mediaId"])
    assert (fetched["contentType"], fetched["buffer"]) == ("image/png", TINY_PNG)
    with pytest.raises(cloudfn.CloudSDKError) as unknown:
        await cloud.openapi.customerServiceMessage.getTempMedia(mediaId="nope")
    assert unknown.value.errCode == 40007


async def test_url_links_are_queryable_until_they_expire(
    emulator: RunningEmulator, cloud: cloudfn.Cloud
) -> None:
    made = await cloud.openapi.urllink.generate(
        path="pages/index/index", query="a=1", isExpire=True, expireType=1, expireInterval=2
    )
    info = (await cloud.openapi.urllink.query(urlLink=made["urlLink"]))["urlLinkInfo"]
    assert (info["path"], info["query"], info["appid"]) == ("pages/index/index", "a=1", emulator.appid)
    assert info["expireTime"] - info["createTime"] == 2 * 86400

    emulator.state.clock.advance(2 * 86400)
    assert "urlLinkInfo" not in await cloud.openapi.urllink.query(urlLink=made["urlLink"])

    scheme = await cloud.openapi.urlscheme.generate(jumpWxa={"path": "pages/index/index", "query": "b=2"})
    assert scheme["openlink"].startswith("weixin://dl/business/?t=")
    assert (await cloud.openapi.urlscheme.query(scheme=scheme["openlink"]))["schemeInfo"]["query"] == "b=2"


async def test_a_phone_code_answers_once(emulator: RunningEmulator, cloud: cloudfn.Cloud) -> None:
    emulator.state.arrange({"phonenumber": {"codes": {"code-1": "13800138000"}}})
    info = (await cloud.openapi.phonenumber.getPhoneNumber(code="code-1"))["phoneInfo"]
    assert (info["purePhoneNumber"], info["countryCode"]) == ("13800138000", "86")
    for code in ("code-1", "never-issued"):
        with pytest.raises(cloudfn.CloudSDKError) as refused:
            await cloud.openapi.phonenumber.getPhoneNumber(code=code)
        assert refused.value.errCode == 40029


# -- example answers and stubs ------------------------------------------------------------


async def test_an_api_without_state_answers_its_pages_example_marked_in_the_log(
    emulator: RunningEmulator, cloud: cloudfn.Cloud
) -> None:
    result = await cloud.openapi.ocr.idcard(imgUrl="https://example.com/id.jpg", type="photo")
    assert (result["errCode"], result["validDate"]) == (0, "20070105-20270105")
    assert api_requests(emulator, "ocr.idcard")[-1].answered == "example"


async def test_stubs_override_any_answer_until_reset(emulator: RunningEmulator, cloud: cloudfn.Cloud) -> None:
    emulator.state.stub("ocr.idcard", {"name": "张三", "id": "110101199003071234"})
    stubbed = await cloud.openapi.ocr.idcard(imgUrl="https://example.com/id.jpg", type="photo")
    assert (stubbed["name"], stubbed["id"]) == ("张三", "110101199003071234")
    assert api_requests(emulator, "ocr.idcard")[-1].answered == "stub"

    emulator.state.stub("wxacode.getUnlimited", lambda body: Binary("image/jpeg", body["scene"].encode()))
    image = await cloud.openapi.wxacode.getUnlimited(scene="s=1")
    assert (image["contentType"], image["buffer"]) == ("image/jpeg", b"s=1")

    emulator.state.stub("phonenumber.getPhoneNumber", {"errcode": 45011, "errmsg": "too frequent"})
    with pytest.raises(cloudfn.CloudSDKError) as stubbed_error:
        await cloud.openapi.phonenumber.getPhoneNumber(code="c")
    assert stubbed_error.value.errCode == 45011 and "too frequent" in str(stubbed_error.value)

    emulator.state.reset()
    assert emulator.state.stubs == {}
