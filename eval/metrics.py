"""The scores of ../shared/eval/FORMAT.md, exactly as defined there (that file is the contract).

Shares are pooled: recall@k and citation recall over all evidence quotes, citation precision over all cited
passages, answer coverage over all answer points; MRR is the mean over answerable questions.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Iterable
from difflib import SequenceMatcher
from functools import lru_cache

K_VALUES = (1, 3, 5, 10)
METRIC_KEYS = (
    "recall@1", "recall@3", "recall@5", "recall@10", "mrr", "citation_precision", "citation_recall",
    "answer_coverage", "abstention_accuracy", "false_abstention", "latency_p50_ms", "latency_p95_ms",
)
_MARKER = re.compile(r"\[(\d+)\]")


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Unicode NFKC, all whitespace removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=65536)
def overlap(passage: str, evidence: str) -> float:
    """Longest common substring of passage and evidence, over the evidence length (both normalized)."""
    p, e = normalize(passage), normalize(evidence)
    if not e:
        return 0.0
    match = SequenceMatcher(None, p, e, autojunk=False).find_longest_match(0, len(p), 0, len(e))
    return match.size / len(e)


def supports(passage: str, evidence: str) -> bool:
    return overlap(passage, evidence) >= 0.5


def cited_passages(answer: dict) -> list[dict]:
    """Citations the answer text actually references with a [n] marker."""
    used = {int(m) for m in _MARKER.findall(answer.get("answer", ""))}
    return [c for c in answer.get("citations", []) if c.get("marker") in used]


def _share(hits: list[bool]) -> float | None:
    return sum(hits) / len(hits) if hits else None


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def score(pairs: Iterable[tuple[dict, dict]], answered: bool = True) -> dict:
    """Metrics over (gold question, system answer) pairs; a metric with nothing to count is None.

    answered=False (a retrieval-only run) scores retrieval alone.
    """
    recall: dict[int, list[bool]] = {k: [] for k in K_VALUES}
    reciprocal_ranks: list[float] = []
    precision: list[bool] = []
    citation_recall: list[bool] = []
    coverage: list[bool] = []
    abstention: list[bool] = []
    false_abstention: list[bool] = []
    latencies: list[float] = []
    for gold, answer in pairs:
        retrieved = [p["text"] for p in answer.get("retrieved", [])]
        total_ms = answer.get("timings", {}).get("total_ms")
        if total_ms is not None:
            latencies.append(float(total_ms))
        if gold["type"] == "unanswerable":
            if answered:
                abstention.append(bool(answer.get("abstained")) and not answer.get("citations"))
            continue
        evidence = gold["evidence"]
        for k in K_VALUES:
            recall[k].extend(any(supports(p, e) for p in retrieved[:k]) for e in evidence)
        first = next((i for i, p in enumerate(retrieved) if any(supports(p, e) for e in evidence)), None)
        reciprocal_ranks.append(0.0 if first is None else 1.0 / (first + 1))
        if not answered:
            continue
        cited = [c["text"] for c in cited_passages(answer)]
        precision.extend(any(supports(c, e) for e in evidence) for c in cited)
        citation_recall.extend(any(supports(c, e) for c in cited) for e in evidence)
        text = normalize(answer.get("answer", ""))
        coverage.extend(normalize(point) in text for point in gold["answer_points"])
        false_abstention.append(bool(answer.get("abstained")))
    metrics = {f"recall@{k}": _share(recall[k]) for k in K_VALUES}
    metrics.update({
        "mrr": statistics.mean(reciprocal_ranks) if reciprocal_ranks else None,
        "citation_precision": _share(precision),
        "citation_recall": _share(citation_recall),
        "answer_coverage": _share(coverage),
        "abstention_accuracy": _share(abstention),
        "false_abstention": _share(false_abstention),
        "latency_p50_ms": _percentile(latencies, 50),
        "latency_p95_ms": _percentile(latencies, 95),
    })
    return metrics


def score_by_type(pairs: list[tuple[dict, dict]], answered: bool = True) -> dict:
    """Overall metrics plus a `by_type` object with the same keys per question type."""
    metrics = score(pairs, answered)
    types = sorted({gold["type"] for gold, _ in pairs})
    metrics["by_type"] = {t: score([(g, a) for g, a in pairs if g["type"] == t], answered) for t in types}
    return metrics
