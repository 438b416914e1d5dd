"""What the instruction probe costs on real questions: every question of the dev sets is searched on the corpus index
with the probe on, and the script reports each sentence it blanked (none should be: the corpus has no planted
sentence) and the time it took (`screen_ms`, the embedding of passage sentences not seen before).

    python eval/instruction_probe_dev.py [--out eval/results/instruction_probe_dev.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from config import get_settings
from eval.run import load_gold
from retrieval.hybrid import HybridSearcher
from zhtext.instructions import MASK

SETS = ("seed_dev", "corpus_dev", "dev2")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=Path("../shared/eval"), help="the folder of the dev sets")
    parser.add_argument("--out", type=Path, default=Path("eval/results/instruction_probe_dev.json"))
    args = parser.parse_args()
    settings = get_settings()
    searcher = HybridSearcher.open(settings)
    assert searcher.probe is not None, "the probe is off or was trained on another embedder"
    searcher.search("预热")  # the embedder's load is not the probe's cost
    blanked, times, questions = [], [], 0
    for name in SETS:
        for gold in load_gold(args.gold / f"{name}.jsonl"):
            questions += 1
            result = searcher.search(gold["question"])
            times.append(result.timings["screen_ms"])
            blanked += [
                {"question": gold["id"], "doc": p.doc, "text": p.text}
                for p in result.passages
                if MASK in p.text and MASK not in searcher.index.store.document(p.doc).text  # type: ignore[union-attr]
            ]
    out: dict[str, object] = {
        "questions": questions,
        "passages_blanked": len(blanked),
        "screen_ms_p50": round(statistics.median(times), 1),
        "screen_ms_mean": round(statistics.mean(times), 1),
        "screen_ms_max": round(max(times), 1),
    }
    print(json.dumps(out, ensure_ascii=False))
    args.out.write_text(json.dumps(out | {"blanked": blanked}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
