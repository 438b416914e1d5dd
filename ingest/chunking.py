"""Chinese-aware chunking: paragraphs, then sentence ends, with section-heading paths and exact offsets.

Hand-written because LangChain's text splitters neither keep character offsets through overlap reliably nor know
Chinese section numbering (一、 / （一） / 第一，), which every chunk here must carry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zhtext.sentences import SOFT_BREAKS, heading_of, sentence_spans


@dataclass(frozen=True)
class Chunk:
    """A passage of a document, located by character offsets into the stored document text."""

    index: int
    start: int
    end: int
    text: str
    section: str
    paragraph: int


def _split_long(text: str, start: int, end: int, size: int) -> list[tuple[int, int]]:
    """Cut a sentence longer than `size` at commas, else at `size`, stepping back off digits."""
    pieces: list[tuple[int, int]] = []
    while end - start > size:
        window = text[start : start + size]
        cut = max((k for k, ch in enumerate(window) if ch in SOFT_BREAKS), default=-1) + 1
        if cut < size // 3:
            cut = size
            while cut > size // 2 and (text[start + cut - 1].isdigit() or text[start + cut].isdigit()):
                cut -= 1
        pieces.append((start, start + cut))
        start += cut
    pieces.append((start, end))
    return pieces


@dataclass
class _Unit:
    start: int
    end: int
    paragraph: int
    section: str
    opens_section: bool


def _units(text: str, size: int) -> list[_Unit]:
    """Sentences (or sentence pieces) in document order, each tagged with its paragraph and section path."""
    units: list[_Unit] = []
    path: dict[int, str] = {}
    for paragraph, match in enumerate(re.finditer(r"[^\n]+", text)):
        heading = heading_of(match.group())
        if heading is not None:
            level, title = heading
            path = {lv: t for lv, t in path.items() if lv < level}
            path[level] = title
        section = " > ".join(path[lv] for lv in sorted(path))
        spans = sentence_spans(text, match.start(), match.end())
        for n, (s, e) in enumerate(spans):
            for m, (ps, pe) in enumerate(_split_long(text, s, e, size)):
                opens = heading is not None and heading[0] <= 2 and n == 0 and m == 0
                units.append(_Unit(ps, pe, paragraph, section, opens))
    return units


def chunk_text(text: str, size: int = 300, overlap: int = 60) -> list[Chunk]:
    """Pack sentences into chunks of at most ~size characters; a major heading always starts a new chunk.

    Consecutive chunks of one section share up to `overlap` characters of whole sentences.
    """
    if overlap >= size:
        raise ValueError("chunk overlap must be smaller than chunk size")
    units = _units(text, size)
    chunks: list[Chunk] = []
    current: list[_Unit] = []

    def flush() -> None:
        first, last = current[0], current[-1]
        chunks.append(
            Chunk(len(chunks), first.start, last.end, text[first.start : last.end], first.section, first.paragraph)
        )

    for unit in units:
        if current and (unit.opens_section or unit.end - current[0].start > size):
            flush()
            carried: list[_Unit] = []
            if not unit.opens_section:
                for prev in reversed(current):
                    if (
                        prev.section != unit.section
                        or unit.end - prev.start > size
                        or current[-1].end - prev.start > overlap
                    ):
                        break
                    carried.insert(0, prev)
            current = carried
        current.append(unit)
    if current:
        flush()
    return chunks
