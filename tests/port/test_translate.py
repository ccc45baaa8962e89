"""The translator, construct by construct: the Python it writes, and that it computes what Node computes."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from cloudfn.port import PortError, translate
from cloudfn.port.events import EventFields
from cloudfn.port.permissions import permission_problems
from tests.support.paths import SEED_DIR

NODE = shutil.which("node")


def body_of(js: str) -> str:
    """The translation of a handler body, without the module around it."""
    code = translate(f"exports.main = async (event, context) => {{\n{js}\n}}\n", formatted=False).code
    return code.split("-> Any:\n", 1)[1]


def run_node(js: str, event: Any) -> str:
    assert NODE is not None, "node is needed on PATH"
    script = (
        js + f"\nexports.main({json.dumps(event)}, {{}}).then(r => process.stdout.write(JSON.stringify(r)))\n"
    )
    completed = subprocess.run([NODE, "-e", script], capture_output=True, text=True, timeout=30, check=True)
    return completed.stdout


def run_python(js: str, event: Any) -> str:
    namespace: dict[str, Any] = {}
    exec(compile(translate(js).code, "index.py", "exec"), namespace)
    result = asyncio.run(namespace["main"](event, {}))
    return json.dumps(result, ensure_ascii=False, separators=(",", ":"))


# Each case: a handler (no SDK), events; Node and the port must print the same JSON.
SAME_AS_NODE = {
    "strings": (
        "exports.main = async (e) => { const s = (e.s || '').trim(); return { up: s.toUpperCase(), "
        "parts: s.split(','), first: s.replace('a', 'A'), all: s.replaceAll('a', 'A'), pad: String(e.n).padStart(3, '0'), "
        "sub: s.substring(1, 3), has: s.includes('b'), at: s.indexOf('c'), tail: s.slice(-2), rep: 'ab'.repeat(2) } }",
        [{"s": " a,b,a,c ", "n": 7}, {"s": "", "n": 12}],
    ),
    "concatenation and templates": (
        "exports.main = async (e) => ({ a: 'n=' + e.n, b: e.n + 1 + 'x', c: `${e.n}-${e.s}`, d: 1 + 2 + '3' + 4 })",
        [{"n": 5, "s": "中"}],
    ),
    "arrays": (
        "exports.main = async (e) => { const xs = e.xs; return { doubled: xs.map(x => x * 2), "
        "odd: xs.filter(x => x % 2 === 1), first: xs.find(x => x > 2), at: xs.findIndex(x => x > 2), "
        "some: xs.some(x => x > 3), every: xs.every(x => x > 0), "
        "sum: xs.reduce((a, b) => a + b, 0), joined: xs.map(String).join('-'), head: xs[0], "
        "withIndex: xs.map((x, i) => x * i), copy: [...xs, 9], sorted: xs.slice().sort((a, b) => b - a), "
        "len: xs.length, empty: [][0] === undefined } }",
        [{"xs": [3, 1, 4, 1, 5]}],
    ),
    "objects and json": (
        "exports.main = async (e) => { const o = { a: 1, ...e.extra, b: 2 }; const { a, c = 'dflt', ...rest } = o; "
        "delete o.b; return { keys: Object.keys(o), values: Object.values(o), a, c, rest, "
        "text: JSON.stringify({ x: [1, 'y'] }), parsed: JSON.parse('{\"k\":[true,null]}'), has: 'a' in o, "
        "counts: Object.entries({ p: 1 }).map(([k, v]) => `${k}${v}`) } }",
        [{"extra": {"z": 26}}, {"extra": {}}],
    ),
    "control flow": (
        "exports.main = async (e) => { let out = []; for (let i = 0; i < e.n; i++) { if (i === 2) continue; "
        "out.push(i) } let k = 0; while (k < 3) { k++ } for (const key in { x: 1, y: 2 }) { out.push(key) } "
        "switch (e.mode) { case 'a': case 'b': out.push('ab'); break; default: out.push('other') } "
        "const label = e.n > 3 ? 'big' : e.n > 1 ? 'mid' : 'small'; return { out, k, label } }",
        [{"n": 5, "mode": "b"}, {"n": 1, "mode": "z"}],
    ),
    "math and numbers": (
        "exports.main = async (e) => ({ r: [Math.round(2.5), Math.round(-2.5), Math.round(1.4)], "
        "f: Math.floor(e.x), c: Math.ceil(e.x), m: Math.max(1, e.x, 3), i: parseInt('42', 10), "
        "fx: (e.x).toFixed(2), int: Number.isInteger(e.x), p: 2 ** 10 })",
        [{"x": 3.14159}],
    ),
    "errors": (
        "function check(v) { if (!v) { throw new Error('missing v') } return v }\n"
        "exports.main = async (e) => { try { return { ok: check(e.v) } } catch (err) { return { ok: false, message: err.message } } }",
        [{"v": "yes"}, {}],
    ),
    "closures and globals": (
        "let calls = 0\nconst bump = () => { calls += 1; return calls }\n"
        "exports.main = async (e) => { let total = 0; const add = (n) => { total += n }; add(2); add(e.n); "
        "bump(); return { total, calls: bump() } }",
        [{"n": 3}],
    ),
    "typeof and equality": (
        "exports.main = async (e) => ({ s: typeof e.a === 'string', n: typeof e.b === 'number', "
        "u: typeof e.c === 'undefined', isNull: e.d === null, loose: e.c == null, t: e.b === true, "
        "arr: Array.isArray(e.a) })",
        [{"a": "x", "b": 1, "d": None}, {"a": [1], "b": True, "d": 0}],
    ),
    "regular expressions": (
        "const PHONE = /^1[3-9]\\d{9}$/\nexports.main = async (e) => ({ ok: PHONE.test(e.p), "
        "digits: e.p.replace(/\\D/g, ''), once: e.p.replace(/\\d/, '#'), ci: /abc/i.test('xABCx') })",
        [{"p": "13800138000"}, {"p": "1-2-3"}],
    ),
}


@pytest.mark.parametrize("case", sorted(SAME_AS_NODE))
def test_the_port_computes_what_node_computes(case: str) -> None:
    js, events = SAME_AS_NODE[case]
    assert "TODO(port)" not in translate(js).code
    for event in events:
        assert run_python(js, event) == run_node(js, event), f"{case}: {event}"


def test_what_still_differs_fails_loudly_or_is_documented() -> None:
    # `+` of two values of unknown type: Python refuses str + int where JavaScript concatenates.
    js = "exports.main = async (e) => ({ x: e.k + e.v })"
    with pytest.raises(TypeError):
        run_python(js, {"k": "p", "v": 1})
    assert run_node(js, {"k": "p", "v": 1}) == '{"x":"p1"}'
    # A missing field is undefined in Node (the key disappears from JSON), None in the port.
    js = "exports.main = async (e) => ({ d: e.d, found: [1].find(x => x > 5) })"
    assert run_node(js, {}) == "{}"
    assert run_python(js, {}) == '{"d":null,"found":null}'


# -- the SDK surface, as the porting guide writes it -------------------------------------------


def test_sdk_module_handler_and_cloud_calls() -> None:
    code = translate(
        "const cloud = require('wx-server-sdk')\ncloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })\n"
        "exports.main = async (event, context) => {\n"
        "  const { OPENID } = cloud.getWXContext()\n"
        "  return cloud.openapi.subscribeMessage.send({ touser: OPENID, templateId: event.tmpl })\n}\n"
    ).code
    assert "import cloudfn\n" in code
    assert 'cloud = cloudfn.init({"env": cloudfn.DYNAMIC_CURRENT_ENV})' in code
    assert "async def main(event: dict[str, Any], context: dict[str, Any]) -> Any:" in code
    assert "wx_context = cloudfn.getWXContext()" in code
    # Node resolves the returned promise; Python must await the coroutine.
    assert (
        'return await cloud.openapi.subscribeMessage.send({"touser": OPENID, "templateId": event.get("tmpl")})'
        in code
    )


def test_database_chains_keep_node_names_and_python_spellings_of_keywords() -> None:
    code = translate(
        "const cloud = require('wx-server-sdk')\ncloud.init()\nconst db = cloud.database()\nconst _ = db.command\n"
        "const $ = db.command.aggregate\n"
        "exports.main = async (event) => {\n"
        "  await db.collection('a').where({ k: _.in([1, 2]), n: _.gt(1).and(_.lt(5)) }).orderBy('n', 'desc').skip(10).limit(5).get()\n"
        "  await db.collection('a').doc(event.id).update({ data: { c: _.inc(1), at: db.serverDate() } })\n"
        "  return db.collection('o').aggregate().group({ _id: '$k', s: $.sum('$v') }).end()\n}\n",
        formatted=False,
    ).code
    assert (
        "db = cloud.database()" in code and "_ = db.command" in code and "agg = db.command.aggregate" in code
    )
    assert (
        'await db.collection("a").where({"k": _.in_([1, 2]), "n": _.gt(1).and_(_.lt(5))})'
        '.orderBy("n", "desc").skip(10).limit(5).get()'
    ) in code
    assert (
        'await db.collection("a").doc(event.get("id")).update({"data": {"c": _.inc(1), "at": db.serverDate()}})'
        in code
    )
    assert (
        'return await db.collection("o").aggregate().group({"_id": "$k", "s": agg.sum("$v")}).end()' in code
    )


def test_tcb_router_app() -> None:
    code = translate(
        "const cloud = require('wx-server-sdk')\nconst TcbRouter = require('tcb-router')\ncloud.init()\n"
        "exports.main = async (event) => {\n  const app = new TcbRouter({ event })\n"
        "  app.use(async (ctx, next) => { ctx.data = {}; await next() })\n"
        "  app.router('list', async (ctx, next) => {\n"
        "    ctx.body = { n: ctx.data.n, url: ctx._req.url, id: ctx._req.event.id }\n  })\n"
        "  return app.serve()\n}\n",
        formatted=False,
    ).code
    assert "from cloudfn.router import TcbRouter" in code
    assert 'app = TcbRouter({"event": event})' in code
    assert "async def middleware(ctx, next_):" in code and "await next_()" in code
    assert "ctx.data = {}" in code
    assert 'ctx.body = {"n": ctx.data.get("n"), "url": ctx._req.url, "id": ctx._req.event.get("id")}' in code
    assert 'app.router("list", route_list)' in code and "return await app.serve()" in code


def test_storage_and_call_function_are_awaited() -> None:
    code = body_of(
        "const up = await cloud.uploadFile({ cloudPath: 'a.txt', fileContent: Buffer.from('hi') })\n"
        "const r = await cloud.callFunction({ name: 'f', data: {} })\nreturn [up.fileID, r.result]"
    )
    # `cloud` is not the SDK here (no require): calls on an unknown object stay TODOs.
    assert "TODO(port)" in code
    code = translate(
        "const cloud = require('wx-server-sdk')\ncloud.init()\nexports.main = async () => {\n"
        "  const up = await cloud.uploadFile({ cloudPath: 'a.txt', fileContent: Buffer.from('hi') })\n"
        "  const r = await cloud.callFunction({ name: 'f', data: {} })\n  return [up.fileID, r.result]\n}\n",
        formatted=False,
    ).code
    assert 'up = await cloud.uploadFile({"cloudPath": "a.txt", "fileContent": "hi".encode("utf-8")})' in code
    assert 'return [up["fileID"], r["result"]]' in code


# -- what cannot be translated is loud ---------------------------------------------------------


def test_an_untranslatable_statement_becomes_a_todo_that_raises() -> None:
    js = (
        "const axios = require('axios')\n"
        "exports.main = async (event) => {\n  const x = 1\n  class A {}\n  return x\n}\n"
    )
    translation = translate(js)
    assert [t.line for t in translation.todos] == [1, 4]
    code = translation.code
    assert "# TODO(port): require('axios'): only wx-server-sdk and tcb-router are ported" in code
    assert "# JS 1: const axios = require('axios')" in code
    assert "# JS 4:   class A {}" in code
    namespace: dict[str, Any] = {}
    with pytest.raises(NotImplementedError, match=r"index\.js line 1"):
        exec(compile(code, "index.py", "exec"), namespace)


def test_for_each_with_async_callback_is_not_silently_sequential() -> None:
    code = body_of("event.items.forEach(async (item) => { await item })")
    assert "TODO(port): .forEach(async ...)" in code


def test_invalid_javascript_is_refused_with_its_line() -> None:
    with pytest.raises(PortError, match=r"line 2, column .*node --check"):
        translate("exports.main = async () => {\n  return {a: }\n}\n")


def test_python_names_never_shadow_what_the_port_uses() -> None:
    code = body_of(
        "const list = event.items\nconst len = list.length\nconst from = 1\nreturn { list, len, from }"
    )
    assert 'list_ = event.get("items")' in code and "len_ = len(list_)" in code and "from_ = 1" in code
    assert '"list": list_' in code


# -- config.json and the events skeleton -------------------------------------------------------


def test_permission_mistakes_are_named_with_their_fix() -> None:
    apis = {"subscribeMessage.send", "wxacode.getUnlimited", "security.msgSecCheck"}
    config = {
        "permissions": {
            "openapi": ["openapi.subscribeMessage.send", "WXACode.getUnlimited", "templateMessage.send"]
        }
    }
    problems = permission_problems(config, apis)
    assert problems == [
        'config.json: permissions.openapi: "openapi.subscribeMessage.send" has the `openapi.` prefix the platform '
        'does not use, so subscribeMessage.send calls are refused (-604101). Fix: write "subscribeMessage.send"',
        'config.json: permissions.openapi: "WXACode.getUnlimited" has the wrong case (names are case-sensitive), '
        'so wxacode.getUnlimited calls are refused (-604101). Fix: write "wxacode.getUnlimited"',
        'config.json: permissions.openapi: "templateMessage.send" is not called by index.js (harmless; remove it if unused)',
        "config.json: permissions.openapi does not list security.msgSecCheck, which index.js calls: the platform "
        'refuses it (-604101). Fix: add "security.msgSecCheck"',
    ]
    assert permission_problems({"permissions": {"openapi": sorted(apis)}}, apis) == []
    [missing] = permission_problems(None, {"security.msgSecCheck"})
    assert 'Fix: add config.json with {"permissions": {"openapi": ["security.msgSecCheck"]}}' in missing


def test_events_skeleton_has_one_line_per_branch() -> None:
    translation = translate(
        "exports.main = async (event) => {\n  const { page = 1 } = event\n"
        "  if (event.action === 'list') return event.form.name\n"
        "  if (event.action === 'add') return event.items.length + page\n  return null\n}\n"
    )
    lines = [json.loads(line) for line in translation.events.render().splitlines()]
    assert [line["name"] for line in lines] == ["action = list", "action = add", "empty event"]
    assert lines[0]["event"] == {
        "page": "<page>",
        "action": "list",
        "form": {"name": "<name>"},
        "items": "<items>",
    }
    assert isinstance(EventFields().render(), str)


def test_the_seed_ports_to_its_hand_written_port(tmp_path: Path) -> None:
    code = translate((SEED_DIR / "index.js").read_text(encoding="utf-8")).code
    assert "return await cloud.openapi.logistics.updatePrinter(params)" not in code  # it keeps `result`
    assert "result = await cloud.openapi.logistics.updatePrinter(params)" in code
    assert "params[key] = event.get(key) if key in event else SEED.get(key)" in code


def test_then_on_an_awaited_call_and_reduce_without_initial_value() -> None:
    code = translate(
        "const cloud = require('wx-server-sdk')\ncloud.init()\nconst db = cloud.database()\n"
        "exports.main = async (event) => {\n"
        "  const names = await db.collection('u').get().then(res => res.data.map(u => u.name))\n"
        "  const longest = names.reduce((a, b) => (a.length >= b.length ? a : b))\n"
        "  const label = event.user?.name ?? 'anonymous'\n"
        "  return { names, longest, label }\n}\n",
        formatted=False,
    ).code
    assert 'res = await db.collection("u").get()\n    names = [u.get("name") for u in res["data"]]' in code
    assert "longest = reduce(lambda a, b: a if len(a) >= len(b) else b, names)" in code
    assert 'not in (None, undefined) else "anonymous"' in code
    assert "TODO(port)" not in code
    later = translate("exports.main = async (e) => { const p = f().then(r => r.x); return p }\n").code
    assert "# TODO(port): .then()" in later
