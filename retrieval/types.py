"""The types retrieval hands on: a passage with its source, and the caller's filters.

They sit below retrieval's search code so the answer checks, the evaluation and the UI can use them without
importing any vector-store code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ingest.store import StoredDocument


@dataclass(frozen=True)
class SearchFilters:
    """Explicit filters from the caller (UI, CLI); they narrow whatever the question itself names."""

    docs: tuple[str, ...] = ()
    genre: str | None = None
    speaker: str | None = None
    year_from: int | None = None
    year_to: int | None = None

    def admits(self, doc: StoredDocument) -> bool:
        return (
            (not self.docs or doc.doc_id in self.docs)
            and (self.genre is None or doc.genre == self.genre)
            and (self.speaker is None or self.speaker in doc.speaker)
            and (self.year_from is None or doc.year >= self.year_from)
            and (self.year_to is None or doc.year <= self.year_to)
        )


@dataclass
class Passage:
    """A retrieved chunk with what a reader, a citation and an evaluation script need."""

    id: str
    doc: str
    title: str
    speaker: str
    date: str
    genre: str
    section: str
    start: int
    end: int
    text: str
    score: float
    bm25_rank: int | None = None
    dense_rank: int | None = None

    def public(self) -> dict:
        """The stable JSON shape of a retrieved passage (see ../shared/eval/FORMAT.md)."""
        d = asdict(self)
        return {k: d[k] for k in ("doc", "title", "date", "section", "start", "end", "text", "score")}
