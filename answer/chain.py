"""The answer chain: question → (standalone rewrite) → hybrid retrieval → LLM draft → verified citations.

The model drafts plain Chinese from the passages; code decides what is shown: only clauses a passage verifiably
contains, each with its [n], and a fixed polite refusal when the evidence does not answer the question.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace

from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser

from answer.answerability import FocusChecker, numbers_anchored, years_consistent
from answer.attribution import AttributedClause, attribute, consolidate
from answer.render import render
from answer.types import Answer, AnswerContext, DraftEvent, Event, FinalEvent, Part, Turn, combined_draft
from config import Settings
from prompts import load_prompt
from retrieval.hybrid import MAX_COMPARED, HybridSearcher, SearchResult
from retrieval.query import QueryIntent
from retrieval.types import Passage, SearchFilters
from zhtext.frames import ASKS_COMPARISON
from zhtext.normalize import Normalized

REFUSAL = "抱歉，现有资料中没有找到能回答这个问题的内容，因此无法作答。"
EMPTY_QUESTION = "请先输入一个问题，例如：2019年政府工作报告提出的国内生产总值增长预期目标是多少？"
MAX_QUESTION_CHARS = 500
TOO_LONG = f"问题太长了（超过{MAX_QUESTION_CHARS}字）。请把问题精简成一两句话再问。"
_NO_ANSWER = "无法回答"
RETRIEVED_SHOWN = 10  # ranked passages reported with every answer (recall@10 needs ten)


def format_passages(passages: Sequence[Passage], best_last: bool) -> str:
    """Numbered passages with the document title and date, so the model can tell one year's report from another.

    With best_last the best passage stands right before the question, where a small model looks most.
    """
    numbered = [f"[{i}]《{p.title}》（{p.date or '日期不详'}）\n{p.text}" for i, p in enumerate(passages, 1)]
    return "\n\n".join(reversed(numbered) if best_last else numbered)


def context_of(
    question: str, standalone: str, intent: QueryIntent, retrieved: list[Passage], parts: list[Part], qid: str = ""
) -> AnswerContext:
    """The verification context of a question: the one constructor the chain and eval/reverify share."""
    return AnswerContext(
        question=question,
        standalone_question=standalone,
        search_query=intent.content or standalone,
        retrieved=retrieved,
        parts=parts,
        named_documents=sorted(intent.doc_ids or ()),
        missing_documents=list(intent.missing),
        id=qid,
    )


class AnswerChain:
    """Runs questions through retrieval and the model; the CLI, the app and the evaluation share it."""

    def __init__(self, searcher: HybridSearcher, settings: Settings, llm: BaseChatModel | None = None) -> None:
        self.searcher = searcher
        self.settings = settings
        self._llm = llm
        self._llm_lock = threading.Lock()  # the app's warm-up thread and the first question may both ask for it
        self.focus = FocusChecker(lambda: [c.text for c in searcher.index.store.all_chunks()])

    @property
    def llm(self) -> BaseChatModel:
        with self._llm_lock:
            if self._llm is None:
                from models.llm import get_chat_model

                self._llm = get_chat_model(self.settings)
            return self._llm

    def standalone(self, question: str, history: Sequence[Turn]) -> str:
        """Rewrite a follow-up into a standalone question (only when there is a conversation)."""
        if not history:
            return question
        turns = "\n".join(f"用户：{t.question}\n助手：{t.answer}" for t in history[-3:])
        chain = load_prompt("condense").template() | self.llm | StrOutputParser()
        rewritten = chain.invoke({"history": turns, "question": question}).strip().splitlines()
        return rewritten[0].strip() if rewritten and rewritten[0].strip() else question

    def stream(
        self, question: str, history: Sequence[Turn] = (), filters: SearchFilters = SearchFilters(), qid: str = ""
    ) -> Iterator[Event]:
        """DraftEvents while the model writes, then one FinalEvent with the verified answer."""
        started = time.perf_counter()
        question = (question or "").strip()
        if not question or len(question) > MAX_QUESTION_CHARS:
            message, reason = (EMPTY_QUESTION, "empty question") if not question else (TOO_LONG, "question too long")
            empty = AnswerContext(question[:MAX_QUESTION_CHARS], "", "", [], [], id=qid)
            yield FinalEvent(Answer(empty, message, True, [], {"total_ms": 0.0}, reason))
            return
        standalone = self.standalone(question, history)
        result = self.searcher.search(standalone, max(RETRIEVED_SHOWN, self.settings.answer_passages), filters)
        context = context_of(question, standalone, result.intent, result.passages, self.parts(result), qid)
        timings = {"retrieve_ms": result.timings["retrieve_ms"]}
        if result.intent.missing and result.intent.doc_ids is None:
            reason = f"语料库中没有{'、'.join(result.intent.missing)}"
            yield FinalEvent(self._refusal(context, timings, started, reason))
            return
        if not context.parts:
            yield FinalEvent(self._refusal(context, timings, started, "没有检索到相关段落"))
            return
        generate_started = time.perf_counter()
        yield from self._draft(context, timings, started)
        timings["generate_ms"] = (time.perf_counter() - generate_started) * 1000
        yield FinalEvent(self.verify(context, timings, started))

    def _draft(self, context: AnswerContext, timings: dict[str, float], started: float) -> Iterator[DraftEvent]:
        """Let the model write each part's draft from that part's passages."""
        prompt = load_prompt("answer")
        chain = prompt.template() | self.llm | StrOutputParser()
        for part in context.parts:
            passages = [context.retrieved[i] for i in part.passages]
            scope = "\n" + prompt.extra["scope"].format(label=part.label) if part.label else ""
            asked = (
                ASKS_COMPARISON.sub("是怎样表述的", context.standalone_question)
                if part.label
                else context.standalone_question
            )
            for piece in chain.stream(
                {
                    "passages": format_passages(passages, self.settings.best_passage_last),
                    "question": asked,
                    "scope": scope,
                }
            ):
                if "first_token_ms" not in timings and piece:
                    timings["first_token_ms"] = (time.perf_counter() - started) * 1000
                part.draft += piece
                yield DraftEvent(combined_draft(context.parts))

    def parts(self, result: SearchResult) -> list[Part]:
        """Which retrieved passages go to the model: the best few, or the best of each document the question names.

        Passages far below the best one are mostly distractors that cost prompt time (measured: eval/README.md).
        """
        ranked, keep = result.passages, self.settings.min_relative_score
        named = sorted(
            {p.doc for p in ranked if result.intent.doc_ids and p.doc in result.intent.doc_ids},
            key=lambda d: next(p.date for p in ranked if p.doc == d),
        )
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

    def answer(
        self, question: str, history: Sequence[Turn] = (), filters: SearchFilters = SearchFilters(), qid: str = ""
    ) -> Answer:
        final = None
        for event in self.stream(question, history, filters, qid):
            if isinstance(event, FinalEvent):
                final = event.answer
        assert final is not None
        return final

    def verified_clauses(self, context: AnswerContext) -> list[AttributedClause]:
        """Each part's clauses that a passage verifiably holds, cited to the retrieved passages' indices."""
        about = context.search_query or context.standalone_question
        kept: list[AttributedClause] = []
        for part in context.parts:
            if _declined(part.draft):
                continue
            passages = [context.retrieved[i] for i in part.passages]
            found = [
                c
                for c in attribute(
                    part.draft,
                    context.standalone_question,
                    passages,
                    lambda facts, p: numbers_anchored(about, facts, p),
                )
                if c.passages
            ]
            if all(c.lead_in for c in found):  # nothing, or only the introduction of a list, survived
                continue
            if part.label:
                kept.append(AttributedClause(("\n" if kept else "") + part.label + "："))
            kept += [
                replace(c, passages=[replace(s, passage=part.passages[s.passage]) for s in c.passages])
                for c in consolidate(found, passages)
            ]
        return kept

    def verify(self, context: AnswerContext, timings: dict[str, float], started: float) -> Answer:
        """Keep what the passages verifiably say; abstain when that does not answer the question."""
        about = context.search_query or context.standalone_question
        kept = self.verified_clauses(context)
        if not kept:
            declined = all(_declined(p.draft) for p in context.parts)
            reason = "模型判断资料不足以回答" if declined else "回答中没有能在资料中核实的内容"
            return self._refusal(context, timings, started, reason)
        cited = [context.retrieved[s.passage] for c in kept for s in c.passages]
        # Years that name a document ("2019年政府工作报告") were used to pick it; those in what is asked must hold for
        # every passage from a document the question did not name.
        unnamed = [p for p in cited if p.doc not in context.named_documents]
        if not years_consistent(about, unnamed):
            return self._refusal(context, timings, started, "引用段落与问题所问的年份不符")
        coverage = self.focus.coverage(about, cited)
        if coverage < self.settings.min_focus_coverage:
            return self._refusal(context, timings, started, f"引用段落未涉及问题的关键内容（覆盖率{coverage:.2f}）")
        text, citations = render(kept, context.retrieved)
        timings["total_ms"] = (time.perf_counter() - started) * 1000
        return Answer(context, text, False, citations, timings)

    def _refusal(self, context: AnswerContext, timings: dict[str, float], started: float, reason: str) -> Answer:
        timings["total_ms"] = (time.perf_counter() - started) * 1000
        return Answer(context, REFUSAL, True, [], timings, reason)


def _declined(draft: str) -> bool:
    """The model said the passages do not answer (or wrote nothing)."""
    return not draft.strip() or _NO_ANSWER in Normalized.of(draft).text[:12]
