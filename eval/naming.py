"""How well query understanding reads the documents a question names, on the gold question sets.

    .venv/bin/python -m eval.naming [--verbose] [SET ...]

For every question of ../shared/eval/{seed_dev,corpus_dev,dev2}.jsonl (a follow-up by its first turn, the one that
names the document) `understand()` runs over the real document store, and the result is sorted into:

- answerable, *in filter*: every gold document is inside `doc_ids` (*exact* when `doc_ids` is the gold set);
- answerable, *search all*: `doc_ids is None` (no filter; the gold document is still searched);
- answerable, *wrong filter*: a gold document is outside `doc_ids` (it cannot be retrieved);
- answerable, *false missing*: `missing` is not empty (with `doc_ids is None` the chain refuses without the model);
- unanswerable: *refused* (`missing` and no filter: the chain says the corpus lacks it), *filtered*, *search all*.

No model is loaded: this reads only the SQLite store, so it runs in a second.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from config import Settings
from ingest.index import store_target
from ingest.store import DocumentStore, StoredDocument
from retrieval.query import QueryIntent, understand

EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"
SETS = ("seed_dev", "corpus_dev", "dev2")
COLUMNS = (
    "answerable",
    "in filter",
    "exact",
    "search all",
    "wrong filter",
    "false missing",
    "unanswerable",
    "refused",
    "filtered",
    "u. search all",
)


@dataclass(frozen=True)
class Reading:
    """One gold question and what understand() made of it."""

    qid: str
    question: str
    gold: frozenset[str]
    intent: QueryIntent

    @property
    def answerable(self) -> bool:
        return bool(self.gold)

    def outcomes(self) -> list[str]:
        """The table columns this question counts in."""
        ids = self.intent.doc_ids
        if not self.answerable:
            if self.intent.missing and ids is None:
                return ["unanswerable", "refused"]
            return ["unanswerable", "filtered" if ids is not None else "u. search all"]
        found = ["answerable"]
        if ids is None:
            found.append("search all")
        elif self.gold <= ids:
            found += ["in filter", "exact"] if self.gold == ids else ["in filter"]
        else:
            found.append("wrong filter")
        if self.intent.missing:
            found.append("false missing")
        return found

    def is_miss(self) -> bool:
        return bool({"wrong filter", "false missing"} & set(self.outcomes()))


def first_turn(item: dict) -> str:
    """The question that names the document: a follow-up's first turn."""
    turns = item.get("turns") or []
    return turns[0] if turns else item["question"]


def gold_docs(item: dict) -> frozenset[str]:
    doc = item.get("doc") or []
    return frozenset([doc] if isinstance(doc, str) else doc) if item.get("type") != "unanswerable" else frozenset()


def read_set(path: Path, docs: list[StoredDocument]) -> list[Reading]:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Reading(i["id"], first_turn(i), gold_docs(i), understand(first_turn(i), docs)) for i in items]


def table(results: dict[str, list[Reading]]) -> str:
    """A Markdown table: one row per set, one column per outcome."""
    lines = ["| set | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    for name, readings in results.items():
        counts = Counter(o for r in readings for o in r.outcomes())
        lines.append(f"| {name} | " + " | ".join(str(counts[c]) for c in COLUMNS) + " |")
    return "\n".join(lines)


def describe(reading: Reading) -> str:
    intent = reading.intent
    ids = "all" if intent.doc_ids is None else ",".join(sorted(intent.doc_ids))
    gold = ",".join(sorted(reading.gold)) or "-"
    return (
        f"{reading.qid} [{'/'.join(reading.outcomes()[1:])}] {reading.question}\n"
        f"    gold={gold} filter={ids} refs={intent.references} missing={intent.missing}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sets", nargs="*", default=list(SETS))
    parser.add_argument("--verbose", action="store_true", help="list every miss, and the unanswerables not refused")
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
    args = parser.parse_args()
    docs = DocumentStore(store_target(Settings())).documents()
    results = {name: read_set(args.eval_dir / f"{name}.jsonl", docs) for name in args.sets}
    print(table(results))
    if args.verbose:
        for readings in results.values():
            for r in readings:
                if r.is_miss() or (not r.answerable) or r.intent.doc_ids is None:
                    print(describe(r))


if __name__ == "__main__":
    main()
