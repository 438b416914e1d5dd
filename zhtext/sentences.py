"""Sentences and section headings of Chinese reports: where a sentence ends, how a heading is numbered."""

from __future__ import annotations

import re

from zhtext.numerals import DIGITS

_N = DIGITS + "十百零〇"  # heading numbers run to 一百零几 at most

_HEADING_PATTERNS = (  # (level, pattern): 一、 / （一） / 第一， are the numbering styles of reports and speeches
    (1, re.compile(rf"^[{_N}]+、")),
    (2, re.compile(rf"^[（(][{_N}]+[）)]")),
    (3, re.compile(rf"^第[{_N}]+[，,、：:]")),
)
_HEADING_MAX = 40
SENTENCE_END = "。！？；!?;…"  # a semicolon ends a sentence: reports chain whole clauses with ；
_SENTENCE_ENDS = set(SENTENCE_END)
_CLOSERS = set("”’」』）)》】\"'")
_OPEN_QUOTES = {"“": "”", "「": "」", "『": "』", "《": "》"}
SOFT_BREAKS = "，、：:,"  # where a too-long sentence may be cut
# Where a clause of an answer ends (a list line ends at its line break, a lead-in at its colon).
# A sentence that opens with one of these leans on the sentence before it (特别是要…, 同时…, 为此…): shown first in an
# answer, it reads as cut mid-thought unless marked as an excerpt.
CONTINUES = re.compile(
    r"^(特别是|尤其是|同时|此外|另外|因此|所以|但是|然而|而且|并且|其中|对此|为此|由此|从而|进而|这些|这是|这就)"
)
# A colon before a digit is inside a ratio or a time (比重为3:6:1, 9:30), not the end of a lead-in.
CLAUSE_END = re.compile(r"(?<=[。！？；;!?\n])|(?<=[：:])(?!\d)")
PHRASE_END = re.compile(r"[。！？；;!?\n，,]|[：:](?!\d)")


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
            if not closers and text[i - 1] in _SENTENCE_ENDS:  # a quotation ending a sentence: 他说：“要干！”
                spans.append((begin, i + 1))
                begin = i = i + 1
                continue
        is_end = ch in _SENTENCE_ENDS or (ch == "." and not _between_digits(text, i))
        if is_end and not closers:
            j = i + 1
            while j < end and (text[j] in _SENTENCE_ENDS or text[j] in _CLOSERS):
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


def line_sentence_spans(text: str) -> list[tuple[int, int]]:
    """The sentences of a passage as the chunker cuts them, line by line (a sentence never runs over a line break)."""
    return [span for line in re.finditer(r"[^\n]+", text) for span in sentence_spans(text, line.start(), line.end())]
