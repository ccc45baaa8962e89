"""``/__emulator__/faults``: read, add and clear fault rules while the emulator runs."""

from __future__ import annotations

from aiohttp import web

from ..http import STATE, control_refusal, json_response, read_control_options
from .rules import FaultPlan, FaultRule, FaultSpecError

routes = web.RouteTableDef()


@routes.get("/faults")
async def view(request: web.Request) -> web.Response:
    return json_response(request.config_dict[STATE].faults.snapshot())


@routes.post("/faults")
async def add(request: web.Request) -> web.Response:
    """``{"rules": [{"api": ..., "kind": ..., ...}], "seed": 7}``; either key may be omitted."""
    document = await read_control_options(request)
    plan: FaultPlan = request.config_dict[STATE].faults
    rules = document.get("rules", [])
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        raise control_refusal(
            400, 'rules: a list of objects. Fix: {"rules": [{"api": "*", "kind": "errcode"}]}'
        )
    try:
        parsed = [FaultRule.from_dict(r) for r in rules]
    except (FaultSpecError, TypeError) as exc:
        raise control_refusal(400, str(exc)) from None
    if "seed" in document:
        if not isinstance(document["seed"], int):
            raise control_refusal(400, 'seed: must be an integer. Fix: e.g. {"seed": 7}')
        plan.reseed(document["seed"])
    for rule in parsed:
        plan.add(rule)
    return json_response(plan.snapshot())


@routes.delete("/faults")
async def clear(request: web.Request) -> web.Response:
    request.config_dict[STATE].faults.clear()
    return json_response({"ok": True})


__all__ = ["routes"]
