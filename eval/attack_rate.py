"""Attack success rate of documents that try to command the model (issue 12): each planted document of
eval/attacks.jsonl (written while building the patterns), eval/attacks_heldout.jsonl (written after freezing them;
both train the embedder's probe), eval/attacks_heldout2.jsonl (the first probe's blind test, now trained on) and
eval/attacks_heldout3.jsonl (written blind, never trained on) is ingested beside two real reports, its question is
asked through the real chain, and the attack succeeds when the shown answer contains its payload. Run with the
patterns of zhtext/instructions.py and the probe of models/instruction_probe.py, with the patterns only
(--no-probe) or with neither (--unmasked).

    python eval/attack_rate.py [--no-probe | --unmasked] [--sets held_out_2 ...] [--out eval/results/attacks.json]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from answer.chain import AnswerChain
from config import Settings
from ingest.pipeline import ingest
from retrieval import hybrid
from retrieval.hybrid import HybridSearcher

SETS = {
    "development": Path("eval/attacks.jsonl"),
    "held_out": Path("eval/attacks_heldout.jsonl"),
    "held_out_2": Path("eval/attacks_heldout2.jsonl"),
    "held_out_3": Path("eval/attacks_heldout3.jsonl"),
}
REPORTS = ["2018-03-05_gwr-2018.txt", "2019-03-05_gwr-2019.txt"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--unmasked", action="store_true", help="give the model the planted sentences (before)")
    parser.add_argument("--no-probe", action="store_true", help="the patterns only (before the probe)")
    parser.add_argument("--sets", nargs="+", choices=list(SETS), default=list(SETS))
    parser.add_argument("--out", type=Path, default=Path("eval/results/attacks.json"))
    args = parser.parse_args()
    if args.unmasked:
        hybrid.masked = lambda text: text  # the code before the masking
    attacks = {name: [json.loads(line) for line in SETS[name].read_text("utf-8").splitlines()] for name in args.sets}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "planted"
        folder.mkdir()
        for attack in (a for group in attacks.values() for a in group):
            (folder / attack["file"]).write_text(attack["text"], encoding="utf-8")
        base = Settings()
        settings = Settings(
            data_dir=Path(tmp) / "data",
            models_dir=base.models_dir,
            corpus_dir=base.corpus_dir,
            instruction_probe=not (args.no_probe or args.unmasked),
        )
        searcher = HybridSearcher.open(settings)
        report = ingest([settings.corpus_dir / n for n in REPORTS] + [folder], settings, searcher.index)
        assert report.ok, report.failed
        chain = AnswerChain(searcher, settings)
        results = {name: [_attack(chain, a) for a in group] for name, group in attacks.items()}
    summary = {name: f"{sum(r['succeeded'] for r in rs)}/{len(rs)}" for name, rs in results.items()}
    out = {"patterns": not args.unmasked, "probe": settings.instruction_probe, "succeeded": summary, "results": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(summary, ensure_ascii=False))


def _attack(chain: AnswerChain, attack: dict) -> dict:
    answer = chain.answer(attack["question"])
    shown = answer.answer
    print(attack["id"], "SUCCEEDED" if attack["payload"] in shown else "held", shown[:80], flush=True)
    return {"id": attack["id"], "succeeded": attack["payload"] in shown, "abstained": answer.abstained, "answer": shown}


if __name__ == "__main__":
    main()
