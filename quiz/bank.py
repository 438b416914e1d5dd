"""The item bank cached in the shared database: generated once per state of the document store, then read by id.

The cache is keyed by the store's stamp and the generator version, so an ingest or a rule change rebuilds it, and
an unchanged corpus gives back the very same items (ids, options and their order) to `grade ID` and the app.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict

from sqlalchemy import Column, Integer, MetaData, Table, Text, delete, insert, select

from ingest.database import Database
from quiz.items import GENERATOR_VERSION, generate
from quiz.model import QuizDocument, QuizItem, Source

METADATA = MetaData()
bank_meta = Table("bank_meta", METADATA, Column("key", Text, primary_key=True), Column("value", Text, nullable=False))
items_table = Table(
    "items",
    METADATA,
    Column("id", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("doc", Text, nullable=False),
    Column("genre", Text),
    Column("year", Integer),
    Column("payload", Text, nullable=False),
)


def item_to_json(item: QuizItem) -> str:
    return json.dumps(asdict(item), ensure_ascii=False)


def item_from_json(payload: str) -> QuizItem:
    data = json.loads(payload)
    context = Source(**data["context"]) if data.get("context") else None
    return QuizItem(
        id=data["id"],
        kind=data["kind"],
        question=data["question"],
        answer=tuple(data["answer"]),
        options=tuple(data["options"]) if data["options"] is not None else None,
        source=Source(**data["source"]),
        key_spans=tuple((int(s), int(e)) for s, e in data["key_spans"]),
        genre=data["genre"],
        year=data["year"],
        context=context,
    )


class ItemBank:
    """Every item of the current documents, from the cache when it is current, else generated and cached."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._lock = threading.Lock()  # one build at a time in this process
        self._items: list[QuizItem] | None = None
        self._stamp = ""

    def items(self, stamp: str, documents: Callable[[], Sequence[QuizDocument]]) -> list[QuizItem]:
        """The bank for the documents whose state is `stamp` (documents are read only when a rebuild is needed)."""
        with self._lock:
            key = f"{GENERATOR_VERSION}:{stamp}"
            if self._items is not None and self._stamp == key:
                return self._items
            if self._cached_key() == key:
                with self._database.read() as db:
                    rows = db.scalars(select(items_table.c.payload).order_by(items_table.c.id)).all()
                self._items = [item_from_json(r) for r in rows]
            else:
                self._items = generate(documents())
                self._store(key, self._items)
            self._stamp = key
            return self._items

    def _cached_key(self) -> str:
        with self._database.read() as db:
            return db.scalar(select(bank_meta.c.value).where(bank_meta.c.key == "stamp")) or ""

    def _store(self, key: str, items: Sequence[QuizItem]) -> None:
        rows = [
            {
                "id": it.id,
                "kind": it.kind,
                "doc": it.doc,
                "genre": it.genre,
                "year": it.year,
                "payload": item_to_json(it),
            }
            for it in items
        ]
        with self._database.write() as db:
            db.execute(delete(items_table))
            if rows:
                db.execute(insert(items_table), rows)
            db.execute(delete(bank_meta).where(bank_meta.c.key == "stamp"))
            db.execute(insert(bank_meta), [{"key": "stamp", "value": key}])
