"""Re-run the verification step (citations, answerability) over the drafts of an earlier evaluation run.

    python -m eval.reverify RUN_DIR --gold GOLD.jsonl     # one run's drafts
    python -m eval.reverify [--sets a,b] [--verdicts]     # the recorded drafts of eval/results (the regression test's)

The model's drafts and the retrieved passages are read back from RUN_DIR/answers.jsonl, so changes to
attribution or abstention can be measured in seconds instead of re-generating every answer. Prints metrics.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from answer.chain import AnswerChain, context_of
from answer.conversation import Resolved
from answer.types import AnswerContext, Part
from config import get_settings
from eval.metrics import ANSWER_KEYS, score_by_type
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
    known = {f.name for f in dataclasses.fields(Part)}  # older runs recorded a `mode` (point mode is gone)
    parts = (
        [Part(**{k: v for k, v in p.items() if k in known}) for p in old["parts"]]
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
        new = chain.verify(context, dict(old["timings"]), 0.0).public(debug=True)
        out.append(new | {"timings": old["timings"]})
    return out


def verdicts(answers: list[dict]) -> dict[str, str]:
    """Each answer's verdict in a line: refused by which check and code, or answered with which document spans."""
    out = {}
    for a in answers:
        if a.get("abstained"):
            out[a["id"]] = f"refused {a.get('decided_by', '')}/{a.get('reason_code', '')}"
        else:
            spans = sorted({f"{c['doc']}:{c['quote_start']}-{c['quote_end']}" for c in a.get("citations", [])})
            out[a["id"]] = "answered " + " ".join(spans)
    return out


RECORDED = Path("eval/results")
GOLD = Path("../shared/eval")


def recorded_sets(chain: AnswerChain, names: list[str], write: bool) -> None:
    """Re-verify the recorded drafts of the named sets (eval/results/drafts_<set>.jsonl); print each set's levels
    as tests/eval/test_answer_regression.py holds them; with write, save every verdict to verdicts.json."""
    every = {}
    for name in names:
        gold = {g["id"]: g for g in load_gold(GOLD / f"{name}.jsonl")}
        path = RECORDED / f"drafts_{name}.jsonl"
        stored = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        answers = reverify(chain, stored)
        metrics = score_by_type([(gold[a["id"]], a) for a in answers])
        print(name, json.dumps({k: round(metrics[k], 3) for k in ANSWER_KEYS}))
        every[name] = verdicts(answers)
    if write:
        (RECORDED / "verdicts.json").write_text(json.dumps(every, ensure_ascii=False, indent=1) + "\n", "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dir", type=Path, nargs="?", help="a run folder (else the recorded drafts of --sets)")
    parser.add_argument("--gold", type=Path, help="the run's gold file")
    parser.add_argument("--sets", default="seed_dev,corpus_dev,dev2,dev3", help="recorded sets (without run_dir)")
    parser.add_argument("--verdicts", action="store_true", help="save the recorded sets' verdicts (verdicts.json)")
    parser.add_argument("--show", action="store_true", help="print each question's verdict")
    parser.add_argument("--out", type=Path, help="write the re-verified answers here (answers.jsonl format)")
    args = parser.parse_args()
    settings = get_settings()
    chain = AnswerChain(HybridSearcher.open(settings), settings)  # the model is never called: drafts come from the run
    if args.run_dir is None:
        recorded_sets(chain, args.sets.split(","), args.verdicts)
        return
    if args.gold is None:
        parser.error("--gold is needed with a run folder")
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
