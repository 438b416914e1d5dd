"""Threshold curves for the answerability decision, over the drafts stored by evaluation runs.

    python eval/curves.py RUN_DIR:GOLD.jsonl [RUN_DIR:GOLD.jsonl …]

For every stored answer whose drafts verify (some clause is held by a passage and the years fit), the two signals
of "the cited text addresses the question" are computed: the IDF-weighted share of the question's focus words in
the cited passages, and the embedder's cosine between the question and the closest cited sentence. For each
threshold the table shows what the refusal rule would do: answerable questions refused (false abstention),
unanswerable questions refused (abstention), and the share of answered answerable questions whose citations hold
gold evidence. Thresholds are chosen from these curves (eval/README.md), never from one question.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

from answer.chain import AnswerChain
from config import get_settings
from eval.metrics import supports
from eval.reverify import stored_context
from eval.run import load_gold
from retrieval.hybrid import HybridSearcher


@dataclass(frozen=True)
class Case:
    """One question whose drafts verified: its signals and what is right for it."""

    answerable: bool
    supported: bool  # its verified citations hold gold evidence
    coverage: float
    similarity: float


def cases(chain: AnswerChain, run_dir: Path, gold_file: Path) -> tuple[list[Case], int, int]:
    """Cases of one run, plus the answerable and unanswerable questions refused before any threshold applies."""
    gold = {g["id"]: g for g in load_gold(gold_file)}
    found: list[Case] = []
    refused = {True: 0, False: 0}
    for line in (run_dir / "answers.jsonl").read_text(encoding="utf-8").splitlines():
        old = json.loads(line)
        g = gold[old["id"]]
        answerable = g["type"] != "unanswerable"
        context = stored_context(chain, old)
        kept = chain.verified_clauses(context) if context is not None else []
        evidence = chain.evidence(context, kept) if context is not None and kept else None
        if evidence is None or not evidence.years_ok:
            refused[answerable] += 1
            continue
        texts = [context.retrieved[s.passage].text for c in kept for s in c.passages] if context else []
        supported = any(supports(t, e) for t in texts for e in g["evidence"])
        found.append(Case(answerable, supported, evidence.coverage, evidence.similarity))
    return found, refused[True], refused[False]


def table(found: list[Case], refused_answerable: int, refused_unanswerable: int, signal: str) -> list[str]:
    """One row per threshold of one signal."""
    answerable = sum(c.answerable for c in found) + refused_answerable
    unanswerable = sum(not c.answerable for c in found) + refused_unanswerable
    rows = [f"| {signal} ≥ | false abstention | abstention | answered and supported |", "|---|---|---|---|"]
    for step in range(0, 21):
        t = step / 20
        passed = [c for c in found if getattr(c, signal) >= t]
        fa = (answerable - sum(c.answerable for c in passed)) / max(answerable, 1)
        ab = (unanswerable - sum(not c.answerable for c in passed)) / max(unanswerable, 1)
        good = [c for c in passed if c.answerable]
        share = sum(c.supported for c in good) / max(len(good), 1)
        rows.append(f"| {t:.2f} | {fa:.3f} | {ab:.3f} | {share:.3f} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", help="RUN_DIR:GOLD.jsonl")
    args = parser.parse_args()
    settings = get_settings().model_copy(update={"min_similarity": 0.0})  # compute the similarity signal
    chain = AnswerChain(HybridSearcher.open(settings), settings)
    found: list[Case] = []
    refused_a = refused_u = 0
    for spec in args.runs:
        run_dir, gold_file = spec.split(":")
        c, a, u = cases(chain, Path(run_dir), Path(gold_file))
        found, refused_a, refused_u = found + c, refused_a + a, refused_u + u
    print(
        f"{len(found)} questions verified; refused before any threshold: {refused_a} answerable, "
        f"{refused_u} unanswerable\n"
    )
    for signal in ("coverage", "similarity"):
        print("\n".join(table(found, refused_a, refused_u, signal)) + "\n")


if __name__ == "__main__":
    main()
