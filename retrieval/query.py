"""Query understanding: which documents a question names (a year's report, a congress, a province, a meeting).

The corpus states the same kinds of facts every year, so the words of a question alone land on similar passages
of the wrong year. Named documents become a metadata filter; names that match no document are reported so the
answer stage can say the corpus lacks that document instead of answering from another one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ingest.store import StoredDocument
from zhtext.frames import ASKING_AND_PARTICLES, TITLE_NOISE
from zhtext.normalize import HAN, HAN_CHAR
from zhtext.numerals import to_cn
from zhtext.ordinals import CONGRESS_NAME, congress_ordinals
from zhtext.places import provinces_in
from zhtext.years import YEAR_DIGITS, report_years

_GWR = "政府工作报告"


@dataclass
class QueryIntent:
    """What the question says about which documents to search."""

    doc_ids: set[str] | None = None  # a hard filter; None = search everything
    content: str = ""  # the question without its document references: what to search for inside those documents
    references: list[str] = field(default_factory=list)  # the document references recognised, in words
    missing: list[str] = field(default_factory=list)  # references that match no ingested document


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


_OCCASION = re.compile(
    r"在(?P<occasion>[^，。？在]{4,30}?(?:会议|大会|座谈会|研讨班|纪念会|表彰会|典礼|仪式|论坛|全会))(?:上|中|时)"
)


def _covers(phrase: str, title: str) -> bool:
    """Most of a named occasion's distinctive bigrams occur in the title (years and digits ignored)."""
    core = {b for b in _bigrams(re.sub(rf"{YEAR_DIGITS}年|\d+", "", phrase)) if re.fullmatch(f"[{HAN}]{{2}}", b)}
    return bool(core) and len(core & _bigrams(title)) / len(core) >= 0.7


def _title_matches(question: str, docs: list[StoredDocument]) -> list[StoredDocument]:
    """Speeches named by their occasion ('在决战决胜脱贫攻坚座谈会上'): most of the title's distinctive bigrams
    occur."""
    q = _bigrams(question)
    scored = []
    for doc in docs:
        if doc.genre != "讲话":
            continue
        core = _bigrams(TITLE_NOISE.sub("", doc.title.split("——")[0]))
        core = {b for b in core if re.fullmatch(f"[{HAN}]{{2}}", b)}
        if len(core) >= 3:
            scored.append((len(core & q) / len(core), doc))
    best = max((s for s, _ in scored), default=0.0)
    return [d for s, d in scored if s >= 0.6 and s >= best - 0.1] if best >= 0.6 else []


def understand(question: str, docs: list[StoredDocument]) -> QueryIntent:
    """Recognise document references and turn them into a filter over the ingested documents."""
    intent = QueryIntent()
    chosen: set[str] = set()
    provinces = provinces_in(question)
    for year in report_years(question):
        if provinces:
            for province in provinces:
                name = f"{year}年{province}政府工作报告"
                hits = {d.doc_id for d in docs if d.year == year and _GWR in d.title and province in d.title}
                _record(intent, chosen, name, hits)
        else:
            name = f"{year}年政府工作报告"
            hits = {d.doc_id for d in docs if d.year == year and d.genre == _GWR}
            _record(intent, chosen, name, hits)
    for ordinal in congress_ordinals(question):
        marker = f"第{to_cn(ordinal)}次全国代表大会"
        hits = {d.doc_id for d in docs if marker in d.title}
        _record(intent, chosen, f"党的{to_cn(ordinal)}大报告", hits)
    for doc in _title_matches(question, docs):
        _record(intent, chosen, doc.title, {doc.doc_id})
    occasion = _OCCASION.search(question)
    if occasion and not chosen:
        name = occasion.group("occasion")
        hits = {d.doc_id for d in docs if _covers(name, d.title)}
        _record(intent, chosen, f"在{name}上的讲话", hits)
    intent.doc_ids = chosen or None
    intent.content = (
        _without_references(question, [d.title for d in docs if d.doc_id in chosen]) if chosen else question
    )
    return intent


_REFERENCE_SPANS = re.compile(rf"(?:{YEAR_DIGITS}年[和与及、]?)+[^，。？；]{{0,10}}?政府工作报告|{CONGRESS_NAME}")


def _without_references(question: str, titles: list[str]) -> str:
    """Once the documents are known, their names in the question only pull up title pages: search the rest."""
    named = _REFERENCE_SPANS.sub(" ", question)
    text = named
    for title in titles:
        for block in sorted(
            SequenceMatcher(None, text, title, autojunk=False).get_matching_blocks(), key=lambda b: -b.a
        ):
            if block.size >= 4:
                text = text[: block.a] + " " + text[block.a + block.size :]
    for candidate in (text, named):  # a title can hold the topic itself ("…贯彻落实新时代党的组织路线")
        if len(HAN_CHAR.findall(ASKING_AND_PARTICLES.sub("", candidate))) >= 4:
            return candidate
    return question


def _record(intent: QueryIntent, chosen: set[str], name: str, hits: set[str]) -> None:
    intent.references.append(name)
    if hits:
        chosen.update(hits)
    else:
        intent.missing.append(name)
