"""The item bank cached in SQLite: generated once per state of the document store, then read by id.

The cache is keyed by the store's stamp and the generator version, so an ingest or a rule change rebuilds it, and
an unchanged corpus gives back the very same items (ids, options and their order) to `grade ID` and the app.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict

from quiz.items import GENERATOR_VERSION, generate
from quiz.model import QuizDocument, QuizItem, Source

_SCHEMA = """
CREATE TABLE IF NOT EXISTS bank_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, doc TEXT NOT NULL, genre TEXT, year INTEGER, payload TEXT NOT NULL
);
"""


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

    def __init__(self, db: sqlite3.Connection, db_lock: threading.RLock) -> None:
        self._db = db
        self._db_lock = db_lock  # shared with everything else that uses this connection
        self._lock = threading.Lock()  # one build at a time; readers of the connection are not held up by it
        self._items: list[QuizItem] | None = None
        self._stamp = ""
        db.executescript(_SCHEMA)

    def items(self, stamp: str, documents: Callable[[], Sequence[QuizDocument]]) -> list[QuizItem]:
        """The bank for the documents whose state is `stamp` (documents are read only when a rebuild is needed)."""
        with self._lock:
            key = f"{GENERATOR_VERSION}:{stamp}"
            if self._items is not None and self._stamp == key:
                return self._items
            if self._cached_key() == key:
                with self._db_lock:
                    rows = self._db.execute("SELECT payload FROM items ORDER BY id").fetchall()
                self._items = [item_from_json(r[0]) for r in rows]
            else:
                self._items = generate(documents())
                self._store(key, self._items)
            self._stamp = key
            return self._items

    def _cached_key(self) -> str:
        with self._db_lock:
            row = self._db.execute("SELECT value FROM bank_meta WHERE key='stamp'").fetchone()
        return row[0] if row else ""

    def _store(self, key: str, items: Sequence[QuizItem]) -> None:
        rows = [(it.id, it.kind, it.doc, it.genre, it.year, item_to_json(it)) for it in items]
        with self._db_lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM items")
                self._db.executemany("INSERT INTO items VALUES (?,?,?,?,?,?)", rows)
                self._db.execute("INSERT OR REPLACE INTO bank_meta VALUES ('stamp', ?)", (key,))
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
