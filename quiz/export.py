"""Export items as an Anki deck (genanki) and as CSV.

Anki matches notes by guid and decks and note types by id: all three are derived from stable names and item ids,
so exporting again updates the cards a trainee already has instead of adding duplicates.
"""

from __future__ import annotations

import csv
import hashlib
import html
from collections.abc import Sequence
from pathlib import Path

import genanki

from quiz.model import KIND_NAMES, QuizItem

MODEL_NAME = "speechqa 练习题 v1"  # change the name only with the fields: Anki keys the note type by its id
CSV_FIELDS = ("id", "kind", "question", "options", "answer", "doc", "title", "date", "start", "end", "quote")


def stable_id(name: str) -> int:
    """An Anki id (a positive 31-bit integer, as genanki's examples use) derived from a name."""
    return int(hashlib.sha1(name.encode("utf-8")).hexdigest()[:8], 16) & 0x7FFFFFFF or 1


MODEL = genanki.Model(
    stable_id(MODEL_NAME),
    MODEL_NAME,
    fields=[{"name": "Question"}, {"name": "Options"}, {"name": "Answer"}, {"name": "Source"}, {"name": "ItemId"}],
    templates=[
        {
            "name": "练习",
            "qfmt": "{{Question}}<br>{{Options}}",
            "afmt": "{{FrontSide}}<hr id=answer><b>{{Answer}}</b><br><div class=source>{{Source}}</div>",
        }
    ],
    css=".card {font-family: sans-serif; font-size: 18px; text-align: left} .source {color: #555; font-size: 15px}",
)


def note_for(item: QuizItem) -> genanki.Note:
    """One note per item; its guid is the item id's, so it never duplicates."""
    options = "".join(f"<div>{'ABCDEFGH'[i]}. {html.escape(o)}</div>" for i, o in enumerate(item.options or ()))
    answer = "、".join(item.answer)
    quote = html.escape(item.source.quote)
    for key in item.answer:
        quote = quote.replace(html.escape(key), f"<mark>{html.escape(key)}</mark>", 1)
    source = f"{html.escape(item.source.title)}（{item.source.date}）<br>{quote}"
    return genanki.Note(
        model=MODEL,
        fields=[html.escape(item.question), options, html.escape(answer), source, item.id],
        guid=genanki.guid_for("speechqa", item.id),
        tags=[KIND_NAMES.get(item.kind, item.kind)],
    )


def export_anki(items: Sequence[QuizItem], path: Path, deck_name: str = "speechqa 练习") -> Path:
    """Write an .apkg deck of the items."""
    deck = genanki.Deck(stable_id(f"deck:{deck_name}"), deck_name)
    for item in items:
        deck.add_note(note_for(item))
    path.parent.mkdir(parents=True, exist_ok=True)
    genanki.Package(deck).write_to_file(str(path))
    return path


def export_csv(items: Sequence[QuizItem], path: Path) -> Path:
    """Write one row per item (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_FIELDS)
        for it in items:
            s = it.source
            writer.writerow(
                [
                    it.id,
                    it.kind,
                    it.question,
                    " | ".join(it.options or ()),
                    "、".join(it.answer),
                    s.doc,
                    s.title,
                    s.date,
                    s.start,
                    s.end,
                    s.quote,
                ]
            )
    return path
