"""The searchable index of one embedding model: document store (commit point), Chroma vectors, BM25 keywords."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import chromadb
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from config import Settings
from ingest.chunking import Chunk
from ingest.keyword import KeywordIndex, TokenizerName
from ingest.metadata import DocMeta
from ingest.store import DocumentStore, chunk_id
from targets.table import TargetTable
from targets.table import refresh as refresh_targets

COLLECTION = "speeches"


def index_folder(settings: Settings) -> Path:
    """One folder per embedding model and backend: vectors of different models never mix."""
    model = (
        f"{settings.embedding_model}-{settings.embedding_backend}"
        if settings.embedding_model == "bundled"
        else settings.embedding_model
    )
    return settings.index_dir / re.sub(r"[^A-Za-z0-9._-]+", "_", model).strip("_")


@dataclass
class SpeechIndex:
    """Everything retrieval reads, kept consistent with the document store."""

    store: DocumentStore
    vectors: Chroma
    keyword_dir: Path
    bm25_tokenizer: TokenizerName
    _keyword: KeywordIndex | None = None
    _targets: TargetTable | None = None
    _targets_stamp: str = ""

    @classmethod
    def open(cls, settings: Settings, embeddings: Embeddings) -> SpeechIndex:
        folder = index_folder(settings)
        folder.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(
            path=str(folder / "chroma"), settings=chromadb.config.Settings(anonymized_telemetry=False)
        )
        vectors = Chroma(
            collection_name=COLLECTION,
            embedding_function=embeddings,
            client=client,
            collection_metadata={"hnsw:space": "cosine"},
        )
        index = cls(DocumentStore(folder / "documents.sqlite"), vectors, folder / "bm25", settings.bm25_tokenizer)
        index.repair()
        return index

    def repair(self) -> None:
        """Drop vectors no committed chunk owns (left by an interrupted ingest); refresh a stale keyword index."""
        stored = {c.id for c in self.store.all_chunks()}
        orphans = [i for i in self.vectors.get(include=[])["ids"] if i not in stored]
        if orphans:
            self.vectors.delete(ids=orphans)
        self.keyword()

    def add_document(self, path: Path, meta: DocMeta, text: str, content_hash: str, chunks: list[Chunk]) -> None:
        """Embed and store the new version, commit it, then drop the old version's vectors."""
        doc_id = path.name
        old_ids = self.store.chunk_ids(doc_id)
        ids = [chunk_id(doc_id, content_hash, c.index) for c in chunks]
        metadatas = [
            {
                "doc_id": doc_id,
                "title": meta.title,
                "speaker": meta.speaker,
                "date": meta.date,
                "year": meta.year,
                "genre": meta.genre,
                "section": c.section,
                "start": c.start,
                "end": c.end,
                "paragraph": c.paragraph,
                "chunk": c.index,
            }
            for c in chunks
        ]
        if chunks:
            self.vectors.add_texts([c.text for c in chunks], metadatas=metadatas, ids=ids)
        self.store.commit_document(path, meta, text, content_hash, chunks)
        stale = [i for i in old_ids if i not in set(ids)]
        if stale:
            self.vectors.delete(ids=stale)

    def remove_document(self, doc_id: str) -> bool:
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
                chunks = self.store.all_chunks()
                loaded = KeywordIndex.build(
                    [c.id for c in chunks], [c.text for c in chunks], self.bm25_tokenizer, stamp
                )
                loaded.save(self.keyword_dir)
            self._keyword = loaded
        return self._keyword
