"""The document store: the committed text, metadata and chunks of every ingested document (SQLite).

It is the index's source of truth and its commit point: a document exists once its row and all its chunk rows are
written in one transaction. Chroma vectors and the keyword index are derived from it, so a crash between writing
vectors and committing here leaves no half-indexed document (orphan vectors are dropped on the next open).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from ingest.chunking import Chunk
from ingest.metadata import DocMeta

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, path TEXT NOT NULL, title TEXT, speaker TEXT, date TEXT, year INTEGER,
    genre TEXT, source TEXT, text TEXT NOT NULL, content_hash TEXT NOT NULL, n_chunks INTEGER, ingested_at REAL
);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    idx INTEGER, start INTEGER, "end" INTEGER, section TEXT, paragraph INTEGER, text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id, idx);
"""


@dataclass(frozen=True)
class StoredDocument:
    """A committed document: its metadata and full cleaned text (what offsets point into)."""

    doc_id: str
    path: str
    title: str
    speaker: str
    date: str
    year: int
    genre: str
    source: str
    text: str
    content_hash: str
    n_chunks: int


@dataclass(frozen=True)
class StoredChunk:
    """A committed chunk with the metadata retrieval and citations need."""

    id: str
    doc_id: str
    idx: int
    start: int
    end: int
    section: str
    paragraph: int
    text: str


def chunk_id(doc_id: str, content_hash: str, index: int) -> str:
    """Stable per version: re-ingesting the same content yields the same ids."""
    return f"{doc_id}#{content_hash[:12]}#{index}"


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
    """All of a write or none of it, on a connection opened with isolation_level=None (the store, the targets
    table and the quiz progress share this)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


class DocumentStore:
    """SQLite-backed store of documents and chunks."""

    def __init__(self, path: Path) -> None:
        self._connections = ThreadConnections(path, _SCHEMA)

    @property
    def _db(self) -> sqlite3.Connection:
        return self._connections.get()

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return write_transaction(self._db)

    def content_hash(self, doc_id: str) -> str | None:
        row = self._db.execute("SELECT content_hash FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return row[0] if row else None

    def chunk_ids(self, doc_id: str) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT id FROM chunks WHERE doc_id=? ORDER BY idx", (doc_id,))]

    def commit_document(self, path: Path, meta: DocMeta, text: str, content_hash: str, chunks: list[Chunk]) -> None:
        """Replace the document and all its chunks atomically."""
        doc_id = path.name
        with self._transaction() as db:
            db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
            db.execute(
                "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    doc_id,
                    str(path),
                    meta.title,
                    meta.speaker,
                    meta.date,
                    meta.year,
                    meta.genre,
                    meta.source,
                    text,
                    content_hash,
                    len(chunks),
                    time.time(),
                ),
            )
            db.executemany(
                "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?)",
                [
                    (
                        chunk_id(doc_id, content_hash, c.index),
                        doc_id,
                        c.index,
                        c.start,
                        c.end,
                        c.section,
                        c.paragraph,
                        c.text,
                    )
                    for c in chunks
                ],
            )

    def remove(self, doc_id: str) -> bool:
        with self._transaction() as db:
            return db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,)).rowcount > 0

    def documents(self) -> list[StoredDocument]:
        rows = self._db.execute(f"SELECT {_DOC_COLUMNS} FROM documents ORDER BY date, doc_id")
        return [StoredDocument(*row) for row in rows]

    def document(self, doc_id: str) -> StoredDocument | None:
        row = self._db.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return StoredDocument(*row) if row else None

    def chunks(self, ids: Iterable[str]) -> dict[str, StoredChunk]:
        """Committed chunks by id; ids that are not committed are simply absent."""
        ids = list(ids)
        found: dict[str, StoredChunk] = {}
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            marks = ",".join("?" * len(part))
            for row in self._db.execute(f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE id IN ({marks})", part):
                found[row[0]] = StoredChunk(*row)
        return found

    def all_chunks(self) -> list[StoredChunk]:
        rows = self._db.execute(f"SELECT {_CHUNK_COLUMNS} FROM chunks ORDER BY doc_id, idx")
        return [StoredChunk(*row) for row in rows]

    def snapshot(self) -> tuple[str, list[StoredChunk]]:
        """The stamp and the chunks of one committed state, read in one transaction: read apart, a commit by
        another process in between labelled chunks with a state they are not."""
        db = self._db
        db.execute("BEGIN")
        try:
            return self.stamp(), self.all_chunks()
        finally:
            db.execute("COMMIT")

    def stamp(self) -> str:
        """A fingerprint of the committed state; derived indexes compare it to know they are current."""
        digest = hashlib.sha256()
        for doc_id, content_hash in self._db.execute("SELECT doc_id, content_hash FROM documents ORDER BY doc_id"):
            digest.update(f"{doc_id}\0{content_hash}\n".encode())
        return digest.hexdigest()

    def close(self) -> None:
        self._connections.close()


_DOC_COLUMNS = "doc_id, path, title, speaker, date, year, genre, source, text, content_hash, n_chunks"
_CHUNK_COLUMNS = 'id, doc_id, idx, start, "end", section, paragraph, text'
