"""Does the verified text answer the question? One learned judgment over general signals, instead of gates.

Each signal on its own was once a gate (focus words cited, years, a quantity for 多少, figures in sentences that name
what is asked): each refused right drafts on questions nobody here had read (a user's 经济增长 for the source's
国内生产总值增长). Here they are inputs to one logistic regression, beside the question's character pairs weighted by
the corpus (no word list), fitted on the published questions and measured on folds held out by document
(answer/train_judge.py writes answer/judge.json; eval/README.md has the figures). The embedder's cosine of the
question and the shown sentences was measured as a signal and left out: the held-out figures were identical without
it, and it cost an embedding call per answer.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from pathlib import Path

JUDGE_FILE = Path(__file__).with_name("judge.json")


@dataclass(frozen=True)
class Signals:
    """What verification saw about one answer, each in [0, 1], higher meaning more likely answered."""

    focus_cited: float  # IDF-weighted share of the question's focus words in the cited passages
    focus_quoted: float  # the same share in the shown sentences alone
    pairs_quoted: float  # IDF-weighted share of the question's character pairs in the shown sentences (no word list)
    years_ok: float  # 1 when every cited passage of a document the question did not name is of a year it asks
    quantity_ok: float  # 0 when a how-many question is shown no quantity it does not already give
    anchored: float  # share of verified clauses whose figures sit in sentences naming what is asked (not loose)
    verified_share: float  # share of the draft's text (restatements aside) that a passage verified
    best_rank: float  # 1 / (1 + the retrieval rank of the best-ranked cited passage)

    def vector(self) -> list[float]:
        return [float(getattr(self, f.name)) for f in fields(self)]


SIGNALS = tuple(f.name for f in fields(Signals))

# What a low value of each signal means, in words a user reads (the refusal names the ones that decided).
LOW = {
    "focus_cited": "引用的段落很少谈到问题所问的内容",
    "focus_quoted": "引用的句子很少谈到问题所问的内容",
    "pairs_quoted": "引用的句子与问题用词相差较多",
    "years_ok": "引用的段落出自问题所问年份以外的文件",
    "quantity_ok": "引用的句子没有给出问题所问的数量",
    "anchored": "回答中的数字所在的句子没有提到问题所问的对象",
    "verified_share": "模型回答的大部分内容不能在资料中核实",
    "best_rank": "引用的段落在检索结果中排名靠后",
}


@dataclass(frozen=True)
class Judge:
    """A logistic regression over Signals; an answer is shown when its probability reaches `threshold`."""

    weights: dict[str, float]
    bias: float
    threshold: float
    reference: dict[str, float]  # the mean signals of right answers in training: contributions are read against it

    def probability(self, s: Signals) -> float:
        z = self.bias + sum(self.weights[n] * x for n, x in zip(SIGNALS, s.vector()))
        return 1.0 / (1.0 + math.exp(-z))

    def shows(self, s: Signals) -> bool:
        return self.probability(s) >= self.threshold

    def against(self, s: Signals) -> list[tuple[str, float]]:
        """The signals that pulled this answer's score below a typical right answer's, most decisive first."""
        pulls = [(n, self.weights[n] * (x - self.reference[n])) for n, x in zip(SIGNALS, s.vector())]
        return sorted([(n, c) for n, c in pulls if c < 0], key=lambda t: t[1])

    def to_json(self, extra: dict) -> str:
        return json.dumps(asdict(self) | extra, ensure_ascii=False, indent=1)


@lru_cache(maxsize=1)
def load_judge(path: Path = JUDGE_FILE) -> Judge:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Judge(data["weights"], data["bias"], data["threshold"], data["reference"])
