"""Does the evidence answer the question? The question's focus terms must appear in the cited passages.

A small model answers an unanswerable question with a number from an unrelated sentence ("粮食产量目标" answered
with the GDP target); the number is in the passage, so citation checks alone pass it. What gives it away is that
the passage never mentions what was asked about.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from answer.attribution import Normalized, arabic_years
from ingest.chunking import sentence_spans
from retrieval.hybrid import Passage
from retrieval.query import PROVINCES

# Words that say how a question is asked or which document it is about, not what it is about. Removed before the
# question is cut into words; single characters (的, 中, 有) are left to the cut, so 心中有 and 中国 stay whole.
_FRAME = re.compile(
    r"(19|20)\d{2}年|第?[一二三四五六七八九十]+大|国务院|政府工作报告|报告|讲话|习近平|总书记|同志|会议上|座谈会上|大会上|"
    r"提出的?|提到的?|指出|强调|概括的?|明确|要求|具体|分别|各是|是多少|多少|是什么|什么|哪些|哪几|哪[一二三四五六七八九十个些项种]|"
    r"如何|怎样|是否|有何|包括|内容|方面|主要|预期|目标|今年|上年|去年|全年|达到|增长|安排|拟|做到|"
    r"[一二三四五六七八九十两几]+[项点条种类]|[几多]个|相差|差距|之差|不同|区别|一致|变化|调整|我国|全国|全省|全市|"
    + "|".join(PROVINCES)
)
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_NUMERAL = re.compile(r"[一二三四五六七八九十两几]+个?")
_COUNTED = re.compile(r"([一二三四五六七八九十两])个?(.+)")
_COUNT = {c: i for i, c in enumerate("一二三四五六七八九十", 1)} | {"两": 2}


@lru_cache(maxsize=256)  # asked again for every clause and passage an answer is checked against
def focus_terms(question: str) -> frozenset[str]:
    """Words of what the question is about, once the asking and the document reference are removed."""
    import jieba

    jieba.setLogLevel(60)
    norm = Normalized.of(question).text
    quoted = {q for q in re.findall(r"“([^”]{2,12})”", norm)}  # a quoted name is one term, not its pieces
    words = {w for run in _HAN.findall(_FRAME.sub(" ", norm)) for w in jieba.cut_for_search(run)}
    return frozenset(quoted | {w for w in words if len(w) >= 2 and not _NUMERAL.fullmatch(w)})


def holds(text: str, term: str) -> bool:
    """Whether the text says the term; a numbered abbreviation ("六稳", "四个心中有") is said by its N expansions
    ("稳就业、稳金融…" holds 稳 six times)."""
    if term in text:
        return True
    counted = _COUNTED.fullmatch(term)
    return bool(counted) and text.count(counted.group(2)) >= _COUNT[counted.group(1)]


class FocusChecker:
    """Weighted share of the question's focus words found in the cited passages.

    Words are weighted by how rare they are in the corpus (inverse document frequency over chunks): a question
    about "组织部门的年度预算" is about 预算, not about 组织部门, which half the speech mentions.
    """

    def __init__(self, chunk_texts: Callable[[], list[str]]) -> None:
        self._chunk_texts = chunk_texts
        self._texts: list[str] | None = None

    def refresh(self) -> None:
        """Forget the corpus statistics (after an ingest)."""
        self._texts = None
        self._document_frequency.cache_clear()

    @lru_cache(maxsize=4096)
    def _document_frequency(self, term: str) -> int:
        if self._texts is None:
            self._texts = [Normalized.of(t).text for t in self._chunk_texts()]
        return sum(term in t for t in self._texts)

    def weight(self, term: str) -> float:
        n = len(self._texts) if self._texts is not None else len(self._chunk_texts())
        return math.log((n + 1) / (self._document_frequency(term) + 1)) + 0.1

    def coverage(self, question: str, passages: Sequence[Passage]) -> float:
        """1.0 when the question has no focus words."""
        terms = focus_terms(question)
        if not terms:
            return 1.0
        text = "".join(Normalized.of(p.text).text for p in passages)
        weights = {t: self.weight(t) for t in terms}
        return sum(w for t, w in weights.items() if holds(text, t)) / sum(weights.values())


_YEAR = re.compile(r"((?:19|20)\d{2})年")


def years_in(text: str) -> set[int]:
    """Years written as 2020年 or 二〇二〇年 / 二0二0年."""
    return {int(y) for y in _YEAR.findall(arabic_years(Normalized.of(text).text))}


def years_consistent(question: str, passages: Sequence[Passage]) -> bool:
    """Each cited passage must belong to a year the question names (text, section, or the report's year).

    A question about 2014 answered from a 2026 report's sentence is a wrong-year answer, the failure users of
    peer systems meet most; a report of year Y reviews year Y-1, so that counts as the same year.
    """
    years = years_in(question)
    if not years:
        return True
    for p in passages:
        doc_year = int(p.date[:4]) if p.date[:4].isdigit() else 0
        in_text = bool(years & (years_in(p.text) | years_in(p.section)))
        if not in_text and not any(doc_year in (y, y + 1) for y in years):
            return False
    return True




def numbers_anchored(question: str, clause_facts: Sequence[str], passage: Passage) -> bool:
    """Every number the answer takes from a passage sits in a sentence about what was asked.

    "国内生产总值达到6.07亿吨" copies a number that the passage gives for grain output: the number is there, but its
    sentence never mentions 国内生产总值. Such a clause is not evidence for the question.
    """
    terms = focus_terms(question)
    numbers = [f for f in clause_facts if re.search(r"\d|[一二三四五六七八九十百千万亿]", f) and len(f) <= 16]
    if not numbers:
        return True
    asks_target = bool(_ASKS_TARGET.search(question))
    text = Normalized.of(passage.text).text
    sentences = [text[s:e] for s, e in sentence_spans(text, 0, len(text))]
    for number in numbers:
        where = [s for s in sentences if number in s]
        if where and terms and not any(holds(s, t) for s in where for t in terms):
            return False
        if where and asks_target and not any(_STATES_TARGET.search(s) for s in where):
            return False  # a target was asked for; this number is a result ("平均值为5.0%", "达到10318亿元")
    return True


_ASKS_TARGET = re.compile(r"目标|预期|计划|拟|安排")
_STATES_TARGET = re.compile(r"目标|预期|计划|拟|安排|力争|争取|左右|以上|以内|控制在|确保|不低于|不超过|要|将")
