"""The quiz's one facade: the CLI, the app's 练习 tab and its API all make, grade and schedule items through here.

It owns the quiz's tables in the shared database (ingest/database.py; by default the SQLite file `quiz.sqlite` in the
data folder): the cached item bank and every trainee's progress. It reads documents from the document store (or,
with no index yet, from the corpus files, cleaned exactly as ingest does).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from config import Settings
from ingest.database import Database
from quiz import bank, schedule
from quiz.bank import ItemBank
from quiz.grading import grade as grade_answer
from quiz.grading import plain
from quiz.model import KINDS, LIST, NOT_IN_LIST, ORDER, TERM, Grade, QuizDocument, QuizItem, Source
from quiz.schedule import Progress, ProgressRow, Review


class DocumentSource(Protocol):
    """Where documents come from: their state's fingerprint, and the documents themselves."""

    def stamp(self) -> str: ...

    def documents(self) -> list[QuizDocument]: ...


class StoreDocuments:
    """The committed documents of the index (what the app cites and highlights)."""

    def __init__(self, store: Any) -> None:  # ingest.store.DocumentStore; Any keeps this module free of its imports
        self.store = store

    def stamp(self) -> str:
        return str(self.store.stamp())

    def documents(self) -> list[QuizDocument]:
        return [
            QuizDocument(d.doc_id, d.title, d.speaker, d.date, d.year, d.genre, d.text) for d in self.store.documents()
        ]


class CorpusDocuments:
    """Corpus files cleaned as ingest cleans them: the same text, so the same items and ids, without an index."""

    def __init__(self, paths: Sequence[Path], settings: Settings) -> None:
        self.paths = sorted(paths)
        self.settings = settings
        self._docs: list[QuizDocument] | None = None
        self._stamp = ""

    def _load(self) -> list[QuizDocument]:
        from ingest.pipeline import prepare

        if self._docs is None:
            prepared = [prepare(p, self.settings) for p in self.paths]
            self._docs = [
                QuizDocument(p.path.name, p.meta.title, p.meta.speaker, p.meta.date, p.meta.year, p.meta.genre, p.text)
                for p in prepared
            ]
            self._stamp = "corpus:" + ",".join(p.content_hash[:12] for p in prepared)
        return self._docs

    def stamp(self) -> str:
        self._load()
        return self._stamp

    def documents(self) -> list[QuizDocument]:
        return self._load()


@dataclass(frozen=True)
class Scope:
    """Which items a quiz draws from: documents, kinds, a genre, years (empty means all)."""

    docs: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    genre: str | None = None
    years: tuple[int, ...] = ()

    def admits(self, item: QuizItem) -> bool:
        return (
            (not self.docs or item.doc in self.docs)
            and (not self.kinds or item.kind in self.kinds)
            and (not self.genre or item.genre == self.genre)
            and (not self.years or item.year in self.years)
        )


@dataclass(frozen=True)
class GradeOutcome:
    """A graded answer, its item (with the source to show) and, for a trainee, the item's new schedule."""

    grade: Grade
    item: QuizItem
    review: Review | None = None


@dataclass
class QuizService:
    """Make, grade, schedule and export quiz items."""

    settings: Settings
    source: DocumentSource
    database: str | Path | None = None  # a URL or SQLite file; None: the settings' database (quiz.sqlite)
    _database: Database = field(init=False)
    _by_id: dict[str, QuizItem] = field(init=False, default_factory=dict)
    _known: frozenset[str] = field(init=False, default=frozenset())
    _stamp: str = field(init=False, default="")

    def __post_init__(self) -> None:
        target = self.database or self.settings.database(self.settings.data_dir / "quiz.sqlite")
        self._database = Database(target, bank.METADATA, schedule.METADATA)
        self.bank_store = ItemBank(self._database)
        self.progress_store = Progress(self._database)

    @classmethod
    def open(cls, settings: Settings, store: Any | None = None) -> QuizService:
        """On the index's document store when it has documents, else on the corpus files."""
        if store is not None and store.documents():
            return cls(settings, StoreDocuments(store))
        return cls(settings, CorpusDocuments(list(settings.corpus_dir.glob("*.txt")), settings))

    def bank(self) -> list[QuizItem]:
        """Every item of the current documents (generated once per state of the documents, then cached)."""
        stamp = self.source.stamp()
        items = self.bank_store.items(stamp, self.source.documents)
        if stamp != self._stamp:
            self._by_id = {it.id: it for it in items}
            self._known = frozenset(
                plain(a) for it in items if it.kind in (LIST, ORDER, NOT_IN_LIST, TERM) for a in it.answer
            )
            self._stamp = stamp
        return items

    def item(self, item_id: str) -> QuizItem | None:
        self.bank()
        return self._by_id.get(item_id)

    def make(
        self, n: int, scope: Scope = Scope(), seed: int = 0, exclude: frozenset[str] = frozenset()
    ) -> list[QuizItem]:
        """n items of the scope, kinds taking turns, no two asking about the same span; the same seed gives the
        same quiz."""
        rng = random.Random(seed)
        by_kind: dict[str, list[QuizItem]] = {}
        for item in self.bank():
            if scope.admits(item) and item.id not in exclude:
                by_kind.setdefault(item.kind, []).append(item)
        for items in by_kind.values():
            rng.shuffle(items)
        kinds = [k for k in KINDS if k in by_kind]
        rng.shuffle(kinds)
        chosen: list[QuizItem] = []
        asked: set[tuple[str, int, int]] = set()
        while len(chosen) < n and any(by_kind.values()):
            for kind in kinds:
                while by_kind[kind]:
                    item = by_kind[kind].pop()
                    spot = (item.doc, item.source.start, item.source.end)
                    if spot not in asked:
                        asked.add(spot)
                        chosen.append(item)
                        break
                if len(chosen) == n:
                    break
        return chosen

    def grade(
        self, item_id: str, answer: str | list[str], user: str | None = None, now: datetime | None = None
    ) -> GradeOutcome:
        """Grade an answer; for a trainee, also rate it in FSRS (right → Good, wrong → Again) and log it."""
        item = self.item(item_id)
        if item is None:
            raise KeyError(f"no quiz item {item_id!r} in the current documents")
        result = grade_answer(item, answer, self._known)
        review = None
        if user:
            given = answer if isinstance(answer, str) else "、".join(answer)
            review = self.progress_store.record(user, item, result.correct, result.score, given, now)
        return GradeOutcome(result, item, review)

    def due(self, user: str, now: datetime | None = None, limit: int = 20, scope: Scope = Scope()) -> list[QuizItem]:
        """The trainee's items due for review (items of documents no longer in the corpus are skipped)."""
        self.bank()
        items = (self._by_id.get(i) for i in self.progress_store.due_ids(user, now, limit=10_000))
        return [it for it in items if it is not None and scope.admits(it)][:limit]

    def progress(self, user: str, now: datetime | None = None) -> list[ProgressRow]:
        return self.progress_store.progress(user, now)

    def seen(self, user: str) -> frozenset[str]:
        return frozenset(self.progress_store.seen_ids(user))

    def close(self) -> None:
        self._database.close()


def source_json(source: Source) -> dict[str, Any]:
    return {
        "doc": source.doc,
        "title": source.title,
        "date": source.date,
        "start": source.start,
        "end": source.end,
        "quote": source.quote,
    }


def item_json(item: QuizItem) -> dict[str, Any]:
    """An item as `speechqa quiz make --json` prints it (and the app's API returns it)."""
    data: dict[str, Any] = {"id": item.id, "kind": item.kind, "question": item.question}
    if item.options is not None:
        data["options"] = list(item.options)
    data["answer"] = item.public_answer
    data["source"] = source_json(item.source)
    if item.context is not None:
        data["context"] = source_json(item.context)  # which-is-not: the list asked about (the key is in source)
    return data


def grade_json(outcome: GradeOutcome) -> dict[str, Any]:
    """A grade as `speechqa quiz grade --json` prints it."""
    g = outcome.grade
    data: dict[str, Any] = {
        "correct": g.correct,
        "score": g.score,
        "right": list(g.right),
        "missed": list(g.missed),
        "extra": list(g.extra),
        "expected": outcome.item.public_answer,
        "source": source_json(outcome.item.source),
        "note": g.note,
    }
    if outcome.review is not None:
        data["due"] = outcome.review.due.isoformat()
    return data
