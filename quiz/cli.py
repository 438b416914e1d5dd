"""`speechqa quiz …`: make, grade, review and export quiz items from the terminal (a thin shell over quiz.service)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from config import get_settings
from quiz.model import KINDS
from quiz.service import QuizService, Scope, grade_json, item_json

quiz_app = typer.Typer(help="练习：从文档结构生成的自测题，代码判分，FSRS 间隔复习。", no_args_is_help=True)


def _service() -> QuizService:
    from ingest.index import store_target
    from ingest.store import DocumentStore

    settings = get_settings()
    target = store_target(settings)
    store = DocumentStore(target) if isinstance(target, str) or target.exists() else None
    return QuizService.open(settings, store)


def _scope(doc: list[str] | None, kind: list[str] | None, genre: str | None, year: list[int] | None) -> Scope:
    unknown = [k for k in kind or [] if k not in KINDS]
    if unknown:
        raise typer.BadParameter(f"unknown kind {', '.join(unknown)}; kinds: {', '.join(KINDS)}")
    return Scope(tuple(doc or ()), tuple(kind or ()), genre, tuple(year or ()))


@quiz_app.command()
def make(
    n: Annotated[int, typer.Option("--n", help="number of items")] = 10,
    doc: Annotated[list[str] | None, typer.Option("--doc", help="only these documents (file names)")] = None,
    kind: Annotated[list[str] | None, typer.Option("--kind", help=f"only these kinds: {', '.join(KINDS)}")] = None,
    genre: Annotated[str | None, typer.Option(help="only this genre, e.g. 政府工作报告")] = None,
    year: Annotated[list[int] | None, typer.Option("--year", help="only these years")] = None,
    seed: Annotated[int, typer.Option("--seed", help="the same seed gives the same quiz")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON item a line")] = False,
) -> None:
    """Make a quiz: N items drawn from the documents, kinds taking turns."""
    items = _service().make(n, _scope(doc, kind, genre, year), seed)
    for number, item in enumerate(items, 1):
        if as_json:
            print(json.dumps(item_json(item), ensure_ascii=False))
            continue
        print(f"{number}. [{item.id}] {item.question}")
        for letter, option in zip("ABCDEFGH", item.options or ()):
            print(f"   {letter}. {option}")


@quiz_app.command()
def grade(
    item_id: Annotated[str, typer.Argument(metavar="ID", help="the item id `quiz make` printed")],
    answer: Annotated[list[str], typer.Argument(metavar="ANSWER", help="the answer; list members may be separate")],
    user: Annotated[str | None, typer.Option(help="record the answer in this trainee's progress")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Grade an answer against the item's key and show the source."""
    given: str | list[str] = answer[0] if len(answer) == 1 else answer
    try:
        outcome = _service().grade(item_id, given, user)
    except KeyError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    data = grade_json(outcome)
    if as_json:
        print(json.dumps(data, ensure_ascii=False))
        return
    print("正确" if data["correct"] else "错误", f"（得分 {data['score']}）", data["note"])
    for name in ("right", "missed", "extra"):
        if data[name]:
            print(f"{name}: {'、'.join(data[name])}")
    source = data["source"]
    print(f"出处：{source['title']}（{source['date']}）[{source['start']}:{source['end']}]\n{source['quote']}")
    if "due" in data:
        print(f"下次复习：{data['due']}")


@quiz_app.command()
def due(
    user: Annotated[str, typer.Option(help="the trainee")],
    n: Annotated[int, typer.Option("--n")] = 20,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Items due for review for a trainee."""
    for item in _service().due(user, limit=n):
        print(json.dumps(item_json(item), ensure_ascii=False) if as_json else f"[{item.id}] {item.question}")


@quiz_app.command()
def export(
    path: Annotated[Path, typer.Argument(help="an .apkg (Anki) or .csv file")],
    doc: Annotated[list[str] | None, typer.Option("--doc")] = None,
    kind: Annotated[list[str] | None, typer.Option("--kind")] = None,
    genre: Annotated[str | None, typer.Option()] = None,
    year: Annotated[list[int] | None, typer.Option("--year")] = None,
) -> None:
    """Export the items of a scope as an Anki deck (stable ids: re-importing updates) or CSV."""
    from quiz.export import export_anki, export_csv

    scope = _scope(doc, kind, genre, year)
    items = [it for it in _service().bank() if scope.admits(it)]
    written = export_csv(items, path) if path.suffix.lower() == ".csv" else export_anki(items, path)
    typer.echo(f"{len(items)} items → {written}", err=True)
