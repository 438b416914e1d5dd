"""Spaced repetition with FSRS, and each trainee's progress, in SQLite.

A right answer is rated Good and a wrong one Again (the `fsrs` package's scheduler decides the next due time); every
answer is logged. Progress is counted per document and per kind of item: items seen, answers, share right, due now.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fsrs import Card, Rating, Scheduler, State

from ingest.store import write_transaction
from quiz.model import QuizItem

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cards (
    user TEXT NOT NULL, item_id TEXT NOT NULL, doc TEXT NOT NULL, kind TEXT NOT NULL, card TEXT NOT NULL,
    due REAL NOT NULL, reviews INTEGER NOT NULL, correct INTEGER NOT NULL, PRIMARY KEY (user, item_id)
);
CREATE INDEX IF NOT EXISTS cards_due ON cards(user, due);
CREATE TABLE IF NOT EXISTS reviews (
    user TEXT NOT NULL, item_id TEXT NOT NULL, at TEXT NOT NULL, correct INTEGER NOT NULL, score REAL NOT NULL,
    rating INTEGER NOT NULL, answer TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Review:
    """What recording an answer did to the item's card."""

    item_id: str
    rating: str  # "Good" or "Again"
    due: datetime  # next time the item is due (UTC)
    state: str  # FSRS state: Learning, Review or Relearning
    reviews: int  # answers given to this item so far, this one included


@dataclass(frozen=True)
class ProgressRow:
    """A trainee's progress on one document and kind of item."""

    doc: str
    kind: str
    seen: int  # items answered at least once
    reviews: int  # answers given
    correct: int  # answers that were right
    due: int  # items due now

    @property
    def retention(self) -> float:
        """The share of answers that were right (0 when none given)."""
        return self.correct / self.reviews if self.reviews else 0.0


def utc_now() -> datetime:
    return datetime.now(UTC)


class Progress:
    """Every trainee's FSRS cards and answers."""

    def __init__(
        self, db: sqlite3.Connection, scheduler: Scheduler | None = None, db_lock: threading.RLock | None = None
    ) -> None:
        self._db = db
        self._lock = db_lock or threading.RLock()  # shared with the item bank when both use one connection
        self.scheduler = scheduler or Scheduler()
        db.executescript(_SCHEMA)

    def record(
        self, user: str, item: QuizItem, correct: bool, score: float, answer: str, now: datetime | None = None
    ) -> Review:
        """Rate the answer (right → Good, wrong → Again), reschedule the item and log the answer."""
        now = now or utc_now()
        rating = Rating.Good if correct else Rating.Again
        with self._transaction() as db:
            row = db.execute(
                "SELECT card, reviews, correct FROM cards WHERE user=? AND item_id=?", (user, item.id)
            ).fetchone()
            card = Card.from_json(row[0]) if row else Card(card_id=int(item.id, 16), due=now)
            reviews, right = (row[1], row[2]) if row else (0, 0)
            card, _ = self.scheduler.review_card(card, rating, review_datetime=now)
            db.execute(
                "INSERT OR REPLACE INTO cards VALUES (?,?,?,?,?,?,?,?)",
                (
                    user,
                    item.id,
                    item.doc,
                    item.kind,
                    card.to_json(),
                    card.due.timestamp(),
                    reviews + 1,
                    right + int(correct),
                ),
            )
            db.execute(
                "INSERT INTO reviews VALUES (?,?,?,?,?,?,?)",
                (user, item.id, now.isoformat(), int(correct), score, int(rating), answer),
            )
        return Review(item.id, rating.name, card.due, State(card.state).name, reviews + 1)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One writer at a time on the shared connection; a failure leaves nothing half-written."""
        with self._lock, write_transaction(self._db) as db:
            yield db

    def _query(self, sql: str, args: tuple[object, ...]) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def due_ids(self, user: str, now: datetime | None = None, limit: int = 50) -> list[str]:
        """Items due for review, most overdue first."""
        now = now or utc_now()
        rows = self._query(
            "SELECT item_id FROM cards WHERE user=? AND due<=? ORDER BY due LIMIT ?", (user, now.timestamp(), limit)
        )
        return [r[0] for r in rows]

    def next_due(self, user: str, item_id: str) -> datetime | None:
        rows = self._query("SELECT due FROM cards WHERE user=? AND item_id=?", (user, item_id))
        return datetime.fromtimestamp(rows[0][0], UTC) if rows else None

    def seen_ids(self, user: str) -> set[str]:
        return {r[0] for r in self._query("SELECT item_id FROM cards WHERE user=?", (user,))}

    def progress(self, user: str, now: datetime | None = None) -> list[ProgressRow]:
        """Per document and kind: items seen, answers, right answers, items due now."""
        now = now or utc_now()
        rows = self._query(
            "SELECT doc, kind, COUNT(*), SUM(reviews), SUM(correct), SUM(due<=?) FROM cards WHERE user=? "
            "GROUP BY doc, kind ORDER BY doc, kind",
            (now.timestamp(), user),
        )
        return [ProgressRow(*row) for row in rows]
