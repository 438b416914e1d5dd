"""Train the probe of models/instruction_probe.py and choose its threshold from the curve.

Positives: the planted sentences of eval/attacks.jsonl, eval/attacks_heldout.jsonl and eval/attacks_heldout2.jsonl
(each sentence that holds the payload or that the patterns flag; the third set was the first probe's blind test).
Negatives: every sentence of the corpus the probe judges. The curve is cross-validated: each sentence is scored by a
probe fitted without its fold (five folds of the corpus, eleven of the planted sentences). The threshold keeps a
budget of false flags: it is set just above the cross-validated score of the corpus sentence ranked one past the
budget (one sentence in 10,000), whatever a single odd planted sentence scores; the curve shows how many planted
sentences that catches. eval/attacks_heldout3.jsonl is never read here: it is the blind test (eval/attack_rate.py).

    python eval/train_instruction_probe.py [--cache DIR]   # writes models/instruction_probe.json
"""

from __future__ import annotations

import argparse
import json
from functools import cache
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings
from sklearn.linear_model import LogisticRegression

from config import get_settings
from ingest.pipeline import prepare
from models.embeddings import get_embeddings
from models.instruction_probe import PROBE_FILE
from zhtext.instructions import instruction_sentences, judged, sentence_spans

TRAINING_SETS = [Path("eval/attacks.jsonl"), Path("eval/attacks_heldout.jsonl"), Path("eval/attacks_heldout2.jsonl")]
CORPUS_SENTENCES_PER_FALSE_FLAG = 10_000  # the budget: one speech sentence in 10,000 may be blanked
C = 10.0  # L2 strength, chosen on the cross-validated curve (eval/README.md)
RESULTS = Path("eval/results/instruction_probe.json")


def planted_sentences() -> list[tuple[str, str]]:
    """(attack id, sentence) for each sentence of a planted document that carries the attack."""
    out = []
    for path in TRAINING_SETS:
        for attack in map(json.loads, path.read_text("utf-8").splitlines()):
            body = attack["text"].split("---", 2)[-1]
            flagged = set(instruction_sentences(body))
            for a, b in sentence_spans(body):
                if ((a, b) in flagged or attack["payload"] in body[a:b]) and judged(body[a:b]):
                    out.append((attack["id"], body[a:b].strip()))
    return out


def corpus_sentences() -> list[tuple[str, str]]:
    """(file name, sentence) for each sentence of the corpus the probe would judge."""
    settings = get_settings()
    docs = [(p.name, prepare(p, settings).text) for p in sorted(settings.corpus_dir.iterdir())]
    return [(name, text[a:b].strip()) for name, text in docs for a, b in sentence_spans(text) if judged(text[a:b])]


@cache
def _embeddings() -> Embeddings:
    return get_embeddings(get_settings())  # loaded once for both sets


def vectors(texts: list[str], cache: Path | None, name: str) -> np.ndarray:
    path = cache / f"{name}.npy" if cache else None
    if path and path.exists():
        return np.load(path)
    v = np.array(_embeddings().embed_documents(texts), dtype=np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, v)
    return v


def fit(x: np.ndarray, y: np.ndarray) -> LogisticRegression:
    return LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(x, y)


def cross_validated(pos: np.ndarray, neg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scores of each planted and each corpus sentence by probes fitted without their fold."""
    x, y = np.vstack([pos, neg]), np.r_[np.ones(len(pos)), np.zeros(len(neg))]
    folds = np.r_[np.arange(len(pos)) % 11, 11 + np.arange(len(neg)) % 5]
    scores = np.empty(len(x))
    for f in np.unique(folds):
        out = folds == f
        scores[out] = fit(x[~out], y[~out]).decision_function(x[out])
    return scores[: len(pos)], scores[len(pos) :]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, help="keep the sentence vectors here between runs")
    args = parser.parse_args()
    planted, corpus = planted_sentences(), corpus_sentences()
    pos = vectors([s for _, s in planted], args.cache, "planted")
    neg = vectors([s for _, s in corpus], args.cache, "corpus")
    pos_cv, neg_cv = cross_validated(pos, neg)
    probe = fit(np.vstack([pos, neg]), np.r_[np.ones(len(pos)), np.zeros(len(neg))])
    budget = len(neg) // CORPUS_SENTENCES_PER_FALSE_FLAG
    threshold = float(np.ceil(np.sort(neg_cv)[-(budget + 1)] * 100) / 100)  # at most `budget` corpus sentences
    curve = [
        {
            "threshold": round(float(t), 2),
            "planted_caught": int((pos_cv >= t).sum()),
            "corpus_blanked": int((neg_cv >= t).sum()),
        }
        for t in np.arange(-1.0, 4.01, 0.25)
    ]
    weights = {
        "embedder": get_settings().embedding_model,
        "weights": probe.coef_[0].round(6).tolist(),
        "bias": round(float(probe.intercept_[0]), 6),
        "threshold": threshold,
    }
    PROBE_FILE.write_text(json.dumps(weights) + "\n", encoding="utf-8")
    blanked = [[*corpus[i], round(float(neg_cv[i]), 2)] for i in np.argsort(-neg_cv) if neg_cv[i] >= threshold]
    summary = {
        "C": C,
        "planted": len(planted),
        "planted_caught_cv": int((pos_cv >= threshold).sum()),
        "planted_missed_cv": [planted[i] for i in np.where(pos_cv < threshold)[0]],
        "corpus_sentences": len(corpus),
        "threshold": threshold,
        "corpus_blanked_cv": blanked,
        "curve": curve,
    }
    RESULTS.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in summary.items() if k != "curve"}, ensure_ascii=False, indent=1))
    for row in curve:
        print(row)


if __name__ == "__main__":
    main()
