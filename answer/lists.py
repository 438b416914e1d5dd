"""Lists in full: a small model copies the first items of a list and stops (十八大报告's eight 必须坚持 answered with
the first), so an enumeration a verified clause begins is completed from its document, over every paragraph it
spans, each added item cited to the stored passage that holds it.

A clause begins a list when its quote touches the list's lead-in ("必须从以下三个方面认真解决好这个问题") or one
item's point (——必须坚持人民主体地位); a quote from inside one item's argument is a detail of that item, not the list.
Only questions that ask for several things are completed, and only with a list that is the one asked for: one with
as many items as the count the question asks for (哪三个方面), or, when it asks none, one whose lead-in and items
hold the question's focus words (a question about 摘帽不摘 answered from one item of a list of six tasks is not
asking for the six; the share needed is chosen on a curve, eval/README.md). Hand-written: no library reads
Chinese report enumerations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from answer.attribution import AttributedClause, Support
from retrieval.types import Passage
from zhtext.enumerations import Enumeration, find_enumerations
from zhtext.frames import ASKS_FOR_ITEMS, asked_count


class DocumentSource(Protocol):
    """What completing a list needs from the index: a document's text as the model may see it, and the stored
    passage that holds a span of it."""

    def document_text(self, doc_id: str) -> tuple[str, str] | None: ...  # (version, text)

    def passage_at(self, doc_id: str, start: int, end: int) -> Passage | None: ...


@dataclass(frozen=True)
class _Quote:
    """Where a kept clause's quote sits in its document."""

    clause: int  # index into the kept clauses
    doc: str
    start: int
    end: int


def completed(
    question: str,
    kept: list[AttributedClause],
    passages: Sequence[Passage],
    source: DocumentSource,
    addresses: Callable[[str], bool],
) -> tuple[list[AttributedClause], list[Passage]]:
    """The kept clauses with each list they begin completed, and the passages they now cite (the given ones first,
    then any added: the clauses' supports index that whole sequence). `addresses` says whether a list's lead-in
    and items speak of what the question asks."""
    if not ASKS_FOR_ITEMS.search(question):
        return kept, list(passages)
    cited = list(passages)
    quotes = [
        _Quote(
            i,
            passages[s.passage].doc,
            passages[s.passage].start + s.quote_start,
            passages[s.passage].start + s.quote_end,
        )
        for i, c in enumerate(kept)
        for s in c.passages
    ]
    result = list(kept)
    wanted = asked_count(question)
    done: set[tuple[str, int]] = set()
    for quote in quotes:
        found = source.document_text(quote.doc)
        enumeration = _begun(quote, _enumerations(quote.doc, *found) if found else ())
        if enumeration is None or (quote.doc, enumeration.lead_start) in done:
            continue
        done.add((quote.doc, enumeration.lead_start))
        if wanted is not None and wanted != len(enumeration.members):
            continue  # the list found is not the one asked for, or was misread
        text = found[1] if found else ""
        said = text[enumeration.lead_start : enumeration.lead_end] + "".join(m.text for m in enumeration.members)
        if wanted is None and not addresses(said):
            continue  # a count that matches says which list is asked for; without one, its words must
        result = _with_members(result, quotes, quote.doc, enumeration, cited, source)
    return result, cited


def _begun(quote: _Quote, enumerations: Sequence[Enumeration]) -> Enumeration | None:
    """The marked list (not an inline counted one) whose lead-in or an item's point the quote touches; the
    innermost when lists nest."""
    touched = [
        e
        for e in enumerations
        if e.style != "counted"
        and len(e.members) >= 2
        and (_overlaps(quote, e.lead_start, e.lead_end) or any(_overlaps(quote, m.start, m.end) for m in e.members))
    ]
    return min(touched, key=lambda e: e.end - e.lead_start, default=None)


def _overlaps(quote: _Quote, start: int, end: int) -> bool:
    return quote.start < end and start < quote.end


def _with_members(
    kept: list[AttributedClause],
    quotes: list[_Quote],
    doc: str,
    enumeration: Enumeration,
    cited: list[Passage],
    source: DocumentSource,
) -> list[AttributedClause]:
    """The clauses with the list's items no clause shows yet, each placed in document order among the clauses that
    already quote the list."""
    mine = [q for q in quotes if q.doc == doc and _overlaps(q, enumeration.lead_start, enumeration.end + 1)]
    added: list[tuple[int, AttributedClause]] = []
    for m in enumeration.members:
        if any(q.start < m.end and m.start < q.end for q in mine):
            continue  # shown: render shows the whole sentence around a quote
        at = _cited_index(doc, m.start, m.end, cited, source)
        if at is not None:
            p = cited[at]
            added.append((m.start, AttributedClause(m.text, [Support(at, 1.0, m.start - p.start, m.end - p.start)])))
    if not added:
        return kept
    group = sorted([(q.start, kept[q.clause]) for q in mine] + added, key=lambda pair: pair[0])
    first = min(q.clause for q in mine)
    ordered: list[AttributedClause] = []
    for _, clause in group:  # a clause quoting the list twice is placed once, at its first quote
        if all(clause is not o for o in ordered):
            ordered.append(clause)
    rest = [c for c in kept if all(c is not o for o in ordered)]
    return rest[:first] + ordered + rest[first:]


def _cited_index(doc: str, start: int, end: int, cited: list[Passage], source: DocumentSource) -> int | None:
    """The index of a passage holding doc[start:end]: one already given, else the stored one (appended)."""
    for i, p in enumerate(cited):
        if p.doc == doc and p.start <= start and end <= p.end:
            return i
    found = source.passage_at(doc, start, end)
    if found is None:
        return None
    cited.append(found)
    return len(cited) - 1


@lru_cache(maxsize=64)
def _enumerations(doc: str, version: str, text: str) -> tuple[Enumeration, ...]:
    """The document's enumerations, found on its whole text (a list runs over several passages); per version."""
    return tuple(find_enumerations(text))


def asked_in_view(
    question: str,
    kept: list[AttributedClause],
    passages: Sequence[Passage],
    in_view: Sequence[int],
    source: DocumentSource,
    addresses: Callable[[str], bool],
) -> list[AttributedClause] | None:
    """The list the question asks for, begun from its lead-in, when the model was shown that lead-in but answered
    from elsewhere (1988's 深化企业改革，一要…四要 answered with the section's opening sentence). None when no list
    in view is the one asked for (the same test as completion), when two are (a guess), or when the kept clauses
    already quote it (completion shows the rest)."""
    if not ASKS_FOR_ITEMS.search(question):
        return None
    wanted = asked_count(question)
    documents = {d: source.document_text(d) for d in {passages[i].doc for i in in_view}}  # read once per document
    found: dict[tuple[str, int], tuple[int, Enumeration, str]] = {}
    for i in in_view:
        p, document = passages[i], documents[passages[i].doc]
        if document is None:
            continue
        for e in _enumerations(p.doc, *document):
            shown = p.start <= e.lead_start and e.lead_end <= p.end
            if e.style == "counted" or len(e.members) < 2 or not shown:
                continue
            lead = document[1][e.lead_start : e.lead_end]
            if (wanted is None or wanted == len(e.members)) and addresses(lead + "".join(m.text for m in e.members)):
                found[(p.doc, e.lead_start)] = (i, e, lead)
    if len(found) != 1:
        return None
    i, e, lead = next(iter(found.values()))
    p = passages[i]
    quoted = [(passages[s.passage].doc, passages[s.passage].start + s.quote_start) for c in kept for s in c.passages]
    if any(doc == p.doc and e.lead_start <= at < e.end for doc, at in quoted):
        return None
    return [AttributedClause(lead, [Support(i, 1.0, e.lead_start - p.start, e.lead_end - p.start)])]
