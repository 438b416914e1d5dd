"""Verification as a pipeline of named checks. Each check decides about clauses, a document's part or the whole
answer, and leaves a Verdict in the trace: which check, what it decided, a stable reason code and what it saw.

    model        the model said the passages do not answer (无法回答) .............. part dropped
    attribution  a clause no passage holds with its figures, quoted terms, items ..... clause dropped
    best_document  one occasion, two documents: the part that addresses it best ....... other part dropped
    previous_answer  a follow-up's clause that answers the previous question ......... clause dropped
    lists        the enumeration the answer begins, completed from its document ...... items added
    years        a passage of another year than the one asked, from a document not named  refused
    quantity     a how-many question shown no quantity it does not already give ....... refused
    judge        whether the verified text answers the question (answer/judge.py) .... answer shown or refused

Nothing is shown that attribution did not verify; the judge only decides whether verified text answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from answer.answerability import FocusChecker, gives_quantity, numbers_anchored, years_consistent
from answer.attribution import AttributedClause, attribute_each, consolidate, source_span
from answer.judge import LOW, Judge, Signals
from answer.lists import DocumentSource, asked_in_view, completed
from answer.render import render
from answer.types import ADDED, DROPPED, KEPT, PASSED, REFUSED, AnswerContext, Citation, Part, Verdict
from retrieval.types import Passage
from zhtext.normalize import Normalized

_NO_ANSWER = "无法回答"

# Why an answer was refused, in words a user reads, by reason code. The codes before drafting are the chain's.
REASONS = {
    "empty_question": "问题是空的",
    "question_too_long": "问题太长",
    "missing_document": "语料库中没有问题所问的文件",
    "filtered_out": "问题所问的文件不在当前筛选范围内",
    "nothing_retrieved": "没有检索到相关段落",
    "servers_busy": "模型服务器都在忙",
    "model_declined": "模型判断资料不足以回答",
    "nothing_verified": "回答中没有能在资料中核实的内容",
    "wrong_year": "引用的段落出自问题所问年份以外的文件",
    "no_quantity": "引用的段落没有给出问题所问的数量",
    "not_answered": "核实过的原文不足以回答这个问题",
}
# Which check gave each reason (the chat names it; the eval report counts refusals by it).
CHECK_OF = {
    "model_declined": "model",
    "nothing_verified": "attribution",
    "wrong_year": "years",
    "no_quantity": "quantity",
    "not_answered": "judge",
}
CHECK_WORDS = {  # each check's name in the chat's words
    "question": "问题检查",
    "retrieval": "检索",
    "model": "模型",
    "attribution": "原文核对",
    "best_document": "文件选择",
    "previous_answer": "追问检查",
    "lists": "列表补全",
    "years": "年份核对",
    "quantity": "数量核对",
    "judge": "作答判断",
    "servers": "模型服务",
}


@dataclass
class Verified:
    """What the pipeline kept, the passages it cites, its signals and every check's verdict."""

    kept: list[AttributedClause]
    cited: Sequence[Passage]
    trace: list[Verdict] = field(default_factory=list)
    signals: Signals | None = None
    refused: str = ""  # the reason code when refused
    text: str = ""
    citations: list[Citation] = field(default_factory=list)


class Verifier:
    """Runs the checks over one question's drafts."""

    def __init__(
        self,
        focus: FocusChecker,
        source: DocumentSource,
        complete_lists: bool,
        min_list_coverage: float,
        min_focus_coverage: float,
    ) -> None:
        self.focus = focus
        self.source = source
        self.complete_lists = complete_lists
        self.min_list_coverage = min_list_coverage
        self.min_focus_coverage = min_focus_coverage

    def verify(self, context: AnswerContext, judge: Judge | None) -> Verified:
        """Every check in turn; with judge None, whatever the other checks verified is shown."""
        result = self.candidate(context)
        if result.refused:
            return result
        assert result.signals is not None
        for check, code, holds in (
            ("years", "wrong_year", result.signals.years_ok == 1),
            ("quantity", "no_quantity", result.signals.quantity_ok == 1),
        ):
            if not holds:  # rules of meaning, not of wording: kept as gates too (held-out: abstention 0.79 -> 0.86)
                result.trace.append(Verdict(check, REFUSED, code))
                result.refused = code
                return result
        if judge is None:
            return result
        p = judge.probability(result.signals)
        if p >= judge.threshold:
            result.trace.append(Verdict("judge", PASSED, "answered", evidence=f"p={p:.2f} ≥ {judge.threshold:.2f}"))
            return result
        against = judge.against(result.signals)
        words = "；".join(LOW[n] for n, _ in against[:2])
        seen = "，".join(f"{n}={getattr(result.signals, n):.2f}" for n, _ in against[:3])
        result.trace.append(
            Verdict("judge", REFUSED, "not_answered", evidence=f"p={p:.2f} < {judge.threshold:.2f}：{seen}（{words}）")
        )
        result.refused = "not_answered"
        return result

    def candidate(self, context: AnswerContext) -> Verified:
        """The verified answer before the judge: attribution, best document, previous answer, lists, rendering."""
        trace: list[Verdict] = []
        answered = self._attributed(context, trace)
        if len(answered) >= 2 and not context.asks_each:
            answered = self._best_document(context, answered, trace)
        kept: list[AttributedClause] = []
        for part, found in answered:
            if part.label and context.asks_each:
                kept.append(AttributedClause(("\n" if kept else "") + part.label + "："))
            kept += found
        kept = self._not_the_previous_answer(context, kept, trace)
        if not any(c.passages for c in kept):
            code = "model_declined" if all(_declined(p) for p in context.parts) else "nothing_verified"
            trace.append(Verdict(CHECK_OF[code], REFUSED, code))
            return Verified([], context.retrieved, trace, refused=code)
        signals_before_lists = kept
        cited: Sequence[Passage] = context.retrieved
        if self.complete_lists:
            kept, cited = self._lists(context, kept, trace)
        text, citations = render(kept, cited)
        signals = self.signals(context, signals_before_lists, text)
        return Verified(kept, cited, trace, signals, text=text, citations=citations)

    def _attributed(self, context: AnswerContext, trace: list[Verdict]) -> list[tuple[Part, list[AttributedClause]]]:
        """Each part's clauses that its passages verifiably hold, cited to the retrieved passages' indices."""
        about = context.addressed
        strict = lambda facts, p: numbers_anchored(about, facts, p)  # noqa: E731
        loose = lambda facts, p: numbers_anchored(about, facts, p, lexical=False)  # noqa: E731
        answered = []
        for part in context.parts:
            if _declined(part):
                trace.append(Verdict("model", DROPPED, "model_declined", part.label))
                continue
            passages = [context.retrieved[i] for i in part.passages]
            found = []
            for c in attribute_each(part.draft, context.standalone_question, passages, strict, loose):
                if c.restates_question:
                    continue
                if not c.passages:
                    trace.append(Verdict("attribution", DROPPED, "not_in_passages", c.text))
                    continue
                where = "；".join(f"[{part.passages[s.passage] + 1}] 覆盖{s.coverage:.2f}" for s in c.passages)
                trace.append(Verdict("attribution", KEPT, "loose" if c.loose else "verified", c.text, where))
                found.append(c)
            if all(c.lead_in for c in found):  # nothing, or only the introduction of a list, survived
                if found:
                    trace.append(Verdict("attribution", DROPPED, "only_lead_in", part.label))
                continue
            answered.append((part, [_in_retrieved(c, part) for c in consolidate(found, passages)]))
        return answered

    def _best_document(
        self, context: AnswerContext, answered: list[tuple[Part, list[AttributedClause]]], trace: list[Verdict]
    ) -> list[tuple[Part, list[AttributedClause]]]:
        """One occasion that two documents matched (a speech, and a collection whose dates span it): the answer is
        the part whose cited passages address the question best (shown without document labels: one is asked)."""

        def coverage(clauses: list[AttributedClause]) -> float:
            cited = [context.retrieved[s.passage] for c in clauses for s in c.passages]
            return self.focus.coverage(context.addressed, cited)

        scores = [coverage(clauses) for _, clauses in answered]
        best = []
        for (part, clauses), score in zip(answered, scores):
            if score == max(scores):
                best.append((part, clauses))
            else:
                trace.append(
                    Verdict(
                        "best_document",
                        DROPPED,
                        "other_document_addresses_better",
                        part.label,
                        f"焦点覆盖 {score:.2f} < {max(scores):.2f}",
                    )
                )
        return best

    def _not_the_previous_answer(
        self, context: AnswerContext, kept: list[AttributedClause], trace: list[Verdict]
    ) -> list[AttributedClause]:
        """A follow-up's draft often answers the previous question again before this one (钢产量 asked first, then
        人民公社): beside clauses that answer this question, one whose quoted text speaks of the previous question
        more than of this one, and not enough of this one to address it, is left out (dropping a lone such clause
        refused d2b060, whose cited passage held the answer)."""
        previous, about = context.previous, context.addressed
        if not previous:
            return kept

        def repeats(clause: AttributedClause) -> bool:
            quoted = "".join(context.retrieved[s.passage].text[s.quote_start : s.quote_end] for s in clause.passages)
            now = self.focus.text_coverage(about, quoted)
            return (
                bool(clause.passages)
                and now < self.min_focus_coverage
                and (self.focus.text_coverage(previous, quoted) > now)
            )

        rest = [c for c in kept if not repeats(c)]
        if not any(c.passages for c in rest):
            return kept
        for c in kept:
            if c not in rest:
                trace.append(Verdict("previous_answer", DROPPED, "repeats_previous_answer", c.text))
        return rest

    def _lists(
        self, context: AnswerContext, kept: list[AttributedClause], trace: list[Verdict]
    ) -> tuple[list[AttributedClause], Sequence[Passage]]:
        """The list the question asks for, when the model saw it; then each list the answer begins, in full."""
        covers = lambda text: self.focus.text_coverage(context.addressed, text) >= self.min_list_coverage  # noqa: E731
        in_view = sorted({i for part in context.parts for i in part.passages})
        question = context.standalone_question
        asked = asked_in_view(question, kept, context.retrieved, in_view, self.source, covers)
        if asked:
            trace.append(Verdict("lists", ADDED, "asked_list_in_view", asked[0].text[:40], f"{len(asked)} 项"))
        before = len(asked or kept)
        done, cited = completed(question, asked or kept, context.retrieved, self.source, covers)
        if len(done) > before:
            trace.append(Verdict("lists", ADDED, "list_completed", evidence=f"补全 {len(done) - before} 项"))
        return done, cited

    def signals(self, context: AnswerContext, kept: list[AttributedClause], shown: str) -> Signals:
        """The judge's inputs for the verified clauses (before lists were completed) and the shown text."""
        about = context.addressed
        supports = [s for c in kept for s in c.passages]
        cited = [context.retrieved[s.passage] for s in supports]
        sentences = [
            context.retrieved[s.passage].text[
                slice(*source_span(context.retrieved[s.passage].text, s.quote_start, s.quote_end))
            ]
            for s in supports
        ]
        unnamed = [p for p in cited if p.doc not in context.named_documents]
        verified = [c for c in kept if c.passages]
        drafted = sum(len(Normalized.of(p.draft).text) for p in context.parts if not _declined(p))
        quoted = "".join(sentences)
        # A follow-up's own words are elliptical (浙江省同一年的目标呢？): what it asks is read with the question before
        # it too, whichever addresses the cited text more (the previous-answer check keeps it from repeating that one).
        asked = [about, context.search_text] if context.previous else [about]
        return Signals(
            focus_cited=max(self.focus.coverage(a, cited) for a in asked),
            focus_quoted=max(self.focus.text_coverage(a, quoted) for a in asked),
            pairs_quoted=max(self.focus.pair_coverage(a, quoted) for a in asked),
            years_ok=float(years_consistent(about, unnamed)),
            quantity_ok=float(gives_quantity(about, shown)),
            anchored=sum(not c.loose for c in verified) / len(verified),
            verified_share=min(1.0, sum(len(Normalized.of(c.text).text) for c in verified) / max(drafted, 1)),
            best_rank=1.0 / (1 + min(s.passage for s in supports)),
        )


def reason_words(code: str) -> str:
    return REASONS.get(code, code)


def trace_lines(trace: Sequence[Verdict], unverified: bool = False) -> list[str]:
    """The trace as a person reads it: one line a verdict, the check in words, its decision, clause and evidence.
    A clause attribution dropped is the model's unverified text: shown (marked) only with `unverified`."""
    lines = []
    for v in trace:
        check = f"{CHECK_WORDS.get(v.check, v.check)}（{v.check}）"
        clause = f"「{v.clause[:60]}」" if v.clause and v.verified else ""
        clause = f"「{v.clause[:60]}」（模型原话，未核实）" if v.clause and not v.verified and unverified else clause
        evidence = f" — {v.evidence}" if v.evidence else ""
        lines.append(f"{check} {v.decision} {v.reason_code} {clause}{evidence}".replace("  ", " "))
    return lines


def _in_retrieved(clause: AttributedClause, part: Part) -> AttributedClause:
    """A part's clause with its supports indexing the retrieved passages (they index the part's own)."""
    return replace(clause, passages=[replace(s, passage=part.passages[s.passage]) for s in clause.passages])


def _declined(part: Part) -> bool:
    """The model said the passages do not answer (wrote 无法回答, or wrote nothing)."""
    return not part.draft.strip() or _NO_ANSWER in Normalized.of(part.draft).text[:12]
