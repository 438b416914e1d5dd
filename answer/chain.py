"""The answer chain: question → (standalone rewrite) → hybrid retrieval → LLM draft → verified citations.

The model drafts plain Chinese from the passages; code decides what is shown: only clauses a passage verifiably
contains, each with its [n], and a fixed polite refusal when the evidence does not answer the question.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, replace

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessageChunk

from answer.answerability import FocusChecker, gives_quantity, numbers_anchored, years_consistent
from answer.attribution import AttributedClause, attribute, consolidate
from answer.conversation import Resolved, resolve
from answer.limits import cut_reason, cut_words
from answer.lists import asked_in_view, completed
from answer.pointing import CHOICE_SCHEMA, POINT_MAX_TOKENS, chosen_numbers, format_numbered, pointed_clauses
from answer.render import render
from answer.types import (
    Answer,
    AnswerContext,
    Citation,
    DraftEvent,
    Event,
    FinalEvent,
    Part,
    StageEvent,
    Turn,
    combined_draft,
)
from config import Settings
from models.llm import constrained
from models.servers import ServersBusy
from prompts import load_prompt
from retrieval.hybrid import MAX_COMPARED, HybridSearcher, SearchResult
from retrieval.query import QueryIntent, understand
from retrieval.types import Passage, SearchFilters
from targets.answer import table_answer
from zhtext.frames import ASKS_COMPARISON
from zhtext.normalize import Normalized, has_words

REFUSAL = "抱歉，现有资料中没有找到能回答这个问题的内容，因此无法作答。"
UNAVAILABLE = "抱歉，现在无法作答。"  # the model servers are busy; the reason says so
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
            message, reason = (TOO_LONG, "question too long") if long else (EMPTY_QUESTION, "empty question")
            empty = AnswerContext(question[:MAX_QUESTION_CHARS], "", "", [], [], id=qid)
            yield FinalEvent(Answer(empty, message, True, [], {"total_ms": 0.0}, reason))
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
        unanswerable = self._before_drafting(result, context)
        if unanswerable:
            yield FinalEvent(self._refusal(context, timings, started, unanswerable))
            return
        generate_started = time.perf_counter()
        yield StageEvent("生成")
        try:
            yield from self._draft(context, timings, started)
        except ServersBusy as busy:  # every model server stayed taken: the reader is told so, not shown an error
            timings["total_ms"] = (time.perf_counter() - started) * 1000
            yield FinalEvent(Answer(context, UNAVAILABLE, True, [], timings, busy.reason))
            return
        timings["generate_ms"] = (time.perf_counter() - generate_started) * 1000
        yield StageEvent("核实")
        yield FinalEvent(self.verify(context, timings, started))

    def _names(self, search: str) -> bool:
        """Whether a follow-up's search text (the previous question joined to it) names a document: the naming then
        decides where to search, not the documents the previous answer happened to cite (a table answer cites other
        years' reports, which would shut out the report the conversation is about)."""
        return understand(search, self.searcher.documents()).doc_ids is not None

    def _before_drafting(self, result: SearchResult, context: AnswerContext) -> str:
        """Why the question cannot be answered before any drafting ("" when it may be): a named document missing
        from the corpus, or excluded by the caller's filters, or nothing retrieved."""
        if result.intent.missing and result.intent.doc_ids is None:
            return f"语料库中没有{'、'.join(result.intent.missing)}"
        if result.filtered_out:  # passages from other documents would answer a question nobody asked
            titles = {d.doc_id: d.title for d in self.searcher.documents()}
            named = "、".join(f"《{titles.get(d, d)}》" for d in sorted(result.filtered_out))
            return f"问题所问的{named}不在当前筛选范围内"
        return "" if context.parts else "没有检索到相关段落"

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
        return Answer(context, table.text, False, citations, {"total_ms": (time.perf_counter() - started) * 1000})

    def _draft(self, context: AnswerContext, timings: dict[str, float], started: float) -> Iterator[DraftEvent]:
        """Let the model write each part's draft (or, in point mode, name its sentences) from the part's passages."""
        pointing = self.settings.answer_mode == "point"
        prompt = load_prompt("point" if pointing else "answer")
        model = constrained(self.llm, CHOICE_SCHEMA, self.settings, POINT_MAX_TOKENS) if pointing else self.llm
        show = format_numbered if pointing else format_passages
        for part in context.parts:
            part.mode = self.settings.answer_mode
            passages = [context.retrieved[i] for i in part.passages]
            scope = "\n" + prompt.extra["scope"].format(label=part.label) if part.label else ""
            asked = context.standalone_question
            asked = ASKS_COMPARISON.sub("是怎样表述的", asked) if part.label else asked
            inputs = {"passages": show(passages, self.settings.best_passage_last), "question": asked, "scope": scope}
            # The model's own stream, not `prompt | model | parser`: closing a LangChain sequence's stream reads the
            # rest of the model's output (its tracing drains the input), so a cut would not stop llama.cpp.
            stream = model.stream(prompt.template().invoke(inputs))
            try:
                yield from self._write(part, stream, context.parts if not pointing else None, timings, started)
            finally:
                if isinstance(stream, Generator):
                    stream.close()  # llama.cpp stops generating: a cut, or the reader stopped the answer

    def _write(
        self,
        part: Part,
        stream: Iterator[BaseMessageChunk],
        shown: list[Part] | None,
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
            if shown is not None:  # a list of sentence numbers (point mode) means nothing to a reader
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

    def verified_clauses(self, context: AnswerContext) -> list[AttributedClause]:
        """Each part's clauses that a passage verifiably holds, cited to the retrieved passages' indices."""
        answered: list[tuple[Part, list[AttributedClause]]] = []
        for part in context.parts:
            if _declined(part):
                continue
            passages = [context.retrieved[i] for i in part.passages]
            found = self._supported(part, passages, context.standalone_question, context.addressed)
            if all(c.lead_in for c in found):  # nothing, or only the introduction of a list, survived
                continue
            answered.append((part, [_in_retrieved(c, part) for c in consolidate(found, passages)]))
        if len(answered) >= 2 and not context.asks_each:
            answered = self._best_document(context, answered)
        kept: list[AttributedClause] = []
        for part, clauses in answered:
            if part.label and context.asks_each:
                kept.append(AttributedClause(("\n" if kept else "") + part.label + "："))
            kept += clauses
        return kept

    def _best_document(
        self, context: AnswerContext, answered: list[tuple[Part, list[AttributedClause]]]
    ) -> list[tuple[Part, list[AttributedClause]]]:
        """One occasion that two documents matched (a speech, and a collection whose dates span it): the answer is
        the part whose cited passages address the question best (shown without document labels: one is asked)."""

        def coverage(clauses: list[AttributedClause]) -> float:
            cited = [context.retrieved[s.passage] for c in clauses for s in c.passages]
            return self.focus.coverage(context.addressed, cited)

        scores = [coverage(clauses) for _, clauses in answered]
        return [(part, c) for (part, c), s in zip(answered, scores) if s == max(scores)]

    def _supported(self, part: Part, passages: list[Passage], question: str, about: str) -> list[AttributedClause]:
        """The clauses of one part that its passages hold: named sentences as they are, drafts attributed."""
        if part.mode == "point":
            return pointed_clauses(part.draft, passages, self.settings.complete_lists)
        anchored = lambda facts, p: numbers_anchored(about, facts, p)  # noqa: E731
        return [c for c in attribute(part.draft, question, passages, anchored) if c.passages]

    def verify(self, context: AnswerContext, timings: dict[str, float], started: float) -> Answer:
        """Keep what the passages verifiably say; abstain when that does not answer the question."""
        kept = self.not_the_previous_answer(context, self.verified_clauses(context))
        if not kept:
            declined = all(_declined(p) for p in context.parts)
            reason = "模型判断资料不足以回答" if declined else "回答中没有能在资料中核实的内容"
            return self._refusal(context, timings, started, reason)
        evidence = self.evidence(context, kept)
        if not evidence.years_ok:
            return self._refusal(context, timings, started, "引用的段落出自问题所问年份以外的文件")
        if not self.addresses(evidence):
            return self._refusal(context, timings, started, "引用的段落没有谈到问题所问的内容")
        cited: Sequence[Passage] = context.retrieved
        if self.settings.complete_lists and context.parts[0].mode == "draft":  # point mode completes its own
            covers = lambda text: self.focus.text_coverage(context.addressed, text) >= self.settings.min_list_coverage  # noqa: E731
            in_view = sorted({i for part in context.parts for i in part.passages})
            asked = asked_in_view(context.standalone_question, kept, context.retrieved, in_view, self.searcher, covers)
            kept = asked or kept
            kept, cited = completed(context.standalone_question, kept, context.retrieved, self.searcher, covers)
        text, citations = render(kept, cited)
        if not gives_quantity(context.addressed, text):
            return self._refusal(context, timings, started, "引用的段落没有给出问题所问的数量")
        timings["total_ms"] = (time.perf_counter() - started) * 1000
        return Answer(context, text, False, citations, timings)

    def not_the_previous_answer(self, context: AnswerContext, kept: list[AttributedClause]) -> list[AttributedClause]:
        """A follow-up's draft often answers the previous question again before this one (钢产量 asked first, then
        人民公社): beside clauses that answer this question, one whose quoted text speaks of the previous question
        more than of this one, and not enough of this one to address it, is left out. Whether what remains answers
        is the focus check's call, as for any answer (dropping a lone clause here refused d2b060, whose cited
        passage held the answer)."""
        previous, about = context.previous, context.addressed
        if not previous:
            return kept

        def repeats(clause: AttributedClause) -> bool:
            quoted = "".join(context.retrieved[s.passage].text[s.quote_start : s.quote_end] for s in clause.passages)
            now = self.focus.text_coverage(about, quoted)
            return (
                bool(clause.passages)
                and now < self.settings.min_focus_coverage
                and (self.focus.text_coverage(previous, quoted) > now)
            )

        rest = [c for c in kept if not repeats(c)]
        return rest if any(c.passages for c in rest) else kept

    def evidence(self, context: AnswerContext, kept: list[AttributedClause]) -> Evidence:
        """The signals of whether the cited text addresses the question."""
        about = context.addressed
        cited = [context.retrieved[s.passage] for c in kept for s in c.passages]
        # Years that name a document ("2019年政府工作报告") were used to pick it; those in what is asked must hold for
        # every passage from a document the question did not name.
        unnamed = [p for p in cited if p.doc not in context.named_documents]
        similarity = 0.0
        if self.settings.min_similarity is not None:
            quotes = [context.retrieved[s.passage].text[s.quote_start : s.quote_end] for c in kept for s in c.passages]
            similarity = self.similarity(about, quotes)
        return Evidence(years_consistent(about, unnamed), self.focus.coverage(about, cited), similarity)

    def similarity(self, question: str, sentences: list[str]) -> float:
        """The embedder's cosine between the question and the closest sentence (both vectors normalised)."""
        embeddings = self.searcher.embeddings
        q = embeddings.embed_query(question)
        return max((sum(a * b for a, b in zip(q, v)) for v in embeddings.embed_documents(sentences)), default=0.0)

    def addresses(self, evidence: Evidence) -> bool:
        """Enough of the question's focus words are cited, or (when set) the embedder finds a cited sentence close
        to the question: a synonym ("经济增速" for "国内生产总值增长") passes the second."""
        if evidence.coverage >= self.settings.min_focus_coverage:
            return True
        threshold = self.settings.min_similarity
        return threshold is not None and evidence.similarity >= threshold

    def _refusal(self, context: AnswerContext, timings: dict[str, float], started: float, reason: str) -> Answer:
        """The polite refusal; when a limit cut a draft, the reason says so (what was drafted was still verified)."""
        timings["total_ms"] = (time.perf_counter() - started) * 1000
        cut = next((p.cut for p in context.parts if p.cut), "")
        if cut:
            reason = f"{reason}（{cut_words(cut, self.settings)}）"
        return Answer(context, REFUSAL, True, [], timings, reason)


@dataclass(frozen=True)
class Evidence:
    """Whether the cited text addresses the question: its years, its focus words, its meaning."""

    years_ok: bool
    coverage: float  # IDF-weighted share of the question's focus words in the cited passages
    similarity: float  # cosine of the question and the closest cited sentence (0 when not computed)


def _in_retrieved(clause: AttributedClause, part: Part) -> AttributedClause:
    """A part's clause with its supports indexing the retrieved passages (they index the part's own)."""
    return replace(clause, passages=[replace(s, passage=part.passages[s.passage]) for s in clause.passages])


def _declined(part: Part) -> bool:
    """The model said the passages do not answer (wrote 无法回答, named no sentence, or wrote nothing)."""
    if part.mode == "point":
        return not chosen_numbers(part.draft)
    return not part.draft.strip() or _NO_ANSWER in Normalized.of(part.draft).text[:12]
