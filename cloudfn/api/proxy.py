"""``cloud.openapi.<namespace>.<method>(...)``: attribute paths become API names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..casing import snake_to_camel
from ..errors import CloudSDKError

if TYPE_CHECKING:
    from .call import OpenApiCaller

_OPTION_NAMES = {
    "appid": "appid",
    "convertCase": "convert_case",
    "convert_case": "convert_case",
    "version": "version",
}


class OpenApiProxy:
    """A node in the attribute path, callable like the Node SDK's generic proxy.

    ``cloud.openapi(appid=..., convertCase=False)`` returns a configured root;
    ``cloud.openapi.logistics.updatePrinter({...})`` (or ``update_printer(update_type=...)``)
    returns an awaitable result. Any path resolves; unknown APIs fail when called.
    """

    __slots__ = ("_appid", "_caller", "_children", "_convert_case", "_path")

    def __init__(
        self,
        caller: OpenApiCaller,
        path: tuple[str, ...] = (),
        *,
        appid: str | None = None,
        convert_case: bool = True,
    ) -> None:
        self._caller = caller
        self._path = path
        self._appid = appid
        self._convert_case = convert_case
        # Each path is built once: cloud.openapi.logistics.updatePrinter is on the per-call path.
        self._children: dict[str, OpenApiProxy] = {}

    def __getattr__(self, name: str) -> OpenApiProxy:
        if name.startswith("__"):
            raise AttributeError(name)
        child = self._children.get(name)
        if child is None:
            # Python spelling is welcome: update_printer is updatePrinter.
            segment = snake_to_camel(name) if "_" in name else name
            child = self._children[name] = OpenApiProxy(
                self._caller, (*self._path, segment), appid=self._appid, convert_case=self._convert_case
            )
        return child

    def __repr__(self) -> str:
        where = ".".join(("openapi", *self._path))
        return f"<OpenApiProxy {where} appid={self._appid!r} convertCase={self._convert_case}>"

    @property
    def api_name(self) -> str:
        return ".".join(self._path)

    def __call__(self, data: Mapping[str, Any] | None = None, /, **fields: Any) -> Any:
        if not self._path:
            return self._configure({**(data or {}), **fields})
        if data is not None and type(data) is not dict and not isinstance(data, Mapping):
            raise CloudSDKError(
                -601002,
                f"openapi.{self.api_name}:fail system args error",
                detail=(
                    f"data: must be a dict of the API's fields, got {type(data).__name__}. "
                    f"Fix: call openapi.{self.api_name}({{...}}) or with keyword arguments"
                ),
            )
        # The pipeline copies the body before changing it, so no copy is needed here.
        payload = {**(data or {}), **fields} if fields else data
        return self._caller.call(self.api_name, payload, appid=self._appid, convert_case=self._convert_case)

    def _configure(self, options: Mapping[str, Any]) -> OpenApiProxy:
        unknown = sorted(set(options) - set(_OPTION_NAMES))
        if unknown:
            raise TypeError(
                f"openapi options: unknown option(s) {', '.join(unknown)}; the Node SDK accepts "
                "appid, convertCase and version. Fix: e.g. cloud.openapi(appid='wx...', convertCase=False)"
            )
        named = {_OPTION_NAMES[k]: v for k, v in options.items()}
        return OpenApiProxy(
            self._caller,
            (),
            appid=named.get("appid", self._appid),
            convert_case=named.get("convert_case", self._convert_case) is not False,
        )
