"""The answer chain: question → (standalone rewrite) → hybrid retrieval → LLM draft → verified citations.

The model drafts plain Chinese from the passages; code decides what is shown: only clauses a passage verifiably
contains, each with its [n], and a fixed polite refusal when the evidence does not answer the question.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessageChunk

from answer.answerability import FocusChecker
from answer.conversation import Resolved, resolve
from answer.judge import Judge, load_judge
from answer.limits import cut_reason, cut_words
from answer.types import (
    PASSED,
    REFUSED,
    Answer,
    AnswerContext,
    Citation,
    DraftEvent,
    Event,
    FinalEvent,
    Part,
    StageEvent,
    Turn,
    Verdict,
    combined_draft,
)
from answer.verify import Verifier, reason_words
from config import Settings
from models.servers import ServersBusy
from prompts import load_prompt
from retrieval.hybrid import MAX_COMPARED, HybridSearcher, SearchResult
from retrieval.query import QueryIntent, understand
from retrieval.types import Passage, SearchFilters
from targets.answer import table_answer
from zhtext.frames import ASKS_COMPARISON
from zhtext.normalize import has_words

REFUSAL = "抱歉，现有资料中没有找到能回答这个问题的内容，因此无法作答。"
UNAVAILABLE = "抱歉，现在无法作答。"  # the model servers are busy; the reason says so
EMPTY_QUESTION = "请先输入一个问题，例如：2019年政府工作报告提出的国内生产总值增长预期目标是多少？"
MAX_QUESTION_CHARS = 500
TOO_LONG = f"问题太长了（超过{MAX_QUESTION_CHARS}字）。请把问题精简成一两句话再问。"
RETRIEVED_SHOWN = 10  # ranked passages reported with every answer (recall@10 needs ten)


def format_passages(passages: Sequence[Passage], best_last: bool) -> str:
    """Numbered passages with the document title and date, so the model can tell one year's report from another.

    With best_last the best passage stands right before the question, where a small model looks most.
    """
    numbered = [f"[{i}]《{p.title}》（{p.date or '日期不详'}）\n{p.text}" for i, p in enumerate(passages, 1)]
    return "\n\n".join(reversed(numbered) if best_last else numbered)


def context_of(
    question: str, resolved: Resolved, intent: QueryIntent, retrieved: list[Passage], parts: list[Part], qid: str = ""
) -> AnswerContext:
    """The verification context of a question: the one constructor the chain and eval/reverify share."""
    follow_up = resolved.search != question
    return AnswerContext(
        question=question,
        standalone_question=resolved.question,
        search_query=intent.content or resolved.search,
        about=resolved.about if follow_up else "",
        search_text=resolved.search,
        retrieved=retrieved,
        parts=parts,
        named_documents=sorted(intent.doc_ids or ()),
        missing_documents=list(intent.missing),
        id=qid,
        asks_each=intent.several,
    )


class AnswerChain:
    """Runs questions through retrieval and the model; the CLI, the app and the evaluation share it."""

    def __init__(
        self,
        searcher: HybridSearcher,
        settings: Settings,
        llm: BaseChatModel | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.searcher = searcher
        self.settings = settings
        self._llm = llm
        self.clock = clock  # seconds, for the draft's time limit (tests pass a fake one)
        self._llm_lock = threading.Lock()  # the app's warm-up thread and the first question may both ask for it
        self.focus = FocusChecker(
            lambda: [c.text for c in searcher.index.store.all_chunks()],
            lambda: {d.speaker for d in searcher.documents()},
        )
        self.verifier = Verifier(
            self.focus,
            searcher,
            settings.complete_lists,
            settings.min_list_coverage,
            settings.min_focus_coverage,
        )
        self.judge: Judge | None = load_judge() if settings.answer_judge else None

    @property
    def llm(self) -> BaseChatModel:
        with self._llm_lock:
            if self._llm is None:
                from models.llm import get_chat_model

                self._llm = get_chat_model(self.settings)
            return self._llm

    def stream(
        self, question: str, history: Sequence[Turn] = (), filters: SearchFilters = SearchFilters(), qid: str = ""
    ) -> Iterator[Event]:
        """StageEvents as the answer moves on, DraftEvents while the model writes (draft mode), then one
        FinalEvent with the verified answer."""
        started = time.perf_counter()
        question = (question or "").strip()
        if not has_words(question) or len(question) > MAX_QUESTION_CHARS:  # punctuation alone asks nothing
            long = len(question) > MAX_QUESTION_CHARS
            message, code = (TOO_LONG, "question_too_long") if long else (EMPTY_QUESTION, "empty_question")
            empty = AnswerContext(question[:MAX_QUESTION_CHARS], "", "", [], [], id=qid)
            verdict = Verdict("question", REFUSED, code)
            yield FinalEvent(Answer(empty, message, True, [], {"total_ms": 0.0}, reason_words(code), code, [verdict]))
            return
        yield StageEvent("检索")
        from_table = self._from_targets(question, qid, started, filters)
        if from_table is not None:
            yield FinalEvent(from_table)
            return
        names = bool(understand(question, self.searcher.documents()).references)
        resolved = resolve(question, history, names)
        if resolved.documents and not filters.docs and not self._names(resolved.search):
            filters = dataclasses.replace(filters, docs=resolved.documents)
        result = self.searcher.search(resolved.search, max(RETRIEVED_SHOWN, self.settings.answer_passages), filters)
        context = context_of(question, resolved, result.intent, result.passages, self.parts(result), qid)
        timings = {"retrieve_ms": result.timings["retrieve_ms"]}
        code, detail = self._before_drafting(result, context)
        if code:
            yield FinalEvent(self._refusal(context, timings, started, code, detail=detail))
            return
        generate_started = time.perf_counter()
        yield StageEvent("生成")
        try:
            yield from self._draft(context, timings, started)
        except ServersBusy as busy:  # every model server stayed taken: the reader is told so, not shown an error
            timings["total_ms"] = (time.perf_counter() - started) * 1000
            verdict = Verdict("servers", REFUSED, "servers_busy", evidence=busy.reason)
            yield FinalEvent(Answer(context, UNAVAILABLE, True, [], timings, busy.reason, "servers_busy", [verdict]))
            return
        timings["generate_ms"] = (time.perf_counter() - generate_started) * 1000
        yield StageEvent("核实")
        yield FinalEvent(self.verify(context, timings, started))

    def _names(self, search: str) -> bool:
        """Whether a follow-up's search text (the previous question joined to it) names a document: the naming then
        decides where to search, not the documents the previous answer happened to cite (a table answer cites other
        years' reports, which would shut out the report the conversation is about)."""
        return understand(search, self.searcher.documents()).doc_ids is not None

    def _before_drafting(self, result: SearchResult, context: AnswerContext) -> tuple[str, str]:
        """Why the question cannot be answered before any drafting, as (reason code, words naming the documents),
        ("", "") when it may be: a named document missing from the corpus, or excluded by the caller's filters, or
        nothing retrieved."""
        if result.intent.missing and result.intent.doc_ids is None:
            return "missing_document", f"语料库中没有{'、'.join(result.intent.missing)}"
        if result.filtered_out:  # passages from other documents would answer a question nobody asked
            titles = {d.doc_id: d.title for d in self.searcher.documents()}
            named = "、".join(f"《{titles.get(d, d)}》" for d in sorted(result.filtered_out))
            return "filtered_out", f"问题所问的{named}不在当前筛选范围内"
        return ("", "") if context.parts else ("nothing_retrieved", "")

    def _from_targets(self, question: str, qid: str, started: float, filters: SearchFilters) -> Answer | None:
        """A question about one indicator over several years ("2019到2024年GDP增长目标分别是多少") is answered from
        the main-targets table, each year cited to its sentence, instead of by the model; within the filters."""
        docs = {d.doc_id: d for d in self.searcher.documents()}
        table = table_answer(
            question, self.searcher.index.targets(), lambda doc: doc in docs and filters.admits(docs[doc])
        )
        if table is None:
            return None
        context = AnswerContext(question, question, question, [], [], id=qid)
        citations = [
            Citation(c.n, c.doc, c.title, c.date, "", c.start, c.end, c.quote, c.quote, c.start, c.end)
            for c in table.citations
        ]
        verdict = Verdict("targets", PASSED, "from_targets_table", evidence=f"{len(citations)} 个年份的句子")
        timings = {"total_ms": (time.perf_counter() - started) * 1000}
        return Answer(context, table.text, False, citations, timings, trace=[verdict])

    def _draft(self, context: AnswerContext, timings: dict[str, float], started: float) -> Iterator[DraftEvent]:
        """Let the model write each part's draft from the part's passages."""
        prompt = load_prompt("answer")
        for part in context.parts:
            passages = [context.retrieved[i] for i in part.passages]
            scope = "\n" + prompt.extra["scope"].format(label=part.label) if part.label else ""
            asked = context.standalone_question
            asked = ASKS_COMPARISON.sub("是怎样表述的", asked) if part.label else asked
            inputs = {
                "passages": format_passages(passages, self.settings.best_passage_last),
                "question": asked,
                "scope": scope,
            }
            # The model's own stream, not `prompt | model | parser`: closing a LangChain sequence's stream reads the
            # rest of the model's output (its tracing drains the input), so a cut would not stop llama.cpp.
            stream = self.llm.stream(prompt.template().invoke(inputs))
            try:
                yield from self._write(part, stream, context.parts, timings, started)
            finally:
                if isinstance(stream, Generator):
                    stream.close()  # llama.cpp stops generating: a cut, or the reader stopped the answer

    def _write(
        self,
        part: Part,
        stream: Iterator[BaseMessageChunk],
        shown: list[Part],
        timings: dict[str, float],
        started: float,
    ) -> Iterator[DraftEvent]:
        """Append the model's pieces to the part's draft (shown: the parts whose drafts the reader watches) until the
        model ends or a limit cuts it; part.cut then says why (answer/limits.py)."""
        begun = self.clock()
        for chunk in stream:
            piece = chunk.text
            if "first_token_ms" not in timings and piece:
                timings["first_token_ms"] = (time.perf_counter() - started) * 1000
            part.draft += piece
            part.cut = cut_reason(part.draft, self.clock() - begun, self.settings)
            yield DraftEvent(combined_draft(shown))
            if part.cut:
                return

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

    def verify(self, context: AnswerContext, timings: dict[str, float], started: float) -> Answer:
        """Run the checks of answer/verify.py over the drafts: show what they verified, or refuse with the deciding
        check's reason; the answer carries every check's verdict."""
        verified = self.verifier.verify(context, self.judge)
        if verified.refused:
            return self._refusal(context, timings, started, verified.refused, verified.trace)
        timings["total_ms"] = (time.perf_counter() - started) * 1000
        return Answer(context, verified.text, False, verified.citations, timings, trace=verified.trace)

    def _refusal(
        self,
        context: AnswerContext,
        timings: dict[str, float],
        started: float,
        code: str,
        trace: Sequence[Verdict] = (),
        detail: str = "",
    ) -> Answer:
        """The polite refusal, its reason code and words (with `detail` when given: the missing document's name);
        when a limit cut a draft, the reason says so (what was drafted was still verified)."""
        timings["total_ms"] = (time.perf_counter() - started) * 1000
        trace = list(trace)
        if not any(v.decision == REFUSED for v in trace):
            trace.append(Verdict(_CHECK_BEFORE_DRAFTING.get(code, "question"), REFUSED, code, evidence=detail))
        judged = next((v for v in reversed(trace) if v.decision == REFUSED and v.check == "judge"), None)
        reason = detail or reason_words(code)
        if judged is not None and "（" in judged.evidence:
            reason = f"{reason}：{judged.evidence.rsplit('（', 1)[1].rstrip('）')}"
        cut = next((p.cut for p in context.parts if p.cut), "")
        if cut:
            reason = f"{reason}（{cut_words(cut, self.settings)}）"
        return Answer(context, REFUSAL, True, [], timings, reason, code, trace)


# The checks that refuse before any drafting, by reason code (answer/verify.py REASONS has their words).
_CHECK_BEFORE_DRAFTING = {
    "empty_question": "question",
    "question_too_long": "question",
    "missing_document": "retrieval",
    "filtered_out": "retrieval",
    "nothing_retrieved": "retrieval",
    "servers_busy": "servers",
}
