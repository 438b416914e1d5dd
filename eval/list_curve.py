"""The curve behind `min_list_coverage`: list completion at each threshold, over the drafts stored by runs.

    python eval/list_curve.py ANSWERS:GOLD.jsonl [ANSWERS:GOLD.jsonl …]

ANSWERS is a run's folder (its answers.jsonl) or a recorded drafts file. The stored drafts are re-verified (no model
call) with list completion off, then on at each threshold of the share of the question's focus words a list's
lead-in and items must hold; per set the table gives citation precision, citation recall, answer coverage, list
questions' coverage and how many answers completion changed. The threshold is chosen from this table
(eval/README.md), never from one question.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from answer.chain import AnswerChain
from config import get_settings
from eval.metrics import score
from eval.reverify import reverify
from eval.run import load_gold
from retrieval.hybrid import HybridSearcher

THRESHOLDS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.55, 0.6, 0.75, 0.9, 1.0)


def _answers(path: Path) -> list[dict]:
    file = path / "answers.jsonl" if path.is_dir() else path
    return [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines()]


def _row(label: str, answers: list[dict], gold: dict[str, dict], baseline: list[dict] | None) -> str:
    metrics = score([(gold[a["id"]], a) for a in answers])
    lists = score([(gold[a["id"]], a) for a in answers if gold[a["id"]]["type"] == "list"])
    changed = sum(a["answer"] != b["answer"] for a, b in zip(answers, baseline or answers, strict=True))
    return (
        f"| {label} | {metrics['citation_precision']:.3f} | {metrics['citation_recall']:.3f} | "
        f"{metrics['answer_coverage']:.3f} | {lists['answer_coverage'] or 0:.3f} | {changed} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", help="ANSWERS:GOLD.jsonl")
    args = parser.parse_args()
    settings = get_settings()
    chain = AnswerChain(HybridSearcher.open(settings), settings)
    for spec in args.runs:
        answers_path, gold_path = spec.split(":")
        stored, gold = _answers(Path(answers_path)), {g["id"]: g for g in load_gold(Path(gold_path))}
        print(f"\n{Path(gold_path).stem} ({len(stored)} questions)\n")
        print("| list completion | citation precision | citation recall | coverage | list coverage | answers changed |")
        print("|---|---|---|---|---|---|")
        chain.settings = settings.model_copy(update={"complete_lists": False})
        off = reverify(chain, stored)
        print(_row("off", off, gold, None))
        for threshold in THRESHOLDS:
            chain.settings = settings.model_copy(update={"complete_lists": True, "min_list_coverage": threshold})
            print(_row(f"≥ {threshold:.2f}", reverify(chain, stored), gold, off), flush=True)


if __name__ == "__main__":
    main()
