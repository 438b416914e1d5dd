"""Code-side citations: every clause of an answer is matched against the passages; only verified text is cited.

Small models garble `[n]` markers, so the model writes plain text and this module attaches the markers: a clause
is cited to the passage that contains it (longest common substrings covering most of it) and that holds every
number, quoted term and list item of the clause. Clauses no passage supports are dropped, never shown uncited.
Hand-written: no library does substring attribution with offsets back into the source.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from retrieval.hybrid import Passage

_CLAUSE_END = re.compile(r"(?<=[。！？；;!?\n：:])")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?|[零〇一二三四五六七八九十百千万亿两]{2,}(?=[亿万千百十个项条名人元吨斤担%])")
_QUOTED = re.compile(r"“([^”]{2,20})”|「([^」]{2,20})」")
_LIST_ITEM = re.compile(r"[、，,]")
_LIST_NUMBER = re.compile(r"^\s*(?:\d{1,2}[.、．)）]|[（(]\d{1,2}[)）]|[-•*])\s*")
MIN_COVERAGE = 0.6
MIN_BLOCK = 2


@dataclass(frozen=True)
class Normalized:
    """NFKC text without whitespace, with a map from each normalized character back to the raw offset."""

    text: str
    offsets: list[int]

    @classmethod
    def of(cls, raw: str) -> Normalized:
        chars: list[str] = []
        offsets: list[int] = []
        for i, ch in enumerate(raw):
            for n in unicodedata.normalize("NFKC", ch):
                if not n.isspace():
                    chars.append(n)
                    offsets.append(i)
        return cls("".join(chars), offsets)


@dataclass
class Support:
    """Where a clause is found in a passage: coverage of the clause and the quoted span (passage offsets)."""

    passage: int
    coverage: float
    quote_start: int
    quote_end: int


@dataclass
class AttributedClause:
    text: str
    passages: list[Support] = field(default_factory=list)
    restates_question: bool = False


def clauses(answer: str) -> list[str]:
    """Sentences of the answer, with the model's own [n] markers removed (code attaches verified ones)."""
    answer = re.sub(r"\s*[\[【]\s*\d+(?:\s*[,，、]\s*\d+)*\s*[\]】]", "", answer)
    answer = re.sub(r"\*\*|__|^#+\s*", "", answer, flags=re.M)  # markdown emphasis and headings
    return [c for c in (part.strip() for part in _CLAUSE_END.split(answer)) if c]


def facts(clause: str) -> list[str]:
    """The checkable facts of a clause: numbers, quoted terms, and the items of an enumeration."""
    norm = Normalized.of(clause).text
    found = [m.group() for m in _NUMBER.finditer(norm)]
    found += [a or b for a, b in _QUOTED.findall(norm)]
    items = [re.sub(r"^(?:例如|比如|包括|如|即)", "", _bare(i)).strip("。；;：:") for i in _LIST_ITEM.split(norm)]
    if len(items) >= 3:
        found += [i for i in items if 2 <= len(i) <= 12]
    return found


def _bare(text: str) -> str:
    """Normalized text without quotation marks, which the model adds or drops freely."""
    return re.sub(r"[“”‘’「」『』\"'《》]", "", Normalized.of(text).text)


def support(clause: str, passage_text: str, index: int) -> Support | None:
    """How much of the clause the passage contains, as common substrings of two or more characters."""
    c, p = Normalized.of(clause), Normalized.of(passage_text)
    if not c.text:
        return None
    blocks = [b for b in SequenceMatcher(None, c.text, p.text, autojunk=False).get_matching_blocks() if b.size >= MIN_BLOCK]
    if not blocks:
        return None
    covered = sum(b.size for b in blocks)
    first, last = min(blocks, key=lambda b: b.b), max(blocks, key=lambda b: b.b + b.size)
    start, end = p.offsets[first.b], p.offsets[last.b + last.size - 1] + 1
    return Support(index, covered / len(c.text), start, end)


def _shares(a: str, b: str, n: int) -> bool:
    """Whether a and b have a common substring of n or more characters."""
    return any(a[i:i + n] in b for i in range(len(a) - n + 1))


def _novel(clause: str, question: str) -> str:
    """The part of a clause that does not just repeat the question."""
    c, q = Normalized.of(clause).text, Normalized.of(question).text
    blocks = SequenceMatcher(None, c, q, autojunk=False).get_matching_blocks()
    keep = [True] * len(c)
    for b in blocks:
        if b.size >= 3:
            keep[b.a:b.a + b.size] = [False] * b.size
    return re.sub(r"[\W_]|以下|如下|主要|包括|分别|具体|的|了|是|有|为|等", "", "".join(ch for ch, k in zip(c, keep) if k))


Anchor = Callable[[list[str], Passage], bool]  # may these facts of a clause be taken from this passage?


def attribute(answer: str, question: str, passages: list[Passage], anchored: Anchor = lambda facts, p: True,
              ) -> list[AttributedClause]:
    """Cite each clause to the passages that verifiably contain it; unsupported clauses are left out.

    A clause that only restates the question or introduces a list ("……有以下三点：") is kept uncited.
    """
    result: list[AttributedClause] = []
    asked = Normalized.of(question).text
    for clause in clauses(answer):
        core = _LIST_NUMBER.sub("", clause)  # the model's own "1." numbering is not a fact to verify
        if not _novel(core, question) or core.rstrip().endswith(("：", ":")):
            result.append(AttributedClause(clause, restates_question=True))
            continue
        # facts repeated from the question (or a list's lead-in that restates it) need no source
        needed = [f for f in facts(core) if f not in asked and not _shares(f, asked, 3)]
        candidates = [s for i, p in enumerate(passages) if (s := support(core, p.text, i)) is not None]
        chosen = _choose(needed, candidates, passages, anchored)
        if chosen:
            result.append(AttributedClause(clause, chosen))
    return result


def _choose(needed: list[str], candidates: list[Support], passages: list[Passage], anchored: Anchor) -> list[Support]:
    """The best single passage if it holds the clause; else the fewest passages that together hold its facts."""
    def holds(s: Support, fact: str) -> bool:
        return _bare(fact) in _bare(passages[s.passage].text)

    ranked = sorted(candidates, key=lambda s: (-s.coverage, s.passage))
    for s in ranked:
        if s.coverage >= MIN_COVERAGE and all(holds(s, f) for f in needed) and anchored(needed, passages[s.passage]):
            return [s]
    if not needed:
        return []
    chosen: list[Support] = []
    missing = list(needed)
    for s in ranked:
        held = [f for f in missing if holds(s, f)]
        if held and s.coverage >= MIN_COVERAGE / 2 and anchored(held, passages[s.passage]):
            chosen.append(s)
            missing = [f for f in missing if f not in held]
        if not missing:
            return chosen
    return []
