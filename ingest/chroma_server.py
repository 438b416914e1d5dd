"""A local Chroma server (`chroma run`, shipped with chromadb) on a free loopback port: for the tests that run the
index against a server, the retrieval parity evaluation and the cluster script."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def chroma_server(folder: Path) -> Iterator[str]:
    """`chroma run` on a free loopback port, stopped at the end."""
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    folder.mkdir(parents=True, exist_ok=True)
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(
        [str(chroma), "run", "--path", str(folder / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            if server.poll() is not None:
                raise RuntimeError((folder / "server.log").read_text(errors="replace"))
            time.sleep(0.2)
        else:
            raise RuntimeError(f"chroma run did not answer on {url} within 60 s")
        yield url
    finally:
        server.terminate()
        server.wait(30)
        log.close()
