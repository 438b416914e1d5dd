"""Chinese-aware chunking: paragraphs, then sentence ends, with section-heading paths and exact offsets.

Hand-written because LangChain's text splitters neither keep character offsets through overlap reliably nor know
Chinese section numbering (一、 / （一） / 第一，), which every chunk here must carry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUM = "一二三四五六七八九十百零〇"
_HEADING_PATTERNS = (  # (level, pattern) for the numbering styles of Chinese reports and speeches
    (1, re.compile(rf"^[{_NUM}]+、")),
    (2, re.compile(rf"^[（(][{_NUM}]+[）)]")),
    (3, re.compile(rf"^第[{_NUM}]+[，,、：:]")),
)
_HEADING_MAX = 40
_SENTENCE_END = set("。！？；!?;…")
_CLOSERS = set("”’」』）)》】\"'")
_OPEN_QUOTES = {"“": "”", "「": "」", "『": "』", "《": "》"}
_SOFT_BREAKS = set("，、：:,")


@dataclass(frozen=True)
class Chunk:
    """A passage of a document, located by character offsets into the stored document text."""

    index: int
    start: int
    end: int
    text: str
    section: str
    paragraph: int


def heading_of(paragraph: str) -> tuple[int, str] | None:
    """The (level, heading text) a paragraph opens with, or None; long paragraphs give their first sentence."""
    for level, pattern in _HEADING_PATTERNS:
        if pattern.match(paragraph):
            head = re.split(r"(?<=[。！？；])", paragraph, maxsplit=1)[0]
            return level, head[:_HEADING_MAX].rstrip("。；")
    return None


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split text[start:end] after sentence ends, never inside quotation marks or a decimal number."""
    spans: list[tuple[int, int]] = []
    closers: list[str] = []
    begin = start
    i = start
    while i < end:
        ch = text[i]
        if ch in _OPEN_QUOTES:
            closers.append(_OPEN_QUOTES[ch])
        elif closers and ch == closers[-1]:
            closers.pop()
            if not closers and text[i - 1] in _SENTENCE_END:  # a quotation ending a sentence: 他说：“要干！”
                spans.append((begin, i + 1))
                begin = i = i + 1
                continue
        is_end = ch in _SENTENCE_END or (ch == "." and not _between_digits(text, i))
        if is_end and not closers:
            j = i + 1
            while j < end and (text[j] in _SENTENCE_END or text[j] in _CLOSERS):
                j += 1
            spans.append((begin, j))
            begin = i = j
            continue
        i += 1
    if begin < end:
        spans.append((begin, end))
    return spans


def _between_digits(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()


def _split_long(text: str, start: int, end: int, size: int) -> list[tuple[int, int]]:
    """Cut a sentence longer than `size` at commas, else at `size`, stepping back off digits."""
    pieces: list[tuple[int, int]] = []
    while end - start > size:
        window = text[start:start + size]
        cut = max((k for k, ch in enumerate(window) if ch in _SOFT_BREAKS), default=-1) + 1
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
        chunks.append(Chunk(len(chunks), first.start, last.end, text[first.start:last.end], first.section, first.paragraph))

    for unit in units:
        if current and (unit.opens_section or unit.end - current[0].start > size):
            flush()
            carried: list[_Unit] = []
            if not unit.opens_section:
                for prev in reversed(current):
                    if prev.section != unit.section or unit.end - prev.start > size or current[-1].end - prev.start > overlap:
                        break
                    carried.insert(0, prev)
            current = carried
        current.append(unit)
    if current:
        flush()
    return chunks
