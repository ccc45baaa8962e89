"""``cloud.database()``: the Python face of wx-server-sdk's database.

Every operation becomes one Node SDK action and its parameters
(``database.getDocument`` + ``{collectionName, query, ...}``), sent through
the Cloud's transport (``Transport.database``); the answer is shaped as
wx-server-sdk shapes it. Failures raise :class:`~cloudfn.CloudSDKError`
with wx-server-sdk's ``errCode``/``errMsg``.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import CloudSDKError
from ..transport.errors import TransportError
from . import ejson, errors
from .command import Command, command
from .query import CollectionReference
from .types import Geo, as_point, reg_exp, server_date

if TYPE_CHECKING:
    from .types import RegExp, ServerDate

DEFAULT_TIMEOUT_S = 15.0


class DatabaseChannel(Protocol):
    """What a transport offers the database: one action, answered as the platform's JSON."""

    async def database(
        self, action: str, params: dict[str, Any], *, env: str | None = None
    ) -> dict[str, Any]: ...


def _format(value: Any) -> Any:
    """Stored GeoJSON points read back as Geo.Point, recursively (the Node SDK's formatField)."""
    if isinstance(value, dict):
        point = as_point(value)
        if point is not None:
            return point
        return {k: _format(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_format(v) for v in value]
    return value


class Database:
    """``db = cloud.database()``; ``db.collection(name)``, ``db.command``, ``db.serverDate()``, ..."""

    Geo = Geo

    def __init__(
        self,
        channel: DatabaseChannel | None,
        *,
        env: str | None = None,
        throw_on_not_found: bool = True,
        timeout: float = DEFAULT_TIMEOUT_S,
        missing: str | None = None,
    ) -> None:
        self._channel = channel
        self.env = env
        self.throw_on_not_found = throw_on_not_found
        self.timeout = timeout
        self._missing = missing
        self.config = {"env": env, "throwOnNotFound": throw_on_not_found}

    @property
    def command(self) -> Command:
        return command

    @staticmethod
    def serverDate(*args: Any, **kwargs: Any) -> ServerDate:
        return server_date(*args, **kwargs)

    server_date = serverDate

    @staticmethod
    def RegExp(*args: Any, **kwargs: Any) -> RegExp:
        return reg_exp(*args, **kwargs)

    def collection(self, name: str) -> CollectionReference:
        if not name:
            raise CloudSDKError(
                -1, "Collection name is required", detail="collection: pass the collection's name"
            )
        return CollectionReference(self, name)

    async def createCollection(self, name: str) -> dict[str, Any]:
        api = "createCollection"
        answer = await self._send(api, "database.addCollection", {"collectionName": name}, plain=True)
        return {"errMsg": f"{api}:ok", "requestId": answer.get("requestId")}

    create_collection = createCollection

    async def startTransaction(self) -> Transaction:
        answer = await self._send("transaction", "database.startTransaction", {}, plain=True)
        return Transaction(self, str(answer["transactionId"]))

    start_transaction = startTransaction

    async def runTransaction(
        self, callback: Callable[[Transaction], Awaitable[Any] | Any], times: int = 3
    ) -> Any:
        """Run ``callback(transaction)``, commit; roll back (and re-raise) if it fails, as Node does."""
        transaction = await self.startTransaction()
        try:
            outcome = callback(transaction)
            if inspect.isawaitable(outcome):
                outcome = await outcome
            if transaction.aborted:
                raise TransactionRollback.of(transaction.abort_reason)
            await transaction.commit()
            return outcome
        except BaseException as error:
            if getattr(error, "code", None) == "DATABASE_TRANSACTION_CONFLICT" and times > 0:
                return await self.runTransaction(callback, times - 1)
            if not transaction.aborted and not transaction.committed:
                with contextlib.suppress(
                    CloudSDKError
                ):  # releasing the transaction is best effort, the first error is the news
                    await transaction.rollback()
                raise
            if transaction.aborted and not isinstance(error, TransactionRollback):
                raise TransactionRollback.of(transaction.abort_reason) from error
            raise

    run_transaction = runTransaction

    # -- plumbing --------------------------------------------------------------

    async def _send(
        self, api: str, action: str, params: dict[str, Any], *, plain: bool = False
    ) -> dict[str, Any]:
        if self._channel is None:
            raise errors.coded(
                api,
                -501001,
                "the database is not reachable through this transport",
                detail=self._missing
                or "cloud.database(): this Cloud's transport has no database channel. "
                "Fix: init(transport='tcb') (or a transport that supports the database)",
            )
        try:
            async with asyncio.timeout(self.timeout):
                answer = await self._channel.database(action, params, env=self.env)
        except TimeoutError:
            raise errors.coded(
                api,
                -501002,
                f"database request timeout after {self.timeout:g}s",
                detail="timeout: the database did not answer in time. Fix: retry, or raise timeout= in cloudfn.init()",
            ) from None
        except TransportError as exc:
            if plain:
                raise errors.plain(api, exc.message, detail=exc.detail) from None
            raise errors.coded(api, -501001, exc.message, detail=exc.detail) from None
        if answer.get("code"):
            if api.startswith("transaction"):
                raise errors.PlatformRefusal(api, answer)
            if plain:
                # wx-server-sdk keeps the platform's error object: its code and requestId show.
                error = errors.plain(api, str(answer.get("message", "")))
                error.json_extra = {"code": str(answer["code"]), "requestId": answer.get("requestId", "")}
            else:
                error = errors.platform(api, answer)
            error.code = str(answer["code"])  # type: ignore[attr-defined]
            raise error
        return answer

    @staticmethod
    def _documents(texts: list[str], *, formatted: bool = True) -> list[Any]:
        documents = [ejson.loads(text) for text in texts]
        return [_format(d) for d in documents] if formatted else documents

    def __repr__(self) -> str:
        return f"Database(env={self.env!r}, throwOnNotFound={self.throw_on_not_found})"


class TransactionRollback(Exception):
    """``transaction.rollback(reason)`` ended ``runTransaction``: it raises with that reason.

    Node rethrows the reason itself, whatever it is; Python can only raise
    exceptions, so a reason that is not one arrives here as ``.reason``.
    """

    def __init__(self, reason: Any) -> None:
        super().__init__(reason)
        self.reason = reason

    @staticmethod
    def of(reason: Any) -> BaseException:
        return reason if isinstance(reason, BaseException) else TransactionRollback(reason)


class Transaction:
    """An open transaction: ``collection(name)`` works as usual inside it; then commit or roll back."""

    def __init__(self, db: Database, transaction_id: str) -> None:
        self._db = db
        self.id = transaction_id
        self.aborted = False
        self.committed = False
        self.abort_reason: Any = None

    def collection(self, name: str) -> CollectionReference:
        if not name:
            raise CloudSDKError(-1, "Collection name is required", detail="collection: pass the name")
        return CollectionReference(self._db, name, transaction_id=self.id)

    async def commit(self) -> dict[str, Any]:
        answer = await self._db._send(
            "transaction.commit", "database.commitTransaction", {"transactionId": self.id}, plain=True
        )
        self.committed = True
        return answer

    async def rollback(self, reason: Any = None) -> dict[str, Any]:
        answer = await self._db._send(
            "transaction.rollback", "database.abortTransaction", {"transactionId": self.id}, plain=True
        )
        self.aborted = True
        self.abort_reason = reason
        return answer

    def getTransactionId(self) -> str:
        return self.id
