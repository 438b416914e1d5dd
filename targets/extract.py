"""Extract the main indicators of one government work report: target and result cells with their exact source.

A report sets targets for its own year (预期目标, 拟安排, 控制在) and reports results of the year before (上年, 实现,
完成; the 工作回顾 section). Each cell keeps the value exactly as written, its parsed range and unit, and the
sentence it comes from (offsets into the stored document text). A value the report does not state is absent:
a figure whose year or kind the text does not settle (five-year averages, targets of other years) is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from ingest.store import StoredDocument
from targets.indicators import INDICATORS, Indicator, template
from zhtext.frames import STATES_TARGET
from zhtext.numbers import Quantity
from zhtext.numerals import DIGITS
from zhtext.places import provinces_in
from zhtext.sentences import heading_of
from zhtext.years import YEAR, YEAR_DIGITS, arabic_years, first_year

NATIONAL = "national"
REPORT_GENRES = ("政府工作报告", "省级政府工作报告")
TARGET, RESULT = "target", "result"


@dataclass(frozen=True)
class TargetCell:
    """One value of one indicator for one year: the `speechqa targets --json` line, plus the value's offset."""

    indicator: str
    scope: str  # "national" or a province's Chinese name (浙江)
    year: int  # the year the figure is for: a target in the 2019 report is for 2019, a result for 2018
    kind: str  # "target" | "result"
    value: str  # exactly as written, an exact span of quote
    low: float | None
    high: float | None
    unit: str
    doc: str
    start: int  # quote = document text[start:end]
    end: int
    quote: str
    value_start: int  # value = document text[value_start:value_start + len(value)]


class Section(Enum):
    """What a level-1 section of a report is about, read from its heading."""

    INTRO = "intro"  # before the first heading: time words only
    REVIEW = "review"  # 2018年工作回顾: results of last year by default
    REVIEW_FIVE = "review_five"  # 过去五年工作回顾: five-year totals beside last year's results: time words only
    YEAR = "year"  # this year's work: targets where the sentence sets one
    FIVE_YEAR = "five_year"  # “十四五”时期…: five-year figures: time words only


@dataclass(frozen=True)
class Report:
    """A document known to be a government work report: who it speaks for and which year it plans."""

    doc: StoredDocument
    scope: str
    year: int


def as_report(doc: StoredDocument) -> Report | None:
    """The report behind a stored document, or None when it is not a government work report."""
    if doc.genre not in REPORT_GENRES:
        return None
    year = first_year(doc.title) or doc.year
    if doc.genre == REPORT_GENRES[0]:
        return Report(doc, NATIONAL, year) if year else None
    provinces = provinces_in(doc.title)  # the province is named in the title: 2026年浙江省政府工作报告
    return Report(doc, provinces[0], year) if provinces and year else None


def extract(doc: StoredDocument) -> list[TargetCell]:
    """Every cell the report states, first statement kept per (indicator, year, kind)."""
    report = as_report(doc)
    if report is None:
        return []
    cells: dict[tuple[str, int, str], TargetCell] = {}
    for sentence in _sentences(doc.text, report.year):
        for cell in _cells_in_sentence(report, sentence):
            cells.setdefault((cell.indicator, cell.year, cell.kind), cell)
    return sorted(cells.values(), key=lambda c: (c.indicator, c.year, c.kind))


# --- sections, paragraphs and sentences -------------------------------------------------------------------------

# A review heading: 2018年工作回顾, 过去五年工作回顾, 改革开放和现代化建设取得伟大成就 (1993).
_REVIEW_WORDS = re.compile(r"回顾|过去|一年来|成就")
# A review of five years (过去五年工作回顾, 过去一年和五年工作回顾); not 第二个五年计划.
_FIVE_YEAR_REVIEW = re.compile(r"过去五年|五年(?:政府)?工作|和五年|五年来")
_FIVE_YEAR_WORDS = re.compile(rf"“十[{DIGITS}]*五”|五年规划|规划纲要")
# A paragraph about several years: 五年来，人民生活持续改善 / 过去五年 / 这五年.
_MULTI_YEAR_PARAGRAPH = re.compile(r"^\s*(?:(?:过去|这|近)[三五十]年|[三五十]年(?:来|间|里))")


def section_of(heading: str, report_year: int) -> Section:
    """What a level-1 heading says its section is about: a heading naming last year reviews it (2025年和“十四五”
    时期工作回顾), one naming a five-year plan is about five years (“十三五”时期发展成就和“十四五”时期主要目标任务)."""
    heading = arabic_years(heading)
    years = {int(y) for y in YEAR.findall(heading)}
    review = Section.REVIEW_FIVE if _FIVE_YEAR_REVIEW.search(heading) else Section.REVIEW
    if report_year - 1 in years:
        return review
    if _FIVE_YEAR_WORDS.search(heading):
        return Section.FIVE_YEAR
    if _REVIEW_WORDS.search(heading):
        return review
    return Section.YEAR


@dataclass(frozen=True)
class _Sentence:
    """A period sentence: it ends at 。！？ (not at ；) and may begin in an earlier paragraph that breaks off
    unfinished (今年经济社会发展的主要预期目标是：↵国内生产总值增长8%左右；…)."""

    section: Section
    paragraph_start: int
    start: int
    end: int


_MIN_CARRIED = 8  # a shorter unfinished line is a salutation (各位代表：), not the start of a sentence


def _sentences(text: str, report_year: int) -> Iterator[_Sentence]:
    section = Section.INTRO
    pending: int | None = None  # where an unfinished sentence of earlier paragraphs starts
    for match in re.finditer(r"[^\n]+", text):
        paragraph = match.group()
        heading = heading_of(paragraph)
        if heading is not None and heading[0] == 1:
            section = section_of(heading[1], report_year)
        here = Section.FIVE_YEAR if _MULTI_YEAR_PARAGRAPH.match(paragraph) else section
        pieces = list(re.finditer(r"[^。！？]+[。！？]*", paragraph))
        for n, piece in enumerate(pieces):
            start = pending if n == 0 and pending is not None else match.start() + piece.start()
            yield _Sentence(here, match.start(), start, match.start() + piece.end())
        if heading is not None or not pieces or pieces[-1].group().rstrip().endswith(("。", "！", "？")):
            pending = None
        elif pending is None or len(pieces) > 1:  # a new unfinished sentence (else the old one goes on)
            carried = match.start() + pieces[-1].start()
            pending = carried if match.end() - carried >= _MIN_CARRIED else None


# --- one sentence ---------------------------------------------------------------------------------------------


def _cells_in_sentence(report: Report, sentence: _Sentence) -> Iterator[TargetCell]:
    text, start, end = report.doc.text, sentence.start, sentence.end
    stated = template(text, start, end)
    if not stated.quantities:
        return
    for indicator in INDICATORS:
        for quantity in indicator.values(stated):
            before = text[start : quantity.start]
            context = _Context(
                text[sentence.paragraph_start : max(start, sentence.paragraph_start)],
                before,
                _clause_of(before),
                _clause_after(text, quantity.end, end),
            )
            when = _when(report.year, sentence.section, context, quantity)
            if when is not None:
                yield _cell(report, indicator, when, quantity, start, end)


def _clause_of(before: str) -> str:
    """The value's own clause up to the value: 2007年产量达到 in 全国粮食连续四年增产，2007年产量达到50150万吨."""
    cut = max(before.rfind(c) for c in "，；：、") + 1
    return before[cut:]


def _clause_after(text: str, start: int, end: int) -> str:
    """The rest of the value's clause: 的目标 there makes the value the mention of a target, not a result."""
    stop = re.search(r"[，；。]", text[start:end])
    return text[start : start + stop.start()] if stop else text[start:end]


def _cell(
    report: Report, indicator: Indicator, when: tuple[int, str], quantity: Quantity, start: int, end: int
) -> TargetCell:
    quote = report.doc.text[start:end]
    start, end = start + len(quote) - len(quote.lstrip()), end - len(quote) + len(quote.rstrip())
    return TargetCell(
        indicator.key,
        report.scope,
        when[0],
        when[1],
        quantity.text,
        quantity.low,
        quantity.high,
        quantity.unit,
        report.doc.doc_id,
        start,
        end,
        report.doc.text[start:end],
        quantity.start,
    )


# --- which year, target or result ------------------------------------------------------------------------------

# Several years at once: averages, totals, comparisons with a far year, horizons (到2020年), from-to changes.
_MULTI_YEAR = re.compile(
    r"年均|平均每年|每年|累计|连续|连年|历年|以来|期间|一直|这五年|五年来|十年来|[三五十]年间|翻一番|翻两番"
    rf"|与{YEAR_DIGITS}年相比|比{YEAR_DIGITS}年|到{YEAR_DIGITS}年|[从由]{YEAR_DIGITS}年"
)
# Words that make a whole sentence about several years: 五年累计，单位国内生产总值能耗下降19.1%.
_SEVERAL_YEARS = re.compile(rf"累计|五年来|这五年|过去五年|与{YEAR_DIGITS}年相比")
# Comparisons that name last year without saying the figure is last year's: 比上年增长, 比去年预算低.
_COMPARED = re.compile(r"比(?:上年|去年)(?:预算)?|(?:上年|去年)(?:年初)?预算|从(?:去年|上年)的|同比")
_THIS_YEAR = re.compile(r"今年|本年度")
# A sentence that frames the rest of its paragraph as last year's results.
_FRAME_LAST_YEAR = re.compile(r"过去一年|一年来")
_LAST_YEAR = re.compile(r"去年|上年|过去一年|一年来")
_OTHER_YEAR = "other"
# Bounds a plan sets on a figure: 5%左右, 1100万人以上, 4.5%以内, 不少于28万人.
TARGET_QUALIFIERS = ("左右", "以上", "以内", "以下", "不少于", "不低于", "不超过", "低于")


@dataclass(frozen=True)
class _Context:
    """The words around a value that say its year and kind."""

    earlier: str  # the paragraph before the value's sentence
    before: str  # the value's sentence up to the value
    clause: str  # the value's own clause, up to the value
    after: str  # the rest of the value's clause


def _when(report_year: int, section: Section, context: _Context, quantity: Quantity) -> tuple[int, str] | None:
    """(year, kind) of a value, or None when the text does not settle it."""
    if _MULTI_YEAR.search(arabic_years(context.clause)) or _SEVERAL_YEARS.search(arabic_years(context.before)):
        return None
    cue = _time_cue(report_year, context.before)
    if cue is None and section is not Section.YEAR:
        cue = _time_cue(report_year, context.earlier)  # 刚刚过去的2017年，…。国内生产总值增长6.9%
    elif cue is None and _FRAME_LAST_YEAR.search(context.earlier):
        cue = RESULT  # 过去一年，我们的各项工作取得了很大成绩。国内生产总值增长10.3%…
    if cue is None and section is Section.REVIEW_FIVE and context.before.lstrip().startswith("全年"):
        cue = RESULT  # 全年国内生产总值增长3% in 过去一年和五年工作回顾
    if cue == _OTHER_YEAR:
        return None
    if cue == RESULT or (cue is None and section is Section.REVIEW):
        if "目标" in context.after:  # 没有实现年初确定的…降低4%左右…的目标: an old target, not a result
            return None
        return report_year - 1, RESULT
    if cue == TARGET:
        return report_year, TARGET
    # In this year's section a paragraph that sets (预期目标, 拟, 控制在, 左右, 以上, 不少于) states a target.
    bounded = any(q in quantity.qualifier for q in TARGET_QUALIFIERS)
    sets = STATES_TARGET.search(context.earlier + context.before) or bounded
    if section is Section.YEAR and sets:
        return report_year, TARGET
    return None


def _time_cue(report_year: int, before: str) -> str | None:
    """The time word nearest before the value: this year → target, last year → result, another year → other."""
    plain = _COMPARED.sub("", arabic_years(before))
    cues: list[tuple[int, str]] = [(m.end(), TARGET) for m in _THIS_YEAR.finditer(plain)]
    cues += [(m.end(), RESULT) for m in _LAST_YEAR.finditer(plain)]
    for match in YEAR.finditer(plain):
        year = int(match.group(1))
        kind = TARGET if year == report_year else RESULT if year == report_year - 1 else _OTHER_YEAR
        cues.append((match.end(), kind))
    return max(cues)[1] if cues else None
