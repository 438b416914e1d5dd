"""Ingest files into the index: load → clean → metadata → chunk → embed → commit, one document at a time."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from config import Settings
from ingest.chunking import chunk_text
from ingest.cleaning import clean_body, split_front_matter
from ingest.index import SpeechIndex
from ingest.loaders import IngestError, read_raw_text
from ingest.metadata import DocMeta, infer_metadata
from zhtext.instructions import instruction_sentences

CHUNKER_VERSION = 1  # bump when chunking or cleaning changes, so unchanged files are re-chunked once


@dataclass
class IngestReport:
    """What an ingest run did; `failed` holds (file name, one-line reason)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    # (file name, sentence) for each sentence addressed to an assistant: kept in the text, never given to the model
    flagged: list[tuple[str, str]] = field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class PreparedDocument:
    """A file turned into stored text, metadata and chunks, before any embedding."""

    path: Path
    meta: DocMeta
    text: str
    content_hash: str


def prepare(path: Path, settings: Settings) -> PreparedDocument:
    """Read and clean one file; raises IngestError with a reason for the user."""
    raw = read_raw_text(path, int(settings.max_file_mb * 2**20))
    front, body = split_front_matter(raw)
    text, page_title = clean_body(body)
    if not text.strip():
        raise IngestError("no text left after removing front matter and page boilerplate")
    meta = infer_metadata(path, front, text, page_title)
    fingerprint = json.dumps(
        [CHUNKER_VERSION, settings.chunk_size, settings.chunk_overlap, asdict(meta), text], ensure_ascii=False
    )
    return PreparedDocument(path, meta, text, hashlib.sha256(fingerprint.encode("utf-8")).hexdigest())


def _same_name_elsewhere(index: SpeechIndex, path: Path) -> str:
    """The other file an indexed document of this name came from, if that file still exists ("" otherwise).
    Document ids are file names (the evaluation's contract), so a second live file of the same name must not
    silently replace the first (an upload named like a report would be cited as the report); a file that moved
    or was renamed away updates its document as before."""
    stored = index.store.document(path.name)
    if stored is None or Path(stored.path).resolve() == path.resolve() or not Path(stored.path).exists():
        return ""
    return stored.path


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, plus every file (not hidden) below the folders named. Symbolic links below a folder are
    listed too, so that a link that is broken, loops or points to a folder is reported rather than skipped unseen."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if (p.is_file() or p.is_symlink()) and not p.name.startswith("."))
            )
        else:
            found.append(path)
    return found


def ingest(
    paths: Iterable[Path],
    settings: Settings,
    index: SpeechIndex,
    progress: Callable[[Iterable[Path]], Iterable[Path]] = lambda files: files,
) -> IngestReport:
    """Ingest files and folders; a bad file is reported by name and the others still ingest."""
    started = time.perf_counter()
    paths = list(paths)
    report = IngestReport()
    seen: set[str] = set()
    for path in progress(discover(paths)):
        if path.name in seen:
            report.failed.append((str(path), f"another file named {path.name} was ingested in this run"))
            continue
        seen.add(path.name)
        try:
            doc = prepare(path, settings)
        except IngestError as exc:
            report.failed.append((path.name, str(exc)))
            continue
        conflict = _same_name_elsewhere(index, path)
        if conflict:
            report.failed.append((path.name, f"name conflict: a document of this name came from {conflict}"))
            continue
        previous = index.store.content_hash(path.name)
        if previous == doc.content_hash:
            report.unchanged.append(path.name)
            continue
        report.flagged += [(path.name, doc.text[a:b].strip()) for a, b in instruction_sentences(doc.text)]
        chunks = chunk_text(doc.text, settings.chunk_size, settings.chunk_overlap)
        index.add_document(path, doc.meta, doc.text, doc.content_hash, chunks)
        (report.updated if previous else report.added).append(path.name)
        report.chunks += len(chunks)
    folders = [p.resolve() for p in paths if p.is_dir()]
    report.missing = [
        d.doc_id
        for d in index.store.documents()
        if any(Path(d.path).resolve().is_relative_to(f) for f in folders) and not Path(d.path).exists()
    ]
    index.keyword()
    index.targets()
    report.seconds = time.perf_counter() - started
    return report
