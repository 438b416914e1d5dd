"""The searchable index of one embedding model: document store (commit point), Chroma vectors, BM25 keywords."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import chromadb
from chromadb.api import ClientAPI
from filelock import FileLock, Timeout
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from config import Settings
from ingest.chunking import Chunk
from ingest.keyword import KeywordIndex, TokenizerName
from ingest.metadata import DocMeta
from ingest.store import DocumentStore, StoredChunk, StoredDocument, chunk_id
from targets.table import TargetTable
from targets.table import refresh as refresh_targets

COLLECTION = "speeches"
log = logging.getLogger("speechqa.index")


def _metadata(
    doc_id: str, meta: DocMeta | StoredDocument, section: str, start: int, end: int, paragraph: int, index: int
) -> dict[str, str | int]:
    """A chunk's metadata in Chroma: what filters and citations read back."""
    return {
        "doc_id": doc_id,
        "title": meta.title,
        "speaker": meta.speaker,
        "date": meta.date,
        "year": meta.year,
        "genre": meta.genre,
        "section": section,
        "start": start,
        "end": end,
        "paragraph": paragraph,
        "chunk": index,
    }


def index_folder(settings: Settings) -> Path:
    """One folder per embedding model and backend: vectors of different models never mix."""
    model = (
        f"{settings.embedding_model}-{settings.embedding_backend}"
        if settings.embedding_model == "bundled"
        else settings.embedding_model
    )
    return settings.index_dir / re.sub(r"[^A-Za-z0-9._-]+", "_", model).strip("_")


class IndexUnavailable(Exception):
    """The index cannot be opened; the message says why and what to do."""


def _chroma(settings: Settings, folder: Path) -> tuple[ClientAPI, str]:
    """(client, collection name): embedded Chroma in the index folder, or a Chroma server (`chroma run`) that
    several app processes share. One server holds many indexes, so there the collection is named for this index
    folder (embedding model and data folder) unless `chroma_collection` names it."""
    telemetry_off = chromadb.config.Settings(anonymized_telemetry=False)
    if not settings.chroma_url:
        return chromadb.PersistentClient(path=str(folder / "chroma"), settings=telemetry_off), COLLECTION
    url = urlsplit(settings.chroma_url)
    digest = hashlib.sha256(str(folder.resolve()).encode("utf-8")).hexdigest()[:8]
    name = settings.chroma_collection or f"{COLLECTION}-{folder.name[:40]}-{digest}"
    try:
        client = chromadb.HttpClient(
            host=url.hostname or "127.0.0.1", port=url.port or 8000, ssl=url.scheme == "https", settings=telemetry_off
        )
    except Exception as exc:  # chromadb raises ValueError or httpx errors for an unreachable server
        raise IndexUnavailable(
            f"the Chroma server at {settings.chroma_url} does not answer ({type(exc).__name__}): start it "
            "(chroma run --path DIR --host 127.0.0.1 --port 8000) or unset chroma_url to use embedded Chroma"
        ) from exc
    return client, name


@dataclass
class SpeechIndex:
    """Everything retrieval reads, kept consistent with the document store."""

    store: DocumentStore
    vectors: Chroma
    keyword_dir: Path
    bm25_tokenizer: TokenizerName
    # One writer at a time, across processes and threads: every change holds it from its first vector to its commit,
    # so a repair that holds it knows that vectors no chunk owns were left by a writer that died.
    lock: FileLock
    _keyword: KeywordIndex | None = None
    _targets: TargetTable | None = None
    _targets_stamp: str = ""

    @classmethod
    def open(cls, settings: Settings, embeddings: Embeddings) -> SpeechIndex:
        folder = index_folder(settings)
        folder.mkdir(parents=True, exist_ok=True)
        # Chroma creates its tables and the collection on a first open; two processes doing that at once fail
        # ("table collections already exists"). One opener at a time, for that moment only (never a writer's lock).
        with FileLock(folder / "open.lock"):
            client, collection = _chroma(settings, folder)
            vectors = Chroma(
                collection_name=collection,
                embedding_function=embeddings,
                client=client,
                collection_metadata={"hnsw:space": "cosine"},
            )
        store = DocumentStore(folder / "documents.sqlite")
        index = cls(store, vectors, folder / "bm25", settings.bm25_tokenizer, FileLock(folder / "write.lock"))
        index.repair()
        return index

    def repair(self) -> bool:
        """If no one is writing: drop vectors no committed chunk owns (left by an ingest that died) and embed
        committed chunks that have no vector. A reader never waits and never repairs while another process or
        thread writes (it would take a live ingest's vectors for orphans). Returns whether it ran."""
        try:
            self.lock.acquire(timeout=0)
        except Timeout:
            log.info("another writer holds %s: repair left to it", self.lock.lock_file)
            return False
        try:
            chunks = {c.id: c for c in self.store.all_chunks()}
            vector_ids = set(self.vectors.get(include=[])["ids"])
            orphans = [i for i in vector_ids if i not in chunks]
            if orphans:
                self.vectors.delete(ids=orphans)
            missing = [c for i, c in chunks.items() if i not in vector_ids]
            if missing:
                log.warning("%d committed chunks had no vector: embedding them again", len(missing))
                self._embed_stored(missing)
            self.keyword()
        finally:
            self.lock.release()
        return True

    def _embed_stored(self, chunks: list[StoredChunk]) -> None:
        docs = {d.doc_id: d for d in self.store.documents()}
        metadatas = [_metadata(c.doc_id, docs[c.doc_id], c.section, c.start, c.end, c.paragraph, c.idx) for c in chunks]
        self.vectors.add_texts([c.text for c in chunks], metadatas=metadatas, ids=[c.id for c in chunks])

    def add_document(self, path: Path, meta: DocMeta, text: str, content_hash: str, chunks: list[Chunk]) -> None:
        """Embed and store the new version, commit it, then drop the old version's vectors (under the lock)."""
        doc_id = path.name
        ids = [chunk_id(doc_id, content_hash, c.index) for c in chunks]
        metadatas = [_metadata(doc_id, meta, c.section, c.start, c.end, c.paragraph, c.index) for c in chunks]
        with self.lock:
            old_ids = self.store.chunk_ids(doc_id)
            if chunks:
                self.vectors.add_texts([c.text for c in chunks], metadatas=metadatas, ids=ids)
            self.store.commit_document(path, meta, text, content_hash, chunks)
            stale = [i for i in old_ids if i not in set(ids)]
            if stale:
                self.vectors.delete(ids=stale)

    def remove_document(self, doc_id: str) -> bool:
        with self.lock:
            old_ids = self.store.chunk_ids(doc_id)
            removed = self.store.remove(doc_id)
            if old_ids:
                self.vectors.delete(ids=old_ids)
        return removed

    def targets(self) -> TargetTable:
        """The main-targets table of the government work reports (derived data), refreshed when anything changed."""
        stamp = self.store.stamp()
        if self._targets is None or self._targets_stamp != stamp:
            self._targets = refresh_targets(self.store, self.keyword_dir.parent)
            self._targets_stamp = stamp
        return self._targets

    def keyword(self) -> KeywordIndex:
        """The BM25 index for the committed state, rebuilt from the store when anything changed."""
        stamp = self.store.stamp()
        if self._keyword is None or self._keyword.stamp != stamp:
            loaded = KeywordIndex.load(self.keyword_dir)
            if loaded is None or loaded.stamp != stamp or loaded.tokenizer != self.bm25_tokenizer:
                stamp, chunks = self.store.snapshot()
                loaded = KeywordIndex.build(
                    [c.id for c in chunks], [c.text for c in chunks], self.bm25_tokenizer, stamp
                )
                loaded.save(self.keyword_dir)
            self._keyword = loaded
        return self._keyword
