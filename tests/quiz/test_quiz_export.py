"""Anki and CSV export: a re-export keeps every id, so Anki updates notes instead of duplicating them."""

from __future__ import annotations

import csv
import sqlite3
import zipfile
from pathlib import Path

from quiz.export import MODEL, export_anki, export_csv, note_for
from quiz.model import QuizItem


def _anki_ids(path: Path, tmp: Path) -> tuple[set[str], set[int], set[int]]:
    """Note guids, note-type ids and deck ids inside an .apkg."""
    with zipfile.ZipFile(path) as apkg:
        apkg.extract("collection.anki2", tmp)
    db = sqlite3.connect(tmp / "collection.anki2")
    guids = {r[0] for r in db.execute("SELECT guid FROM notes")}
    models = {r[0] for r in db.execute("SELECT mid FROM notes")}
    decks = {r[0] for r in db.execute("SELECT did FROM cards")}
    db.close()
    return guids, models, decks


def test_anki_ids_are_stable_across_exports(bank: list[QuizItem], tmp_path: Path) -> None:
    items = bank[:40]
    first = _anki_ids(export_anki(items, tmp_path / "a.apkg"), tmp_path / "a")
    second = _anki_ids(export_anki(list(reversed(items)), tmp_path / "b.apkg"), tmp_path / "b")
    assert first == second
    guids, models, decks = first
    assert len(guids) == len(items) and models == {MODEL.model_id} and len(decks) == 1
    assert note_for(items[0]).guid == note_for(items[0]).guid != note_for(items[1]).guid


def test_csv_has_one_row_per_item_with_its_source(bank: list[QuizItem], tmp_path: Path) -> None:
    items = [it for it in bank if it.kind != "which_doc"][:30]
    path = export_csv(items, tmp_path / "quiz.csv")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["id"] for r in rows] == [it.id for it in items]
    for row, item in zip(rows, items):
        assert row["quote"] == item.source.quote and int(row["start"]) == item.source.start
        assert all(key in row["quote"] for key in row["answer"].split("、")) or item.kind == "order"
