"""Does the evidence answer the question? The question's focus terms must appear in the cited passages.

A small model answers an unanswerable question with a number from an unrelated sentence ("粮食产量目标" answered
with the GDP target); the number is in the passage, so citation checks alone pass it. What gives it away is that
the passage never mentions what was asked about.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from answer.attribution import Normalized
from retrieval.hybrid import Passage
from retrieval.query import PROVINCES

# Words that say how a question is asked or which document it is about, not what it is about.
_FRAME = re.compile(
    r"(19|20)\d{2}年|第?[一二三四五六七八九十]+大|国务院|政府工作报告|报告|讲话|习近平|总书记|同志|会议上|座谈会上|大会上|"
    r"提出的?|提到的?|指出|强调|概括的?|明确|要求|具体|分别|各是|是多少|多少|是什么|什么|哪些|哪几|哪[一二三四五六七八九十个些项种]|"
    r"如何|怎样|是否|有何|包括|内容|方面|主要|预期|目标|今年|上年|去年|全年|达到|增长|安排|拟|"
    r"中|的|了|在|对|和|与|及|是|有|为|要|将|把|其|这|那|所|被|从|到|上|下|年|省|市|我国|全国|全省|全市|"
    + "|".join(PROVINCES)
)
_HAN = re.compile(r"[\u4e00-\u9fff]+")


def focus_terms(question: str) -> set[str]:
    """Character bigrams of what the question is about, once the asking and the document reference are removed."""
    text = _FRAME.sub(" ", Normalized.of(question).text)
    return {run[i:i + 2] for run in _HAN.findall(text) for i in range(len(run) - 1)}


def focus_coverage(question: str, passages: Sequence[Passage]) -> float:
    """Share of the question's focus bigrams found in the passages (1.0 when the question has none)."""
    terms = focus_terms(question)
    if not terms:
        return 1.0
    text = "".join(Normalized.of(p.text).text for p in passages)
    return sum(t in text for t in terms) / len(terms)
