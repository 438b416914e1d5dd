"""The library's change log: every import and removal, from the app or the command line, appended to
data/audit.jsonl (who, when, what, the document's content hash)."""

from __future__ import annotations

import json
import time
from pathlib import Path


def record(data_dir: Path, who: str, what: str, name: str, sha256: str = "") -> None:
    """Append one library change to the audit log."""
    entry = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "who": who, "what": what, "name": name, "sha256": sha256}
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / "audit.jsonl").open("a", encoding="utf-8") as log:
        log.write(json.dumps(entry, ensure_ascii=False) + "\n")
