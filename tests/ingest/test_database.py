"""The shared database: the same transactions on a SQLite file and (with --postgres) on PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from filelock import Timeout
from sqlalchemy import Column, Integer, MetaData, Table, Text, insert, select

from config import Settings
from ingest.database import Database, WriteLock
from ingest.store import DocumentStore

METADATA = MetaData()
notes = Table("notes", METADATA, Column("n", Integer, primary_key=True), Column("text", Text))


@pytest.fixture
def database(tmp_path: Path, database_url: str) -> Database:
    return Database(database_url or tmp_path / "test.sqlite", METADATA)


def test_the_setting_chooses_the_engine(settings: Settings, database: Database, fake_index) -> None:
    expected = "postgresql" if settings.database_url else "sqlite"
    assert database.engine.dialect.name == expected
    assert fake_index.store.database.engine.dialect.name == expected


def test_a_failed_write_leaves_nothing(database: Database) -> None:
    with pytest.raises(RuntimeError), database.write() as db:
        db.execute(insert(notes), [{"n": 1, "text": "half"}])
        raise RuntimeError("the writer died")
    with database.read() as db:
        assert db.scalar(select(notes.c.n)) is None


def test_a_snapshot_does_not_see_a_commit_made_during_it(database: Database) -> None:
    with database.write() as db:
        db.execute(insert(notes), [{"n": 1, "text": "before"}])
    with database.snapshot() as db:
        first = db.scalars(select(notes.c.n)).all()
        writer = threading.Thread(target=_write_note, args=(database, 2))
        writer.start()
        writer.join(10)
        assert not writer.is_alive()  # the snapshot never blocks a writer
        assert db.scalars(select(notes.c.n)).all() == first == [1]
    with database.read() as db:
        assert db.scalars(select(notes.c.n).order_by(notes.c.n)).all() == [1, 2]


def _write_note(database: Database, n: int) -> None:
    with database.write() as db:
        db.execute(insert(notes), [{"n": n, "text": "during"}])


def test_an_existing_sqlite_store_keeps_its_rows(tmp_path: Path) -> None:
    """Data folders written before the store moved to SQLAlchemy open unchanged (same tables and columns)."""
    import sqlite3

    path = tmp_path / "documents.sqlite"
    old = sqlite3.connect(path)
    old.executescript(
        """CREATE TABLE documents (doc_id TEXT PRIMARY KEY, path TEXT NOT NULL, title TEXT, speaker TEXT, date TEXT,
        year INTEGER, genre TEXT, source TEXT, text TEXT NOT NULL, content_hash TEXT NOT NULL, n_chunks INTEGER,
        ingested_at REAL);
        CREATE TABLE chunks (id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
        idx INTEGER, start INTEGER, "end" INTEGER, section TEXT, paragraph INTEGER, text TEXT NOT NULL);
        INSERT INTO documents VALUES ('a.txt','/c/a.txt','标题','某人','2020-01-01',2020,'讲话','',
        '正文一句。','h1',1,0);
        INSERT INTO chunks VALUES ('a.txt#h1#0','a.txt',0,0,5,'',0,'正文一句。');"""
    )
    old.close()
    store = DocumentStore(path)
    assert [d.title for d in store.documents()] == ["标题"]
    assert store.chunks(["a.txt#h1#0"])["a.txt#h1#0"].end == 5
    assert store.remove("a.txt") and store.all_chunks() == []


def test_writers_take_turns_across_hosts(tmp_path: Path, database: Database) -> None:
    """Two hosts' indexes (their own data folders, one database) never write at once on PostgreSQL; on SQLite the
    database is a file of one host, so one folder's lock is the lock."""
    here = WriteLock(tmp_path / "host-a" / "index" / "write.lock", database)
    shared = database.sqlite
    there = WriteLock(tmp_path / ("host-a" if shared else "host-b") / "index" / "write.lock", database)
    with here:
        with here:  # re-entrant in the holder's thread
            pass
        held: list[str] = []
        worker = threading.Thread(target=lambda: held.append(_try(there)))
        worker.start()
        worker.join(10)
        assert held == ["refused"]
    assert _try(there) == "taken"


def _try(lock: WriteLock) -> str:
    try:
        lock.acquire(timeout=0.3)
    except Timeout:
        return "refused"
    lock.release()
    return "taken"


def test_processes_starting_together_create_the_tables_once(tmp_path: Path, database_url: str) -> None:
    """Two app processes starting at once on a new database both create its tables: neither may fail."""
    target = database_url or tmp_path / "new.sqlite"
    databases = [Database(target) for _ in range(6)]  # connected, no tables yet
    start = threading.Barrier(len(databases))
    failures: list[BaseException] = []

    def create(database: Database) -> None:
        start.wait()
        try:
            database.create_tables(METADATA)
        except BaseException as exc:
            failures.append(exc)

    creators = [threading.Thread(target=create, args=(d,)) for d in databases]
    for creator in creators:
        creator.start()
    for creator in creators:
        creator.join(30)
    assert failures == []
