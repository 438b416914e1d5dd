"""The shared database behind the document store, the quiz and the library's change log (SQLAlchemy Core).

One URL names it: a SQLite file in the data folder by default (one machine), or PostgreSQL when several app
processes or hosts share one library (`SPEECHQA_DATABASE_URL=postgresql+psycopg://…`). The tables are written
once, in SQLAlchemy Core, and the same queries run on both; the differences between the two engines are kept here:
- SQLite: WAL (readers run beside one writer), foreign keys on, and a write transaction takes the write lock at
  its start (BEGIN IMMEDIATE): two writers that both read first would otherwise deadlock at their first write.
- PostgreSQL: a consistent read of several tables runs at REPEATABLE READ (SQLite's BEGIN already gives one).
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from filelock import FileLock, Timeout
from sqlalchemy import Connection, Engine, MetaData, create_engine, event, text
from sqlalchemy.engine import make_url

_WRITE = "speechqa_write"  # execution option marking a write transaction (SQLite: BEGIN IMMEDIATE)
_SCHEMA_LOCK = 0x5EEC4A  # PostgreSQL advisory lock key held while tables are created


def database_url(target: str | Path) -> str:
    """A URL as given, or a SQLite file's URL for a path."""
    if isinstance(target, str) and "://" in target:
        return target
    path = Path(target).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


class Database:
    """An engine with read, write and snapshot transactions; tables are created by their owners' metadata."""

    def __init__(self, target: str | Path, *metadata: MetaData) -> None:
        url = make_url(database_url(target))
        self.sqlite = url.get_backend_name() == "sqlite"
        if self.sqlite:
            # Waits up to 30 s for another writer (the ingest of a long document holds the lock for seconds).
            engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
        else:
            # A handful of connections per owner and process: app threads read briefly; writes are one at a time.
            engine = create_engine(url, pool_size=4, max_overflow=8, pool_pre_ping=True)
        self.engine: Engine = engine
        self.create_tables(*metadata)

    def create_tables(self, *metadata: MetaData) -> None:
        """Create missing tables (an existing file or database keeps its rows), one process at a time: two app
        processes starting together on one PostgreSQL database both ran CREATE TABLE and one failed on a duplicate
        type. A transaction-scoped advisory lock on PostgreSQL, the write lock (BEGIN IMMEDIATE) on SQLite."""
        with self.write() as conn:
            if not self.sqlite:
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
            for tables in metadata:
                tables.create_all(conn)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reads (each statement sees the latest commit)."""
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """All of a write or none of it."""
        with self.engine.execution_options(**{_WRITE: True}).begin() as conn:
            yield conn

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """Several reads that see one committed state (a commit by another process in between is not seen)."""
        engine = self.engine if self.sqlite else self.engine.execution_options(isolation_level="REPEATABLE READ")
        with engine.begin() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Python's sqlite3 opens transactions on its own; SQLAlchemy's recipe turns that off and begins them itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")


class WriteLock:
    """One writer at a time for an index: a file lock for this host's processes and threads, and on PostgreSQL also
    a session advisory lock, so that hosts with their own data folders but one database take turns too. A writer
    killed with -9 loses both (its flock dies with it, its database session ends). Re-entrant in a thread, as
    FileLock is; acquire(timeout=0) raises filelock.Timeout when another writer holds either."""

    def __init__(self, lock_file: Path, database: Database) -> None:
        self.file = FileLock(lock_file)
        self.lock_file = self.file.lock_file
        self._database = None if database.sqlite else database
        self._key = zlib.crc32(lock_file.parent.name.encode())  # one key per index (its folder's name)
        self._held = threading.local()  # this thread's depth and database connection

    def acquire(self, timeout: float = -1) -> None:
        deadline = None if timeout < 0 else time.monotonic() + timeout
        self.file.acquire(timeout=timeout)
        depth = getattr(self._held, "depth", 0)
        if depth == 0 and self._database is not None:
            try:
                self._held.connection = self._advisory_lock(self._database, deadline)
            except BaseException:
                self.file.release()
                raise
        self._held.depth = depth + 1

    def _advisory_lock(self, database: Database, deadline: float | None) -> Connection:
        connection = database.engine.connect()
        while not connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}):
            connection.commit()
            if deadline is not None and time.monotonic() >= deadline:
                connection.close()
                raise Timeout(self.lock_file)
            time.sleep(0.1)
        connection.commit()  # the lock is the session's: no transaction stays open while it is held
        return connection

    def release(self) -> None:
        self._held.depth -= 1
        if self._held.depth == 0 and self._database is not None:
            connection = self._held.connection
            try:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
                connection.commit()
            finally:
                connection.invalidate()  # never back to the pool: a lock it might still hold would go with it
                connection.close()
        self.file.release()

    def __enter__(self) -> WriteLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.release()
