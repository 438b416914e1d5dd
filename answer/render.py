"""The shown answer: each verified clause as the source's own sentence, with [n] markers and its citations."""

from __future__ import annotations

import re
from collections.abc import Sequence

from answer.attribution import AttributedClause, source_span
from answer.types import Citation
from retrieval.types import Passage
from zhtext.normalize import Normalized
from zhtext.sentences import CONTINUES

_ENDS_SENTENCE = re.compile(r"[。！？；;!?…][”’」』）)》】]*$")
_FINAL_PUNCTUATION = re.compile(r"[。！？；;!?]+$")


def render(attributed: list[AttributedClause], passages: Sequence[Passage]) -> tuple[str, list[Citation]]:
    """Answer text with [n] markers, and the citations they point to (n = position in the citations).

    Each supported clause is shown as the source sentence that holds it (once, however many clauses point there);
    an entry without passages (a document's label) is shown as it is. A run of sentences from the same passage
    gets one marker at its end; each passage is cited once, its quote spanning all it gave.
    """
    pieces, spans = _pieces(attributed, passages)
    marker_of: dict[int, int] = {}
    citations: list[Citation] = []
    parts: list[str] = []
    for i, (text, n) in enumerate(pieces):
        following = pieces[i + 1][1] if i + 1 < len(pieces) else None
        tag = ""
        if n is not None and n != following:
            if n not in marker_of:
                marker_of[n] = len(citations) + 1
                citations.append(Citation.of(marker_of[n], passages[n], *spans[n]))
            tag = f"[{marker_of[n]}]"
        if n is not None and not text.endswith(("：", ":")):  # a source's own lead-in keeps its colon
            text = re.sub(r"[，,、]$", "", text)
            text = text if _ENDS_SENTENCE.search(text) else text + "。"
        end = _FINAL_PUNCTUATION.search(text)
        parts.append(text[: end.start()] + tag + end.group() if end else text + tag)
    text = "".join(_join(parts))
    if CONTINUES.match(text):  # the source's own sentence leans on one not shown: mark the excerpt
        text = "……" + text
    return (text[:-1] + "。" if text.endswith(("；", ";", "，")) else text), citations


def _pieces(
    attributed: list[AttributedClause],
    passages: Sequence[Passage],
) -> tuple[list[tuple[str, int | None]], dict[int, tuple[int, int]]]:
    """(text, passage index or None for an uncited label) in order, each source sentence once; and per cited
    passage the span of all it gave."""
    pieces: list[tuple[str, int | None]] = []
    shown: set[str] = set()
    spans: dict[int, tuple[int, int]] = {}
    taken: dict[int, list[tuple[int, int]]] = {}  # per passage, the stretches already shown
    for clause in attributed:
        if not clause.passages:
            pieces.append((clause.text, None))
        for s in clause.passages:
            text = passages[s.passage].text
            lo, hi = source_span(text, s.quote_start, s.quote_end)
            for a, b in taken.get(s.passage, []):  # two clauses' sentences overlap: show the rest once
                lo, hi = (b, hi) if a <= lo < b else (lo, hi)
                lo, hi = (lo, a) if a < hi <= b else (lo, hi)
            if not text[lo:hi].strip():
                continue
            taken.setdefault(s.passage, []).append((lo, hi))
            key = Normalized.of(text[lo:hi]).text
            if any(key in seen for seen in shown):
                continue
            shown.add(key)
            old = spans.get(s.passage, (lo, hi))
            spans[s.passage] = (min(old[0], lo), max(old[1], hi))
            pieces.append((text[lo:hi].strip(), s.passage))
    return pieces, spans


def _join(parts: list[str]) -> list[str]:
    """Clauses split at line breaks were list lines: keep them on their own lines."""
    return [
        p if i == 0 or parts[i - 1].endswith(("。", "！", "？", "；", ";", "：", ":")) else "\n" + p
        for i, p in enumerate(parts)
    ]
