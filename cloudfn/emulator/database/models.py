"""The emulator's database: per environment, collections of documents on mongomock.

Engine choice: mongomock 4.3 over montydb 2.5. Measured on the operators
the Node SDK sends: mongomock runs aggregate pipelines (``$group``,
``$sort``, ``$project``, ``$lookup``, ``$unwind``, ``$facet``, ...), which
montydb does not implement at all, and answers a sorted, limited query on
10,000 documents about 10x faster. What it lacks is filled in
:mod:`.mongomock_gaps`, and nowhere else.

Documents are kept as bson-compatible Python values (``datetime``,
``Regex``, ``Int64``...); extended JSON goes in and out through
``bson.json_util`` only.
"""

from __future__ import annotations

import copy
import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import mongomock

from ...database import ejson
from .mongomock_gaps import IndexedCollection


def new_document_id(source: random.Random | None = None) -> str:
    """A generated ``_id`` shaped like the platform's (32 hex digits)."""
    if source is None:
        return secrets.token_hex(16)
    return f"{source.getrandbits(128):032x}"


@dataclass
class Transaction:
    """An open transaction: the first version of every document it touched, to undo on abort."""

    id: str
    env: str
    originals: dict[tuple[str, Any], dict[str, Any] | None] = field(default_factory=dict)


class EnvDatabase:
    """One environment's database: named collections."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._client: Any = mongomock.MongoClient()
        self._db: Any = self._client.get_database("env")
        self.collections: dict[str, IndexedCollection] = {}

    def exists(self, name: str) -> bool:
        return name in self.collections

    def create(self, name: str) -> IndexedCollection:
        collection = self.collections.get(name)
        if collection is None:
            self._db._store.create_collection(name)
            collection = IndexedCollection(self._db, name, _db_store=self._db._store)
            # $lookup and friends find collections through the database object.
            self._db._collection_accesses[name] = collection
            self.collections[name] = collection
        return collection

    def get(self, name: str) -> IndexedCollection | None:
        return self.collections.get(name)

    def drop(self, name: str) -> None:
        """Delete a collection and its documents (the HTTPS API's databasecollectiondelete)."""
        collection = self.collections.pop(name, None)
        if collection is not None:
            collection.drop()
            self._db._collection_accesses.pop(name, None)

    def documents(self, name: str) -> list[dict[str, Any]]:
        """Every document of a collection, in insertion order (the store's own objects)."""
        collection = self.collections.get(name)
        if collection is None:
            return []
        return list(collection.documents.values())

    def load(self, name: str, documents: Iterable[dict[str, Any]]) -> int:
        collection = self.create(name)
        count = 0
        for document in documents:
            document.setdefault("_id", new_document_id())
            collection.documents[document["_id"]] = document
            count += 1
        return count

    def dump(self) -> dict[str, list[str]]:
        """Every collection as extended JSON lines (sorted by _id), for inspection and parity."""
        return {
            name: [ejson.dumps(d) for d in sorted(self.documents(name), key=lambda d: str(d["_id"]))]
            for name in sorted(self.collections)
        }


class DatabaseState:
    """All environments' databases, and the open transactions."""

    def __init__(self) -> None:
        self.envs: dict[str, EnvDatabase] = {}
        self.transactions: dict[str, Transaction] = {}
        # Generated ids follow one sequence from each reset: two runs of the same
        # calls (parity's Node and Python sides) get the same ids.
        self.ids = random.Random(0)

    def env(self, name: str) -> EnvDatabase:
        database = self.envs.get(name)
        if database is None:
            database = self.envs[name] = EnvDatabase(name)
        return database

    def reset(self) -> None:
        self.envs = {}
        self.transactions = {}
        self.ids = random.Random(0)

    def new_id(self, taken: dict[Any, Any]) -> str:
        while (doc_id := new_document_id(self.ids)) in taken:
            pass
        return doc_id

    def begin(self, env: str) -> Transaction:
        transaction = Transaction(id=new_document_id(self.ids), env=env)
        self.transactions[transaction.id] = transaction
        return transaction

    def remember(self, transaction: Transaction | None, collection: str, documents: Iterable[Any]) -> None:
        """Keep the first version of each document a transaction is about to write."""
        if transaction is None:
            return
        database = self.env(transaction.env)
        store = database.collections[collection].documents
        for doc_id in documents:
            key = (collection, doc_id)
            if key not in transaction.originals:
                original = store.get(doc_id)
                transaction.originals[key] = None if original is None else copy.deepcopy(original)

    def abort(self, transaction: Transaction) -> None:
        """Put back every document the transaction touched: nothing it wrote stays."""
        self.transactions.pop(transaction.id, None)
        self.restore(transaction)

    def restore(self, transaction: Transaction) -> None:
        database = self.env(transaction.env)
        for (collection, doc_id), original in transaction.originals.items():
            store = database.create(collection).documents
            if original is None:
                store.pop(doc_id, None)
            else:
                store[doc_id] = original

    def commit(self, transaction: Transaction) -> None:
        self.transactions.pop(transaction.id, None)

    def dump(self) -> dict[str, dict[str, list[str]]]:
        return {name: self.envs[name].dump() for name in sorted(self.envs)}
