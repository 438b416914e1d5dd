"""A local OpenAI-compatible model server (llama-cpp-python's `python -m llama_cpp.server`) on a free loopback
port: for the tests and evaluations that go through a real server, and for `make serve-cluster`."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ingest.chroma_server import free_port


@contextmanager
def llama_server(
    gguf: Path, log: Path, threads: int = 1, n_ctx: int = 4096, logits_all: bool = False, wait_s: float = 180
) -> Iterator[str]:
    """The server's base URL (http://127.0.0.1:PORT/v1) once it answers /v1/models; stopped at the end.
    Requests queue instead of interrupting each other (--interrupt_requests False): the app's pool sends a server
    no more than its slots, but another app process may. The server's default logits_all computes every prompt
    token's logits (only logprobs need them): 14% slower to the first token (eval/llm_server.py), so off here."""
    port = free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1"]
    command += ["--port", str(port), "--n_ctx", str(n_ctx), "--n_threads", str(threads)]
    command += ["--n_threads_batch", str(threads), "--interrupt_requests", "False", "--logits_all", str(logits_all)]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:  # a file, not a pipe: llama.cpp's logging would fill a pipe and stall the server
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + wait_s
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the model server exited: {log.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(url + "/models", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the model server did not answer {url}/models in {wait_s:.0f} s") from None
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
