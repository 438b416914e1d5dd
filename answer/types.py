"""The answer stage's contracts: what the model was given (parts), what the user is shown (an answer with its
citations), what streams in between (events), and what verification needs to know about a question (context)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace

from retrieval.types import Passage


@dataclass
class Part:
    """The model's draft from some of the retrieved passages: all of the prompt for an ordinary question, one
    document's for a question that names several (a 1.5B model given two reports answers from one of them)."""

    label: str  # "" or the document the part is about, shown above its sentences
    passages: list[int]  # indices into the retrieved passages
    draft: str = ""
    cut: str = ""  # why the draft was cut before the model ended it: "time" or "repetition" (answer/limits.py)


@dataclass(frozen=True)
class Citation:
    """A cited passage: `marker` is the n of [n]; the quote is document text[quote_start:quote_end]."""

    marker: int
    doc: str
    title: str
    date: str
    section: str
    start: int  # the passage's offsets in the document
    end: int
    text: str
    quote: str
    quote_start: int  # the quote's offsets in the document
    quote_end: int
    speaker: str = ""

    @classmethod
    def of(cls, marker: int, p: Passage, quote_start: int, quote_end: int) -> Citation:
        """Citation of passage p with the quote at passage offsets quote_start:quote_end."""
        return cls(
            marker,
            p.doc,
            p.title,
            p.date,
            p.section,
            p.start,
            p.end,
            p.text,
            p.text[quote_start:quote_end],
            p.start + quote_start,
            p.start + quote_end,
            p.speaker,
        )


@dataclass
class AnswerContext:
    """What verifying the drafts of one question needs: built the same way by the chain and by eval/reverify."""

    question: str  # as the user asked it
    standalone_question: str  # after rewriting a follow-up
    search_query: str  # what is asked, without the names of the documents it names
    retrieved: list[Passage]
    parts: list[Part]
    named_documents: list[str] = field(default_factory=list)
    missing_documents: list[str] = field(default_factory=list)
    id: str = ""
    about: str = ""  # what the cited text must address; "" = search_query (a follow-up: its own words)
    search_text: str = ""  # the text handed to the search (a follow-up: joined to the previous question)
    # The question asks each of its named documents (retrieval/query.QueryIntent.several); when not, two documents
    # that one occasion matched were drafted from in turn, and the answer comes from the one that addresses it.
    asks_each: bool = True

    @property
    def addressed(self) -> str:
        """What the cited text must address: `about`, else what is asked without its document names."""
        return self.about or self.search_query or self.standalone_question

    @property
    def previous(self) -> str:
        """A follow-up's previous question ("" for a question asked on its own): the search joins it before `about`."""
        if not self.about or not self.search_text.endswith(self.about):
            return ""
        return self.search_text[: -len(self.about)].strip()


# What a check decided (Verdict.decision): about one clause, one document's part, or the whole answer.
KEPT, DROPPED, ADDED, PASSED, REFUSED = "kept", "dropped", "added", "passed", "refused"


@dataclass(frozen=True)
class Verdict:
    """One decision of one named check (answer/verify.py): what it decided about which clause, and why.

    `reason_code` is stable for scripts (the eval report counts refusals by it); `evidence` says in a line what
    the check saw (a coverage, a year, the passage it found)."""

    check: str
    decision: str
    reason_code: str
    clause: str = ""
    evidence: str = ""

    @property
    def verified(self) -> bool:
        """Whether the clause is text a check verified: a clause attribution dropped is the model's unverified
        words, which leave the product only in debug output."""
        return not (self.check == "attribution" and self.decision == DROPPED)


@dataclass
class Answer:
    """A finished answer; `public()` is the JSON shape of `speechqa ask --json` and of evaluation runs."""

    context: AnswerContext
    answer: str
    abstained: bool
    citations: list[Citation]
    timings: dict[str, float]
    reason: str = ""  # why it abstained, in words a user reads
    reason_code: str = ""  # the deciding check's code when it abstained (answer/verify.py REASONS)
    trace: list[Verdict] = field(default_factory=list)  # every check's decisions, in order

    @property
    def decided_by(self) -> str:
        """The check whose verdict refused the answer ("" when it was answered)."""
        return next((v.check for v in reversed(self.trace) if v.decision == REFUSED), "") if self.abstained else ""

    @property
    def question(self) -> str:
        return self.context.question

    @property
    def retrieved(self) -> list[Passage]:
        return self.context.retrieved

    @property
    def parts(self) -> list[Part]:
        return self.context.parts

    @property
    def draft(self) -> str:
        """What the model wrote, as it streamed."""
        return combined_draft(self.context.parts)

    def public(self, debug: bool = False) -> dict:
        """What the product verified: the answer, its citations, the ranked passages and the trace of every check.
        The model's unverified draft is evaluation data, never an answer: only with debug (eval runs, `--debug`)."""
        c = self.context
        shown = {
            "id": c.id,
            "question": c.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [asdict(x) for x in self.citations],
            "retrieved": [p.public() for p in c.retrieved],
            "timings": {k: round(v, 1) for k, v in self.timings.items()},
            "reason": self.reason,
            "reason_code": self.reason_code,
            "decided_by": self.decided_by,
            "trace": [asdict(v if debug or v.verified else replace(v, clause="")) for v in self.trace],
            "standalone_question": c.standalone_question,
            "search_query": c.search_query,
            "search_text": c.search_text,
            "about": c.about,
            "missing_documents": c.missing_documents,
            "named_documents": c.named_documents,
        }
        if debug:
            shown |= {"draft": self.draft, "parts": [asdict(p) for p in c.parts]}
        return shown


@dataclass(frozen=True)
class Turn:
    """One earlier turn of a conversation, as a follow-up needs it."""

    question: str  # as asked
    answer: str  # as shown
    standalone_question: str = ""  # what was actually searched for
    named_documents: tuple[str, ...] = ()  # the documents the question named
    cited_documents: tuple[str, ...] = ()  # the documents the answer cited

    @classmethod
    def of(cls, answer: Answer) -> Turn:
        c = answer.context
        cited = tuple(dict.fromkeys(x.doc for x in answer.citations))
        return cls(c.question, answer.answer, c.search_text or c.standalone_question, tuple(c.named_documents), cited)


@dataclass(frozen=True)
class StageEvent:
    """Where the answer is: "检索" (searching), "生成" (the model is reading and writing), "核实" (checking)."""

    stage: str


@dataclass(frozen=True)
class DraftEvent:
    """The model's text so far (all parts), while it writes."""

    text: str


@dataclass(frozen=True)
class FinalEvent:
    """The verified answer; always the last event."""

    answer: Answer


Event = StageEvent | DraftEvent | FinalEvent


def combined_draft(parts: Sequence[Part]) -> str:
    """The model's text as the user watches it stream: each document's part under its label."""
    return "\n\n".join(f"{p.label}：\n{p.draft}" if p.label else p.draft for p in parts if p.draft)
