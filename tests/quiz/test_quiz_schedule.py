"""FSRS scheduling, progress per document and kind, and what survives reopening the quiz database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Scheduler

import quiz.bank
from config import Settings
from ingest.database import Database
from quiz import schedule
from quiz.model import QuizItem
from quiz.schedule import Progress
from quiz.service import QuizService

T0 = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def progress(tmp_path: Path, database_url: str) -> Progress:
    database = Database(database_url or tmp_path / "quiz.sqlite", schedule.METADATA)
    return Progress(database, Scheduler(enable_fuzzing=False))


def test_right_is_good_and_wrong_is_again(progress: Progress, bank: list[QuizItem]) -> None:
    known, forgotten = bank[0], bank[1]
    good = progress.record("u", known, True, 1.0, "…", T0)
    again = progress.record("u", forgotten, False, 0.0, "…", T0)
    assert (good.rating, again.rating) == ("Good", "Again")
    assert T0 < again.due < good.due
    assert progress.due_ids("u", T0) == []
    assert progress.due_ids("u", T0 + timedelta(minutes=5)) == [forgotten.id]
    assert progress.due_ids("u", T0 + timedelta(days=1)) == [forgotten.id, known.id]  # most overdue first
    assert progress.due_ids("someone else", T0 + timedelta(days=1)) == []


def test_intervals_grow_while_answers_stay_right(progress: Progress, bank: list[QuizItem]) -> None:
    item, now, intervals = bank[2], T0, []
    for _ in range(4):
        review = progress.record("u", item, True, 1.0, "…", now)
        intervals.append(review.due - now)
        now = review.due
    assert intervals == sorted(intervals) and intervals[-1] > timedelta(days=3)
    lapse = progress.record("u", item, False, 0.0, "…", now)
    assert lapse.due - now < timedelta(hours=1) and lapse.state == "Relearning" and lapse.reviews == 5


def test_progress_per_document_and_kind(progress: Progress, bank: list[QuizItem]) -> None:
    same = [it for it in bank if it.doc == bank[0].doc and it.kind == bank[0].kind][:2]
    for item, correct in zip(same, (True, False)):
        progress.record("u", item, correct, float(correct), "…", T0)
    progress.record("u", same[0], True, 1.0, "…", T0 + timedelta(minutes=2))
    rows = progress.progress("u", T0 + timedelta(minutes=5))
    assert len(rows) == 1
    row = rows[0]
    assert (row.doc, row.kind, row.seen, row.reviews, row.correct) == (same[0].doc, same[0].kind, 2, 3, 2)
    assert row.retention == pytest.approx(2 / 3) and row.due == 1


def test_progress_and_the_bank_survive_reopening(
    quiz_settings: Settings, service: QuizService, bank: list[QuizItem], monkeypatch: pytest.MonkeyPatch
) -> None:
    item = bank[3]
    outcome = service.grade(item.id, item.public_answer, user="trainee-1", now=T0)
    assert outcome.grade.correct and outcome.review is not None
    monkeypatch.setattr(quiz.bank, "generate", lambda docs: pytest.fail("the cached bank was rebuilt"))
    reopened = QuizService(quiz_settings, service.source)
    try:
        assert reopened.item(item.id) == item
        assert reopened.progress_store.next_due("trainee-1", item.id) == outcome.review.due
        assert [r.seen for r in reopened.progress("trainee-1", T0)] == [1]
        assert reopened.seen("trainee-1") == {item.id}
    finally:
        reopened.close()
