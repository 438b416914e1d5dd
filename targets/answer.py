"""Answer a question about several years of one indicator from the targets table, one citation per year.

"2019到2024年GDP增长目标分别是多少", "赤字率这些年怎么变的", "历年粮食产量目标": the table has every year's
figure with its sentence, so the answer lists them year by year instead of asking the model, which sees a few
passages and mixes up years. Anything else (one year, two indicators, no indicator) is None: the normal chain
answers it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from targets.extract import NATIONAL, RESULT, TARGET, TargetCell
from targets.indicators import INDICATORS, Indicator, label_for
from targets.table import TargetTable
from zhtext.frames import ASKS_REASON, ASKS_TARGET
from zhtext.numerals import DIGITS, cn_int
from zhtext.places import provinces_in
from zhtext.years import YEAR_DIGITS, arabic_years, report_years, years_in

# A span of years: 2019到2024年, 2019年至2024年, 2019—2024年.
_YEAR_SPAN = re.compile(rf"({YEAR_DIGITS})年?\s*(?:到|至|-|—|－|~|～)\s*({YEAR_DIGITS})年")
# The last N years: 近五年, 最近3年, 过去五年.
_LAST_YEARS = re.compile(rf"(?:近|最近|过去)([0-9]+|[{DIGITS}十两]+)年")
# A plan period's average or a five-year total is not a yearly figure: the table has none.
_NOT_ANNUAL = re.compile(r"年均|平均每年|每年平均|平均增长|规划|时期")
# Words asking about many years without naming them.
_ACROSS_YEARS = re.compile(
    r"历年|历次|每年|各年|逐年|这些年|这几年|近几年|近年来|多年来"
    r"|怎么变|如何变|变化|趋势|走势|演变"
)
# Words asking for what happened, not what was planned.
_ASKS_RESULT = re.compile(r"实际|实现|完成|结果|实绩|达到")
_KIND_NAME = {TARGET: "目标", RESULT: "实际"}


@dataclass(frozen=True)
class TableCitation:
    """Citation [n]: the sentence of one cell in its document."""

    n: int
    doc: str
    title: str
    date: str
    start: int
    end: int
    quote: str


@dataclass(frozen=True)
class TableAnswer:
    """The answer text (one [n] per cited year) and its citations, in the order of their markers."""

    text: str
    citations: list[TableCitation]
    indicator: str
    scope: str


@dataclass(frozen=True)
class _Request:
    """What a question asks of the table."""

    indicator: Indicator
    scope: str
    kinds: tuple[str, ...]
    years: tuple[int, ...] | None  # None: every year the table has
    last: int | None  # the last N years the table has


def table_answer(
    question: str, table: TargetTable, admits: Callable[[str], bool] = lambda doc: True
) -> TableAnswer | None:
    """The answer from the table to a question about several years of one indicator, else None. Only documents
    `admits` lets through (the caller's filters) are cited; a year only other documents give says so."""
    request = parse_request(question)
    if request is None:
        return None
    cells = [c for c in table.cells(request.indicator.key, request.scope) if c.kind in request.kinds]
    years = sorted({c.year for c in cells})
    if request.last:
        years = years[-request.last :]
    wanted = list(request.years) if request.years is not None else years
    cited = [c for c in cells if c.year in wanted and admits(c.doc)]
    if not cited:
        return None
    filtered = {c.year for c in cells if c.year in wanted and not admits(c.doc)} - {c.year for c in cited}
    return _render(request, wanted, cited, table, filtered)


def parse_request(question: str) -> _Request | None:
    """Indicator, scope, kinds and years a question asks for; None unless it asks for several years of one."""
    indicator = asked_indicator(question)
    if indicator is None or _NOT_ANNUAL.search(question) or ASKS_REASON.search(question):
        return None  # the table holds figures: a question also asking why is the chain's (it reads the reasons)
    plain = arabic_years(question)
    if len(report_years(plain)) == 1:
        return None  # about one report ("2001年政府工作报告…2000年GDP"): its other years are what it reviews
    span = _YEAR_SPAN.search(plain)
    named = sorted(years_in(plain))
    last = _LAST_YEARS.search(plain)
    years: tuple[int, ...] | None = None
    if span:
        low, high = sorted((int(span.group(1)), int(span.group(2))))
        years = tuple(range(low, high + 1))
    elif len(named) >= 2:
        years = tuple(named)
    elif named or not (last or _ACROSS_YEARS.search(plain)):
        return None  # one year, or no sign of several: the normal chain answers
    provinces = provinces_in(question)
    return _Request(
        indicator,
        provinces[0] if provinces else NATIONAL,
        _kinds(question),
        years,
        _count(last.group(1)) if last and years is None else None,
    )


def asked_indicator(question: str) -> Indicator | None:
    """The one indicator a question names; a name inside a longer one (生产总值 in 国民生产总值) does not count."""
    spans = [(m.start(), m.end(), i) for i in INDICATORS for m in i.asked.finditer(question)]
    kept = {
        i.key: i
        for s, e, i in spans
        if not any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) and i2 is not i for s2, e2, i2 in spans)
    }
    return next(iter(kept.values())) if len(kept) == 1 else None


def _kinds(question: str) -> tuple[str, ...]:
    wants_target, wants_result = bool(ASKS_TARGET.search(question)), bool(_ASKS_RESULT.search(question))
    if wants_target != wants_result:
        return (TARGET,) if wants_target else (RESULT,)
    return (TARGET, RESULT)


def _count(written: str) -> int | None:
    return int(written) if written.isdigit() else cn_int(written)


def _render(
    request: _Request, years: list[int], cells: list[TargetCell], table: TargetTable, filtered: set[int]
) -> TableAnswer:
    """One line per year: 2019年：目标 6%－6.5% [1]；实际 6.1% [2]. A year the table lacks says so."""
    place = "全国" if request.scope == NATIONAL else request.scope
    kinds = "、".join(_KIND_NAME[k] for k in request.kinds)
    label = label_for(request.indicator, request.scope == NATIONAL)
    lines = [f"{place}历年{label}（{kinds}），据各年政府工作报告："]
    citations: list[TableCitation] = []
    by_year = {(c.year, c.kind): c for c in cells}
    for year in years:
        parts = []
        for kind in request.kinds:
            cell = by_year.get((year, kind))
            if cell is not None:
                source = table.source(cell.doc)
                citations.append(
                    TableCitation(
                        len(citations) + 1, cell.doc, source.title, source.date, cell.start, cell.end, cell.quote
                    )
                )
                parts.append(f"{_KIND_NAME[kind]} {cell.value} [{len(citations)}]")
        missing = "所在的报告不在当前筛选范围内" if year in filtered else "语料中的报告没有写明"
        lines.append(f"- {year}年：" + ("；".join(parts) if parts else missing))
    if RESULT in request.kinds:
        lines.append("（目标取自当年的报告，实际取自次年报告对上年的回顾。）")
    return TableAnswer("\n".join(lines), citations, request.indicator.key, request.scope)
