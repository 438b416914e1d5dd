"""Re-run the verification step (citations, answerability) over the drafts of an earlier evaluation run.

    python eval/reverify.py RUN_DIR --gold GOLD.jsonl

The model's drafts and the retrieved passages are read back from RUN_DIR/answers.jsonl, so changes to
attribution or abstention can be measured in seconds instead of re-generating every answer. Prints metrics.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from answer.chain import AnswerChain, context_of
from answer.conversation import Resolved
from answer.types import AnswerContext, Part
from config import get_settings
from eval.metrics import score_by_type
from eval.run import load_gold
from retrieval.hybrid import HybridSearcher
from retrieval.query import understand
from retrieval.types import Passage


def _passage(d: dict) -> Passage:
    return Passage(
        id="",
        doc=d["doc"],
        title=d["title"],
        speaker="",
        date=d["date"],
        genre="",
        section=d.get("section", ""),
        start=d["start"],
        end=d["end"],
        text=d["text"],
        score=d["score"],
    )


def stored_context(chain: AnswerChain, old: dict) -> AnswerContext | None:
    """The verification context of a stored answer; None when it was refused before the model was asked (empty
    question, missing document, no passages) or came from the targets table."""
    if not old.get("draft") and not any(p["draft"] for p in old.get("parts", [])):
        return None
    retrieved = [_passage(p) for p in old["retrieved"]]
    parts = (
        [Part(**p) for p in old["parts"]]
        if "parts" in old
        else [Part("", list(range(old["prompt_passages"])), old["draft"])]
    )  # runs from before parts
    standalone = old.get("standalone_question") or old["question"]
    resolved = Resolved(standalone, old.get("search_text") or standalone, old.get("about") or standalone)
    intent = understand(resolved.search, chain.searcher.documents())
    return context_of(old["question"], resolved, intent, retrieved, parts, old["id"])


def reverify(chain: AnswerChain, answers: list[dict]) -> list[dict]:
    """Each stored answer with its verification re-run on the stored drafts and passages (timings kept)."""
    out = []
    for old in answers:
        context = stored_context(chain, old)
        if context is None:
            out.append(old)
            continue
        new = chain.verify(context, dict(old["timings"]), 0.0).public()
        out.append(new | {"timings": old["timings"]})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--show", action="store_true", help="print each question's verdict")
    parser.add_argument("--out", type=Path, help="write the re-verified answers here (answers.jsonl format)")
    args = parser.parse_args()
    settings = get_settings()
    chain = AnswerChain(HybridSearcher.open(settings), settings)  # the model is never called: drafts come from the run
    gold = {g["id"]: g for g in load_gold(args.gold)}
    stored = [json.loads(line) for line in (args.run_dir / "answers.jsonl").read_text(encoding="utf-8").splitlines()]
    answers = reverify(chain, stored)
    if args.show:
        for a in answers:
            print(a["id"], gold[a["id"]]["type"], a["abstained"], a.get("reason", "")[:30], "|", a["answer"][:80])
    if args.out:
        args.out.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in answers), encoding="utf-8")
    metrics = score_by_type([(gold[a["id"]], a) for a in answers])
    print(json.dumps({k: v for k, v in metrics.items() if k != "by_type"}, indent=1))


if __name__ == "__main__":
    main()
