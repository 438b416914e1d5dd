"""The library's change log: every import and removal, from the app or the command line (who, when, what, the
document's content hash), in the shared database (by default library.sqlite in the data folder)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Column, Integer, MetaData, Table, Text, insert, select

from config import Settings
from ingest.database import Database

METADATA = MetaData()
library_changes = Table(
    "library_changes",
    METADATA,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("at", Text, nullable=False),
    Column("who", Text, nullable=False),
    Column("what", Text, nullable=False),  # import or remove
    Column("name", Text, nullable=False),
    Column("sha256", Text, nullable=False),
)


@dataclass(frozen=True)
class Change:
    """One change to the library."""

    at: str  # local time, ISO 8601 with its offset
    who: str
    what: str
    name: str
    sha256: str


def _database(settings: Settings) -> Database:
    return Database(settings.database(settings.data_dir / "library.sqlite"), METADATA)


def record(settings: Settings, who: str, what: str, name: str, sha256: str = "") -> None:
    """Append one library change to the log."""
    change = Change(time.strftime("%Y-%m-%dT%H:%M:%S%z"), who, what, name, sha256)
    database = _database(settings)
    try:
        with database.write() as db:
            db.execute(insert(library_changes), [change.__dict__])
    finally:
        database.close()


def changes(settings: Settings, limit: int = 100) -> list[Change]:
    """The latest changes, newest first."""
    columns = [library_changes.c[n] for n in ("at", "who", "what", "name", "sha256")]
    database = _database(settings)
    try:
        with database.read() as db:
            rows = db.execute(select(*columns).order_by(library_changes.c.seq.desc()).limit(limit))
            return [Change(*row) for row in rows]
    finally:
        database.close()
