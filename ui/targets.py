"""The 历年目标 panel: one indicator across the years, target and result side by side, each cell linked to its
sentence, and a chart (targets as ranges, results as points).

The pure functions (rows, chart points, the SVG chart) hold the logic and are tested; build() only wires them to
Gradio components.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any

import gradio as gr

from targets.extract import NATIONAL, RESULT, TARGET, TargetCell
from targets.indicators import BY_KEY, INDICATORS
from targets.table import TargetTable
from ui.render import SCROLL_TO_QUOTE
from zhtext.numbers import Quantity, convert

HEADERS = ["年份", "目标", "实际"]
_COLUMN_KIND = {1: TARGET, 2: RESULT}  # table column → the kind of cell it shows


@dataclass(frozen=True)
class YearRow:
    """One year of one indicator: its target and its result, either may be missing."""

    year: int
    target: TargetCell | None
    result: TargetCell | None

    def cell(self, kind: str) -> TargetCell | None:
        return self.target if kind == TARGET else self.result


@dataclass(frozen=True)
class ChartPoint:
    """A value on the chart in the indicator's chart unit: a target range (low < high) or a single value."""

    year: int
    kind: str
    low: float
    high: float


def year_rows(cells: list[TargetCell]) -> list[YearRow]:
    """Cells of one indicator and scope, one row per year, oldest first."""
    by_year: dict[int, dict[str, TargetCell]] = {}
    for cell in cells:
        by_year.setdefault(cell.year, {}).setdefault(cell.kind, cell)
    return [YearRow(year, kinds.get(TARGET), kinds.get(RESULT)) for year, kinds in sorted(by_year.items())]


def table_values(rows: list[YearRow]) -> list[list[str]]:
    """What the table shows: year, target as written, result as written ("—" when the report does not say)."""
    return [[str(r.year), r.target.value if r.target else "—", r.result.value if r.result else "—"] for r in rows]


def chart_points(rows: list[YearRow], unit: str) -> list[ChartPoint]:
    """Every value converted to the chart unit (grain in 斤, 公斤 and 吨 all become 万吨)."""
    points: list[ChartPoint] = []
    for row in rows:
        for kind in (TARGET, RESULT):
            cell = row.cell(kind)
            scaled = convert(_quantity(cell), unit) if cell else None
            if scaled is not None:
                points.append(ChartPoint(row.year, kind, *scaled))
    return points


def _quantity(cell: TargetCell) -> Quantity:
    return Quantity(
        cell.value, cell.value_start, cell.value_start + len(cell.value), cell.low, cell.high, cell.unit, ""
    )


def chart_svg(points: list[ChartPoint], unit: str, width: int = 720, height: int = 300) -> str:
    """A line chart as inline SVG: targets as ranges (a bar from low to high, joined by a dashed line through their
    middles), results as dots joined by a line."""
    if not points:
        return "<p class='sq-meta'>没有可画的数据。</p>"
    years = sorted({p.year for p in points})
    ticks = value_ticks(min(p.low for p in points), max(p.high for p in points))
    frame = _Frame(years[0], years[-1], ticks[0], ticks[-1], width, height)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sq-targets-chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="历年目标与实际">',
        frame.axes(years, ticks, unit),
    ]
    targets = [p for p in points if p.kind == TARGET]
    results = [p for p in points if p.kind == RESULT]
    parts.append(frame.polyline([(p.year, (p.low + p.high) / 2) for p in targets], "#1f77b4", dashed=True))
    parts += [frame.range_bar(p) for p in targets]
    parts.append(frame.polyline([(p.year, p.low) for p in results], "#d62728", dashed=False))
    parts += [frame.dot(p) for p in results]
    parts.append(
        f'<text x="{width - 150}" y="16" font-size="12" fill="#1f77b4">▮ 目标（区间）</text>'
        f'<text x="{width - 70}" y="16" font-size="12" fill="#d62728">● 实际</text></svg>'
    )
    return "".join(parts)


def value_ticks(low: float, high: float) -> list[float]:
    """Round values for the y axis (a step of 1, 2 or 5 times a power of ten) from below low to above high."""
    if high - low < 1e-9:  # one value: put it mid-axis
        low, high = low - (abs(low) * 0.1 or 1.0), high + (abs(high) * 0.1 or 1.0)
    span = high - low
    power = 10 ** math.floor(math.log10(span / 4))
    step = next(power * k for k in (1, 2, 5, 10) if span / (power * k) <= 5)
    first = math.floor(low / step) * step
    count = math.ceil((high - first) / step) or 1
    return [round(first + k * step, 10) for k in range(count + 1)]


@dataclass(frozen=True)
class _Frame:
    """Maps (year, value) to SVG coordinates inside margins."""

    first: int
    last: int
    low: float
    high: float
    width: int
    height: int
    margin: int = 48

    def x(self, year: float) -> float:
        span = max(self.last - self.first, 1)
        return self.margin + (year - self.first) / span * (self.width - 2 * self.margin)

    def y(self, value: float) -> float:
        return self.height - self.margin - (value - self.low) / (self.high - self.low) * (self.height - 2 * self.margin)

    def axes(self, years: list[int], ticks: list[float], unit: str) -> str:
        bottom, left = self.height - self.margin, self.margin
        out = [
            f'<line x1="{left}" y1="{bottom}" x2="{self.width - left}" y2="{bottom}" stroke="#999"/>',
            f'<line x1="{left}" y1="{self.margin}" x2="{left}" y2="{bottom}" stroke="#999"/>',
            f'<text x="4" y="{self.margin - 12}" font-size="12">{html.escape(unit)}</text>',
        ]
        step = max(1, len(years) // 12)
        out += [
            f'<text x="{self.x(y):.1f}" y="{bottom + 16}" font-size="11" text-anchor="middle">{y}</text>'
            for y in years[::step]
        ]
        out += [
            f'<text x="{left - 4}" y="{self.y(value) + 4:.1f}" font-size="11" text-anchor="end">{value:g}</text>'
            for value in ticks
        ]
        return "".join(out)

    def polyline(self, xy: list[tuple[int, float]], colour: str, dashed: bool) -> str:
        """Lines between consecutive years only: a year without a value leaves a gap, not a guess."""
        runs: list[list[tuple[int, float]]] = []
        for year, value in xy:
            if runs and year == runs[-1][-1][0] + 1:
                runs[-1].append((year, value))
            else:
                runs.append([(year, value)])
        dash = ' stroke-dasharray="4 3"' if dashed else ""
        return "".join(
            f'<polyline points="{" ".join(f"{self.x(x):.1f},{self.y(v):.1f}" for x, v in run)}" fill="none" '
            f'stroke="{colour}" stroke-width="1.5"{dash}/>'
            for run in runs
            if len(run) > 1
        )

    def range_bar(self, p: ChartPoint) -> str:
        x, top, bottom = self.x(p.year), self.y(p.high), self.y(p.low)
        tall = max(bottom - top, 3.0)  # a single target (5%左右) is a short bar
        return (
            f'<rect class="sq-target" x="{x - 5:.1f}" y="{(top + bottom - tall) / 2:.1f}" width="10" '
            f'height="{tall:.1f}" fill="#1f77b4" fill-opacity="0.45" stroke="#1f77b4">'
            f"<title>{p.year} 目标 {p.low:.4g}–{p.high:.4g}</title></rect>"
        )

    def dot(self, p: ChartPoint) -> str:
        return (
            f'<circle class="sq-result" cx="{self.x(p.year):.1f}" cy="{self.y(p.low):.1f}" r="4" '
            f'fill="#d62728"><title>{p.year} 实际 {p.low:.4g}</title></circle>'
        )


def scope_choices(table: TargetTable) -> list[tuple[str, str]]:
    """(shown, value) pairs: 全国 first, then the provinces with cells."""
    return [("全国" if s == NATIONAL else s, s) for s in table.scopes()] or [("全国", NATIONAL)]


def indicator_choices() -> list[tuple[str, str]]:
    return [(i.label, i.key) for i in INDICATORS]


def highlight_span(cell: TargetCell) -> tuple[int, int]:
    """The part of the cell's sentence to highlight: the paragraph holding the value (a sentence may begin in the
    paragraph before: 主要预期目标是：↵国内生产总值增长8%左右…)."""
    paragraph_start = cell.quote.rfind("\n", 0, cell.value_start - cell.start) + 1
    return cell.start + paragraph_start, cell.end


def cell_caption(cell: TargetCell, title: str) -> str:
    """What a selected cell says above its document: year, kind, value and the sentence it comes from."""
    kind = "目标" if cell.kind == TARGET else "实际"
    return f"**{cell.year}年 {kind}：{cell.value}**　出自《{title}》\n\n> {cell.quote}"


def build(ctx: Any) -> None:
    """The 历年目标 tab's components, inside the current gr.Tab."""
    services = ctx.services

    def current() -> TargetTable:
        return services.index.targets()

    table = current()  # the index's own table: shared, never closed here
    choices = scope_choices(table)
    first = choices[0][1]
    values, svg, rows = _show(table, "gdp_growth", first)
    with gr.Row():
        indicator = gr.Dropdown(indicator_choices(), value="gdp_growth", label="指标", elem_id="sq-targets-indicator")
        scope = gr.Dropdown(choices, value=first, label="范围", elem_id="sq-targets-scope")
        reload = gr.Button("刷新", elem_id="sq-targets-refresh", scale=0)
    with gr.Row():
        with gr.Column(scale=2):
            grid = gr.Dataframe(values, headers=HEADERS, interactive=False, elem_id="sq-targets-table")
            gr.Markdown("点击“目标”或“实际”单元格，查看它在报告中的原句。", elem_classes="sq-meta")
        with gr.Column(scale=3):
            chart = gr.HTML(svg, elem_id="sq-targets-chart")
    caption = gr.Markdown(elem_id="sq-targets-caption")
    document = gr.HTML(elem_id="sq-targets-document")
    rows_state = gr.State(rows)
    _wire(ctx, current, indicator, scope, reload, grid, chart, caption, document, rows_state)


def _show(table: TargetTable, indicator: str, scope: str) -> tuple[list[list[str]], str, list[YearRow]]:
    rows = year_rows(table.cells(indicator, scope))
    unit = BY_KEY[indicator].shown_in
    return table_values(rows) or [["—", "—", "—"]], chart_svg(chart_points(rows, unit), unit), rows


def _wire(
    ctx: Any,
    current: Any,
    indicator: gr.Dropdown,
    scope: gr.Dropdown,
    reload: gr.Button,
    grid: gr.Dataframe,
    chart: gr.HTML,
    caption: gr.Markdown,
    document: gr.HTML,
    rows_state: gr.State,
) -> None:
    """Events: picking an indicator or a scope redraws, 刷新 re-reads the index, a cell opens its sentence."""

    def redraw(key: str, where: str) -> tuple[Any, ...]:
        values, svg, rows = _show(current(), key or "gdp_growth", where or NATIONAL)
        return values, svg, rows, "", ""

    def scopes() -> list[tuple[str, str]]:
        return scope_choices(current())

    def reread(key: str, where: str) -> tuple[Any, ...]:
        choices = scopes()
        where = where if where in [v for _, v in choices] else choices[0][1]
        return (gr.update(choices=choices, value=where), *redraw(key, where))

    def open_cell(evt: gr.SelectData, rows: list[YearRow]) -> tuple[str, str]:
        row, column = evt.index[0], evt.index[1]
        kind = _COLUMN_KIND.get(column)
        cell = rows[row].cell(kind) if kind and row < len(rows) else None
        if cell is None:
            return "", ""
        title = current().source(cell.doc).title
        return cell_caption(cell, title), ctx.document_html(cell.doc, *highlight_span(cell))

    outputs = [grid, chart, rows_state, caption, document]
    indicator.change(redraw, [indicator, scope], outputs, api_visibility="private")
    scope.change(redraw, [indicator, scope], outputs, api_visibility="private")
    reload.click(reread, [indicator, scope], [scope, *outputs], api_visibility="private")
    grid.select(open_cell, rows_state, [caption, document], api_visibility="private").then(
        None, None, None, js=SCROLL_TO_QUOTE
    )
    ctx.listeners.append((lambda: gr.update(choices=scopes()), scope))
