"""The item bank: quiz items made from the documents' own structure, each key an exact span of its quoted source.

Enumerations give list, order and which-is-not items; figures with their subject give fill-in and choice items;
quoted formulations give fill-in items and, where the text defines them, definition items; distinctive sentences
give which-document items. Stems quote the source with blanks and name the document, so each has one right answer.
An item's id is a fingerprint of its kind and spans: the same documents always give the same items and ids.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from quiz.distractors import DistractorPool, balance_positions, look_alike_documents, stable_hash
from quiz.facts import DocumentFacts, Figure, Term
from quiz.grading import plain
from quiz.labels import document_label
from quiz.model import (
    DEFINITION,
    LIST,
    NOT_IN_LIST,
    NUMBER,
    NUMBER_CHOICE,
    ORDER,
    TERM,
    WHICH_DOC,
    QuizDocument,
    QuizItem,
    Source,
)
from zhtext.enumerations import Enumeration
from zhtext.numerals import DIGITS, to_cn
from zhtext.ordinals import congress_ordinals
from zhtext.places import provinces_in
from zhtext.years import years_in

GENERATOR_VERSION = 1  # bump when any rule below changes: cached banks are rebuilt
BLANK = "____"
STEM_CONTEXT = 90  # characters of the sentence shown around a blank; longer sentences are cut at clause breaks
QUOTE_MAX = 6000  # a list whose quote would run longer is a whole section, not a list to recall
LIST_MEMBER_MAX = 16  # members longer than this are arguments: asked as order and which-is-not, not recalled
WHICH_DOC_PER_DOC = 12  # which-document items per document: enough variety without drowning the other kinds
SENTENCE_MIN, SENTENCE_MAX = 18, 110  # a which-document sentence long enough to be distinctive, short to read
# Quotation marks a speaker puts around the other side's words (苏修打着“社会主义”、“和平合作”的旗号; 所谓“民主派”)
# mark a disowned word, not a formulation to learn.
SCARE_QUOTES = re.compile(r"所谓|打着|旗号|幌子|帽子")


@dataclass
class _Context:
    """What every item builder needs: the document, its facts, its label, the corpus-wide pools."""

    facts: DocumentFacts
    label: str
    pool: DistractorPool
    docs: Sequence[QuizDocument]
    labels: dict[str, str]
    known_terms: frozenset[str]

    @property
    def doc(self) -> QuizDocument:
        return self.facts.doc


def generate(docs: Sequence[QuizDocument]) -> list[QuizItem]:
    """Every item the documents give, deduplicated, with choice positions balanced."""
    facts = [DocumentFacts(d) for d in docs]
    pool = DistractorPool(facts)
    labels = {d.doc_id: document_label(d) for d in docs}
    known = _recurring_terms(facts)
    items: dict[str, QuizItem] = {}
    seen_questions: set[tuple[str, str]] = set()
    for f in facts:
        context = _Context(f, labels[f.doc.doc_id], pool, docs, labels, known)
        for item in _document_items(context):
            question = (item.kind, plain(item.question))
            if item.id in items or question in seen_questions:
                continue  # the same sentence twice in one document makes one item
            items[item.id] = item
            seen_questions.add(question)
    return balance_positions(list(items.values()))


def _document_items(c: _Context) -> Iterator[QuizItem]:
    for enumeration in c.facts.enumerations:
        yield from _enumeration_items(c, enumeration)
    for figure in c.facts.figures:
        yield from _figure_items(c, figure)
    yield from _term_items(c)
    yield from _definition_items(c)
    yield from _which_doc_items(c)


def item_id(kind: str, doc: str, *spans: object) -> str:
    """The fingerprint of an item: its kind, document and spans."""
    return hashlib.sha1("|".join(map(str, (kind, doc, *spans))).encode("utf-8")).hexdigest()[:12]


def _source(c: _Context, start: int, end: int) -> Source:
    return Source(c.doc.doc_id, c.doc.title, c.doc.date, start, end, c.facts.text[start:end])


def _item(
    c: _Context,
    kind: str,
    question: str,
    keys: Sequence[tuple[int, int]],
    source: Source,
    options: Sequence[str] | None = None,
    context: Source | None = None,
    answer: Sequence[str] = (),
) -> QuizItem:
    """An item whose keys are the document text at the given spans (or `answer` for which-document items)."""
    text = c.facts.text
    answer = tuple(answer) or tuple(text[s:e] for s, e in keys)
    about = (context.doc, context.start, context.end) if context else ()
    id_ = item_id(kind, source.doc, source.start, source.end, *keys, *about)
    return QuizItem(
        id_,
        kind,
        question,
        answer,
        tuple(options) if options else None,
        source,
        tuple(keys),
        c.doc.genre,
        c.doc.year,
        context,
    )


# ---------- stems ----------


def _cloze(text: str, sentence: tuple[int, int], blanks: Sequence[tuple[int, int]]) -> str:
    """The sentence around the blanks (cut at clause breaks when long), with each blank span as ____."""
    start, end = _window(text, sentence, blanks[0][0], blanks[-1][1])
    pieces: list[str] = []
    last = start
    for s, e in blanks:
        pieces += [text[last:s], BLANK]
        last = e
    pieces.append(text[last:end])
    body = "".join(pieces).strip().lstrip("—").strip()
    return ("……" if start > sentence[0] else "") + body + ("……" if end < sentence[1] else "")


def _window(text: str, sentence: tuple[int, int], focus_start: int, focus_end: int) -> tuple[int, int]:
    """The clauses of the sentence around the focus, added right then left while they fit in STEM_CONTEXT."""
    start, end = sentence
    if end - start <= STEM_CONTEXT + (focus_end - focus_start):
        return start, end
    breaks = [i + 1 for i in range(start, end - 1) if text[i] in "，,；;：:"]
    left = max([b for b in breaks if b <= focus_start], default=start)
    right = min([b for b in breaks if b >= focus_end], default=end)
    while True:
        wider_right = min([b for b in breaks if b > right], default=end)
        wider_left = max([b for b in breaks if b < left], default=start)
        if right < end and wider_right - left <= STEM_CONTEXT:
            right = wider_right
        elif left > start and right - wider_left <= STEM_CONTEXT:
            left = wider_left
        else:
            return left, right


def _quoted(label: str, body: str) -> str:
    return f"{label}：“{body}”"


# ---------- enumerations ----------


def _enumeration_items(c: _Context, enumeration: Enumeration) -> Iterator[QuizItem]:
    """List recall (short members), order and which-is-not items from one complete enumeration of 3+ members."""
    members = enumeration.members
    too_long = enumeration.end - enumeration.lead_start > QUOTE_MAX
    if len(members) < 3 or not enumeration.complete or not enumeration.announced or too_long:
        return
    source = _source(c, enumeration.lead_start, enumeration.end)
    spans = [(m.start, m.end) for m in members]
    intro = _list_intro(c, enumeration)
    if intro is None:
        return
    if len(members) <= 8 and all(len(m.text) <= LIST_MEMBER_MAX for m in members):
        ask = f"请写出这{to_cn(len(members))}项（按原文，每项一个短语）。"
        yield _item(c, LIST, f"{intro}{ask}", spans, source)
    if len(members) <= 7 and len({plain(m.text) for m in members}) == len(members):
        order = sorted(range(len(members)), key=lambda i: stable_hash(source.start, c.doc.doc_id, i))
        if order == sorted(order):
            order = order[1:] + order[:1]
        shown = [members[i].text for i in order]
        lines = "；".join(f"{'ABCDEFG'[i]}. {t}" for i, t in enumerate(shown))
        yield _item(c, ORDER, f"{intro}请按原文的先后顺序排列：{lines}", spans, source, options=shown)
    outsider = c.pool.outsider(c.doc, enumeration, source.quote)
    if outsider is not None:
        picked = sorted(range(len(members)), key=lambda i: stable_hash(c.doc.doc_id, source.start, "m", i))[:3]
        options = [members[i].text for i in sorted(picked)] + [outsider.member.text]
        other = outsider.enumeration
        key_source = Source(
            outsider.doc.doc_id,
            outsider.doc.title,
            outsider.doc.date,
            other.lead_start,
            other.end,
            outsider.doc.text[other.lead_start : other.end],
        )
        question = f"{intro}下列哪一项不在其中？"
        id_keys = [(outsider.member.start, outsider.member.end)]
        item = _item(
            c, NOT_IN_LIST, question, id_keys, key_source, options, context=source, answer=[outsider.member.text]
        )
        yield item


def _list_intro(c: _Context, enumeration: Enumeration) -> str | None:
    """How a list question introduces its list without showing the members: the lead-in sentence for 一是/第一 runs,
    the sentence with the members blanked for counted lists."""
    text = c.facts.text
    n = to_cn(len(enumeration.members))
    if enumeration.style == "counted":
        sentence = c.facts.sentence_at(enumeration.lead_start)
        blanks = [(m.start, m.end) for m in enumeration.members]
        return _quoted(c.label, _cloze(text, sentence, blanks)) + f"横线处依次是{n}项。"
    lead = text[enumeration.lead_start : enumeration.lead_end].strip()
    if len(lead) < 6:
        return None  # without a lead-in the question cannot say which list it means
    marker = "一是、二是……" if enumeration.style == "ordinal" else "第一、第二……"
    if len(lead) > STEM_CONTEXT:
        lead = "……" + lead[-STEM_CONTEXT:]
    return _quoted(c.label, lead) + f"原文随后用“{marker}”列出了{n}项。"


# ---------- figures ----------


def _figure_items(c: _Context, figure: Figure) -> Iterator[QuizItem]:
    """A fill-in item for the figure and, when the corpus has three safely wrong figures of its kind, a choice."""
    text = c.facts.text
    key = text[figure.key_start : figure.key_end]
    if text.count(key, *figure.sentence) > 1:
        return  # the same figure twice in the sentence: the blank would be given away
    source = _source(c, *figure.sentence)
    stem = _quoted(c.label, _cloze(text, figure.sentence, [(figure.key_start, figure.key_end)]))
    spans = [(figure.key_start, figure.key_end)]
    yield _item(c, NUMBER, f"{stem}横线处的数字是多少？", spans, source)
    distractors = c.pool.figure_options(c.doc, figure, key, source.quote)
    if distractors:
        yield _item(c, NUMBER_CHOICE, f"{stem}横线处应是哪一项？", spans, source, options=[key, *distractors])


# ---------- formulations ----------


def _recurring_terms(facts: Sequence[DocumentFacts]) -> frozenset[str]:
    """Quoted formulations the corpus uses in two or more documents: set phrases, not one-off quotations."""
    seen: dict[str, set[str]] = {}
    for f in facts:
        for term in f.terms:
            seen.setdefault(plain(f.text[term.start : term.end]), set()).add(f.doc.doc_id)
    return frozenset(t for t, d in seen.items() if len(d) >= 2)


def _is_formulation(c: _Context, term: Term) -> bool:
    """A set formulation: short, recurring across documents or numbered (“四个意识”), not the whole sentence, not
    in scare quotes, and not named by the stem itself (a title line repeats the document's name)."""
    written = c.facts.text[term.start : term.end]
    numbered = any(ch in DIGITS + "十两" for ch in written)
    sentence_len = term.sentence[1] - term.sentence[0]
    clause = _clause(c.facts.text, term.sentence, term.start, term.end)
    return (
        2 <= len(written) <= 12
        and (numbered or plain(written) in c.known_terms)
        and sentence_len - len(written) >= 12
        and not SCARE_QUOTES.search(clause)
        and plain(written) not in plain(c.label)
    )


def _clause(text: str, sentence: tuple[int, int], start: int, end: int) -> str:
    """The clause around a span: from the comma before it to the comma after it, within the sentence."""
    left = max(text.rfind(mark, sentence[0], start) for mark in "，,；;：:")
    right = min([i for i in (text.find(mark, end, sentence[1]) for mark in "，,；;") if i >= 0], default=sentence[1])
    return text[max(left + 1, sentence[0]) : right]


def _term_items(c: _Context) -> Iterator[QuizItem]:
    """Fill in a quoted formulation, at most twice per formulation and document."""
    text = c.facts.text
    asked: dict[str, int] = {}
    for term in c.facts.terms:
        written = text[term.start : term.end]
        if not _is_formulation(c, term) or text.count(written, *term.sentence) > 1:
            continue
        if asked.get(written, 0) >= 2:
            continue
        asked[written] = asked.get(written, 0) + 1
        stem = _quoted(c.label, _cloze(text, term.sentence, [(term.start, term.end)]))
        source = _source(c, *term.sentence)
        yield _item(c, TERM, f"{stem}横线处（引号内）是什么提法？", [(term.start, term.end)], source)


def _definition_items(c: _Context) -> Iterator[QuizItem]:
    """“X”，即Y: what X means, answered by Y."""
    for d in c.facts.definitions:
        source = _source(c, d.start, d.end)
        question = f"{c.label}中，“{d.term}”指的是什么？"
        yield _item(c, DEFINITION, question, [(d.body_start, d.body_end)], source)


# ---------- which document ----------


def _names_its_document(sentence: str) -> bool:
    """A sentence naming a year, a province or a congress gives its document away."""
    return bool(years_in(sentence) or provinces_in(sentence) or congress_ordinals(sentence))


def _which_doc_items(c: _Context) -> Iterator[QuizItem]:
    """Which document said a distinctive sentence with a figure: options are the same genre's nearest documents."""
    made = 0
    used: set[tuple[int, int]] = set()
    for figure in c.facts.figures:
        start, end = figure.sentence
        sentence = c.facts.text[start:end].strip()
        fits = SENTENCE_MIN <= len(sentence) <= SENTENCE_MAX
        if figure.sentence in used or not fits or _names_its_document(sentence):
            continue
        used.add(figure.sentence)
        others = look_alike_documents(c.doc, c.docs, sentence, c.labels)
        if others is None:
            continue
        options = [c.label, *(c.labels[d.doc_id] for d in others)]
        question = f"“{sentence.lstrip('—')}”这句话出自哪一份文件？"
        yield _item(c, WHICH_DOC, question, [], _source(c, start, end), options, answer=[c.label])
        made += 1
        if made >= WHICH_DOC_PER_DOC:
            return
