"""A throwaway PostgreSQL server (Debian's package) on a free loopback port: for the tests that run the shared
tables on PostgreSQL, and for the cluster script. Production uses a managed or self-run PostgreSQL instead.

It trusts loopback connections (nothing else can reach it); a test's server lives in a temporary folder removed when
it stops, the cluster script's in its data folder. PostgreSQL refuses to run as root, so under root it runs as the
`postgres` account.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from ingest.chroma_server import free_port

USER = "speechqa"


def _binary(name: str) -> str:
    """initdb and pg_ctl: on PATH, or where Debian's postgresql package puts them (not on PATH)."""
    found = shutil.which(name) or next(
        iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)), None
    )
    if found is None:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (Debian: apt-get install postgresql)")
    return str(found)


def _run(args: list[str]) -> None:
    """Run a PostgreSQL tool as the postgres account when this is root."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    done = subprocess.run(prefix + args, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{Path(args[0]).name} failed: {done.stderr.strip() or done.stdout.strip()}")


@contextmanager
def postgres_server(folder: Path | None = None) -> Iterator[str]:
    """A PostgreSQL server on a free loopback port; yields the URL of its `postgres` database. In `folder` it is
    kept (created on first use, reused after); without one it lives in a temporary folder removed at the end."""
    keep = folder is not None
    folder = (folder or Path(tempfile.mkdtemp(prefix="speechqa-postgres-"))).resolve()  # not a root-only pytest folder
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = free_port()
    if not (folder / "db" / "PG_VERSION").exists():
        # C collation: text sorts by code point, as in SQLite, so both give the same order
        _run([_binary("initdb"), "-D", str(folder / "db"), "-U", USER, "--auth=trust", "--locale=C", "-E", "UTF8"])
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder}"
    if not keep:
        options += " -c fsync=off"  # a throwaway test database: a crash loses nothing worth keeping
    _run([_binary("pg_ctl"), "-D", str(folder / "db"), "-l", str(folder / "server.log"), "-o", options, "-w", "start"])
    try:
        yield f"postgresql+psycopg://{USER}@127.0.0.1:{port}/postgres"
    finally:
        _run([_binary("pg_ctl"), "-D", str(folder / "db"), "-m", "fast", "-w", "stop"])
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def new_database(server_url: str, name: str | None = None) -> str:
    """A database on the server, created if missing (without a name, a new empty one: one per test, so tests never
    see each other's rows); its URL."""
    name = name or f"speechqa_{uuid.uuid4().hex[:12]}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}):
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name
