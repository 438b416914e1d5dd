"""`speechqa targets`: the main targets across the years, one line per cell, from the index's targets table."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer

from config import Settings, get_settings
from targets.extract import NATIONAL, TargetCell
from targets.indicators import BY_KEY
from targets.table import TargetTable, refresh

# The keys of one --json line, in the order of the issue.
JSON_KEYS = ("indicator", "scope", "year", "kind", "value", "low", "high", "unit", "doc", "start", "end", "quote")


def open_targets(settings: Settings | None = None) -> TargetTable:
    """The targets table of the configured index, brought up to date with its document store. Opens the store's
    SQLite file directly: no embedding model, no vector store."""
    from ingest.index import index_folder, store_target
    from ingest.store import DocumentStore

    folder = index_folder(settings or get_settings())
    store = DocumentStore(store_target(settings or get_settings()))
    try:
        return refresh(store, folder)
    finally:
        store.close()


def json_line(cell: TargetCell) -> str:
    """One cell as the JSON object `speechqa targets --json` prints."""
    fields = asdict(cell)
    return json.dumps({key: fields[key] for key in JSON_KEYS}, ensure_ascii=False)


def text_line(cell: TargetCell) -> str:
    """One cell for reading: indicator, scope, year, kind, value, document."""
    kind = "目标" if cell.kind == "target" else "实际"
    return f"{cell.indicator}\t{cell.scope}\t{cell.year}\t{kind}\t{cell.value}\t{cell.doc}"


def targets_command(
    indicator: Annotated[str | None, typer.Option("--indicator", help=f"one of: {', '.join(BY_KEY)}")] = None,
    scope: Annotated[
        str | None, typer.Option("--scope", help=f"{NATIONAL} or a province's Chinese name (浙江)")
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="one JSON object per line: indicator scope year kind value low high unit doc start end quote"
        ),
    ] = False,
) -> None:
    """The main indicators of every government work report, target and result by year, each with its source."""
    if indicator is not None and indicator not in BY_KEY:
        raise typer.BadParameter(
            f"unknown indicator {indicator!r}; one of: {', '.join(BY_KEY)}", param_hint="--indicator"
        )
    table = open_targets()
    try:
        cells = table.cells(indicator, scope)
    finally:
        table.close()
    for cell in cells:
        print(json_line(cell) if as_json else text_line(cell))
