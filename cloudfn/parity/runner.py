"""``cloudfn parity``: the Node original and its Python port, event by event, on one emulator.

For each event the emulator is reset to the same start (the seed, then the
example's ``emulator.json`` arrangement if its folder has one, then the
event's ``setup``: :func:`start_state`), the event runs
through one side, the emulator's side effects are read, and again for the
other side. Compared, as text:

- the results: the Node result as ``JSON.stringify`` gives it against the
  Python result as ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))``,
  key order included; only what is random or clock-dependent by nature is
  masked: the request id after `` rid: ``, a temporary URL's signature and
  expiry, a storage error's ``requestId``;
- the side effects, i.e. what changes the world: the requests the emulator
  *accepted* (errcode 0), each as (api, body), in order, the apps' state
  after, the files in storage after (path, size and SHA-256 per
  environment), and the database after (every collection, documents sorted by
  ``_id``, as extended JSON). Dates written during the run (``serverDate()``,
  ``new Date()``) are masked in results and database alike; generated ids
  need no mask, the emulator draws them from one sequence per reset. Rejected requests are not compared: the Python port refuses bad
  input locally and sends nothing, where the Node SDK sends it and the
  emulator refuses it; both leave the world as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from ..api.registry import environ_registry
from ..config import FunctionConfig
from ..database.ejson import loads as ejson_loads
from ..emulator.data_folder import DataFolderError, read_folder
from ..emulator.database.actions import COLLECTION_NAME
from ..emulator.dispatch import answer
from ..emulator.http import RequestLogEntry
from ..emulator.server import RunningEmulator, run_emulator
from ..emulator.state import EmulatorState
from ..jsjson import stringify
from ..runtime.backend import emulator_environ
from ..runtime.invoke import InvocationResult, invoke
from ..runtime.loader import CloudFunction, FunctionLoadError, load_config, load_function
from ..runtime.node import (
    NodeFunction,
    NodeOutcome,
    NodeSetupError,
    check_node_dir,
    find_node,
    node_platform_environ,
)
from ..runtime.project import Project, ProjectError
from .events import EventCase, load_events
from .node import ParityError
from .options import EVENT_TIMEOUT_S, PARITY_TRANSPORTS

PARITY_ENV = "cloudfn-parity"
_RID = re.compile(r"( rid: )[^\"\\\s]*")
_TEMP_URL_SIGN = re.compile(r"([?&]sign=)[^&\"\\\s]*(&t=)[0-9]*")
# Request ids in storage errors and in callFunction's results and errors (requestId / requestID).
_REQUEST_ID = re.compile(r'("requestI[Dd]":")[^"]*(")')


def mask_rid(text: str) -> str:
    """Blank what is random by nature: the request id after `` rid: ``, a temporary URL's
    signature and expiry, the ``requestId``/``requestID`` of storage and callFunction answers."""
    text = _RID.sub(r"\1<rid>", text)
    text = _TEMP_URL_SIGN.sub(r"\1<sign>\2<t>", text)
    return _REQUEST_ID.sub(r"\1<requestId>\2", text)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
_EJSON_DATE = re.compile(r'\{"\$date":\{"\$numberLong":"(-?\d+)"\}\}')
# Dates from this long before the run started count as written by it (clock skew, slow start).
_DATE_MARGIN_MS = 60_000


def mask_run_dates(text: str, since_ms: int) -> str:
    """Blank dates at or after ``since_ms`` (epoch ms): the time an event ran, different each side."""

    def iso(match: re.Match[str]) -> str:
        moment = dt.datetime.strptime(match.group(0), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
        return "<run date>" if moment.timestamp() * 1000 >= since_ms else match.group(0)

    def ejson(match: re.Match[str]) -> str:
        return '"<run date>"' if int(match.group(1)) >= since_ms else match.group(0)

    return _EJSON_DATE.sub(ejson, _ISO_DATE.sub(iso, text))


def database_contents(state: EmulatorState) -> dict[str, dict[str, list[Any]]]:
    """Every environment's collections, documents sorted by _id, as canonical extended JSON."""
    return {
        env: {name: [json.loads(line) for line in lines] for name, lines in collections.items()}
        for env, collections in state.database.dump().items()
    }


def to_json_text(value: Any) -> str:
    """What JSON.stringify gives for a Python value (undefined dropped, 2.0 as 2, dates as ISO)."""
    return stringify(value)


def accepted_calls(requests: list[RequestLogEntry]) -> list[list[Any]]:
    """The API requests the emulator accepted, each as [api, wire body], whichever channel."""
    calls: list[list[Any]] = []
    for entry in requests:
        if not entry.api or entry.errcode != 0:
            continue
        if entry.path != "/admin" and entry.method == "GET":
            body: Any = {k: v for k, v in entry.query.items() if k != "access_token"}
        else:
            body = entry.body
        calls.append([entry.api, body])
    return calls


def side_effects(state: EmulatorState) -> dict[str, Any]:
    # Tokens are left out of "the world": the HTTPS transport fetches them, the
    # Node SDK's channel needs none; neither changes what the function did.
    return {
        "accepted": accepted_calls(list(state.requests)),
        "state": state.snapshot()["apps"],
        "storage": state.storage.snapshot(),
        "database": database_contents(state),
    }


@dataclass
class Verdict:
    case: EventCase
    node: str
    python: str
    diffs: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not self.diffs


@dataclass
class ParityReport:
    verdicts: list[Verdict]

    @property
    def ok(self) -> bool:
        return all(v.same for v in self.verdicts)


def _node_text(outcome: NodeOutcome) -> str:
    if outcome.kind == "result" and outcome.json is not None:
        return outcome.json
    if outcome.kind == "threw" and outcome.thrown:
        return f"<threw: {outcome.thrown}>"
    return f"<{outcome.kind}: {outcome.message}>"


def _python_text(invocation: InvocationResult) -> str:
    if invocation.error is None:
        return to_json_text(invocation.result)
    if invocation.error_kind == "timeout":
        return "<timeout>"
    # Written as the Node side writes what it throws (harness.js): an SDK error as its
    # {"errCode","errMsg"}, anything else as "Name: message" (cloudfn.Error is "Error").
    if invocation.error_type == "CloudSDKError" and isinstance(invocation.result, dict):
        return f"<threw: {to_json_text(invocation.result)}>"
    return f"<threw: {invocation.error}>"


def compare(
    case: EventCase, node: str, python: str, node_fx: Any, python_fx: Any, since_ms: int | None = None
) -> Verdict:
    verdict = Verdict(case, node, python)

    def masked(text: str) -> str:
        text = mask_rid(text)
        return text if since_ms is None else mask_run_dates(text, since_ms)

    threw = node.startswith("<threw: ") and python.startswith("<threw: ")
    if (node.startswith("<") or python.startswith("<")) and not threw:
        # A hang, a crash, or one side throwing where the other returned: never agreement.
        verdict.diffs.append(f"result: node {node} | python {python}")
    elif masked(node) != masked(python):
        # Both returned, or both threw (the platform reports an uncaught error to the
        # caller): the same when they returned, or threw, the same thing.
        verdict.diffs.append(f"result: node {node} | python {python}")
    for part in ("accepted", "state", "storage", "database"):
        if part not in node_fx and part not in python_fx:
            continue
        left, right = masked(to_json_text(node_fx.get(part))), masked(to_json_text(python_fx.get(part)))
        if left != right:
            verdict.diffs.append(f"{part}: node {left} | python {right}")
    return verdict


ARRANGEMENT_FILE = "emulator.json"


def load_arrangement(*directories: Path) -> dict[str, Any] | None:
    """The example's ``emulator.json`` (the control API's arrange document), if it has one.

    Looked for in the port's and the original's folders; two different files are an error.
    """
    found: dict[str, Any] | None = None
    seen: Path | None = None
    for directory in directories:
        path = directory / ARRANGEMENT_FILE
        if not path.is_file():
            continue
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ParityError(f"{path}: not JSON ({exc}). Fix: write one JSON object") from None
        if not isinstance(document, dict):
            raise ParityError(f'{path}: must be a JSON object, e.g. {{"users": ["oUser1"]}}')
        if found is not None and document != found:
            raise ParityError(f"{path} and {seen}: two different arrangements. Fix: keep one of them")
        found, seen = document, path
    return found


def start_state(state: EmulatorState, case: EventCase, arrangement: dict[str, Any] | None) -> None:
    """Where every event starts, for each side: reset (which restores an imported data folder,
    from its snapshot), the example's arrangement, the event's setup."""
    state.reset()
    if arrangement is not None:
        try:
            state.arrange(arrangement)
        except ValueError as exc:
            raise ParityError(f"{ARRANGEMENT_FILE}: {exc}") from None
    apply_setup(state, case)


def apply_setup(state: EmulatorState, case: EventCase) -> None:
    registry = environ_registry()
    app = state.app(state.seeds[0].appid)
    for i, call in enumerate(case.setup):
        spec = registry.get(call.api)
        if spec is None:
            raise ParityError(
                f"line {case.line}: setup[{i}].api: unknown API {call.api}. Fix: correct the name"
            )
        reply = answer(spec, app, call.body)
        if reply.get("errcode", 0) != 0:
            raise ParityError(
                f"line {case.line}: setup[{i}] was refused by the emulator ({reply.get('errcode')} "
                f"{reply.get('errmsg')}). Fix: give a body the API accepts"
            )
    if case.database:
        seed_database(state, case)
    state.requests.clear()


def seed_database(state: EmulatorState, case: EventCase) -> None:
    """Load the event's ``database`` documents (extended JSON) into the function's environment."""
    database = state.database.env(PARITY_ENV)
    for name, documents in case.database.items():
        if not COLLECTION_NAME.match(name):
            raise ParityError(
                f"line {case.line}: database.{name}: not a valid collection name. "
                "Fix: letters, digits, '_' and '-'"
            )
        try:
            loaded = [ejson_loads(json.dumps(document)) for document in documents]
        except (ValueError, TypeError) as exc:
            raise ParityError(
                f"line {case.line}: database.{name}: not valid extended JSON ({exc}). "
                'Fix: write dates as {"$date": "2026-11-01T08:00:00.000Z"}'
            ) from None
        database.load(name, loaded)


async def register(emulator: RunningEmulator, name: str, config: FunctionConfig) -> dict[str, Any]:
    """Tell the emulator the function's permissions; returns the SecretId/Key it will sign with."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{emulator.base_url}/__emulator__/functions",
            json={"name": name, "permissions": sorted(config.permissions)},
        ) as response,
    ):
        response.raise_for_status()
        grant: dict[str, Any] = await response.json()
        return grant


def node_environment(emulator: RunningEmulator, grant: Mapping[str, Any]) -> dict[str, str]:
    """What the platform sets for a Node function, pointed at the emulator.

    wx-server-sdk 4.0.2 reads the /admin URL from ``TCB_CONTEXT_CNFG``'s ``URL``,
    signs with ``TENCENTCLOUD_SECRETID``/``SECRETKEY`` (the SecretId names the
    function to the emulator) and sends ``TCB_ENV`` as ``env``.
    """
    return node_platform_environ(f"{emulator.base_url}/admin", grant, PARITY_ENV)


def python_environment(
    emulator: RunningEmulator, config: FunctionConfig, transport: str, grant: Mapping[str, Any] | None
) -> dict[str, str]:
    values = {
        "CLOUDFN_BASE_URL": emulator.base_url,
        "CLOUDFN_APPID": emulator.appid,
        "CLOUDFN_SECRET": emulator.secret,
        "CLOUDFN_CONFIG": config.environ_value(),
        "TCB_ENV": PARITY_ENV,
        "CLOUDFN_TRANSPORT": transport,
    }
    if grant is not None:
        values |= node_environment(emulator, grant)
    return values


def _load_config(directory: Path) -> FunctionConfig:
    """The function's config.json; none at all is a function the platform runs without one."""
    try:
        return load_config(directory)
    except FunctionLoadError as exc:
        raise ParityError(str(exc)) from None


@dataclass(frozen=True)
class ParityPlan:
    """Everything checked before anything starts: bad input fails fast, with its fix."""

    node_dir: Path
    py_dir: Path
    node_config: FunctionConfig
    py_config: FunctionConfig
    cases: list[EventCase]
    transport: str
    arrangement: dict[str, Any] | None = None
    project: Path | None = None


def plan(
    node_dir: str | Path,
    py_dir: str | Path,
    events_path: str | Path,
    transport: str,
    project: str | Path | None = None,
) -> ParityPlan:
    if transport not in PARITY_TRANSPORTS:
        raise ParityError(f"--transport: must be one of {', '.join(PARITY_TRANSPORTS)}, got {transport!r}")
    node_path, py_path = Path(node_dir).resolve(), Path(py_dir).resolve()
    cases = load_events(events_path)
    try:
        find_node()
        check_node_dir(node_path)
    except NodeSetupError as exc:
        raise ParityError(str(exc)) from None
    if not (py_path / "index.py").is_file():
        raise ParityError(f"{py_path}/index.py: no such file. Fix: pass the Python port's directory")
    project_path = None
    if project is not None:
        project_path = Path(project).resolve()
        if not project_path.is_dir():
            raise ParityError(
                f"--project: {project_path}: no such directory. Fix: pass the cloudfunctions/ folder "
                "whose functions the compared ones call"
            )
    return ParityPlan(
        node_path,
        py_path,
        _load_config(node_path),
        _load_config(py_path),
        cases,
        transport,
        load_arrangement(node_path, py_path),
        project_path,
    )


async def run_parity(
    node_dir: str | Path,
    py_dir: str | Path,
    events_path: str | Path,
    *,
    event_timeout: float = EVENT_TIMEOUT_S,
    transport: str = "https",
    project: str | Path | None = None,
    import_dir: str | Path | None = None,
) -> ParityReport:
    """Run every event through both functions on one emulator; raises ParityError on bad input.

    With ``project`` (a cloudfunctions/ folder) the emulator knows its functions, so
    ``callFunction`` from either side reaches them. With ``import_dir`` (a data folder,
    docs/data.md) every event, on each side, starts from that data in the function's environment.
    """
    p = plan(node_dir, py_dir, events_path, transport, project)
    try:
        data = read_folder(import_dir) if import_dir is not None else None
    except DataFolderError as exc:
        raise ParityError(f"--import {import_dir}: {exc}") from None
    verdicts: list[Verdict] = []
    since_ms = int(time.time() * 1000) - _DATE_MARGIN_MS
    async with run_emulator() as emulator, contextlib.AsyncExitStack() as stack:
        if p.project is not None:
            try:
                served = await Project.open(
                    p.project, emulator=emulator, runner_environ=emulator_environ(emulator), env=PARITY_ENV
                )
            except ProjectError as exc:
                raise ParityError(f"--project: {exc}") from None
            stack.push_async_callback(served.close)
        if data is not None:
            try:
                emulator.state.import_data(data, PARITY_ENV)
            except DataFolderError as exc:
                raise ParityError(f"--import {import_dir}: {exc}") from None
        node_grant = await register(emulator, p.node_dir.name, p.node_config)
        py_grant = await register(emulator, p.py_dir.name, p.py_config) if transport == "tcb" else None
        # config.json's envVariables reach process.env on the platform, as they reach the port.
        node_env = {**p.node_config.env_variables, **node_environment(emulator, node_grant)}
        node = NodeFunction(p.node_dir, node_env)
        try:
            await node.start()
        except NodeSetupError as exc:
            raise ParityError(str(exc)) from None
        try:
            # Laid over os.environ for the port alone (cloudfn.environment); the process's is untouched.
            environ = python_environment(emulator, p.py_config, transport, py_grant)
            try:
                function = load_function(p.py_dir, runner_environ=environ)
            except Exception as exc:
                raise ParityError(f"{p.py_dir}: loading the Python port failed: {exc}") from None
            try:
                for case in p.cases:
                    verdicts.append(
                        await _run_case(
                            emulator, node, function, case, event_timeout, p.arrangement, since_ms
                        )
                    )
            finally:
                await function.close()
        finally:
            await node.close()
    return ParityReport(verdicts)


async def _run_case(
    emulator: RunningEmulator,
    node: NodeFunction,
    function: CloudFunction,
    case: EventCase,
    limit: float,
    arrangement: dict[str, Any] | None,
    since_ms: int | None = None,
) -> Verdict:
    state = emulator.state
    context = {
        "request_id": secrets.token_hex(8),
        "function_name": node.directory.name,
        "namespace": PARITY_ENV,
    }
    # One instant for both sides: records the emulator stamps (create_time, ...) agree.
    state.clock.freeze(time.time())
    try:
        start_state(state, case, arrangement)
        outcome = await node.call(case.event, wx_context=case.wx_context, context=context, limit=limit)
        node_fx = side_effects(state)
        start_state(state, case, arrangement)
        invocation = await invoke(function, case.event, wx_context=case.wx_context, timeout=limit)
        python_fx = side_effects(state)
    finally:
        state.clock.freeze(None)
    return compare(case, _node_text(outcome), _python_text(invocation), node_fx, python_fx, since_ms)


def format_table(report: ParityReport) -> str:
    """One row per event: number, name, same/different, and what differs."""
    rows = [("#", "event", "verdict", "diff")]
    for i, v in enumerate(report.verdicts, start=1):
        note = v.diffs[0] if v.diffs else ""
        if v.same and v.node.startswith("<threw: "):
            note = f"both {v.node[1:-1]}"  # an uncaught error, the same on both sides
        rows.append((str(i), v.case.name, "same" if v.same else "DIFFERENT", note))
        rows.extend(("", "", "", extra) for extra in v.diffs[1:])
    widths = [max(len(r[c]) for r in rows) for c in range(3)]
    lines = ["  ".join(r[c].ljust(widths[c]) for c in range(3)) + "  " + r[3] for r in rows]
    different = sum(1 for v in report.verdicts if not v.same)
    lines.append(
        f"{len(report.verdicts)} events, {len(report.verdicts) - different} same, {different} different "
        "(results compared as JSON text with ' rid: <id>' and dates written during the run masked; "
        "side effects = accepted requests (api, body) in order + apps' state + stored files' paths and "
        "digests + database after)"
    )
    return "\n".join(line.rstrip() for line in lines)
