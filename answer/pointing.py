"""Pointing instead of paraphrasing: the prompt's sentences are numbered and the model answers with numbers.

A 1.5B model's free draft copies a ratio as a:b:c, swaps a user's word for the source's or changes one character in
a list item, and lexical attribution then throws a correct answer away. When the model only names sentences, the
shown text is the source's own by construction and no fuzzy matching is needed; code still decides whether those
sentences answer the question (answer/answerability.py). Output is constrained to JSON by the model runtime.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from answer.attribution import AttributedClause, Support
from retrieval.types import Passage
from zhtext.enumerations import find_enumerations
from zhtext.sentences import sentence_spans

MAX_CHOSEN = 8  # more than this is the model listing everything, not choosing (it did: [1, 2, …, 18])
POINT_MAX_TOKENS = 64  # eight numbers in JSON; a bound on generation time whatever the grammar allows
# What the model may output: {"sentences": [3, 7]}; llama.cpp turns the schema into a grammar.
CHOICE_SCHEMA = {
    "type": "object",
    "properties": {"sentences": {"type": "array", "items": {"type": "integer"}, "maxItems": MAX_CHOSEN}},
    "required": ["sentences"],
}


@dataclass(frozen=True)
class Sentence:
    """A numbered sentence of the prompt: passage index and offsets in that passage's text."""

    n: int
    passage: int
    start: int
    end: int


def number_sentences(passages: Sequence[Passage]) -> list[Sentence]:
    """Every sentence of the passages, numbered from 1 in passage order (one number per sentence, line by line)."""
    sentences: list[Sentence] = []
    for i, p in enumerate(passages):
        for line in re.finditer(r"[^\n]+", p.text):
            for start, end in sentence_spans(p.text, line.start(), line.end()):
                if p.text[start:end].strip():
                    sentences.append(Sentence(len(sentences) + 1, i, start, end))
    return sentences


def format_numbered(passages: Sequence[Passage], best_last: bool) -> str:
    """Each passage under its title and date, every sentence prefixed with its number 〔n〕."""
    sentences = number_sentences(passages)
    blocks = []
    for i, p in enumerate(passages):
        body = "".join(f"〔{s.n}〕{p.text[s.start : s.end].strip()}" for s in sentences if s.passage == i)
        blocks.append(f"《{p.title}》（{p.date or '日期不详'}）\n{body}")
    return "\n\n".join(reversed(blocks) if best_last else blocks)


def chosen_numbers(output: str) -> list[int]:
    """The sentence numbers the model chose, in its order, without repeats; [] when it chose none."""
    try:
        value = json.loads(output).get("sentences", [])
        numbers = [int(n) for n in value if isinstance(n, int | float | str) and str(n).strip().isdigit()]
    except (ValueError, AttributeError, TypeError):
        numbers = [int(n) for n in re.findall(r"\d+", output)]  # a server that ignored the schema
    return list(dict.fromkeys(numbers))[:MAX_CHOSEN]


def pointed_clauses(output: str, passages: Sequence[Passage], complete_lists: bool) -> list[AttributedClause]:
    """The chosen sentences as attributed clauses (each the source's own text), in the documents' order; with
    complete_lists, an enumeration a chosen sentence belongs to is completed from its passage."""
    sentences = {s.n: s for s in number_sentences(passages)}
    chosen = [sentences[n] for n in chosen_numbers(output) if n in sentences]
    if complete_lists:
        chosen = _with_whole_enumerations(chosen, list(sentences.values()), passages)
    chosen.sort(key=lambda s: s.n)
    return [
        AttributedClause(passages[s.passage].text[s.start : s.end], [Support(s.passage, 1.0, s.start, s.end)])
        for s in chosen
    ]


def _with_whole_enumerations(
    chosen: list[Sentence],
    every: list[Sentence],
    passages: Sequence[Passage],
) -> list[Sentence]:
    """Add the sentences of each enumeration (一是…二是…, 第一…第二…, A、B、C三大X) a chosen sentence is part of:
    a small model picks the first items of a list and stops."""
    extra: set[int] = set()
    for s in chosen:
        text = passages[s.passage].text
        for e in find_enumerations(text):
            if e.members and e.start < s.end and s.start < e.end:
                extra |= {o.n for o in every if o.passage == s.passage and o.start < e.end and o.end > e.start}
    return chosen + [o for o in every if o.n in extra and o not in chosen]
