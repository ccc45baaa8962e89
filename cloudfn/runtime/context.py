"""``getWXContext()`` and the per-invocation WX context.

On the platform each invocation runs in its own process and the Node SDK
reads the WX context from ``process.env``. cloudfn's runner serves many
invocations in one process, so each invocation's context variables are laid
over ``os.environ`` in the invocation environment (:mod:`cloudfn.environment`);
the reading rules are the Node SDK's, applied to that combined view.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from .. import environment
from ..jsvalues import JSObject

_INTEGER = re.compile(r"^-?\d+$")
# The Node SDK never exposes these, with or without the WX_ prefix.
_HIDDEN = frozenset({"API_TOKEN", "TRIGGER_API_TOKEN_V0"})
# WX context keys that the platform passes in other variables than WX_<KEY>.
_SPECIAL = {"ENV": "TCB_ENV", "SOURCE": "TCB_SOURCE"}


# The keys the platform lists in WX_CONTEXT_KEYS; those without a value are skipped.
STANDARD_KEYS = (
    "OPENID",
    "APPID",
    "UNIONID",
    "FROM_OPENID",
    "FROM_APPID",
    "FROM_UNIONID",
    "CLIENTIP",
    "CLIENTIPV6",
)


def _js_integer(text: str) -> int:
    """``parseInt(text)`` as JSON shows it: past 2**53 a double, so its shortest digits then zeros."""
    value = int(text)
    if abs(value) <= 2**53:
        return value
    from decimal import Decimal

    return int(Decimal(repr(float(value))))


def getWXContext() -> dict[str, Any]:
    """The WeChat context of the running invocation, read exactly as wx-server-sdk reads it.

    ``WX_CONTEXT_KEYS`` lists the variables to read; numeric values become
    ints, a ``WX_`` prefix is dropped, tokens are never exposed; ``ENV`` comes
    from ``TCB_ENV`` (else ``SCF_NAMESPACE``) and ``SOURCE`` from ``TCB_SOURCE``.
    A key Node leaves undefined (``UNIONID`` for most users) is absent and
    reads as ``undefined`` (``ctx.get("UNIONID")``), so a result that passes
    it on leaves it out, as Node's does.
    """
    env = environment.current()
    keys = env.get("WX_CONTEXT_KEYS")
    if not keys:
        return JSObject()
    context = JSObject()
    for name in keys.split(","):
        value = env.get(name)
        if not name or value is None:
            continue
        if name in _HIDDEN or (name.startswith("WX_") and name[3:] in _HIDDEN):
            continue
        key = name[3:] if name.startswith("WX_") and len(name) > 3 else name
        context[key] = _js_integer(value) if _INTEGER.match(value) else value
    # `TCB_ENV || SCF_NAMESPACE`: an empty TCB_ENV falls through; JSON drops an undefined ENV.
    namespace = env.get("TCB_ENV") or env.get("SCF_NAMESPACE")
    if namespace is not None:
        context["ENV"] = namespace
    source = env.get("TCB_SOURCE")
    if source:
        context["SOURCE"] = source
    return context


get_wx_context = getWXContext


def context_environ(wx_context: Mapping[str, Any]) -> dict[str, str]:
    """The environment variables through which the platform would pass ``wx_context``.

    ``{"OPENID": "o1", "SOURCE": "wx_client"}`` -> ``WX_OPENID=o1``,
    ``TCB_SOURCE=wx_client`` and ``WX_CONTEXT_KEYS`` listing WX_OPENID and the
    platform's other standard keys (read only when set). ``None`` values are left out.
    """
    variables: dict[str, str] = {}
    listed: list[str] = []
    for key, value in wx_context.items():
        if value is None:
            continue
        if not isinstance(key, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            raise ValueError(
                f"wx_context: key {key!r} is not a name like OPENID. Fix: use upper-case names "
                "such as OPENID, APPID, UNIONID, CLIENTIP, SOURCE, ENV"
            )
        key = key.upper()
        text = str(value)
        if key in _SPECIAL:
            variables[_SPECIAL[key]] = text
            continue
        name = f"WX_{key}"
        variables[name] = text
        listed.append(name)
    listed += [f"WX_{key}" for key in STANDARD_KEYS if f"WX_{key}" not in listed]
    variables["WX_CONTEXT_KEYS"] = ",".join(listed)
    return variables


@contextmanager
def wx_context_scope(wx_context: Mapping[str, Any] | None) -> Iterator[None]:
    """Run the block (and tasks/threads started from it) with ``wx_context`` as the WX context.

    Its variables replace the process's own ``WX_*`` and ``TCB_SOURCE``, so
    nothing leaks in from the process environment.
    """
    with environment.laid_over(context_environ(wx_context or {}), wx_context=True):
        yield


__all__ = ["context_environ", "getWXContext", "get_wx_context", "wx_context_scope"]
