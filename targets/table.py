"""The targets table: every report's cells, kept beside the index as derived data (targets.sqlite).

Like the keyword index it is rebuilt from the document store, never edited by hand: `refresh` re-extracts only
the documents whose content_hash changed and drops the documents that are gone. Rows are keyed by doc_id and
the content_hash they were extracted from. So it stays a local SQLite file in each index folder, not in the shared
database (ingest/database.py): wherever it is missing or stale it is extracted again.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from ingest.store import DocumentStore, StoredDocument
from targets.extract import NATIONAL, TargetCell, extract

FILE_NAME = "targets.sqlite"
EXTRACTOR_VERSION = 1  # bump when extraction changes, so every document is extracted again once

_CELL_COLUMNS = [f.name for f in fields(TargetCell)]
_SELECT = ", ".join(f'c."{name}"' for name in _CELL_COLUMNS)
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, version INTEGER NOT NULL, title TEXT, date TEXT
);
CREATE TABLE IF NOT EXISTS cells (
    {", ".join(f'"{c}"' for c in _CELL_COLUMNS)},
    FOREIGN KEY (doc) REFERENCES documents(doc_id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS cells_by_indicator ON cells(indicator, scope, year);
"""


class ThreadConnections:
    """One SQLite connection per thread, in WAL mode: a connection shared by the app's threads mixes their
    transactions ("cannot start a transaction within a transaction"); WAL lets readers run beside one writer."""

    def __init__(self, path: Path, schema: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self._schema = path, schema
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self.get()  # the schema exists once the constructor returns

    def get(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA foreign_keys=ON")
            with self._lock:
                if not self._all:
                    db.executescript(self._schema)
                self._all.append(db)
            self._local.db = db
        return db

    def close(self) -> None:
        with self._lock:
            for db in self._all:
                db.close()
            self._all.clear()
        self._local = threading.local()


@contextmanager
def write_transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """All of a write or none of it, on a connection opened with isolation_level=None."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


@dataclass(frozen=True)
class Source:
    """The document a cell cites: what a citation shows besides the quote."""

    doc_id: str
    title: str
    date: str


class TargetTable:
    """SQLite-backed cells of every government work report in the store."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._connections = ThreadConnections(path, _SCHEMA)

    @property
    def _db(self) -> sqlite3.Connection:
        return self._connections.get()

    @classmethod
    def in_folder(cls, folder: Path) -> TargetTable:
        return cls(folder / FILE_NAME)

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return write_transaction(self._db)

    def doc_ids(self) -> set[str]:
        """Every document the table has looked at, report or not."""
        return {row[0] for row in self._db.execute("SELECT doc_id FROM documents")}

    def versions(self) -> dict[str, str]:
        """doc_id → the content_hash its rows were extracted from (by this extractor version)."""
        rows = self._db.execute("SELECT doc_id, content_hash FROM documents WHERE version=?", (EXTRACTOR_VERSION,))
        return dict(rows.fetchall())

    def replace(self, doc: StoredDocument, cells: list[TargetCell]) -> None:
        """Store one document's cells in place of its old ones, atomically."""
        marks = ",".join("?" * len(_CELL_COLUMNS))
        with self._transaction() as db:
            db.execute("DELETE FROM documents WHERE doc_id=?", (doc.doc_id,))
            db.execute(
                "INSERT INTO documents VALUES (?,?,?,?,?)",
                (doc.doc_id, doc.content_hash, EXTRACTOR_VERSION, doc.title, doc.date),
            )
            db.executemany(f"INSERT INTO cells VALUES ({marks})", [astuple(c) for c in cells])

    def drop(self, doc_ids: list[str]) -> None:
        with self._transaction() as db:
            db.executemany("DELETE FROM documents WHERE doc_id=?", [(d,) for d in doc_ids])

    def cells(self, indicator: str | None = None, scope: str | None = None) -> list[TargetCell]:
        """Cells by indicator, scope, year and kind (target before result); None means any."""
        query = f"SELECT {_SELECT} FROM cells c WHERE 1=1"
        args: list[str] = []
        if indicator is not None:
            query, args = query + " AND c.indicator=?", [*args, indicator]
        if scope is not None:
            query, args = query + " AND c.scope=?", [*args, scope]
        rows = self._db.execute(query + " ORDER BY c.indicator, c.scope, c.year, c.kind DESC", args)
        return [TargetCell(*row) for row in rows]

    def scopes(self) -> list[str]:
        """national first, then the provinces that have cells."""
        found = {row[0] for row in self._db.execute("SELECT DISTINCT scope FROM cells")}
        return ([NATIONAL] if NATIONAL in found else []) + sorted(found - {NATIONAL})

    def source(self, doc_id: str) -> Source:
        row = self._db.execute("SELECT title, date FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return Source(doc_id, *(row or (doc_id, "")))

    def close(self) -> None:
        self._connections.close()


def refresh(store: DocumentStore, folder: Path) -> TargetTable:
    """The targets table of the index folder, brought up to date with the store: documents whose content_hash
    changed are extracted again, removed documents are dropped."""
    table = TargetTable.in_folder(folder)
    known = table.versions()
    documents = store.documents()
    for doc in documents:
        if known.get(doc.doc_id) != doc.content_hash:
            table.replace(doc, extract(doc))
    gone = sorted(table.doc_ids() - {d.doc_id for d in documents})
    if gone:
        table.drop(gone)
    return table
