"""The 历年目标 panel's logic: rows by year, chart points in one unit, the SVG chart, the highlighted span."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest

from config import Settings
from ingest.metadata import DocMeta
from ingest.store import DocumentStore, StoredDocument
from targets.extract import RESULT, TARGET, TargetCell, extract
from targets.table import refresh
from ui.targets import (
    ChartPoint,
    build,
    cell_caption,
    chart_points,
    chart_svg,
    highlight_span,
    scope_choices,
    table_values,
    value_ticks,
    year_rows,
)


@pytest.fixture(scope="module")
def grain(corpus: dict[str, StoredDocument]) -> list[TargetCell]:
    names = ["1988-03-25_gwr-1988.txt", "2015-03-05_gwr-2015.txt", "2025-03-05_gwr-2025.txt"]
    return [c for n in names for c in extract(corpus[n]) if c.indicator == "grain_output" and c.scope == "national"]


def test_rows_pair_target_and_result_by_year(grain: list[TargetCell]) -> None:
    rows = year_rows(grain)
    assert [r.year for r in rows] == sorted({c.year for c in grain})
    values = {v[0]: v[1:] for v in table_values(rows)}
    assert values["2015"] == ["5.5亿吨以上", "—"]  # 今年粮食产量要稳定在5.5亿吨以上
    assert values["2014"] == ["—", "6.07亿吨"]
    assert values["1987"] == ["—", "4024亿公斤"]


def test_chart_points_share_one_unit(grain: list[TargetCell]) -> None:
    points = {(p.year, p.kind): p for p in chart_points(year_rows(grain), "万吨")}
    assert points[(2014, RESULT)].low == pytest.approx(60700)  # 6.07亿吨
    assert points[(1987, RESULT)].low == pytest.approx(40240)  # 4024亿公斤
    assert points[(2025, TARGET)].low == pytest.approx(70000)  # 1.4万亿斤左右


def test_chart_draws_targets_as_ranges_and_results_as_points(corpus: dict[str, StoredDocument]) -> None:
    cells = [
        c
        for n in ("2016-03-05_gwr-2016.txt", "2019-03-05_gwr-2019.txt", "2025-03-05_gwr-2025.txt")
        for c in extract(corpus[n])
        if c.indicator == "gdp_growth"
    ]
    points = chart_points(year_rows(cells), "%")
    svg = chart_svg(points, "%")
    assert svg.count('class="sq-target"') == sum(p.kind == TARGET for p in points) == 3
    assert svg.count('class="sq-result"') == sum(p.kind == RESULT for p in points) == 3
    assert "2019 目标 6–6.5" in svg
    assert "没有可画的数据" in chart_svg([], "%")


def test_highlight_starts_in_the_paragraph_of_the_value(corpus: dict[str, StoredDocument]) -> None:
    doc = corpus["2010-03-05_gwr-2010.txt"]
    cell = next(c for c in extract(doc) if c.indicator == "gdp_growth" and c.kind == TARGET)
    start, end = highlight_span(cell)
    assert doc.text[start:end].startswith("国内生产总值增长8%左右") and end == cell.end
    plain = replace(cell, quote=cell.quote[start - cell.start :], start=start)
    assert highlight_span(plain) == (start, end)
    assert "8%左右" in cell_caption(cell, doc.title) and doc.title in cell_caption(cell, doc.title)


def test_panel_builds_inside_a_tab(tmp_path: Path, corpus: dict[str, StoredDocument]) -> None:
    settings = Settings(data_dir=tmp_path / "data", embedding_model="fake-test-embedding")
    from ingest.index import index_folder

    store = DocumentStore(index_folder(settings) / "documents.sqlite")
    doc = corpus["2026-01-14_prov-gwr-2026-zhejiang.txt"]
    store.commit_document(
        Path(doc.path),
        DocMeta(doc.title, doc.speaker, doc.date, doc.year, doc.genre, doc.source),
        doc.text,
        doc.content_hash,
        [],
    )
    shared = refresh(store, index_folder(settings))  # the index hands out one table to every caller
    index = SimpleNamespace(store=store, targets=lambda: shared)
    ctx = SimpleNamespace(
        services=SimpleNamespace(index=index, settings=settings),
        document_html=lambda doc_id, start, end: f"{doc_id}:{start}:{end}",
        listeners=[],
    )
    with gr.Blocks(), gr.Tab("历年目标"):
        build(ctx)
    assert len(ctx.listeners) == 1
    assert shared.cells("gdp_growth")  # the panel must not close the index's shared table
    assert scope_choices(refresh(store, index_folder(settings))) == [("浙江", "浙江")]


def test_axis_ticks_are_round_and_cover_the_values() -> None:
    assert value_ticks(2.3, 10.7) == [2, 4, 6, 8, 10, 12]
    ticks = value_ticks(40240, 70000)
    assert ticks[0] <= 40240 and ticks[-1] >= 70000 and len(ticks) <= 6
    single = value_ticks(5, 5)
    assert single[0] < 5 < single[-1]


def test_lines_do_not_bridge_a_missing_year() -> None:
    points = [ChartPoint(year, RESULT, value, value) for year, value in ((2018, 6.6), (2019, 6.1), (2021, 8.1))]
    svg = chart_svg(points, "%")
    assert svg.count("<polyline") == 1 and svg.count('class="sq-result"') == 3
