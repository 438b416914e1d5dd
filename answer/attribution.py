"""Code-side citations: every clause of an answer is matched against the passages; only verified text is cited.

Small models garble `[n]` markers, so the model writes plain text and this module attaches the markers: a clause
is cited to the passage that contains it (longest common substrings covering most of it) and that holds every
number, quoted term and list item of the clause. Clauses no passage supports are dropped, never shown uncited.
Hand-written: no library does substring attribution with offsets back into the source.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from functools import lru_cache

from retrieval.types import Passage
from zhtext.frames import FILLER
from zhtext.normalize import Normalized, without_quote_marks
from zhtext.numerals import NUMERAL_CHARS
from zhtext.sentences import CLAUSE_END, PHRASE_END, line_sentence_spans
from zhtext.terms import quoted_terms
from zhtext.years import arabic_years

# A number as an answer writes it: 6.5%, 1,100, or Chinese numerals before a unit (二千零五十亿元).
_NUMBER = re.compile(rf"\d+(?:[.,]\d+)*%?|[{NUMERAL_CHARS}]{{2,}}(?=[亿万千百十个项条名人元吨斤担%])")
_LIST_ITEM = re.compile(r"[、，,]|以及|和|及|与")
# The model's own item numbering (1. 2、 (3)); a digit after the point makes it a decimal (7.5%), not a number.
_LIST_NUMBER = re.compile(r"^\s*(?:\d{1,2}(?:[.．](?!\d)|[、)）])|[（(]\d{1,2}[)）]|[-•*])\s*")
SENTENCE_LIMIT = 150  # longer source sentences are shown from the comma-phrases that hold the quote
MIN_COVERAGE = 0.6
RUN_MAX = 3  # facts further apart than this many sentences are a summary, not a quote; the lowest run length at
# the plateau of dev2 coverage (1: 0.797, 3-5: 0.800; seed and corpus flat), eval/README.md
MIN_BLOCK = 2
ITEMS_REQUIRED = 0.75
LOOSE_ITEM, LOOSE_SHARE = 6, 0.6  # list items this long may differ by a word
RESTATED, MIN_CLAIM = 4, 3  # a stretch this long shared with the question is a restatement; a claim needs 3 chars
PHRASE_MIN = 6  # a phrase checked on its own needs words around its figure ("增长5.3%" alone matches any growth)


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
    # Its figures were found only in sentences that do not name what the question is about (the user's word, 经济增长,
    # for the source's 国内生产总值增长): verified text, whose relevance the judge weighs (answer/judge.py).
    loose: bool = False

    @property
    def lead_in(self) -> bool:
        """ "……有以下三点：" introduces a list; a numbered "1. 稳就业：" is an item of it, so it is content."""
        return self.text.rstrip().endswith(("：", ":")) and not _LIST_NUMBER.match(self.text)


def clauses(answer: str) -> list[str]:
    """Sentences of the answer, with the model's own [n] markers removed (code attaches verified ones)."""
    answer = re.sub(r"\s*[\[【]\s*\d+(?:\s*[,，、]\s*\d+)*\s*[\]】]", "", answer)
    answer = re.sub(r"\*\*|__|^#+\s*", "", answer, flags=re.M)  # markdown emphasis and headings
    return [c for c in (part.strip() for part in CLAUSE_END.split(answer)) if c]


@dataclass(frozen=True)
class Facts:
    """What a passage must hold for a clause: numbers and quoted terms exactly; most items of an enumeration
    (they are cut out of free text heuristically, so one mis-cut item must not sink a correct list)."""

    exact: list[str]
    items: list[str]

    def without(self, asked: str) -> Facts:
        """Facts repeated from the question (or a list's lead-in that restates it) need no source."""
        keep = [f for f in self.exact + self.items if f not in asked and not _shares(f, asked, 3)]
        return Facts([f for f in self.exact if f in keep], [f for f in self.items if f in keep])

    def held_by(self, passage_text: str) -> bool:
        if not all(self.holds(passage_text, f) for f in self.exact):
            return False
        return not self.items or sum(self.holds(passage_text, f) for f in self.items) >= ITEMS_REQUIRED * len(
            self.items
        )

    def holds(self, passage_text: str, fact: str) -> bool:
        """Numbers and quoted terms exactly. List items also loosely, since the answer shows the source's sentence,
        not the model's words: with a 的 added or dropped (干部的身份), or a long item with a word swapped
        (坚持党中央权威 for 维护党中央权威: most of its character pairs are there)."""
        if fact not in self.items:
            return _bare(fact) in _bare(passage_text)
        item, text = _bare(fact).replace("的", ""), _bare(passage_text).replace("的", "")
        if item in text:
            return True
        pairs = [item[i : i + 2] for i in range(len(item) - 1)]
        return len(item) >= LOOSE_ITEM and sum(p in text for p in pairs) >= LOOSE_SHARE * len(pairs)


def facts(clause: str) -> Facts:
    """The checkable facts of a clause: numbers, quoted terms, and the items of an enumeration."""
    norm = Normalized.of(clause).text
    exact = [m.group() for m in _NUMBER.finditer(norm)] + quoted_terms(norm)
    items = [re.sub(r"^(?:例如|比如|包括|如|即)", "", _bare(i)).strip("。；;：:") for i in _LIST_ITEM.split(norm)]
    return Facts(exact, [i for i in items if 2 <= len(i) <= 12] if len(items) >= 3 else [])


@lru_cache(maxsize=1024)  # each passage is compared with every fact of every clause
def _bare(text: str) -> str:
    """Normalized text without quotation marks, which the model adds or drops freely, and with years in digits
    (the congress reports write 二〇二〇年 or 二0二0年; the model writes 2020年)."""
    return arabic_years(without_quote_marks(Normalized.of(text).text))


def support(clause: str, passage_text: str, index: int) -> Support | None:
    """How much of the clause one stretch of the passage contains, as common substrings of two or more characters.

    Only blocks within a window about twice the clause's length count: two-character matches ("增长", "国内")
    scattered over a passage are not a quote.
    """
    c, p = Normalized.of(clause), Normalized.of(passage_text)
    if not c.text:
        return None
    blocks = [
        b for b in SequenceMatcher(None, c.text, p.text, autojunk=False).get_matching_blocks() if b.size >= MIN_BLOCK
    ]
    if not blocks:
        return None
    width = 2 * len(c.text) + 20
    best, first, last, covered, i = 0, 0, 0, 0, 0
    for j, block in enumerate(blocks):  # matching blocks come in passage order
        covered += block.size
        while block.b + block.size - blocks[i].b > width:
            covered -= blocks[i].size
            i += 1
        if covered > best:
            best, first, last = covered, i, j
    start, end = p.offsets[blocks[first].b], p.offsets[blocks[last].b + blocks[last].size - 1] + 1
    return Support(index, best / len(c.text), start, end)


def source_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The whole source sentence around a quote (its comma-phrases when the sentence is long).

    A small model shortens what it copies ("4%" for "4%左右", the first of three numbers); showing the source's own
    sentence keeps qualifiers and the rest of the fact, and every word shown is then verbatim. Sentences are cut
    as the chunker cuts them (a quotation's closing mark stays with its sentence).
    """
    spans = line_sentence_spans(text)
    covering = [(s, e) for s, e in spans if s < end and e > start] or [(start, end)]
    lo, hi = covering[0][0], covering[-1][1]
    if hi - lo > SENTENCE_LIMIT:
        lo, hi = _around(text, start, end, PHRASE_END, lo, hi)
    while lo < hi and text[lo].isspace():
        lo += 1
    return lo, hi


def _around(text: str, start: int, end: int, boundary: re.Pattern[str], lo: int, hi: int) -> tuple[int, int]:
    """From the boundary before `start` to the boundary that ends the text at `end` (included), within lo..hi."""
    before = [m.end() for m in boundary.finditer(text, lo, start)]
    after = boundary.search(text, max(end - 1, start), hi)
    return (before[-1] if before else lo), (after.end() if after else hi)


def located(s: Support, clause: str, text: str, needed: Facts) -> Support:
    """The support moved to the sentences that hold the clause's numbers and quoted terms when the best-matching
    stretch does not: what is shown must hold the facts it is shown for.

    A short clause ("7.5%") matches best where its characters happen to stand ("增长5%左右"), while the passage holds
    the number in another sentence (规模以上工业增加值增长7.5%左右); a clause summing up three sentences ("…不能出现
    “拦路虎”，…“中梗阻”，…“断头路”") matches a stretch as long as itself. The fewest consecutive sentences (at most
    RUN_MAX) that hold every fact, and of those the run holding most of the clause; unchanged when none does.
    """
    if not needed.exact or needed.held_by(text[slice(*source_span(text, s.quote_start, s.quote_end))]):
        return s
    spans = line_sentence_spans(text)
    for width in range(1, RUN_MAX + 1):
        runs = [(spans[i][0], spans[i + width - 1][1]) for i in range(len(spans) - width + 1)]
        holding = [(lo, hi) for lo, hi in runs if needed.held_by(text[lo:hi])]
        scored = [(found.coverage, lo, hi) for lo, hi in holding if (found := support(clause, text[lo:hi], 0))]
        if scored:
            coverage, lo, hi = max(scored, key=lambda t: (t[0], -t[1]))
            return Support(s.passage, coverage, lo, hi)
    return s


def _shares(a: str, b: str, n: int) -> bool:
    """Whether a and b have a common substring of n or more characters."""
    return any(a[i : i + n] in b for i in range(len(a) - n + 1))


def _novel(clause: str, question: str) -> str:
    """The part of a clause that does not just repeat the question."""
    c, q = Normalized.of(clause).text, Normalized.of(question).text
    blocks = SequenceMatcher(None, c, q, autojunk=False).get_matching_blocks()
    keep = [True] * len(c)
    for b in blocks:
        if b.size >= 3:
            keep[b.a : b.a + b.size] = [False] * b.size
    return FILLER.sub("", "".join(ch for ch, k in zip(c, keep) if k))


def _claim(clause: str, question: str) -> str:
    """What the clause adds to the question: a model often restates the question before answering it
    ("2006年政府工作报告……提出五年内单位GDP能耗要降低20%左右"); the restated part is no claim about the passage and
    must not count against the part that is. Shared stretches of four or more characters are cut out."""
    c, q = Normalized.of(clause).text, Normalized.of(question).text
    keep = [True] * len(c)
    for b in SequenceMatcher(None, c, q, autojunk=False).get_matching_blocks():
        if b.size >= RESTATED:
            keep[b.a : b.a + b.size] = [False] * b.size
    claim = "".join(ch for ch, k in zip(c, keep) if k)
    return claim if len(FILLER.sub("", claim)) >= MIN_CLAIM and len(claim) < len(c) else clause


Anchor = Callable[[list[str], Passage], bool]  # may these facts of a clause be taken from this passage?


def attribute(
    answer: str,
    question: str,
    passages: list[Passage],
    anchored: Anchor = lambda facts, p: True,
    loose: Anchor | None = None,
) -> list[AttributedClause]:
    """Cite each clause to the passages that verifiably contain it; unsupported clauses are left out.

    A clause that only restates the question ("……存在以下突出问题：") is kept uncited.
    """
    return [c for c in attribute_each(answer, question, passages, anchored, loose) if c.passages or c.restates_question]


def attribute_each(
    answer: str,
    question: str,
    passages: list[Passage],
    anchored: Anchor = lambda facts, p: True,
    loose: Anchor | None = None,
) -> list[AttributedClause]:
    """Every clause of the answer, cited where a passage holds it and its facts (uncited when none does).

    `anchored` says where a clause's figures may be taken from; when no passage satisfies it, `loose` (if given) is
    tried and the clause is marked loose."""
    result: list[AttributedClause] = []
    for clause in clauses(answer):
        core = _LIST_NUMBER.sub("", clause)  # the model's own "1." numbering is not a fact to verify
        if not _novel(core, question):
            result.append(AttributedClause(clause, restates_question=True))
            continue
        chosen = _whole_or_phrases(core, question, passages, anchored)
        if not chosen and loose is not None:
            chosen = _whole_or_phrases(core, question, passages, loose)
            result.append(AttributedClause(clause, chosen, loose=bool(chosen)))
            continue
        result.append(AttributedClause(clause, chosen))
    return result


def _whole_or_phrases(clause: str, question: str, passages: list[Passage], anchored: Anchor) -> list[Support]:
    """The clause's supports; a clause with two or more figures that fails whole is checked phrase by phrase."""
    chosen = _supported(clause, question, passages, anchored)
    if not chosen and len(facts(clause).exact) >= 2:
        chosen = [s for phrase in _phrases(clause) for s in _supported(phrase, question, passages, anchored)]
    return chosen


def _supported(clause: str, question: str, passages: list[Passage], anchored: Anchor) -> list[Support]:
    """Where the passages hold the clause and its facts: the whole clause first, then what it adds to the question."""
    needed = facts(clause).without(Normalized.of(question).text)
    chosen: list[Support] = []
    for text in dict.fromkeys([clause, _claim(clause, question)]):
        candidates = [s for i, p in enumerate(passages) if (s := support(text, p.text, i)) is not None]
        chosen = chosen or _choose(text, needed, candidates, passages, anchored)
    return chosen


def _phrases(clause: str) -> list[str]:
    """The phrases of a clause that state a fact of their own: a clause joining figures from two sentences, or a
    wrong figure beside right ones, is checked phrase by phrase and only what a passage holds is shown."""
    return [p for p in re.split(r"[，,]", clause) if facts(p).exact and len(FILLER.sub("", p)) >= PHRASE_MIN]


def _choose(
    clause: str, needed: Facts, candidates: list[Support], passages: list[Passage], anchored: Anchor
) -> list[Support]:
    """The best passage that holds the clause and its facts; else the fewest passages that together hold the facts."""
    ranked = sorted(candidates, key=lambda s: (-s.coverage, s.passage))
    for s in ranked:
        text = passages[s.passage].text
        if s.coverage >= MIN_COVERAGE and needed.held_by(text) and anchored(needed.exact, passages[s.passage]):
            return [located(s, clause, text, needed)]
    missing = needed.exact + needed.items
    if not missing:
        return []
    chosen: list[Support] = []
    for s in ranked:
        held = [f for f in missing if needed.holds(passages[s.passage].text, f)]
        if (
            held
            and s.coverage >= MIN_COVERAGE / 2
            and anchored([f for f in held if f in needed.exact], passages[s.passage])
        ):
            exact = [f for f in held if f in needed.exact]
            chosen.append(located(s, clause, passages[s.passage].text, Facts(exact, [])))
            missing = [f for f in missing if f not in held]
        if not [f for f in missing if f in needed.exact] and len(missing) <= (1 - ITEMS_REQUIRED) * len(needed.items):
            return chosen
    return []


def consolidate(attributed: list[AttributedClause], passages: list[Passage]) -> list[AttributedClause]:
    """Cite as few passages as the answer allows: overlapping chunks hold the same sentences, and a clause goes to
    the cited passage that holds most of the answer's quotes (a list's lead-in and its items, one citation)."""
    quotes = [passages[s.passage].text[s.quote_start : s.quote_end] for c in attributed for s in c.passages]
    cited = {s.passage for c in attributed for s in c.passages}
    weight = {n: sum(len(q) for q in quotes if q in passages[n].text) for n in cited}
    result = []
    for clause in attributed:
        moved = []
        for s in clause.passages:
            quote = passages[s.passage].text[s.quote_start : s.quote_end]
            home = max((n for n in cited if quote in passages[n].text), key=lambda n: (weight[n], -n))
            at = passages[home].text.find(quote)
            moved.append(Support(home, s.coverage, at, at + len(quote)))
        result.append(replace(clause, passages=moved))
    return result
