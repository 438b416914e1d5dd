"""What the quiz can ask about, read from a document's own structure: figures with their subject, enumerations,
quoted formulations and their definitions, sentences. No model is involved, so every fact is exactly where it says.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property

from quiz.model import QuizDocument
from zhtext.enumerations import Enumeration, find_enumerations
from zhtext.normalize import HAN_RUN
from zhtext.numbers import QUALIFIERS_AFTER, QUALIFIERS_BEFORE, Quantity, find_quantities
from zhtext.sentences import sentence_spans
from zhtext.terms import QUOTED

# Figures worth recalling are amounts (%, 亿元, 万人, 吨 …). Durations and counts of occasions (5年, 3次, 两批) say
# little on their own, and a calendar-like unit invites answers that are dates.
WEAK_UNITS = frozenset(
    (
        "",
        "年",
        "个月",
        "天",
        "小时",
        "周年",
        "周岁",
        "岁",
        "次",
        "批",
        "场",
        "起",
        "处",
        "支",
        "艘",
        "架",
        "种",
        "类",
        "部",
        "篇",
        "张",
        "批次",
        "条",
        "件",
        "个",
        "千伏",
        ":",
    )
)
SUBJECT_MIN = 4  # Han characters before a figure in its clause: fewer do not say what the figure measures
CLAUSE_BREAK = "，,；;：:。！？!?\n"
# A quoted definition: “三个高于”，即：用于…高于上年…
# Only 即/是指/指的是 define: 就是 mostly goes on to a purpose or a verdict (“五个办法”，就是要从制度上铲除…).
_DEFINITION = re.compile(r"“(?P<term>[^”，,]{2,12})”[，,]?(?:即|是指|指的是)[：:]?(?P<body>[^。；;\n]{4,80})[。；;]")
# The number reader stops before the 次 of 832万辆次 (辆次 is not one of its units): a blank there would split a unit.
_UNIT_GOES_ON = ("次",)
# 人 read as a unit is the first character of a word in 13亿人口, 14亿人民 (zhtext.numbers reads 13亿人).
_WORD_NOT_UNIT = ("人口", "人民")
BOOK_TITLE = re.compile(r"《[^》]*》")  # figures and terms inside a title name a document, they are not facts


@dataclass(frozen=True)
class Figure:
    """A quantity in a document with the subject it measures; `key` is the number without its qualifiers."""

    quantity: Quantity  # offsets into the document text
    key_start: int
    key_end: int
    subject: str  # the Han text of the clause before the figure (国内生产总值增长)
    sentence: tuple[int, int]


@dataclass(frozen=True)
class Term:
    """A quoted formulation: offsets of the term inside its quotation marks, and its sentence."""

    start: int
    end: int
    sentence: tuple[int, int]


@dataclass(frozen=True)
class Definition:
    """“X”，即Y: the term and its definition body, with offsets."""

    term: str
    body_start: int
    body_end: int
    start: int  # the whole definition, from the opening quotation mark
    end: int


class DocumentFacts:
    """Facts of one document, computed once each."""

    def __init__(self, doc: QuizDocument) -> None:
        self.doc = doc
        self.text = doc.text

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for paragraph in re.finditer(r"[^\n]+", self.text):
            spans += sentence_spans(self.text, paragraph.start(), paragraph.end())
        return spans

    def sentence_at(self, offset: int) -> tuple[int, int]:
        """The sentence holding a character offset."""
        i = bisect.bisect_right([s for s, _ in self.sentences], offset) - 1
        return self.sentences[max(i, 0)]

    @cached_property
    def _titles(self) -> list[tuple[int, int]]:
        return [m.span() for m in BOOK_TITLE.finditer(self.text)]

    def in_title(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self._titles)

    @cached_property
    def figures(self) -> list[Figure]:
        found: list[Figure] = []
        for start, end in self.sentences:
            for q in find_quantities(self.text[start:end]):
                figure = self._figure(q, start, (start, end))
                if figure is not None:
                    found.append(figure)
        return found

    def _figure(self, q: Quantity, offset: int, sentence: tuple[int, int]) -> Figure | None:
        """A quantity as a figure, when its unit is an amount and its clause says what it measures."""
        if (q.unit.lstrip("万亿") in WEAK_UNITS and not q.unit.startswith(("万", "亿"))) or q.low is None:
            return None
        q_start, q_end = offset + q.start, offset + q.end
        if self.in_title(q_start, q_end) or self.text[q_end : q_end + 1] in _UNIT_GOES_ON:
            return None
        clause_start = q_start
        while clause_start > sentence[0] and self.text[clause_start - 1] not in CLAUSE_BREAK:
            clause_start -= 1
        subject = "".join(HAN_RUN.findall(self.text[clause_start:q_start]))
        if len(subject) < SUBJECT_MIN:
            return None
        key_start, key_end = _without_qualifiers(q.text, q_start, q_end)
        if self.text[key_end - 1 : key_end + 1] in _WORD_NOT_UNIT:
            key_end -= 1  # 近13亿人口: the blank is 13亿, 人口 stays in the stem
        absolute = Quantity(q.text, q_start, q_end, q.low, q.high, q.unit, q.qualifier)
        return Figure(absolute, key_start, key_end, subject, sentence)

    @cached_property
    def enumerations(self) -> list[Enumeration]:
        return find_enumerations(self.text)

    @cached_property
    def terms(self) -> list[Term]:
        found: list[Term] = []
        for match in QUOTED.finditer(self.text):
            group = 1 if match.group(1) else 2
            start, end = match.span(group)
            sentence = self.sentence_at(start)
            # An unclosed quotation mark makes QUOTED run into the next paragraph: a term lies inside its sentence.
            if not self.in_title(start, end) and end <= sentence[1]:
                found.append(Term(start, end, sentence))
        return found

    @cached_property
    def definitions(self) -> list[Definition]:
        return [
            Definition(m.group("term"), m.start("body"), m.end("body"), m.start(), m.end())
            for m in _DEFINITION.finditer(self.text)
        ]


def _without_qualifiers(written: str, start: int, end: int) -> tuple[int, int]:
    """The number of a quantity without 超过/约 before it and 左右/以上 after it: the part a trainee recalls."""
    before = next((q for q in QUALIFIERS_BEFORE if written.startswith(q)), "")
    after = next((q for q in QUALIFIERS_AFTER if written.endswith(q)), "")
    key_start, key_end = start + len(before), end - len(after)
    while key_end > key_start and written[key_end - start - 1] in " \t":
        key_end -= 1
    return key_start, key_end
