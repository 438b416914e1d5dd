"""The answer chain: question → (standalone rewrite) → hybrid retrieval → LLM draft → verified citations.

The model drafts plain Chinese from the passages; code decides what is shown: only clauses a passage verifiably
contains, each with its [n], and a fixed polite refusal when the evidence does not answer the question.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace

from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser

from answer.attribution import AttributedClause, Normalized, attribute, consolidate, source_span
from answer.answerability import FocusChecker, numbers_anchored, years_consistent
from config import Settings
from prompts import load_prompt
from retrieval.hybrid import MAX_COMPARED, HybridSearcher, Passage, SearchFilters, SearchResult

REFUSAL = "抱歉，现有资料中没有找到能回答这个问题的内容，因此无法作答。"
EMPTY_QUESTION = "请先输入一个问题，例如：2019年政府工作报告提出的国内生产总值增长预期目标是多少？"
MAX_QUESTION_CHARS = 500
TOO_LONG = f"问题太长了（超过{MAX_QUESTION_CHARS}字）。请把问题精简成一两句话再问。"
_NO_ANSWER = "无法回答"
# One document cannot say whether it agrees with another: each part is asked what its document says instead (a
# 1.5B model asked "是否一致" of one report answers "是" and nothing a citation could hold).
_COMPARING = re.compile(r"(?:是否|有没有)(?:一致|相同|不同|变化)|有(?:什么|何)(?:不同|区别|差别|变化)|(?:区别|差别|不同)(?:是什么|在哪里?)")
RETRIEVED_SHOWN = 10  # ranked passages reported with every answer (recall@10 needs ten)


@dataclass
class Part:
    """The model's draft from some of the retrieved passages: all of the prompt for an ordinary question, one
    document's for a question that names several (a 1.5B model given two reports answers from one of them)."""

    label: str  # "" or the document the part is about, shown above its sentences
    passages: list[int]  # indices into the retrieved passages
    draft: str = ""


@dataclass
class Answer:
    """A finished answer; `public()` is the JSON shape of `speechqa ask --json` and of evaluation runs."""

    question: str
    answer: str
    abstained: bool
    citations: list[dict]
    retrieved: list[Passage]
    timings: dict[str, float]
    id: str = ""
    reason: str = ""
    standalone_question: str = ""
    missing_documents: list[str] = field(default_factory=list)
    named_documents: list[str] = field(default_factory=list)  # the documents the question itself names
    parts: list[Part] = field(default_factory=list)  # what the model was given and wrote, one part per document asked about
    search_query: str = ""  # what was searched for: the question without the names of the documents it names

    @property
    def draft(self) -> str:
        """What the model wrote, as it streamed."""
        return combined_draft(self.parts)

    def public(self) -> dict:
        return {"id": self.id, "question": self.question, "answer": self.answer, "abstained": self.abstained,
                "citations": self.citations, "retrieved": [p.public() for p in self.retrieved],
                "timings": {k: round(v, 1) for k, v in self.timings.items()}, "reason": self.reason,
                "standalone_question": self.standalone_question, "draft": self.draft,
                "parts": [asdict(p) for p in self.parts], "search_query": self.search_query,
                "missing_documents": self.missing_documents, "named_documents": self.named_documents}


def format_passages(passages: Sequence[Passage], best_last: bool) -> str:
    """Numbered passages with the document title and date, so the model can tell one year's report from another.

    With best_last the best passage stands right before the question, where a small model looks most.
    """
    numbered = [f"[{i}]《{p.title}》（{p.date or '日期不详'}）\n{p.text}" for i, p in enumerate(passages, 1)]
    return "\n\n".join(reversed(numbered) if best_last else numbered)


def render(attributed: list[AttributedClause], passages: Sequence[Passage]) -> tuple[str, list[dict]]:
    """Answer text with [n] markers, and the citations they point to (n = position in `citations`).

    Each supported clause is shown as the source sentence that holds it (once, however many clauses point there);
    an entry without passages (a document's label) is shown as it is. A run of sentences from the same passage
    gets one marker at its end; each passage is cited once, its quote spanning all it gave.
    """
    pieces: list[tuple[str, int | None]] = []  # (text, passage index or None for an uncited lead-in)
    shown: set[str] = set()
    spans: dict[int, tuple[int, int]] = {}
    for clause in attributed:
        if not clause.passages:
            pieces.append((clause.text, None))
        for s in clause.passages:
            text = passages[s.passage].text
            lo, hi = source_span(text, s.quote_start, s.quote_end)
            key = Normalized.of(text[lo:hi]).text
            if any(key in seen for seen in shown):
                continue
            shown.add(key)
            old = spans.get(s.passage, (lo, hi))
            spans[s.passage] = (min(old[0], lo), max(old[1], hi))
            pieces.append((text[lo:hi].strip(), s.passage))
    marker_of: dict[int, int] = {}
    citations: list[dict] = []
    parts: list[str] = []
    for i, (text, n) in enumerate(pieces):
        following = pieces[i + 1][1] if i + 1 < len(pieces) else None
        tag = ""
        if n is not None and n != following:
            if n not in marker_of:
                marker_of[n] = len(citations) + 1
                citations.append(_citation(marker_of[n], passages[n], *spans[n]))
            tag = f"[{marker_of[n]}]"
        if n is not None and not text.endswith(("：", ":")):  # a source's own lead-in keeps its colon
            text = re.sub(r"[，,、]$", "", text)
            text = text if re.search(r"[。！？；;!?…][”’」』）)》】]*$", text) else text + "。"
        end = re.search(r"[。！？；;!?]+$", text)
        parts.append(text[: end.start()] + tag + end.group() if end else text + tag)
    text = "".join(_join(parts))
    return (text[:-1] + "。" if text.endswith(("；", ";", "，")) else text), citations


def _join(parts: list[str]) -> list[str]:
    """Clauses split at line breaks were list lines: keep them on their own lines."""
    return [p if i == 0 or parts[i - 1].endswith(("。", "！", "？", "；", ";", "：", ":")) else "\n" + p
            for i, p in enumerate(parts)]


def _citation(marker: int, p: Passage, quote_start: int, quote_end: int) -> dict:
    return {"marker": marker, "doc": p.doc, "title": p.title, "date": p.date, "section": p.section,
            "start": p.start, "end": p.end, "text": p.text, "quote": p.text[quote_start:quote_end],
            "quote_start": p.start + quote_start, "quote_end": p.start + quote_end}


class AnswerChain:
    """Runs questions through retrieval and the model; the CLI, the app and the evaluation share it."""

    def __init__(self, searcher: HybridSearcher, settings: Settings, llm: BaseChatModel | None = None) -> None:
        self.searcher = searcher
        self.settings = settings
        self._llm = llm
        self.focus = FocusChecker(lambda: [c.text for c in searcher.index.store.all_chunks()])

    @property
    def llm(self) -> BaseChatModel:
        if self._llm is None:
            from models.llm import get_chat_model

            self._llm = get_chat_model(self.settings)
        return self._llm

    def standalone(self, question: str, history: Sequence[tuple[str, str]]) -> str:
        """Rewrite a follow-up into a standalone question (only when there is a conversation)."""
        if not history:
            return question
        turns = "\n".join(f"用户：{q}\n助手：{a}" for q, a in history[-3:])
        chain = load_prompt("condense").template() | self.llm | StrOutputParser()
        rewritten = chain.invoke({"history": turns, "question": question}).strip().splitlines()
        return rewritten[0].strip() if rewritten and rewritten[0].strip() else question

    def stream(self, question: str, history: Sequence[tuple[str, str]] = (), filters: SearchFilters = SearchFilters(),
               qid: str = "") -> Iterator[dict]:
        """Events: {"type": "draft", "text"} while the model writes, then one {"type": "final", "answer": Answer}."""
        started = time.perf_counter()
        question = (question or "").strip()
        if not question or len(question) > MAX_QUESTION_CHARS:
            message, reason = (EMPTY_QUESTION, "empty question") if not question else (TOO_LONG, "question too long")
            yield {"type": "final", "answer": Answer(question[:MAX_QUESTION_CHARS], message, True, [], [],
                                                     {"total_ms": 0.0}, qid, reason)}
            return
        standalone = self.standalone(question, history)
        result = self.searcher.search(standalone, max(RETRIEVED_SHOWN, self.settings.answer_passages), filters)
        parts = self.parts(result)
        timings = {"retrieve_ms": result.timings["retrieve_ms"]}
        base = dict(question=question, retrieved=result.passages, id=qid, standalone_question=standalone,
                    missing_documents=result.intent.missing, parts=parts,
                    named_documents=sorted(result.intent.doc_ids or ()), search_query=result.intent.content or standalone)
        if result.intent.missing and result.intent.doc_ids is None:
            reason = f"语料库中没有{'、'.join(result.intent.missing)}"
            yield {"type": "final", "answer": self._refusal(base, timings, started, reason)}
            return
        if not parts:
            yield {"type": "final", "answer": self._refusal(base, timings, started, "没有检索到相关段落")}
            return
        generate_started = time.perf_counter()
        prompt = load_prompt("answer")
        chain = prompt.template() | self.llm | StrOutputParser()
        for part in parts:
            passages = [result.passages[i] for i in part.passages]
            scope = "\n" + prompt.extra["scope"].format(label=part.label) if part.label else ""
            asked = _COMPARING.sub("是怎样表述的", standalone) if part.label else standalone
            for piece in chain.stream({"passages": format_passages(passages, self.settings.best_passage_last),
                                       "question": asked, "scope": scope}):
                if "first_token_ms" not in timings and piece:
                    timings["first_token_ms"] = (time.perf_counter() - started) * 1000
                part.draft += piece
                yield {"type": "draft", "text": combined_draft(parts)}
        timings["generate_ms"] = (time.perf_counter() - generate_started) * 1000
        yield {"type": "final", "answer": self.verify(standalone, parts, result.passages, base, timings, started)}

    def parts(self, result: SearchResult) -> list[Part]:
        """Which retrieved passages go to the model: the best few, or the best of each document the question names.

        Passages far below the best one are mostly distractors that cost prompt time (measured: eval/README.md).
        """
        ranked, keep = result.passages, self.settings.min_relative_score
        named = sorted({p.doc for p in ranked if result.intent.doc_ids and p.doc in result.intent.doc_ids},
                       key=lambda d: next(p.date for p in ranked if p.doc == d))
        if not 2 <= len(named) <= MAX_COMPARED:
            best = max((p.score for p in ranked), default=0.0)
            chosen = [i for i, p in enumerate(ranked[: self.settings.answer_passages]) if p.score >= keep * best]
            return [Part("", chosen)] if chosen else []
        per_document = max(2, self.settings.answer_passages // len(named))
        parts = []
        for doc in named:
            mine = [i for i, p in enumerate(ranked) if p.doc == doc]
            top = ranked[mine[0]]
            label = f"《{top.title.split('——')[-1]}》（{top.date or '日期不详'}）"
            parts.append(Part(label, [i for i in mine if ranked[i].score >= keep * top.score][:per_document]))
        return parts

    def answer(self, question: str, history: Sequence[tuple[str, str]] = (), filters: SearchFilters = SearchFilters(),
               qid: str = "") -> Answer:
        final = None
        for event in self.stream(question, history, filters, qid):
            if event["type"] == "final":
                final = event["answer"]
        assert final is not None
        return final

    def verify(self, question: str, parts: list[Part], ranked: list[Passage], base: dict, timings: dict,
               started: float) -> Answer:
        """Keep what the passages verifiably say; abstain when that does not answer the question."""
        about = base.get("search_query") or question  # what the question asks, without the documents it names
        kept: list[AttributedClause] = []
        for part in parts:
            if _declined(part.draft):
                continue
            passages = [ranked[i] for i in part.passages]
            found = [c for c in attribute(part.draft, question, passages,
                                          lambda facts, p: numbers_anchored(about, facts, p)) if c.passages]
            if all(c.lead_in for c in found):  # nothing, or only the introduction of a list, survived
                continue
            if part.label:
                kept.append(AttributedClause(("\n" if kept else "") + part.label + "："))
            kept += [replace(c, passages=[replace(s, passage=part.passages[s.passage]) for s in c.passages])
                     for c in consolidate(found, passages)]
        if not kept:
            reason = "模型判断资料不足以回答" if all(_declined(p.draft) for p in parts) else "回答中没有能在资料中核实的内容"
            return self._refusal(base, timings, started, reason)
        cited = [ranked[s.passage] for c in kept for s in c.passages]
        # Years that name a document ("2019年政府工作报告") were used to pick it; those in what is asked must hold for
        # every passage from a document the question did not name.
        unnamed = [p for p in cited if p.doc not in base.get("named_documents", [])]
        if not years_consistent(about, unnamed):
            return self._refusal(base, timings, started, "引用段落与问题所问的年份不符")
        coverage = self.focus.coverage(about, cited)
        if coverage < self.settings.min_focus_coverage:
            return self._refusal(base, timings, started, f"引用段落未涉及问题的关键内容（覆盖率{coverage:.2f}）")
        text, citations = render(kept, ranked)
        timings["total_ms"] = (time.perf_counter() - started) * 1000
        return Answer(answer=text, abstained=False, citations=citations, timings=timings, **base)

    def _refusal(self, base: dict, timings: dict, started: float, reason: str) -> Answer:
        timings["total_ms"] = (time.perf_counter() - started) * 1000
        return Answer(answer=REFUSAL, abstained=True, citations=[], timings=timings, reason=reason, **base)


def combined_draft(parts: Sequence[Part]) -> str:
    """The model's text as the user watches it stream: each document's part under its label."""
    return "\n\n".join(f"{p.label}：\n{p.draft}" if p.label else p.draft for p in parts if p.draft)


def _declined(draft: str) -> bool:
    """The model said the passages do not answer (or wrote nothing)."""
    return not draft.strip() or _NO_ANSWER in Normalized.of(draft).text[:12]
