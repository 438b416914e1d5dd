"""The quiz's contracts: a document to quiz on, a quiz item with its source, a grade. Every other module passes these.

An item's keys are exact spans of its source quote (the source is what proves the answer); `key_spans` holds their
offsets in the document. A which-document item is the one exception: its key is the document itself, so its spans
are empty and its quoted sentence is the source.
"""

from __future__ import annotations

from dataclasses import dataclass

# Kinds of item, each made from one structure of the documents.
LIST = "list"  # recall the members of an enumeration
NOT_IN_LIST = "not_in_list"  # which option is NOT a member (choice)
ORDER = "order"  # put the members in the source's order
NUMBER = "number"  # fill in a figure with its subject
NUMBER_CHOICE = "number_choice"  # the same figure, among figures from other reports
TERM = "term"  # fill in a quoted set formulation
DEFINITION = "definition"  # what a quoted formulation means (“X”，即Y)
WHICH_DOC = "which_doc"  # which document said this sentence (choice among look-alike documents)
KINDS = (LIST, NOT_IN_LIST, ORDER, NUMBER, NUMBER_CHOICE, TERM, DEFINITION, WHICH_DOC)
CHOICE_KINDS = (NOT_IN_LIST, NUMBER_CHOICE, WHICH_DOC)
LIST_KINDS = (LIST, ORDER)
KIND_NAMES = {
    LIST: "列举",
    NOT_IN_LIST: "辨析",
    ORDER: "排序",
    NUMBER: "数字填空",
    NUMBER_CHOICE: "数字选择",
    TERM: "提法填空",
    DEFINITION: "提法含义",
    WHICH_DOC: "出处",
}


@dataclass(frozen=True)
class QuizDocument:
    """A document as the quiz sees it: the stored text (what offsets point into) and what names it."""

    doc_id: str
    title: str
    speaker: str
    date: str
    year: int
    genre: str
    text: str


@dataclass(frozen=True)
class Source:
    """Where an answer is written: a document and a span of its text, quoted exactly."""

    doc: str
    title: str
    date: str
    start: int
    end: int
    quote: str


@dataclass(frozen=True)
class QuizItem:
    """One question with its key, options (choice and order items) and source."""

    id: str
    kind: str
    question: str
    answer: tuple[str, ...]  # one key, or the members of a list in their source order
    options: tuple[str, ...] | None
    source: Source
    key_spans: tuple[tuple[int, int], ...]  # document offsets of each key; empty for which_doc
    genre: str
    year: int
    context: Source | None = None  # not_in_list: the enumeration the question is about (the key is elsewhere)

    @property
    def doc(self) -> str:
        """The document the question is about (a which-is-not item's key comes from another document)."""
        return self.context.doc if self.context else self.source.doc

    @property
    def is_list(self) -> bool:
        return self.kind in LIST_KINDS

    @property
    def public_answer(self) -> str | list[str]:
        """The answer as the JSON contract writes it: a string, or a list of strings for list items."""
        return list(self.answer) if self.is_list else self.answer[0]


@dataclass(frozen=True)
class Grade:
    """How an answer compares with the key: which parts were right, missed or extra, and a score in 0..1."""

    item_id: str
    correct: bool
    score: float
    right: tuple[str, ...]
    missed: tuple[str, ...]
    extra: tuple[str, ...]
    expected: tuple[str, ...]
    note: str = ""  # one line saying why, e.g. "数值相同，单位省略"
