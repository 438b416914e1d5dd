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

from retrieval.types import Passage
from zhtext.frames import ASKS_QUANTITY, ASKS_RESULT, ASKS_TARGET, BARE_COUNT, NOT_FOCUS, SETS_TARGET, STATES_TARGET
from zhtext.normalize import HAN_RUN, Normalized, han_bigrams
from zhtext.numbers import find_quantities, single_digit_count
from zhtext.numerals import NUMERAL_CHARS
from zhtext.sentences import line_sentence_spans
from zhtext.terms import ACRONYM, holds, quoted_terms
from zhtext.years import asks_one_year, in_span_of_years, report_years, years_in


@lru_cache(maxsize=256)  # asked again for every clause and passage an answer is checked against
def focus_terms(question: str) -> frozenset[str]:
    """Words of what the question is about, once the asking and the document reference are removed."""
    import jieba

    jieba.setLogLevel(60)
    norm = Normalized.of(question).text
    quoted = set(quoted_terms(norm)) | set(ACRONYM.findall(norm))  # a quoted name is one term, not its pieces
    words = {w for run in HAN_RUN.findall(NOT_FOCUS.sub(" ", norm)) for w in jieba.cut_for_search(run)}
    return frozenset(quoted | {w for w in words if len(w) >= 2 and not BARE_COUNT.fullmatch(w)})


class FocusChecker:
    """Weighted share of the question's focus words found in the cited passages.

    Words are weighted by how rare they are in the corpus (inverse document frequency over chunks): a question
    about "组织部门的年度预算" is about 预算, not about 组织部门, which half the speech mentions.
    """

    def __init__(self, chunk_texts: Callable[[], list[str]], speakers: Callable[[], set[str]] = set) -> None:
        self._chunk_texts = chunk_texts
        self._texts: list[str] | None = None
        self._speakers = speakers  # who gave the library's speeches: naming one says which document, not what

    def refresh(self) -> None:
        """Forget the corpus statistics (after an ingest)."""
        self._texts = None
        self._document_frequency.cache_clear()

    @lru_cache(maxsize=65536)  # noqa: B019 - one checker per chain, living as long as the process
    def _document_frequency(self, term: str) -> int:
        if self._texts is None:
            self._texts = [Normalized.of(t).text for t in self._chunk_texts()]
        return sum(term in t for t in self._texts)

    def weight(self, term: str) -> float:
        n = len(self._texts) if self._texts is not None else len(self._chunk_texts())
        return math.log((n + 1) / (self._document_frequency(term) + 1)) + 0.1

    def pair_coverage(self, question: str, text: str) -> float:
        """The IDF-weighted share of the question's character pairs found in the text: no word list decides what the
        question is about, the corpus does (提出, 多少, 报告 are in most chunks and weigh almost nothing)."""
        pairs = han_bigrams(Normalized.of(question).text)
        if not pairs:
            return 1.0
        text = Normalized.of(text).text
        weights = {p: self.weight(p) for p in pairs}
        return sum(w for p, w in weights.items() if p in text) / sum(weights.values())

    def coverage(self, question: str, passages: Sequence[Passage]) -> float:
        """1.0 when the question has no focus words."""
        return self.text_coverage(question, "".join(p.text for p in passages))

    def text_coverage(self, question: str, text: str) -> float:
        """The weighted share of the question's focus words in one text; 1.0 when the question has none."""
        names = {n for n in self._speakers() if len(n) >= 2}
        terms = {t for t in focus_terms(question) if not any(t in n or n in t for n in names)}
        if not terms:
            return 1.0
        text = Normalized.of(text).text
        weights = {t: self.weight(t) for t in terms}
        return sum(w for t, w in weights.items() if holds(text, t)) / sum(weights.values())


def years_consistent(question: str, passages: Sequence[Passage]) -> bool:
    """Each cited passage must belong to a year the question names (text, section, or the report's year).

    A question about 2014 answered from a 2026 report's sentence is a wrong-year answer, the failure users of
    peer systems meet most; a report of year Y reviews year Y-1, so that counts as the same year.
    """
    years = years_in(Normalized.of(question).text)
    if not years:
        return True
    for p in passages:
        doc_year = int(p.date[:4]) if p.date[:4].isdigit() else 0
        in_text = bool(years & (years_in(Normalized.of(p.text).text) | years_in(Normalized.of(p.section).text)))
        if not in_text and not any(doc_year in (y, y + 1) for y in years):
            return False
    return True


def numbers_anchored(question: str, clause_facts: Sequence[str], passage: Passage, lexical: bool = True) -> bool:
    """Every number the answer takes from a passage sits in a sentence about what was asked.

    "国内生产总值达到6.07亿吨" copies a number that the passage gives for grain output: the number is there, but its
    sentence never mentions 国内生产总值. Such a clause is not evidence for the question. Without `lexical` the
    sentence need not name the question's words (a user's 经济增长 for the source's 国内生产总值增长): the clause is
    then verified but loose, and the judge weighs it (answer/judge.py); the year and target/result rules still hold.
    """
    terms = focus_terms(question)
    numbers = [f for f in clause_facts if re.search(rf"\d|[{NUMERAL_CHARS}]", f) and len(f) <= 16]
    if not numbers:
        return True
    asks_target = bool(ASKS_TARGET.search(question))
    asks_result = not asks_target and _asks_result(question, passage)
    sentences = _sentences(passage.text)
    one_year = asks_one_year(Normalized.of(question).text)
    for number in numbers:
        where = [s for _, s in sentences if number in s]
        if where and one_year and all(in_span_of_years(b, s, number) for b, s in sentences if number in s):
            return False  # one year was asked; this number sums or averages several (五年来…6600万人以上)
        if where and lexical and terms and not any(holds(s, t) for s in where for t in terms):
            return False
        if where and asks_target and not any(STATES_TARGET.search(s) for s in where):
            return False  # a target was asked for; this number is a result ("平均值为5.0%", "达到10318亿元")
        if where and asks_result and all(SETS_TARGET.search(s) for s in where):
            return False  # what happened was asked for; this number is a plan ("今年的预期目标是，新增城镇就业900万人")
    return True


def _sentences(text: str) -> list[tuple[str, str]]:
    """The passage's sentences (normalized), each after what its line says before it (normalizing removes the
    line breaks, which say where a paragraph opens)."""
    found = []
    for s, e in line_sentence_spans(text):
        line_start = text.rfind("\n", 0, s) + 1
        found.append((Normalized.of(text[line_start:s]).text, Normalized.of(text[s:e]).text))
    return found


def _asks_result(question: str, passage: Passage) -> bool:
    """The question asks what happened: it says so (实际, 完成), or it names the year a report reviews (a 2004
    report's figures for 2003 are results)."""
    if ASKS_RESULT.search(question):
        return True
    doc_year = int(passage.date[:4]) if passage.date[:4].isdigit() else 0
    asked = Normalized.of(question).text
    years = years_in(asked) - set(report_years(asked))  # 2004年政府工作报告 names the document, not the year asked
    return bool(years) and doc_year - 1 in years and doc_year not in years


def gives_quantity(question: str, shown: str) -> bool:
    """A question asking how many (多少, 几次) is answered only by text stating a quantity the question does not
    already give: a sentence that merely mentions the occasion asked about ("这期培训班学员参加开班式") answers
    nothing. True for questions that ask no quantity."""
    match = ASKS_QUANTITY.search(question)
    if match is None:
        return True
    asked = {q.text for q in find_quantities(question)}
    shown = re.sub(r"\[\d+\]", "", shown)  # the answer's [n] markers are not quantities
    if any(q.text not in asked for q in find_quantities(shown)):
        return True
    unit = question[match.end() : match.end() + 1]  # 几次 → 次, 多少名 → 名
    return bool(unit) and single_digit_count(shown, unit)
