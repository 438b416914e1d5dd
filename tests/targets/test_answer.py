"""Questions about several years of one indicator are answered from the table, one citation per year."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.metadata import DocMeta
from ingest.store import DocumentStore, StoredDocument
from targets.answer import asked_indicator, parse_request, table_answer
from targets.extract import RESULT, TARGET
from targets.table import TargetTable, refresh

REPORTS = [
    "2018-03-05_gwr-2018.txt",
    "2019-03-05_gwr-2019.txt",
    "2021-03-05_gwr-2021.txt",
    "2022-03-05_gwr-2022.txt",
    "2023-03-05_gwr-2023.txt",
    "2024-03-05_gwr-2024.txt",
    "2025-03-05_gwr-2025.txt",
    "2026-01-14_prov-gwr-2026-zhejiang.txt",
]


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory, corpus: dict[str, StoredDocument]) -> TargetTable:
    folder = tmp_path_factory.mktemp("targets")
    store = DocumentStore(folder / "documents.sqlite")
    for name in REPORTS:
        doc = corpus[name]
        meta = DocMeta(doc.title, doc.speaker, doc.date, doc.year, doc.genre, doc.source)
        store.commit_document(Path(doc.path), meta, doc.text, doc.content_hash, [])
    return refresh(store, folder)


def test_gdp_targets_over_a_span_of_years(table: TargetTable, corpus: dict[str, StoredDocument]) -> None:
    answer = table_answer("2019到2024年GDP增长目标分别是多少", table)
    assert answer is not None and answer.indicator == "gdp_growth"
    lines = answer.text.splitlines()
    assert [line[2:7] for line in lines if line.startswith("- ")] == [f"{y}年" for y in range(2019, 2025)]
    assert "2019年：目标 6%－6.5% [1]" in answer.text
    assert "2020年：语料中的报告没有写明" in answer.text  # the corpus has no 2020 report
    markers = [int(m) for m in re.findall(r"\[(\d+)\]", answer.text)]
    assert markers == list(range(1, len(answer.citations) + 1)) and len(markers) == 5
    for citation in answer.citations:
        doc = corpus[citation.doc]
        assert doc.text[citation.start : citation.end] == citation.quote
        assert citation.title == doc.title and citation.date == doc.date
    assert all("实际" not in line for line in lines)


def test_only_the_documents_the_filters_admit_are_cited(table: TargetTable) -> None:
    answer = table_answer("2019到2024年GDP增长目标分别是多少", table, lambda doc: doc != "2019-03-05_gwr-2019.txt")
    assert answer is not None and all(c.doc != "2019-03-05_gwr-2019.txt" for c in answer.citations)
    assert "2019年：所在的报告不在当前筛选范围内" in answer.text and "2020年：语料中的报告没有写明" in answer.text
    assert "2021年：目标" in answer.text
    assert table_answer("2019到2024年GDP增长目标分别是多少", table, lambda doc: False) is None  # the chain refuses


def test_how_a_rate_changed_shows_targets_and_results(table: TargetTable) -> None:
    answer = table_answer("赤字率这些年怎么变的", table)
    assert answer is not None and answer.indicator == "deficit_ratio"
    assert "2025年：目标 4%左右" in answer.text and "2019年：目标 2.8%" in answer.text
    assert len(answer.citations) == len(re.findall(r"\[\d+\]", answer.text))


def test_results_only_when_asked_for_results(table: TargetTable) -> None:
    answer = table_answer("历年城镇新增就业实际完成多少", table)
    assert answer is not None
    assert "目标" not in answer.text.split("\n", 1)[1].replace("目标取自", "")
    assert "2018年：实际 1361万人" in answer.text


def test_a_province_is_answered_from_its_own_report(table: TargetTable) -> None:
    answer = table_answer("浙江历年GDP增长目标", table)
    assert answer is not None and answer.scope == "浙江"
    assert "2026年：目标 5%—5.5%" in answer.text
    assert answer.text.startswith("浙江历年地区生产总值增长")  # a province's report says 地区生产总值


@pytest.mark.parametrize(
    "question",
    [
        "2019年GDP增长目标是多少",  # one year: the normal chain answers
        "GDP增长目标是多少",  # no sign of several years
        "历年GDP和CPI目标",  # two indicators
        "历年党代会报告的主题是什么",  # no indicator
    ],
)
def test_other_questions_go_to_the_normal_chain(table: TargetTable, question: str) -> None:
    assert table_answer(question, table) is None


def test_request_reads_span_years_and_last_years() -> None:
    request = parse_request("2021年至2023年粮食产量目标")
    assert request is not None and request.years == (2021, 2022, 2023) and request.kinds == (TARGET,)
    request = parse_request("2024年和2025年城镇调查失业率分别是多少")
    assert request is not None and request.years == (2024, 2025) and request.kinds == (TARGET, RESULT)
    request = parse_request("近五年居民消费价格涨幅目标")
    assert request is not None and request.last == 5 and request.years is None


@pytest.mark.parametrize(
    "question, key",
    [
        ("2019到2024年GDP增长目标分别是多少", "gdp_growth"),
        ("赤字率这些年怎么变的", "deficit_ratio"),
        ("历年粮食产量目标", "grain_output"),
        ("历年国民生产总值增长", "gnp_growth"),
        ("城镇登记失业率历年目标", "registered_unemployment"),
        ("城镇调查失业率历年目标", "unemployment_rate"),
        ("历年中央财政赤字", "central_deficit"),
        ("历年赤字规模", "deficit_size"),
    ],
)
def test_questions_name_their_indicator(question: str, key: str) -> None:
    found = asked_indicator(question)
    assert found is not None and found.key == key


@pytest.mark.parametrize(
    "question",
    [
        "2001年政府工作报告回顾“九五”时期时说，2000年GDP达到多少？五年里平均每年增长多少？",  # one report
        "2023年政府工作报告里，2022年经济实际增长了多少？",  # one report, the year it reviews
        "2001年、2011年、2016年的政府工作报告分别为“十五”“十二五”“十三五”时期提出的经济年均增长预期目标是多少？",
        "2008年和2025年政府工作报告分别把CPI涨幅目标定在多少？各自是出于什么考虑？",  # the reasons: dev2 d2a049
    ],
)
def test_questions_about_one_report_or_a_plan_period_go_to_the_chain(question: str) -> None:
    assert parse_request(question) is None
