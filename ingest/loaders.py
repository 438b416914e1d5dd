"""Read a speech file of any supported format into raw text, detecting its encoding."""

from __future__ import annotations

import codecs
import io
from pathlib import Path

from charset_normalizer import from_bytes

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")


class IngestError(Exception):
    """A file that cannot be ingested; the message is a one-line reason shown next to the file name."""


def read_raw_text(path: Path, max_bytes: int) -> str:
    """Return the file's text (not yet cleaned), or raise IngestError with a plain reason."""
    if not path.exists():
        raise IngestError("no such file")
    if not path.is_file():
        raise IngestError("not a regular file")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(f"unsupported file type '{suffix or '(none)'}' (supported: {', '.join(SUPPORTED_SUFFIXES)})")
    size = path.stat().st_size
    if size == 0:
        raise IngestError("empty file")
    if size > max_bytes:
        raise IngestError(f"file too large ({size / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB)")
    data = path.read_bytes()
    if suffix == ".docx":
        text = _docx_text(data)
    elif suffix == ".pdf":
        text = _pdf_text(data)
    elif suffix in (".html", ".htm"):
        text = _html_text(decode_bytes(data))
    else:
        text = decode_bytes(data)
    if not text.strip():
        raise IngestError("no text found in the file")
    return text


def decode_bytes(data: bytes) -> str:
    """Decode UTF-8, UTF-16 (with BOM) or GB18030/GBK text; refuse binary or undecodable bytes."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _strict(data, encoding)
    if b"\x00" in data:
        raise IngestError("binary file (contains NUL bytes), not text")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data, cp_isolation=["big5", "big5hkscs", "cp950", "utf_16", "utf_32"]).best()
    if best is None or best.encoding is None:
        raise IngestError("undecodable bytes: not UTF-8, UTF-16 or GB18030/GBK text")
    return str(best)


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise IngestError(f"undecodable bytes for {encoding} at byte {exc.start}") from exc


def _docx_text(data: bytes) -> str:
    import docx  # python-docx; imported here so plain-text ingest does not pay for it

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several unrelated types for a broken package
        raise IngestError(f"not a readable .docx file ({type(exc).__name__})") from exc
    return "\n\n".join(p.text.strip() for p in document.paragraphs if p.text.strip())


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError) as exc:
        raise IngestError(f"not a readable .pdf file ({type(exc).__name__})") from exc
    return "\n\n".join(_join_pdf_lines(page) for page in pages)


def _join_pdf_lines(page: str) -> str:
    """PDF text breaks lines inside paragraphs; rejoin lines that do not end a sentence."""
    paragraphs: list[str] = []
    current = ""
    for line in (ln.strip() for ln in page.splitlines()):
        if not line:
            if current:
                paragraphs.append(current)
                current = ""
            continue
        current += line
        if line[-1] in "。！？：；!?:;" or len(line) < 20:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return "\n\n".join(paragraphs)


def _html_text(html: str) -> str:
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True)
    if not text:
        raise IngestError("no readable article text in the HTML page")
    title = trafilatura.extract_metadata(html)
    heading = title.title if title is not None and title.title else ""
    body = "\n\n".join(line.strip() for line in text.splitlines() if line.strip())
    return f"{heading}\n\n{body}" if heading and not body.startswith(heading) else body
