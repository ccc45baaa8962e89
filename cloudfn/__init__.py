"""cloudfn: WeChat cloud functions in Python.

``cloud = cloudfn.init(); await cloud.openapi.logistics.updatePrinter({...})``
behaves as ``wx-server-sdk`` does in Node. Heavy modules (aiohttp, jsonschema)
load on first use, so ``import cloudfn`` stays cheap for short-lived functions.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .errors import CloudSDKError, Error

__version__ = "0.1.0"

DYNAMIC_CURRENT_ENV = "DYNAMIC_CURRENT_ENV"

_LAZY = {
    "init": "cloudfn.cloud",
    "Cloud": "cloudfn.cloud",
    "FunctionConfig": "cloudfn.config",
    "getWXContext": "cloudfn.runtime.context",
    "get_wx_context": "cloudfn.runtime.context",
    "run_sync": "cloudfn.sync",
    "BlockingCloud": "cloudfn.sync",
    "openapi": "cloudfn.cloud",
    "undefined": "cloudfn.jsvalues",
    "JSObject": "cloudfn.jsvalues",
    "callFunction": "cloudfn.cloud",
    "call_function": "cloudfn.cloud",
    "getOpenData": "cloudfn.cloud",
}

if TYPE_CHECKING:
    from .cloud import Cloud, call_function, callFunction, getOpenData, init, openapi
    from .config import FunctionConfig
    from .jsvalues import JSObject, undefined
    from .runtime.context import get_wx_context, getWXContext
    from .sync import BlockingCloud, run_sync


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cloudfn' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "DYNAMIC_CURRENT_ENV",
    "BlockingCloud",
    "Cloud",
    "CloudSDKError",
    "Error",
    "FunctionConfig",
    "JSObject",
    "__version__",
    "callFunction",
    "call_function",
    "getOpenData",
    "getWXContext",
    "get_wx_context",
    "init",
    "openapi",
    "run_sync",
    "undefined",
]
