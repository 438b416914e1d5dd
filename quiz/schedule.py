"""Spaced repetition with FSRS, and each trainee's progress, in the shared database.

A right answer is rated Good and a wrong one Again (the `fsrs` package's scheduler decides the next due time); every
answer is logged. Progress is counted per document and per kind of item: items seen, answers, share right, due now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from fsrs import Card, Rating, Scheduler, State
from sqlalchemy import Column, Float, Index, Integer, MetaData, Table, Text, and_, case, delete, func, insert, select

from ingest.database import Database
from quiz.model import QuizItem

METADATA = MetaData()
cards = Table(
    "cards",
    METADATA,
    Column("user", Text, primary_key=True),
    Column("item_id", Text, primary_key=True),
    Column("doc", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("card", Text, nullable=False),
    Column("due", Float, nullable=False),
    Column("reviews", Integer, nullable=False),
    Column("correct", Integer, nullable=False),
    Index("cards_due", "user", "due"),
)
reviews = Table(
    "reviews",
    METADATA,
    Column("user", Text, nullable=False),
    Column("item_id", Text, nullable=False),
    Column("at", Text, nullable=False),
    Column("correct", Integer, nullable=False),
    Column("score", Float, nullable=False),
    Column("rating", Integer, nullable=False),
    Column("answer", Text, nullable=False),
)


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

    def __init__(self, database: Database, scheduler: Scheduler | None = None) -> None:
        self._database = database
        self.scheduler = scheduler or Scheduler()

    def record(
        self, user: str, item: QuizItem, correct: bool, score: float, answer: str, now: datetime | None = None
    ) -> Review:
        """Rate the answer (right → Good, wrong → Again), reschedule the item and log the answer."""
        now = now or utc_now()
        rating = Rating.Good if correct else Rating.Again
        this = and_(cards.c.user == user, cards.c.item_id == item.id)
        with self._database.write() as db:
            # FOR UPDATE (PostgreSQL): two app processes recording the same card wait for each other
            row = db.execute(
                select(cards.c.card, cards.c.reviews, cards.c.correct).where(this).with_for_update()
            ).first()
            card = Card.from_json(row[0]) if row else Card(card_id=int(item.id, 16), due=now)
            count, right = (row[1], row[2]) if row else (0, 0)
            card, _ = self.scheduler.review_card(card, rating, review_datetime=now)
            db.execute(delete(cards).where(this))
            db.execute(
                insert(cards),
                [
                    {
                        "user": user,
                        "item_id": item.id,
                        "doc": item.doc,
                        "kind": item.kind,
                        "card": card.to_json(),
                        "due": card.due.timestamp(),
                        "reviews": count + 1,
                        "correct": right + int(correct),
                    }
                ],
            )
            db.execute(
                insert(reviews),
                [
                    {
                        "user": user,
                        "item_id": item.id,
                        "at": now.isoformat(),
                        "correct": int(correct),
                        "score": score,
                        "rating": int(rating),
                        "answer": answer,
                    }
                ],
            )
        return Review(item.id, rating.name, card.due, State(card.state).name, count + 1)

    def due_ids(self, user: str, now: datetime | None = None, limit: int = 50) -> list[str]:
        """Items due for review, most overdue first."""
        now = now or utc_now()
        query = (
            select(cards.c.item_id)
            .where(cards.c.user == user, cards.c.due <= now.timestamp())
            .order_by(cards.c.due, cards.c.item_id)
            .limit(limit)
        )
        with self._database.read() as db:
            return list(db.scalars(query))

    def next_due(self, user: str, item_id: str) -> datetime | None:
        with self._database.read() as db:
            due = db.scalar(select(cards.c.due).where(cards.c.user == user, cards.c.item_id == item_id))
        return datetime.fromtimestamp(due, UTC) if due is not None else None

    def seen_ids(self, user: str) -> set[str]:
        with self._database.read() as db:
            return set(db.scalars(select(cards.c.item_id).where(cards.c.user == user)))

    def progress(self, user: str, now: datetime | None = None) -> list[ProgressRow]:
        """Per document and kind: items seen, answers, right answers, items due now."""
        now = now or utc_now()
        query = (
            select(
                cards.c.doc,
                cards.c.kind,
                func.count(),
                func.sum(cards.c.reviews),
                func.sum(cards.c.correct),
                func.sum(case((cards.c.due <= now.timestamp(), 1), else_=0)),
            )
            .where(cards.c.user == user)
            .group_by(cards.c.doc, cards.c.kind)
            .order_by(cards.c.doc, cards.c.kind)
        )
        with self._database.read() as db:
            return [ProgressRow(*row) for row in db.execute(query)]
