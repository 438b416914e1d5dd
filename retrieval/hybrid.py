"""Hybrid retrieval: BM25 keywords + dense vectors, fused by weighted reciprocal rank, within the named documents."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from config import Settings
from ingest.index import SpeechIndex
from ingest.store import StoredChunk, StoredDocument
from models.instruction_probe import InstructionProbe
from retrieval.query import QueryIntent, understand
from retrieval.types import Passage, SearchFilters
from zhtext.frames import ASKS_FOR_ITEMS
from zhtext.instructions import blanked, instruction_sentences, masked

MAX_COMPARED = 3  # a question naming more documents than this is searched across them as one scope


def asks_for_items(question: str) -> bool:
    """Questions whose answer is a list or several facts, which often run past one chunk."""
    return bool(ASKS_FOR_ITEMS.search(question))


class Reranker(Protocol):
    """What a cross-encoder offers: a relevance score for each (query, passage) pair."""

    def predict(self, pairs: list[tuple[str, str]]) -> Sequence[float]: ...


@dataclass
class SearchResult:
    passages: list[Passage]
    intent: QueryIntent
    timings: dict[str, float] = field(default_factory=dict)
    # The documents the question names that the caller's filters exclude (then the passages come from the
    # filtered documents, which are not what was asked about).
    filtered_out: frozenset[str] = frozenset()


class HybridSearcher:
    """Runs one question through query understanding, both searches and fusion."""

    def __init__(
        self,
        index: SpeechIndex,
        embeddings: Embeddings,
        settings: Settings,
        reranker: Reranker | None = None,
        probe: InstructionProbe | None = None,
    ) -> None:
        self.index = index
        self.embeddings = embeddings
        self.settings = settings
        self._reranker = reranker
        self.probe = probe
        self._docs: list[StoredDocument] | None = None
        self._docs_stamp = ""

    @classmethod
    def open(cls, settings: Settings) -> HybridSearcher:
        """The searcher over the configured index and embedding model (the model loads on first query)."""
        from models.embeddings import get_embeddings

        embeddings = get_embeddings(settings)
        return cls(SpeechIndex.open(settings, embeddings), embeddings, settings, probe=instruction_probe(settings))

    def reranker(self) -> Reranker | None:
        """The optional cross-encoder named in settings, loaded on first use (none ships offline)."""
        if self._reranker is None and self.settings.reranker_model:
            from sentence_transformers import CrossEncoder

            self._reranker = CrossEncoder(self.settings.reranker_model, device="cpu")
        return self._reranker

    def documents(self) -> list[StoredDocument]:
        stamp = self.index.store.stamp()
        if self._docs is None or stamp != self._docs_stamp:
            self._docs, self._docs_stamp = self.index.store.documents(), stamp
        return self._docs

    def _by_id(self) -> dict[str, StoredDocument]:
        return {d.doc_id: d for d in self.documents()}

    def document_text(self, doc_id: str) -> tuple[str, str] | None:
        """(version, whole text as the model may see it) of a document, or None when it is gone."""
        doc = self._by_id().get(doc_id)
        return None if doc is None else (doc.content_hash, masked_span(doc, 0, len(doc.text)))

    def passage_at(self, doc_id: str, start: int, end: int) -> Passage | None:
        """The stored chunk that holds doc text[start:end] (the shortest, when chunks overlap), as a passage."""
        doc = self._by_id().get(doc_id)
        if doc is None:
            return None
        store = self.index.store
        holding = [c for c in store.chunks(store.chunk_ids(doc_id)).values() if c.start <= start and end <= c.end]
        if not holding:
            return None
        return _passage(min(holding, key=lambda c: c.end - c.start), doc, 0.0, None, None)

    def search(
        self, question: str, k: int | None = None, filters: SearchFilters = SearchFilters(), mode: str = "hybrid"
    ) -> SearchResult:
        """mode: 'hybrid' (default), 'dense' (the plain Chroma baseline) or 'bm25'.

        A question that names two or three documents ("2024年和2025年政府工作报告") is searched in each of them and
        the rankings are interleaved, so that no document's passages crowd the other's out.
        """
        k = k or self.settings.top_k
        started = time.perf_counter()
        docs = self.documents()
        intent = understand(question, docs) if mode == "hybrid" else QueryIntent()
        allowed = {d.doc_id for d in docs if filters.admits(d)}
        query, filtered_out, allowed_before = question, frozenset[str](), set(allowed)
        if intent.doc_ids is not None and allowed & intent.doc_ids:
            allowed &= intent.doc_ids
            query = intent.content
        excluded = frozenset(d for d in intent.doc_ids or () if d not in allowed_before)
        if excluded and (excluded == intent.doc_ids or len(intent.doc_ids or ()) <= MAX_COMPARED):
            filtered_out = excluded  # all the named documents, or one of the two or three a comparison names
        vector = self.embeddings.embed_query(query) if mode in ("hybrid", "dense") else []
        if intent.doc_ids is not None and 2 <= len(allowed) <= MAX_COMPARED:
            passages = _interleave([self._ranked(query, vector, k, {d}, mode) for d in sorted(allowed)])[:k]
        else:
            passages = self._ranked(query, vector, k, None if len(allowed) == len(docs) else allowed, mode)
        if self.settings.expansion == "always" or (self.settings.expansion == "lists" and asks_for_items(question)):
            top = self.settings.expansion_top
            passages = [self._expand(p) for p in passages[:top]] + passages[top:]
        retrieved = time.perf_counter()
        passages = self._screened(passages)
        timings = {"retrieve_ms": (retrieved - started) * 1000, "screen_ms": (time.perf_counter() - retrieved) * 1000}
        return SearchResult(passages, intent, timings, filtered_out)

    def _screened(self, passages: list[Passage]) -> list[Passage]:
        """Documents are data: each sentence the probe takes for one addressed to an assistant is blanked before the
        passage reaches the model (the patterns blanked theirs already). Only the sentence: the probe judges the one
        after it on its own, and blanking it too doubled what a false flag cost (eval/README.md)."""
        if self.probe is None or not passages:
            return passages
        flagged = self.probe.flagged([p.text for p in passages], self.embeddings)
        return [
            dataclasses.replace(p, text=blanked(p.text, spans, with_next=False)) if spans else p
            for p, spans in zip(passages, flagged, strict=True)
        ]

    def _ranked(self, query: str, vector: list[float], k: int, scope: set[str] | None, mode: str) -> list[Passage]:
        """Both searches within the scope, fused, then reranked when a cross-encoder is configured."""
        n = max(self.settings.candidate_k, k)
        ranked: dict[str, list[tuple[str, float]]] = {}
        if mode in ("hybrid", "bm25"):
            ranked["bm25"] = self.index.keyword().search(query, n, scope)
        if mode in ("hybrid", "dense"):
            ranked["dense"] = self._dense(vector, n, scope)
        reranker = self.reranker()
        passages = self._fuse(ranked, self.settings.rerank_candidates if reranker else k)
        if reranker and passages:
            scores = reranker.predict([(query, p.text) for p in passages])
            order = sorted(range(len(passages)), key=lambda i: -float(scores[i]))
            passages = [dataclasses.replace(passages[i], score=round(float(scores[i]), 6)) for i in order[:k]]
        return passages

    def _dense(self, vector: list[float], n: int, scope: set[str] | None) -> list[tuple[str, float]]:
        if not scope and scope is not None:
            return []
        where: Any = None if scope is None else {"doc_id": {"$in": sorted(scope)}}  # Chroma's where syntax
        hits = self.index.vectors.similarity_search_by_vector_with_relevance_scores(vector, k=n, filter=where)
        return [(doc.id, 1.0 - distance) for doc, distance in hits if doc.id]  # cosine distance → similarity

    def _fuse(self, ranked: dict[str, list[tuple[str, float]]], k: int) -> list[Passage]:
        """Weighted fusion of the ranked lists; only committed chunks survive (the store is the truth)."""
        scores = fuse(
            ranked,
            {"bm25": self.settings.fusion_bm25_weight, "dense": self.settings.fusion_dense_weight},
            self.settings.fusion,
            self.settings.fusion_rrf_k,
        )
        order = sorted(scores, key=lambda c: -scores[c])
        chunks = self.index.store.chunks(order[: k * 2])
        docs = self._by_id()
        ranks = {name: {cid: r for r, (cid, _) in enumerate(hits, 1)} for name, hits in ranked.items()}
        passages: list[Passage] = []
        for cid in order:
            if cid in chunks and len(passages) < k:
                c = chunks[cid]
                passages.append(
                    _passage(
                        c, docs[c.doc_id], scores[cid], ranks.get("bm25", {}).get(cid), ranks.get("dense", {}).get(cid)
                    )
                )
        return passages

    def _expand(self, p: Passage) -> Passage:
        """Widen a hit within its paragraph, forward first, to whole sentences within `expansion_chars`."""
        text = self._by_id()[p.doc].text
        para_start = text.rfind("\n", 0, p.start) + 1
        para_end = text.find("\n", p.end)
        para_end = len(text) if para_end < 0 else para_end
        budget = self.settings.expansion_chars
        end = min(para_end, max(p.end, p.start + budget))
        if end < para_end:
            end = max(p.end, max(text.rfind(ch, p.end, end) for ch in "。；！？") + 1)
        start = max(para_start, min(p.start, end - budget))
        if start > para_start:
            sentence_starts = [text.rfind(ch, start, p.start) + 1 for ch in "。；！？"]
            start = min(p.start, max(sentence_starts)) if max(sentence_starts) > 0 else p.start
        return Passage(
            **{**asdict(p), "start": start, "end": end, "text": masked_span(self._by_id()[p.doc], start, end)}
        )


def instruction_probe(settings: Settings) -> InstructionProbe | None:
    """The probe when it is on and was trained on the configured embedder (its weights mean nothing on another)."""
    if not settings.instruction_probe:
        return None
    probe = InstructionProbe.load()
    return probe if probe.embedder == settings.embedding_model else None


def _interleave(rankings: list[list[Passage]]) -> list[Passage]:
    """Round-robin over per-document rankings, the document with the best hit first."""
    rankings = sorted((r for r in rankings if r), key=lambda r: -r[0].score)
    return [r[i] for i in range(max((len(r) for r in rankings), default=0)) for r in rankings if i < len(r)]


def fuse(
    ranked: dict[str, list[tuple[str, float]]], weights: dict[str, float], method: str, rrf_k: int = 60
) -> dict[str, float]:
    """'rrf': weighted reciprocal rank; 'score': weighted sum of scores scaled to [0, 1] within each list."""
    fused: dict[str, float] = {}
    for name, hits in ranked.items():
        if not hits:
            continue
        values = [score for _, score in hits]
        low, high = (0.0, max(values)) if name == "bm25" else (min(values), max(values))
        for rank, (cid, score) in enumerate(hits, 1):
            if method == "rrf":
                part = 1.0 / (rrf_k + rank)
            else:
                part = (score - low) / (high - low) if high > low else 1.0
            fused[cid] = fused.get(cid, 0.0) + weights[name] * part
    return fused


@lru_cache(maxsize=256)
def _masked_document(doc_id: str, content_hash: str, text: str) -> str:
    """The document with its sentences addressed to an assistant blanked, found on the whole text (a chunk border
    may cut such a sentence from its payload); cached per version."""
    return masked(text)


def masked_span(doc: StoredDocument, start: int, end: int) -> str:
    """doc.text[start:end] as the model and the answers may see it."""
    return _masked_document(doc.doc_id, doc.content_hash, doc.text)[start:end]


def _shown(field: str, doc: StoredDocument) -> str:
    """A title or speaker as given to the model: one that addresses an assistant is replaced by the file name."""
    return doc.doc_id if instruction_sentences(field) else field


def _passage(
    c: StoredChunk, doc: StoredDocument, score: float, bm25_rank: int | None, dense_rank: int | None
) -> Passage:
    text = masked_span(doc, c.start, c.end) if doc.text[c.start : c.end] == c.text else masked(c.text)
    return Passage(
        c.id,
        c.doc_id,
        _shown(doc.title, doc),
        "" if instruction_sentences(doc.speaker) else doc.speaker,
        doc.date,
        doc.genre,
        c.section,
        c.start,
        c.end,
        text,  # documents are data: a sentence addressed to an assistant never reaches the model
        round(score, 6),
        bm25_rank,
        dense_rank,
    )


class SpeechRetriever(BaseRetriever):
    """The hybrid search as a LangChain retriever (Documents carry the passage fields as metadata)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    searcher: HybridSearcher
    k: int = 5
    filters: SearchFilters = SearchFilters()

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        result = self.searcher.search(query, self.k, self.filters)
        return [Document(page_content=p.text, metadata=asdict(p), id=p.id) for p in result.passages]
