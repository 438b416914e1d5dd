"""Wrong options from the corpus itself, and where the right option goes.

- a figure's distractors are the same kind of figure (same unit, the most similar subject) from other documents;
- a list's outsider is a member of another document's enumeration that shares words with this list's members;
- a sentence's look-alike documents are the same genre's nearest years.
Each candidate is checked not to be the key (same value, same text) and not to occur in the key's quoted source, so
no option is also right. The right option's position is balanced across the bank, not left to chance.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from quiz.facts import DocumentFacts, Figure
from quiz.grading import close_enough, plain
from quiz.model import QuizDocument, QuizItem
from zhtext.enumerations import Enumeration, Member
from zhtext.numbers import canonical, same_quantity

OPTIONS = 4  # a choice item has the key and three distractors
CANDIDATES_PER_BUCKET = 400  # enough to find three good distractors; keeps a bank build well under a minute
SHARED_PHRASE = 3  # an outsider sharing 3 characters in a row with a member (推进改革开放) could pass for it


def stable_hash(*parts: object) -> int:
    """A hash that is the same in every process (Python's hash() of a str is salted per process)."""
    return int(hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:15], 16)


def genre_group(genre: str) -> str:
    """Documents that look alike: speeches, Qiushi articles and news reports of speeches are one group."""
    return "讲话" if genre.startswith(("讲话", "新闻")) else genre


@dataclass(frozen=True)
class FigureRef:
    """A figure somewhere in the corpus, with the text a distractor would show and what ranking needs, computed once."""

    doc: QuizDocument
    figure: Figure
    text: str
    arabic: bool  # written in Arabic digits
    size: float  # log of its value in base units (inf when it has none)
    order: int  # a stable pseudo-random rank, to break ties without favouring any document

    @classmethod
    def of(cls, doc: QuizDocument, figure: Figure) -> FigureRef:
        text = doc.text[figure.key_start : figure.key_end]
        values = figure.quantity.value_range()
        size = math.log(values[1]) if values and values[1] > 0 else math.inf
        return cls(doc, figure, text, _arabic(text), size, stable_hash(doc.doc_id, figure.key_start))


@dataclass(frozen=True)
class MemberRef:
    """A member of some enumeration in the corpus; the source of an outsider option."""

    doc: QuizDocument
    enumeration: Enumeration
    member: Member
    style: str


class DistractorPool:
    """Every figure and list member of the corpus, bucketed for quick look-up."""

    def __init__(self, facts: Sequence[DocumentFacts]) -> None:
        self.by_unit: dict[str, list[FigureRef]] = defaultdict(list)
        self.by_subject: dict[tuple[str, str], list[FigureRef]] = defaultdict(list)
        self.members: dict[str, list[MemberRef]] = defaultdict(list)
        for f in facts:
            for figure in f.figures:
                ref = FigureRef.of(f.doc, figure)
                self.by_unit[figure.quantity.base_unit].append(ref)
                self.by_subject[(figure.quantity.base_unit, figure.subject[-2:])].append(ref)
            for enumeration in f.enumerations:
                style = "counted" if enumeration.style == "counted" else "marker"
                for member in enumeration.members:
                    self.members[style].append(MemberRef(f.doc, enumeration, member, style))

    def figure_options(self, doc: QuizDocument, figure: Figure, key: str, quote: str) -> list[str] | None:
        """Three figures of the same unit from other documents, most similar subject and size first; None when the
        corpus has too few that are safely wrong."""
        unit, me = figure.quantity.base_unit, FigureRef.of(doc, figure)
        pool = [ref for ref in self.by_subject[(unit, figure.subject[-2:])] if ref.doc.doc_id != doc.doc_id]
        if len(pool) < 2 * OPTIONS:  # few figures of this subject: widen to the unit, a spread-out sample of it
            everything = self.by_unit[unit]
            step = max(1, len(everything) // CANDIDATES_PER_BUCKET)
            pool += [ref for ref in everything[me.order % step :: step] if ref.doc.doc_id != doc.doc_id]
        ranked = sorted(
            pool,
            key=lambda ref: (
                ref.arabic != me.arabic,
                -_common_suffix(ref.figure.subject, figure.subject),
                abs(ref.size - me.size),
                ref.order ^ me.order,
            ),
        )
        chosen: list[FigureRef] = []
        quote_form = canonical(quote)
        for ref in ranked:
            q = ref.figure.quantity
            if same_quantity(q, figure.quantity) or canonical(ref.text) in quote_form or ref.text in key:
                continue
            if any(same_quantity(q, c.figure.quantity) or c.text == ref.text for c in chosen):
                continue
            chosen.append(ref)
            if len(chosen) == OPTIONS - 1:
                return [c.text for c in chosen]
        return None

    def outsider(self, doc: QuizDocument, enumeration: Enumeration, quote: str) -> MemberRef | None:
        """A member of another document's list, like this list's members in length and words, that the quoted list
        does not contain (not even with a changed character)."""
        style = "counted" if enumeration.style == "counted" else "marker"
        lengths = [len(m.text) for m in enumeration.members]
        low, high = min(lengths) * 0.6, max(lengths) * 1.4 + 1
        words = _bigrams("".join(m.text for m in enumeration.members))
        quote_plain = plain(quote)
        best: tuple[tuple[float, int], MemberRef] | None = None
        for ref in self.members[style]:
            text = ref.member.text
            if ref.doc.doc_id == doc.doc_id or not low <= len(text) <= high:
                continue
            overlap = len(_bigrams(text) & words) / (len(_bigrams(text)) or 1)
            if overlap >= 0.6:
                continue  # nearly one of the members: too close to be safely wrong
            rank = (-overlap, stable_hash(enumeration.lead_start, doc.doc_id, text))
            if best is not None and rank >= best[0]:
                continue
            if plain(text) in quote_plain or any(_shares_phrase(text, m.text) for m in enumeration.members):
                continue
            best = (rank, ref)
        return best[1] if best else None


def look_alike_documents(
    doc: QuizDocument, docs: Sequence[QuizDocument], sentence: str, labels: dict[str, str]
) -> list[QuizDocument] | None:
    """Three other documents of the same genre, nearest in date, none of which contains the sentence."""
    group = genre_group(doc.genre)
    candidates = sorted(
        (d for d in docs if d.doc_id != doc.doc_id and genre_group(d.genre) == group),
        key=lambda d: (abs(d.year - doc.year), d.date, d.doc_id),
    )
    chosen: list[QuizDocument] = []
    wanted = plain(sentence)
    for other in candidates:
        if labels[other.doc_id] in {labels[doc.doc_id]} | {labels[c.doc_id] for c in chosen}:
            continue
        if wanted in plain(other.text):
            return None  # the sentence is in another document too: the question would have two right answers
        chosen.append(other)
        if len(chosen) == OPTIONS - 1:
            return chosen
    return None


def balance_positions(items: Sequence[QuizItem]) -> list[QuizItem]:
    """Put each four-option item's key at position rank mod 4 (items in id order), the other options in a stable
    shuffled order: every position holds the key for a quarter of the bank."""
    four = sorted(
        (it for it in items if it.options and len(it.options) == OPTIONS and not it.is_list), key=lambda it: it.id
    )
    position = {it.id: rank % OPTIONS for rank, it in enumerate(four)}
    arranged: list[QuizItem] = []
    for item in items:
        if item.id not in position or item.options is None:
            arranged.append(item)
            continue
        key = item.answer[0]
        others = sorted((o for o in item.options if o != key), key=lambda o: stable_hash(item.id, o))
        others.insert(position[item.id], key)
        arranged.append(replace(item, options=tuple(others)))
    return arranged


def _arabic(text: str) -> bool:
    """Written in Arabic digits (an option in Chinese numerals among Arabic ones would stand out)."""
    return any(ch.isdigit() for ch in text)


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _shares_phrase(a: str, b: str) -> bool:
    """Whether two texts share SHARED_PHRASE characters in a row (or are close enough to be one answer)."""
    pa, pb = plain(a), plain(b)
    return close_enough(a, b) or any(pa[i : i + SHARED_PHRASE] in pb for i in range(len(pa) - SHARED_PHRASE + 1))


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}
