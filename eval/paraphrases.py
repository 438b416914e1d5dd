"""Paraphrase robustness: the same question asked three other ways must get the same verdict and the same sources.

    python -m eval.paraphrases [--runs eval/runs]

`eval/paraphrases.jsonl` holds three paraphrases (synonyms, the document named another way, colloquial wording) of
105 published questions, written by a helper who had not read the code, in the FORMAT.md contract with `original`
naming the question it restates. This reads the live run of the paraphrases (RUNS/paraphrases) and of the
originals' sets (RUNS/<set>, else their recorded drafts in eval/results), re-verifies both with this code, and
reports: verdict agreement (answered or refused, as the original), source agreement (both answered, and they cite
an overlapping stretch of the same document), and precision, coverage and refused-with-a-right-draft of the
paraphrases beside their originals.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from answer.chain import AnswerChain
from config import get_settings
from eval.metrics import ANSWER_KEYS, score
from eval.reverify import reverify
from eval.run import load_gold
from retrieval.hybrid import HybridSearcher

PARAPHRASES = Path("eval/paraphrases.jsonl")
GOLD = Path("../shared/eval")
RECORDED = Path("eval/results")  # drafts_<set>.jsonl: the originals' drafts when a set has no live run


def _answers(chain: AnswerChain, run: Path) -> dict[str, dict]:
    """A run's answers re-verified by this code (a recorded set's drafts when `run` names one in RECORDED)."""
    path = run / "answers.jsonl" if run.is_dir() else run.parent / f"drafts_{run.name}.jsonl"
    stored = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return {a["id"]: a for a in reverify(chain, stored)}


def same_sources(a: dict, b: dict) -> bool:
    """Both cite an overlapping stretch of one document."""
    spans = [(c["doc"], c["quote_start"], c["quote_end"]) for c in a["citations"]]
    return any(
        d == c["doc"] and s < c["quote_end"] and c["quote_start"] < e for d, s, e in spans for c in b["citations"]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=Path, default=Path("eval/runs"))
    parser.add_argument("--show", action="store_true", help="list the paraphrases whose verdict differs")
    args = parser.parse_args()
    settings = get_settings()
    chain = AnswerChain(HybridSearcher.open(settings), settings)
    paraphrases = load_gold(PARAPHRASES)
    para = _answers(chain, args.runs / "paraphrases")
    originals: dict[str, tuple[dict, dict]] = {}
    for name in sorted({p["set"] for p in paraphrases}):
        gold = {g["id"]: g for g in load_gold(GOLD / f"{name}.jsonl")}
        run = args.runs / name
        answers = _answers(chain, run if (run / "answers.jsonl").exists() else RECORDED / name)
        originals |= {qid: (gold[qid], answers[qid]) for qid in gold if qid in answers}
    pairs = [(p, para[p["id"]], *originals[p["original"]]) for p in paraphrases if p["id"] in para]
    agree = [pa["abstained"] == oa["abstained"] for _, pa, _, oa in pairs]
    both = [(pa, oa) for _, pa, _, oa in pairs if not pa["abstained"] and not oa["abstained"]]
    sources = [same_sources(pa, oa) for pa, oa in both]
    print(
        f"paraphrases {len(pairs)}; verdict agreement {sum(agree) / len(agree):.3f} ({sum(agree)}/{len(agree)}); "
        f"same sources when both answered {sum(sources) / max(len(sources), 1):.3f} ({sum(sources)}/{len(sources)})"
    )
    by_style = {}
    for style in ("synonym", "document", "colloquial"):
        chosen = [ok for (p, *_), ok in zip(pairs, agree) if p["style"] == style]
        by_style[style] = round(sum(chosen) / max(len(chosen), 1), 3)
    print("verdict agreement by style", json.dumps(by_style))
    asked = score([(p, pa) for p, pa, _, _ in pairs])
    original = score(list({g["id"]: (g, oa) for _, _, g, oa in pairs}.values()))
    print("| questions | " + " | ".join(ANSWER_KEYS) + " |")
    for label, m in (("originals", original), ("paraphrases", asked)):
        print(f"| {label} | " + " | ".join("–" if m[k] is None else f"{m[k]:.3f}" for k in ANSWER_KEYS) + " |")
    if args.show:
        for (p, pa, _, oa), ok in zip(pairs, agree):
            if not ok:
                print(f"{p['id']} [{p['style']}] {p['question']} -> {_verdict(pa)}; original -> {_verdict(oa)}")


def _verdict(a: dict) -> str:
    return f"refused {a.get('decided_by')}/{a.get('reason_code')}" if a["abstained"] else "answered"


if __name__ == "__main__":
    main()
