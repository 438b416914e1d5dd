"""Read a speech file of any supported format into raw text, detecting its encoding."""

from __future__ import annotations

import codecs
import io
from pathlib import Path

from zhtext.encodings import reads_as_chinese

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")


class IngestError(Exception):
    """A file that cannot be ingested; the message is a one-line reason shown next to the file name."""


def read_raw_text(path: Path, max_bytes: int) -> str:
    """Return the file's text (not yet cleaned), or raise IngestError with a plain reason."""
    if path.is_symlink():
        _check_link(path)
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


# Tried in this order when a file is not UTF-8 and has no BOM; the first that reads as Chinese wins.
LEGACY_ENCODINGS = ("gb18030", "big5", "utf-16-le", "utf-16-be")
# A page with scripts and less text than this is a shell its scripts fill ("请启用JavaScript"); the shortest corpus
# speech has 2,198 characters, and a speech's single paragraph is rarely under 50.
MIN_SCRIPTED_PAGE_CHARS = 50
# A file with at most this share of bad UTF-8 bytes is UTF-8 text with damage: every corpus file re-encoded as GBK
# or Big5 has ≥ 50% bad bytes when read as UTF-8 (eval/README "Encodings"); 3 bad bytes in a 70-byte file are 4%.
MAX_DAMAGED_UTF8_SHARE = 0.1


def _check_link(path: Path) -> None:
    """A symbolic link is read only when it leads to a file; anything else is said in words."""
    try:
        target = path.resolve(strict=True)
    except RuntimeError as exc:  # Python 3.11 raises RuntimeError("Symlink loop ...")
        raise IngestError("symbolic link loop, not followed") from exc
    except OSError as exc:
        raise IngestError(f"broken symbolic link (to {path.readlink()})") from exc
    if target.is_dir():
        raise IngestError(f"symbolic link to the folder {target}, not followed: name that folder to ingest it")


def decode_bytes(data: bytes) -> str:
    """Decode UTF-8, UTF-16 (with or without BOM), GB18030/GBK or Big5 text; refuse binary or undecodable bytes,
    and name the place of the bad bytes in a damaged UTF-8 file."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _strict(data, encoding)
    if b"\x00" not in data:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    # Strict decoding plus the common-character rule: charset-normalizer returned nothing for 1 of 81 Big5 files.
    for encoding in LEGACY_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if reads_as_chinese(text) and (b"\x00" not in data or "\x00" not in text):
            return text
    bad = bad_utf8_bytes(data)
    if bad and len(bad) <= MAX_DAMAGED_UTF8_SHARE * len(data):
        line = data[: bad[0]].count(b"\n") + 1
        more = f" and {len(bad) - 1} more" if len(bad) > 1 else ""
        raise IngestError(f"damaged UTF-8: bad byte at offset {bad[0]} (line {line}){more}; fix or re-save as UTF-8")
    if b"\x00" in data:
        raise IngestError("binary file (contains NUL bytes), not text")
    raise IngestError("undecodable bytes: not UTF-8, UTF-16, GB18030/GBK or Big5 text")


def bad_utf8_bytes(data: bytes) -> list[int]:
    """Offsets of the bytes that make a file invalid UTF-8, in one pass: surrogateescape turns each into U+DCxx."""
    offsets, position = [], 0
    for char in data.decode("utf-8", errors="surrogateescape"):
        if "\udc80" <= char <= "\udcff":
            offsets.append(position)
            position += 1
        else:
            position += len(char.encode("utf-8"))
    return offsets


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
    if "<script" in html.lower() and len(body) < MIN_SCRIPTED_PAGE_CHARS:
        raise IngestError(
            f"the page's text is drawn by JavaScript (only {len(body)} characters without it: “{body[:30]}”); "
            "save the page as shown in a browser, or its text"
        )
    return f"{heading}\n\n{body}" if heading and not body.startswith(heading) else body
