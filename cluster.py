"""`make serve-cluster`: the replicated set-up on one machine, loopback only. A Chroma server, a PostgreSQL server,
two model servers (llama-cpp-python's OpenAI-compatible server, each with one thread) and two app processes: the
vectors on the Chroma server, the document store, quiz progress and change log in PostgreSQL, the model servers in
turn. Everything lives in data/cluster and is reused by the next run. Ctrl-C stops all.

On real hosts the same pieces are: a Chroma server (or Chroma's distributed deployment), llama-server or vLLM on
GPU hosts, app processes behind any HTTP load balancer with sticky sessions (README "More than one machine").
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

from config import get_settings
from ingest.chroma_server import chroma_server
from ingest.postgres_server import new_database, postgres_server
from models.llm_file import build_llm_file
from models.llm_server import llama_server

APPS = 2
MODEL_SERVERS = 2


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM (a service manager, `kill`) stops everything as Ctrl-C does


def main() -> None:
    signal.signal(signal.SIGTERM, _stop)
    settings = get_settings()
    folder = settings.data_dir / "cluster"
    gguf = build_llm_file(settings.models_dir)
    with ExitStack() as stack:
        chroma = stack.enter_context(chroma_server(folder / "chroma"))
        postgres = stack.enter_context(postgres_server(folder / "postgres"))
        models = [stack.enter_context(llama_server(gguf, folder / f"llm-{n}.log")) for n in range(MODEL_SERVERS)]
        env = os.environ | {
            "SPEECHQA_CHROMA_URL": chroma,
            "SPEECHQA_DATABASE_URL": new_database(postgres, "speechqa"),
            # the replicas' own data folder: its keyword index, targets table and locks follow the shared database
            "SPEECHQA_DATA_DIR": str(folder / "data"),
            "SPEECHQA_MODELS_DIR": str(settings.models_dir.resolve()),
            "SPEECHQA_LLM_BASE_URLS": json.dumps(models),
            "SPEECHQA_LLM_SERVER_SLOTS": "1",
        }
        # The first run starts with an empty database and collection: this ingests the corpus into them (minutes);
        # later runs find every document unchanged.
        subprocess.run([str(Path(sys.executable).parent / "speechqa"), "ingest"], env=env, check=False)
        apps = []
        for n in range(APPS):
            port = settings.port + 1 + n
            log = folder / f"app-{n}.log"
            with log.open("wb") as out:
                app = subprocess.Popen([sys.executable, "app.py"], env=env | {"SPEECHQA_PORT": str(port)}, stdout=out)
            stack.callback(app.wait, 60)  # run last: every app stops before the servers it uses
            stack.callback(app.terminate)
            apps.append(app)
            print(f"app {n + 1}: http://127.0.0.1:{port}/  (log {log})", flush=True)
        print(f"Chroma server: {chroma}; PostgreSQL: {postgres}", flush=True)
        print(f"model servers: {', '.join(models)}; Ctrl-C stops everything", flush=True)
        try:
            for app in apps:
                app.wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
