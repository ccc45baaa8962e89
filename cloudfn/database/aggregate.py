"""``collection.aggregate()``: a pipeline of stages ending in ``end()``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from . import errors
from .serializer import encode_query, to_ejson
from .types import Point

if TYPE_CHECKING:
    from .database import Database

STAGES = [
    "addFields",
    "bucket",
    "bucketAuto",
    "collStats",
    "count",
    "facet",
    "geoNear",
    "graphLookup",
    "group",
    "indexStats",
    "limit",
    "lookup",
    "match",
    "out",
    "project",
    "redact",
    "replaceRoot",
    "sample",
    "skip",
    "sort",
    "sortByCount",
    "unwind",
]


class Aggregate:
    """Each stage method returns a new pipeline; ``await ....end()`` runs it."""

    def __init__(self, db: Database | None, name: str, stages: list[dict[str, str]] | None) -> None:
        self._db = db
        self._name = name
        self._stages = list(stages or [])

    def _pipe(self, stage: str, param: Any) -> Aggregate:
        # The Node SDK: extended JSON for objects, plain JSON.stringify for anything else.
        value = (
            to_ejson(param, stage) if isinstance(param, dict) else json.dumps(param, separators=(",", ":"))
        )
        return Aggregate(
            self._db, self._name, [*self._stages, {"stageKey": "$" + stage, "stageValue": value}]
        )

    def match(self, param: dict[str, Any]) -> Aggregate:
        return self._pipe("match", encode_query(param))

    def geoNear(self, param: dict[str, Any]) -> Aggregate:
        param = dict(param)
        if param.get("query") is not None:
            param["query"] = encode_query(param["query"])
        near = param.get("near")
        if near is not None:
            param["near"] = Point(near["coordinates"][0], near["coordinates"][1]).toJSON()
        return self._pipe("geoNear", param)

    def indexStats(self) -> Aggregate:
        return self._pipe("indexStats", {})

    def __getattr__(self, name: str) -> Any:
        if name in STAGES:
            return lambda param: self._pipe(name, param)
        raise AttributeError(f"aggregate has no stage {name!r} (stages: {', '.join(STAGES)})")

    def unwrap(self) -> list[dict[str, str]]:
        return list(self._stages)

    def done(self) -> list[dict[str, Any]]:
        return [{s["stageKey"]: json.loads(s["stageValue"])} for s in self._stages]

    async def end(self) -> dict[str, Any]:
        api = "collection.aggregate"
        if self._db is None or not self._name:
            raise errors.plain(api, "Aggregation pipeline cannot send request")
        answer = await self._db._send(
            api,
            "database.aggregateDocuments",
            {"collectionName": self._name, "stages": self._stages},
            plain=True,
        )
        return {"list": self._db._documents(answer["data"]["list"], formatted=False), "errMsg": f"{api}:ok"}
