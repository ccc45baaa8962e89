"""The database for plain ``def`` code: ``cloud.sync.database()``, whose actions block.

Builders (``collection``, ``where``, ``orderBy``, ...) are the same objects;
actions (``get``, ``add``, ``update``, ``end``, ...) return their result
instead of a coroutine. ``runTransaction`` takes a plain function.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable
from typing import Any

from ..errors import CloudSDKError
from .aggregate import Aggregate
from .database import Database, Transaction, TransactionRollback
from .query import DocumentReference, Query

# Blocks until an awaitable is done (cloudfn.sync.run_sync, handed in to keep imports one-way).
RunSync = Callable[[Any], Any]


class Blocking:
    """Wraps a database object: coroutine results are awaited, builder results wrapped again."""

    __slots__ = ("_inner", "_run")

    def __init__(self, inner: Any, run: RunSync) -> None:
        self._inner = inner
        self._run = run

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._inner, name)
        if not callable(value) or inspect.isclass(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            result = value(*args, **kwargs)
            if inspect.isawaitable(result):
                result = self._run(result)
            if isinstance(result, Transaction):
                return BlockingTransaction(result, self._run)
            if isinstance(result, Query | DocumentReference | Aggregate):
                return Blocking(result, self._run)
            return result  # values (serverDate(), RegExp(), ...) and results stay as they are

        return call

    def __repr__(self) -> str:
        return f"<blocking {self._inner!r}>"


class BlockingTransaction(Blocking):
    pass


class BlockingDatabase(Blocking):
    """``cloud.sync.database()``."""

    @property
    def command(self) -> Any:
        return self._inner.command

    def runTransaction(self, callback: Callable[[Any], Any], times: int = 3) -> Any:
        """As :meth:`Database.runTransaction`, with a plain-function callback."""
        db: Database = self._inner
        transaction = BlockingTransaction(self._run(db.startTransaction()), self._run)
        inner: Transaction = transaction._inner
        try:
            outcome = callback(transaction)
            if inner.aborted:
                raise TransactionRollback.of(inner.abort_reason)
            self._run(inner.commit())
            return outcome
        except BaseException as error:
            if getattr(error, "code", None) == "DATABASE_TRANSACTION_CONFLICT" and times > 0:
                return self.runTransaction(callback, times - 1)
            if not inner.aborted and not inner.committed:
                with contextlib.suppress(CloudSDKError):  # best effort: the first error is the one to report
                    self._run(inner.rollback())
                raise
            if inner.aborted and not isinstance(error, TransactionRollback):
                raise TransactionRollback.of(inner.abort_reason) from error
            raise

    run_transaction = runTransaction
