"""Extraction over the real corpus: exact sources for every cell, the right year and kind, nothing guessed."""

from __future__ import annotations

import re
import time

import pytest

from ingest.store import StoredDocument
from targets.extract import NATIONAL, RESULT, TARGET, Section, TargetCell, as_report, extract, section_of
from zhtext.numbers import find_quantities


@pytest.fixture(scope="module")
def cells(corpus: dict[str, StoredDocument]) -> dict[str, list[TargetCell]]:
    return {name: extract(doc) for name, doc in corpus.items()}


def _find(cells: list[TargetCell], indicator: str, year: int, kind: str) -> TargetCell | None:
    return next((c for c in cells if (c.indicator, c.year, c.kind) == (indicator, year, kind)), None)


def _value(cells: list[TargetCell], indicator: str, year: int, kind: str) -> str | None:
    cell = _find(cells, indicator, year, kind)
    return cell.value if cell else None


def test_every_cell_of_the_corpus_is_an_exact_span(
    corpus: dict[str, StoredDocument], cells: dict[str, list[TargetCell]]
) -> None:
    checked = 0
    for name, found in cells.items():
        text = corpus[name].text
        for cell in found:
            assert cell.quote == text[cell.start : cell.end]
            assert cell.value == text[cell.value_start : cell.value_start + len(cell.value)]
            assert cell.start <= cell.value_start and cell.value_start + len(cell.value) <= cell.end
            assert cell.value in cell.quote and cell.doc == name
            (parsed,) = find_quantities(cell.value)
            assert (parsed.low, parsed.high, parsed.unit) == (cell.low, cell.high, cell.unit)
            checked += 1
    assert checked > 200  # the corpus states hundreds of figures


def test_years_and_kinds_follow_the_report_year(
    corpus: dict[str, StoredDocument], cells: dict[str, list[TargetCell]]
) -> None:
    for name, found in cells.items():
        report = as_report(corpus[name])
        assert report is not None or not found
        for cell in found:
            assert report is not None
            assert (cell.kind, cell.year) in ((TARGET, report.year), (RESULT, report.year - 1))
            assert cell.scope == report.scope


def test_only_government_work_reports_have_cells(
    corpus: dict[str, StoredDocument], cells: dict[str, list[TargetCell]]
) -> None:
    reports = [n for n, d in corpus.items() if as_report(d) is not None]
    assert len(reports) == 36
    assert all(not cells[n] for n in corpus if n not in reports)
    assert cells["2019-01-11_xi-ccdi-3rd-plenum.txt"] == []


def test_the_2019_report_targets_2019_and_reports_2018(cells: dict[str, list[TargetCell]]) -> None:
    found = cells["2019-03-05_gwr-2019.txt"]
    gdp = _find(found, "gdp_growth", 2019, TARGET)
    assert gdp is not None and (gdp.value, gdp.low, gdp.high, gdp.unit) == ("6%－6.5%", 6.0, 6.5, "%")
    assert "预期目标" in gdp.quote
    assert _value(found, "gdp_growth", 2018, RESULT) == "6.6%"
    assert _value(found, "new_urban_jobs", 2019, TARGET) == "1100万人以上"
    assert _value(found, "new_urban_jobs", 2018, RESULT) == "1361万人"
    assert _value(found, "unemployment_rate", 2019, TARGET) == "5.5%左右"
    assert _value(found, "deficit_ratio", 2019, TARGET) == "2.8%"
    assert _value(found, "deficit_size", 2019, TARGET) == "2.76万亿元"
    assert _value(found, "central_deficit", 2019, TARGET) == "1.83万亿元"
    assert _value(found, "special_bonds", 2019, TARGET) == "2.15万亿元"
    assert _value(found, "cpi", 2018, RESULT) == "2.1%"
    assert _value(found, "energy_intensity", 2019, TARGET) == "3%左右"


def test_the_2025_report_deficit_and_grain(cells: dict[str, list[TargetCell]]) -> None:
    found = cells["2025-03-05_gwr-2025.txt"]
    assert _value(found, "deficit_ratio", 2025, TARGET) == "4%左右"
    assert _value(found, "deficit_size", 2025, TARGET) == "5.66万亿元"
    assert _value(found, "grain_output", 2025, TARGET) == "1.4万亿斤左右"
    assert _value(found, "energy_intensity", 2024, RESULT) == "超过3%"


def test_a_provincial_report_is_scoped_to_its_province(cells: dict[str, list[TargetCell]]) -> None:
    found = cells["2026-01-14_prov-gwr-2026-zhejiang.txt"]
    assert {c.scope for c in found} == {"浙江"}
    assert _value(found, "gdp_growth", 2026, TARGET) == "5%—5.5%"
    assert _value(found, "gdp_growth", 2025, RESULT) == "5.5%"
    assert NATIONAL not in {c.scope for c in cells["2026-01-26_prov-gwr-2026-guangdong.txt"]}


def test_a_target_line_after_its_lead_in_is_quoted_with_it(cells: dict[str, list[TargetCell]]) -> None:
    gdp = _find(cells["2010-03-05_gwr-2010.txt"], "gdp_growth", 2010, TARGET)
    assert gdp is not None and gdp.value == "8%左右"
    assert gdp.quote.startswith("今年经济社会发展的主要预期目标是：") and "\n" in gdp.quote


def test_a_figure_broken_across_lines_and_word_variants(cells: dict[str, list[TargetCell]]) -> None:
    # 2017: 国内生产总值达到74.4↵↵万亿元，增长6.7% (the source breaks the line inside the level).
    gdp = _find(cells["2017-03-05_gwr-2017.txt"], "gdp_growth", 2016, RESULT)
    assert gdp is not None and gdp.value == "6.7%" and "\n" in gdp.quote
    # 2006: 城镇新增就业人口970万人.
    assert _value(cells["2006-03-05_gwr-2006.txt"], "new_urban_jobs", 2005, RESULT) == "970万人"


def test_multi_year_figures_are_not_cells(cells: dict[str, list[TargetCell]]) -> None:
    assert "7.1%" not in {c.value for c in cells["2018-03-05_gwr-2018.txt"] if c.indicator == "gdp_growth"}
    assert "19.1%" not in {c.value for c in cells["2011-03-05_gwr-2011.txt"]}  # 五年累计
    assert "17.2%" not in {c.value for c in cells["2013-03-05_gwr-2013.txt"]}  # a five-year review figure
    # 争取1997年粮食产量达到4.75亿吨 is a target of another year.
    assert "4.75亿吨" not in {c.value for c in cells["1993-03-15_gwr-1993.txt"]}


def test_an_old_target_in_a_review_is_not_a_result(cells: dict[str, list[TargetCell]]) -> None:
    # 2007: 全国没有实现年初确定的单位国内生产总值能耗降低4%左右…的目标; the result is 转为下降1.2%.
    assert _value(cells["2007-03-05_gwr-2007.txt"], "energy_intensity", 2006, RESULT) == "1.2%"


def test_last_year_in_an_earlier_sentence_makes_results(cells: dict[str, list[TargetCell]]) -> None:
    # 2011: 过去一年，我们的各项工作取得了很大成绩。国内生产总值增长10.3%，居民消费价格涨幅控制在3.3%…
    found = cells["2011-03-05_gwr-2011.txt"]
    assert _value(found, "gdp_growth", 2010, RESULT) == "10.3%"
    assert _value(found, "cpi", 2010, RESULT) == "3.3%"
    assert _value(found, "cpi", 2011, TARGET) == "4%左右"
    # 1993: a review section named for its achievements (改革开放和现代化建设取得伟大成就).
    assert _value(cells["1993-03-15_gwr-1993.txt"], "gnp_growth", 1992, RESULT) == "百分之十二点八"
    assert _value(cells["1993-03-15_gwr-1993.txt"], "gnp_growth", 1993, TARGET) == "百分之八"


@pytest.mark.parametrize(
    "heading, year, section",
    [
        ("2018年工作回顾", 2019, Section.REVIEW),
        ("过去五年工作回顾", 2018, Section.REVIEW_FIVE),
        ("过去一年和五年工作回顾", 2023, Section.REVIEW_FIVE),
        ("2025年和“十四五”时期工作回顾", 2026, Section.REVIEW),
        ("“十三五”时期发展成就和“十四五”时期主要目标任务", 2021, Section.FIVE_YEAR),
        ("2019年政府工作任务", 2019, Section.YEAR),
        ("改革开放和现代化建设取得伟大成就", 1993, Section.REVIEW),
        ("第一个五年计划时期内和第二个五年计划的第一年——一九五八年的伟大成就", 1959, Section.REVIEW),
        ("坚持实行扩大内需的方针", 2000, Section.YEAR),
    ],
)
def test_section_headings(heading: str, year: int, section: Section) -> None:
    assert section_of(heading, year) is section


# A plain text search for each indicator: its name, a few characters, then a number (checks recall).
_SEARCH = {
    "gdp_growth": r"(?:国内|地区)生产总值(?:比上年)?增长|经济增长(?:速度|预期目标为)",
    "cpi": r"居民消费价格(?:总水平)?(?:涨幅|上涨)",
    "deficit_ratio": r"赤字率",
    "deficit_size": r"(?<![央方减])财政赤字(?!率)|赤字规模",
    "central_deficit": r"中央财政赤字",
    "special_bonds": r"专项债券",
    "new_urban_jobs": r"城镇新增就业",
    "unemployment_rate": r"城镇调查失业率",
    "registered_unemployment": r"城镇登记失业率",
    "grain_output": r"粮食(?:总)?产量",
    "energy_intensity": r"生产总值能耗(?:下降|降低)|能耗强度下降",
}
_SEVERAL_YEARS = re.compile(r"年均|平均每年|每年|累计|五年|十年|连续|连年|以来|期间|一直|“十")


def stating_reports(corpus: dict[str, StoredDocument], indicator: str) -> set[str]:
    """Reports where the search finds the indicator's name right before a number, outside multi-year clauses."""
    near = re.compile(rf"(?:{_SEARCH[indicator]})[^，。；：、\n]{{0,6}}$")
    found = set()
    for name, doc in corpus.items():
        if as_report(doc) is None:
            continue
        for quantity in find_quantities(doc.text):
            head = doc.text[max(0, quantity.start - 30) : quantity.start]
            clause = re.split(r"[，。；：\n]", head)[-1]
            if near.search(head) and not _SEVERAL_YEARS.search(clause):
                found.add(name)
    return found


@pytest.mark.slow
def test_recall_against_a_text_search(corpus: dict[str, StoredDocument], cells: dict[str, list[TargetCell]]) -> None:
    stated = found = 0
    for indicator in _SEARCH:
        reports = stating_reports(corpus, indicator)
        filled = {n for n in reports if any(c.indicator == indicator for c in cells[n])}
        assert len(filled) >= 0.75 * len(reports), (indicator, sorted(reports - filled))
        stated, found = stated + len(reports), found + len(filled)
    assert found >= 0.95 * stated


def test_extraction_of_every_report_is_quick(corpus: dict[str, StoredDocument]) -> None:
    reports = [d for d in corpus.values() if as_report(d) is not None]
    started = time.perf_counter()
    for doc in reports:
        extract(doc)
    assert time.perf_counter() - started < 30  # about 1 s on one core; a regex gone quadratic would take minutes
