"""The document store: the committed text, metadata and chunks of every ingested document.

It is the index's source of truth and its commit point: a document exists once its row and all its chunk rows are
written in one transaction. Chroma vectors and the keyword index are derived from it, so a crash between writing
vectors and committing here leaves no half-indexed document (orphan vectors are dropped on the next open).
It lives in the shared database (ingest/database.py): a SQLite file in the index folder, or PostgreSQL.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path

from sqlalchemy import (
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    delete,
    insert,
    select,
)

from ingest.chunking import Chunk
from ingest.database import Database
from ingest.metadata import DocMeta

METADATA = MetaData()
documents = Table(
    "documents",
    METADATA,
    Column("doc_id", Text, primary_key=True),
    Column("path", Text, nullable=False),
    *(Column(name, Text) for name in ("title", "speaker", "date")),
    Column("year", Integer),
    *(Column(name, Text) for name in ("genre", "source")),
    Column("text", Text, nullable=False),
    Column("content_hash", Text, nullable=False),
    Column("n_chunks", Integer),
    Column("ingested_at", Float),
)
chunks = Table(
    "chunks",
    METADATA,
    Column("id", Text, primary_key=True),
    Column("doc_id", Text, ForeignKey("documents.doc_id", ondelete="CASCADE"), nullable=False),
    *(Column(name, Integer) for name in ("idx", "start", "end")),
    Column("section", Text),
    Column("paragraph", Integer),
    Column("text", Text, nullable=False),
    Index("chunks_doc", "doc_id", "idx"),
)


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


# What a read selects: the dataclasses' fields, in their order (a row becomes the dataclass positionally).
_DOC_COLUMNS = [documents.c[f.name] for f in fields(StoredDocument)]
_CHUNK_COLUMNS = [chunks.c[f.name] for f in fields(StoredChunk)]


def chunk_id(doc_id: str, content_hash: str, index: int) -> str:
    """Stable per version: re-ingesting the same content yields the same ids."""
    return f"{doc_id}#{content_hash[:12]}#{index}"


class DocumentStore:
    """Documents and chunks in the shared database (a SQLite file path, or a database URL)."""

    def __init__(self, target: str | Path) -> None:
        self.database = Database(target, METADATA)

    def content_hash(self, doc_id: str) -> str | None:
        with self.database.read() as db:
            return db.scalar(select(documents.c.content_hash).where(documents.c.doc_id == doc_id))

    def chunk_ids(self, doc_id: str) -> list[str]:
        with self.database.read() as db:
            return list(db.scalars(select(chunks.c.id).where(chunks.c.doc_id == doc_id).order_by(chunks.c.idx)))

    def commit_document(self, path: Path, meta: DocMeta, text: str, content_hash: str, new: list[Chunk]) -> None:
        """Replace the document and all its chunks atomically."""
        doc_id = path.name
        row = {
            "doc_id": doc_id,
            "path": str(path),
            **{k: getattr(meta, k) for k in ("title", "speaker", "date", "year", "genre", "source")},
            "text": text,
            "content_hash": content_hash,
            "n_chunks": len(new),
            "ingested_at": time.time(),
        }
        with self.database.write() as db:
            _delete_document(db, doc_id)
            db.execute(insert(documents), [row])
            if new:
                db.execute(insert(chunks), [_chunk_row(doc_id, content_hash, c) for c in new])

    def remove(self, doc_id: str) -> bool:
        with self.database.write() as db:
            return _delete_document(db, doc_id)

    def documents(self) -> list[StoredDocument]:
        with self.database.read() as db:
            rows = db.execute(select(*_DOC_COLUMNS).order_by(documents.c.date, documents.c.doc_id))
            return [StoredDocument(*row) for row in rows]

    def document(self, doc_id: str) -> StoredDocument | None:
        with self.database.read() as db:
            row = db.execute(select(*_DOC_COLUMNS).where(documents.c.doc_id == doc_id)).first()
        return StoredDocument(*row) if row else None

    def chunks(self, ids: Iterable[str]) -> dict[str, StoredChunk]:
        """Committed chunks by id; ids that are not committed are simply absent."""
        ids = list(ids)
        found: dict[str, StoredChunk] = {}
        with self.database.read() as db:
            for i in range(0, len(ids), 500):
                for row in db.execute(select(*_CHUNK_COLUMNS).where(chunks.c.id.in_(ids[i : i + 500]))):
                    found[row[0]] = StoredChunk(*row)
        return found

    def all_chunks(self) -> list[StoredChunk]:
        with self.database.read() as db:
            return _all_chunks(db)

    def snapshot(self) -> tuple[str, list[StoredChunk]]:
        """The stamp and the chunks of one committed state, read in one transaction: read apart, a commit by
        another process in between labelled chunks with a state they are not."""
        with self.database.snapshot() as db:
            return _stamp(db), _all_chunks(db)

    def stamp(self) -> str:
        """A fingerprint of the committed state; derived indexes compare it to know they are current."""
        with self.database.read() as db:
            return _stamp(db)

    def close(self) -> None:
        self.database.close()


def _delete_document(db: Connection, doc_id: str) -> bool:
    # Chunks first: SQLite cascades through its foreign key, but a database opened without it would keep them.
    db.execute(delete(chunks).where(chunks.c.doc_id == doc_id))
    return db.execute(delete(documents).where(documents.c.doc_id == doc_id)).rowcount > 0


def _chunk_row(doc_id: str, content_hash: str, c: Chunk) -> dict[str, object]:
    return {
        "id": chunk_id(doc_id, content_hash, c.index),
        "doc_id": doc_id,
        "idx": c.index,
        "start": c.start,
        "end": c.end,
        "section": c.section,
        "paragraph": c.paragraph,
        "text": c.text,
    }


def _all_chunks(db: Connection) -> list[StoredChunk]:
    rows = db.execute(select(*_CHUNK_COLUMNS).order_by(chunks.c.doc_id, chunks.c.idx))
    return [StoredChunk(*row) for row in rows]


def _stamp(db: Connection) -> str:
    digest = hashlib.sha256()
    for doc_id, content_hash in db.execute(select(documents.c.doc_id, documents.c.content_hash).order_by("doc_id")):
        digest.update(f"{doc_id}\0{content_hash}\n".encode())
    return digest.hexdigest()
