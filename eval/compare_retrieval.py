"""Compare retrieval variants in one run (tokenizer, fusion weights, expansion) on gold files.

    python eval/compare_retrieval.py ../shared/eval/seed_dev.jsonl ../shared/eval/corpus_dev.jsonl

Prints one markdown row per variant and gold file: recall@1/3/5/10, MRR and p50 latency (ms).
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
from pathlib import Path

from config import get_settings
from eval.metrics import score
from eval.run import load_gold, retrieval_answer
from retrieval.hybrid import HybridSearcher

VARIANTS: dict[str, dict] = {
    "dense only (plain Chroma)": {"mode": "dense"},
    "bm25 bigram only": {"mode": "bm25"},
    "bm25 jieba only": {"mode": "bm25", "bm25_tokenizer": "jieba"},
    "RRF 1:1, bigram": {"fusion": "rrf", "fusion_bm25_weight": 1.0},
    "RRF 1:1, jieba": {"fusion": "rrf", "fusion_bm25_weight": 1.0, "bm25_tokenizer": "jieba"},
    "RRF 2:1, bigram": {"fusion": "rrf", "fusion_bm25_weight": 2.0},
    "score 1:1, bigram": {"fusion": "score", "fusion_bm25_weight": 1.0},
    "score 3:2, bigram (default)": {"fusion": "score", "fusion_bm25_weight": 1.5},
    "score 3:2, jieba": {"fusion": "score", "fusion_bm25_weight": 1.5, "bm25_tokenizer": "jieba"},
    "score 2:1, bigram": {"fusion": "score", "fusion_bm25_weight": 2.0},
    "default, no paragraph expansion": {"expansion": "off"},
    "default, expansion of top 5": {"expansion_top": 5},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("gold", nargs="+", type=Path)
    args = parser.parse_args()
    settings = get_settings()
    opened = HybridSearcher.open(settings)
    embeddings, base = opened.embeddings, opened.index
    scratch = Path(tempfile.mkdtemp(prefix="speechqa-bm25-"))
    print("| variant | gold | recall@1 | recall@3 | recall@5 | recall@10 | MRR | p50 ms |")
    print("|---|---|---|---|---|---|---|---|")
    for name, update in VARIANTS.items():
        update = dict(update)
        mode = update.pop("mode", "hybrid")
        variant = settings.model_copy(update=update)
        index = base
        if variant.bm25_tokenizer != settings.bm25_tokenizer:
            index = dataclasses.replace(
                base, keyword_dir=scratch / variant.bm25_tokenizer, bm25_tokenizer=variant.bm25_tokenizer, _keyword=None
            )
        searcher = HybridSearcher(index, embeddings, variant)
        for gold_file in args.gold:
            gold = load_gold(gold_file)
            answer = retrieval_answer(searcher, mode)
            m = score([(g, answer(g)) for g in gold], answered=False)
            print(
                f"| {name} | {gold_file.stem} | {m['recall@1']:.3f} | {m['recall@3']:.3f} | {m['recall@5']:.3f} "
                f"| {m['recall@10']:.3f} | {m['mrr']:.3f} | {m['latency_p50_ms']:.0f} |"
            )


if __name__ == "__main__":
    main()
