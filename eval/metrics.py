"""The scores of ../shared/eval/FORMAT.md, exactly as defined there (that file is the contract).

Shares are per question, then averaged over the questions they apply to (macro, FORMAT.md "Averaging"): a list
question with six evidence quotes counts once, like a factoid. `<key>_pooled` pools all quotes, points or cited
passages instead. An answerable question that cites nothing has citation precision 0. MRR is the mean over
answerable questions.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from zhtext.normalize import normalize
from zhtext.numerals import arabic_numerals

K_VALUES = (1, 3, 5, 10)
# The answer-quality shares the issue goals name, in the order reports print them.
ANSWER_KEYS = (
    "citation_precision",
    "citation_recall",
    "answer_coverage",
    "abstention_accuracy",
    "false_abstention",
    "refused_right_draft",
)
METRIC_KEYS = (*(f"recall@{k}" for k in K_VALUES), "mrr", *ANSWER_KEYS, "latency_p50_ms", "latency_p95_ms")
_MARKER = re.compile(r"\[(\d+)\]")


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


@dataclass
class _Shares:
    """Per-question shares of one metric (for the macro average) and all their hits (for the pooled share)."""

    per_question: list[float] = field(default_factory=list)
    hits: list[bool] = field(default_factory=list)

    def add(self, hits: list[bool], empty: float | None = None) -> None:
        """One question's hits; a question with nothing to count adds `empty` (or nothing when None)."""
        if hits:
            self.per_question.append(sum(hits) / len(hits))
            self.hits.extend(hits)
        elif empty is not None:
            self.per_question.append(empty)

    def macro(self) -> float | None:
        return statistics.mean(self.per_question) if self.per_question else None

    def pooled(self) -> float | None:
        return _share(self.hits)


def score(pairs: Iterable[tuple[dict, dict]], answered: bool = True) -> dict:
    """Metrics over (gold question, system answer) pairs; a metric with nothing to count is None.

    Each share is computed per question, then averaged (FORMAT.md, "Averaging"); `<key>_pooled` pools every quote,
    point or cited passage instead. answered=False (a retrieval-only run) scores retrieval alone.
    """
    shares = {key: _Shares() for key in (*(f"recall@{k}" for k in K_VALUES), *ANSWER_KEYS)}
    refusals: dict[str, int] = {}
    reciprocal_ranks: list[float] = []
    latencies: list[float] = []
    for gold, answer in pairs:
        total_ms = answer.get("timings", {}).get("total_ms")
        if total_ms is not None:
            latencies.append(float(total_ms))
        if answered and answer.get("abstained"):
            check = answer.get("decided_by") or "unknown"
            refusals[check] = refusals.get(check, 0) + 1
        if gold["type"] == "unanswerable":
            if answered:
                shares["abstention_accuracy"].add([bool(answer.get("abstained")) and not answer.get("citations")])
            continue
        _score_answerable(gold, answer, answered, shares, reciprocal_ranks)
    metrics: dict = {}
    for key, share in shares.items():
        metrics[key] = share.macro()
        metrics[f"{key}_pooled"] = share.pooled()
    metrics["mrr"] = statistics.mean(reciprocal_ranks) if reciprocal_ranks else None
    metrics["refusals_by_check"] = dict(sorted(refusals.items()))
    metrics["latency_p50_ms"] = _percentile(latencies, 50)
    metrics["latency_p95_ms"] = _percentile(latencies, 95)
    return metrics


def _score_answerable(
    gold: dict, answer: dict, answered: bool, shares: dict[str, _Shares], reciprocal_ranks: list[float]
) -> None:
    retrieved = [p["text"] for p in answer.get("retrieved", [])]
    evidence = gold["evidence"]
    for k in K_VALUES:
        shares[f"recall@{k}"].add([any(supports(p, e) for p in retrieved[:k]) for e in evidence])
    first = next((i for i, p in enumerate(retrieved) if any(supports(p, e) for e in evidence)), None)
    reciprocal_ranks.append(0.0 if first is None else 1.0 / (first + 1))
    if not answered:
        return
    cited = [c["text"] for c in cited_passages(answer)]
    shares["citation_precision"].add([any(supports(c, e) for e in evidence) for c in cited], empty=0.0)
    shares["citation_recall"].add([any(supports(c, e) for c in cited) for e in evidence])
    text = normalize(answer.get("answer", ""))
    shares["answer_coverage"].add([normalize(point) in text for point in gold["answer_points"]])
    shares["false_abstention"].add([bool(answer.get("abstained"))])
    if "draft" in answer:  # runs record the draft (debug output); a refusal of a draft that held every point
        shares["refused_right_draft"].add([bool(answer.get("abstained")) and draft_holds_points(answer, gold)])


def draft_holds_points(answer: dict, gold: dict) -> bool:
    """Whether the model's draft already held every answer point (FORMAT.md matching, Chinese numerals read as
    numbers): refused, such an answer is the checks' loss, not the model's."""
    points = gold["answer_points"]
    draft = normalize(answer.get("draft", ""))
    as_numbers = arabic_numerals(draft)
    return bool(points) and all(normalize(p) in draft or arabic_numerals(normalize(p)) in as_numbers for p in points)


def score_by_type(pairs: list[tuple[dict, dict]], answered: bool = True) -> dict:
    """Overall metrics plus a `by_type` object with the same keys per question type."""
    metrics = score(pairs, answered)
    types = sorted({gold["type"] for gold, _ in pairs})
    metrics["by_type"] = {t: score([(g, a) for g, a in pairs if g["type"] == t], answered) for t in types}
    return metrics
