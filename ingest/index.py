"""The searchable index of one embedding model: document store (commit point), Chroma vectors, BM25 keywords."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.rust import RustBindingsAPI
from filelock import FileLock, Timeout
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from config import Settings
from ingest.chunking import Chunk
from ingest.database import WriteLock
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


def store_target(settings: Settings) -> str | Path:
    """The document store's database: the shared one when set, else documents.sqlite in the index folder."""
    return settings.database(index_folder(settings) / "documents.sqlite")


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


class _ChromaLog:
    """Where embedded Chroma's write log stands: MAX(seq_id) of its `embeddings_queue` table. Every add or delete,
    by any process, appends to that log, and Chroma never purges the last entry (it purges below the applied
    position and computes the next seq_id as MAX + 1), so the position changes with every write to the vectors,
    including those that leave the store's stamp alone (another process's repair, a writer killed before its
    commit). None when it cannot be read (no database yet, or a Chroma whose tables differ)."""

    def __init__(self, db: Path) -> None:
        self.db = db.absolute()
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        self._warned = False

    def position(self) -> int | None:
        try:
            if self._connection is None or self._pid != os.getpid():  # a connection does not survive a fork
                # read-write, never creating the file: a read-only connection cannot roll back the journal a
                # Chroma writer killed mid-transaction left, and fails until Chroma does
                self._connection = sqlite3.connect(
                    f"{self.db.as_uri()}?mode=rw", uri=True, isolation_level=None, check_same_thread=False
                )
                self._pid = os.getpid()
            # fetchall: the statement finishes, so no read lock outlives the call (the journal is not WAL)
            ((position,),) = self._connection.execute("SELECT MAX(seq_id) FROM embeddings_queue").fetchall()
        except (sqlite3.Error, ValueError) as exc:
            self._connection = None
            if not self._warned and self.db.exists():  # e.g. a database Chroma has not set up yet
                log.info("cannot read Chroma's log position in %s (%s): the store's stamp stands in", self.db, exc)
                self._warned = True
            return None
        return int(position or 0)


def _vectors_state(chroma_log: _ChromaLog, store: DocumentStore) -> str:
    """What the vectors on disk are at: Chroma's log position, or the committed state's stamp if it is unreadable."""
    position = chroma_log.position()
    return f"log {position}" if position is not None else f"stamp {store.stamp()}"


class _LoadedVectors:
    """What this process's embedded Chroma holds for one index folder. Chroma keeps one System per folder and
    process, shared by every client opened on that folder, and its Rust bindings cache each collection's HNSW
    index from its first use: a process does not see vectors another process wrote (searches miss them) and, once
    that other process has applied and purged its log entries, a write here saves the stale index over the good one
    (chroma-core/chroma#3792). So, before a write and before a search, the bindings are rebuilt when the vectors on
    disk moved since this process last read or wrote them; the process's own writes move `state` along.

    Rebuilding replaces the bindings inside the shared System's ServerAPI component (what `RustBindingsAPI.start`
    does), so every client and SpeechIndex of this process on the folder sees the reloaded data; a call already
    running finishes on the old bindings, which are freed when it returns. Closing the client instead would not
    do: `Client.close` stops a System only when the last client sharing it closes. One per System, shared."""

    def __init__(self, api: RustBindingsAPI, chroma_log: _ChromaLog, state: str | None) -> None:
        self._api = weakref.ref(api)
        self.chroma_log = chroma_log
        self.state = state  # the vectors' state this process's bindings hold (None: unknown, reload)
        self.writers = 0  # writes of this process under way: they hold the write lock and made the bindings current
        self.lock = threading.Lock()  # guards all of the above and the reload

    def catch_up(self, store: DocumentStore) -> None:
        """Rebuild the bindings if the vectors moved since this process last saw them (hold `lock`)."""
        state = _vectors_state(self.chroma_log, store)
        if state == self.state:
            return
        api = self._api()
        if api is not None:
            started = time.perf_counter()
            api.start()
            elapsed_ms = (time.perf_counter() - started) * 1e3
            log.info("vectors changed on disk: embedded Chroma reloaded (%.0f ms)", elapsed_ms)
        self.state = state


_LOADED: weakref.WeakKeyDictionary[RustBindingsAPI, _LoadedVectors] = weakref.WeakKeyDictionary()
_LOADED_LOCK = threading.Lock()


def _loaded_vectors(client: ClientAPI, chroma_log: _ChromaLog, state_before: str) -> _LoadedVectors | None:
    """The shared _LoadedVectors of an embedded client's System; None for a Chroma server (it shares one HNSW
    cache among its clients). A System created by this open loaded nothing before `state_before` was read."""
    api = getattr(client, "_server", None)
    if not isinstance(api, RustBindingsAPI):
        return None
    with _LOADED_LOCK:
        loaded = _LOADED.get(api)
        if loaded is None:
            loaded = _LOADED[api] = _LoadedVectors(api, chroma_log, state_before)
        return loaded


@dataclass
class SpeechIndex:
    """Everything retrieval reads, kept consistent with the document store."""

    store: DocumentStore
    _vectors: Chroma  # read it through `vectors`
    keyword_dir: Path
    bm25_tokenizer: TokenizerName
    # One writer at a time, across threads, processes and (on PostgreSQL) hosts: every change holds it from its first
    # vector to its commit, so a repair that holds it knows that vectors no chunk owns were left by a writer that died.
    lock: WriteLock
    _loaded: _LoadedVectors | None = None  # embedded Chroma: what this process has loaded
    _keyword: KeywordIndex | None = None
    _targets: TargetTable | None = None
    _targets_stamp: str = ""

    @classmethod
    def open(cls, settings: Settings, embeddings: Embeddings) -> SpeechIndex:
        folder = index_folder(settings)
        folder.mkdir(parents=True, exist_ok=True)
        embedded = not settings.chroma_url
        chroma_log = _ChromaLog(folder / "chroma" / "chroma.sqlite3")
        # Chroma creates its tables and the collection on a first open; two processes doing that at once fail
        # ("table collections already exists"), and so can two creating the store ("database is locked" switching
        # it to WAL). One opener at a time, for that moment only (never a writer's lock).
        with FileLock(folder / "open.lock"):
            store = DocumentStore(store_target(settings))
            # read before the client: a System it creates loads the vectors after this state, never before it
            state_before = _vectors_state(chroma_log, store) if embedded else ""
            client, collection = _chroma(settings, folder)
            vectors = Chroma(
                collection_name=collection,
                embedding_function=embeddings,
                client=client,
                collection_metadata={"hnsw:space": "cosine"},
            )
        loaded = None
        if embedded:
            if state_before != "log 0" and _vectors_state(chroma_log, store) == "log 0":
                state_before = "log 0"  # a new index (no database before): nothing was ever written, nothing to load
            loaded = _loaded_vectors(client, chroma_log, state_before)
        lock = WriteLock(folder / "write.lock", store.database)
        index = cls(store, vectors, folder / "bm25", settings.bm25_tokenizer, lock, loaded)
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
            with self._writing():
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

    @property
    def vectors(self) -> Chroma:
        """The Chroma vectors for a search: in embedded Chroma, reloaded from disk first if another process wrote
        vectors since this process last read or wrote them (one query of Chroma's database when nothing changed).
        While this process writes (it holds the write lock, no other process can write) they are used as they are.
        """
        loaded = self._loaded
        if loaded is not None:
            with loaded.lock:
                if not loaded.writers:
                    loaded.catch_up(self.store)
        return self._vectors

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Around a write, holding the write lock: embedded Chroma first made current (a write on a stale HNSW
        index would save it over the one another process saved), and after it, the state this process wrote
        noted as seen, so that its own writes cause no reload."""
        loaded = self._loaded
        if loaded is None:
            yield
            return
        with loaded.lock:
            if not loaded.writers:
                loaded.catch_up(self.store)
            loaded.writers += 1
        try:
            yield
        finally:
            with loaded.lock:
                loaded.writers -= 1
                loaded.state = None  # if reading the state fails, the next use reloads
                loaded.state = _vectors_state(loaded.chroma_log, self.store)

    def _embed_stored(self, chunks: list[StoredChunk]) -> None:
        docs = {d.doc_id: d for d in self.store.documents()}
        metadatas = [_metadata(c.doc_id, docs[c.doc_id], c.section, c.start, c.end, c.paragraph, c.idx) for c in chunks]
        self.vectors.add_texts([c.text for c in chunks], metadatas=metadatas, ids=[c.id for c in chunks])

    def add_document(self, path: Path, meta: DocMeta, text: str, content_hash: str, chunks: list[Chunk]) -> None:
        """Embed and store the new version, commit it, then drop the old version's vectors (under the lock)."""
        doc_id = path.name
        ids = [chunk_id(doc_id, content_hash, c.index) for c in chunks]
        metadatas = [_metadata(doc_id, meta, c.section, c.start, c.end, c.paragraph, c.index) for c in chunks]
        with self.lock, self._writing():
            old_ids = self.store.chunk_ids(doc_id)
            if chunks:
                self.vectors.add_texts([c.text for c in chunks], metadatas=metadatas, ids=ids)
            self.store.commit_document(path, meta, text, content_hash, chunks)
            stale = [i for i in old_ids if i not in set(ids)]
            if stale:
                self.vectors.delete(ids=stale)

    def remove_document(self, doc_id: str) -> bool:
        with self.lock, self._writing():
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
        """The BM25 index of the committed state: the one in memory while the store's stamp is unchanged, else the
        published one (memory-mapped) when it is of this state, else one built from the store and published. Any
        process may build and publish. Every change ends with a call here by the writer (an ingest run, a removal in
        the app or the CLI, a repair), so other processes mostly just load what it published; add_document and
        remove_document do not call it themselves: an ingest of the corpus would build once per document (+156 s)."""
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
