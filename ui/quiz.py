"""The 练习 panel: a trainee picks a scope (documents, genre, years, kinds, how many) or reviews what is due, answers
one item at a time, and sees the grade, the source passage with the key highlighted and the next due date.

The handlers are plain functions over quiz.service (tested without a browser); build() only wires them to Gradio.
Progress is kept per trainee: the signed-in user, else an id kept in the browser (so it survives a reload).
"""

from __future__ import annotations

import html
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import gradio as gr
from gradio.context import Context

from quiz.labels import date_label, document_label
from quiz.model import CHOICE_KINDS, KIND_NAMES, KINDS, ORDER, QuizDocument, QuizItem
from quiz.schedule import ProgressRow
from quiz.service import GradeOutcome, QuizService, Scope, grade_json, item_json
from ui.render import SCROLL_TO_QUOTE

PROGRESS_HEADERS = ["文档", "题型", "已练题数", "作答次数", "答对率", "到期"]
_services: dict[int, QuizService] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class QuizSession:
    """The quiz in progress: its items in order and which one is shown."""

    item_ids: tuple[str, ...] = ()
    index: int = 0
    answered: bool = False

    @property
    def current(self) -> str | None:
        return self.item_ids[self.index] if self.index < len(self.item_ids) else None


def quiz_service(ctx: Any) -> QuizService:
    """One service per app, on the index's document store; its bank is built in the background on first use."""
    with _lock:
        key = id(ctx.services)
        if key not in _services:
            service = QuizService.open(ctx.services.settings, ctx.services.index.store)
            threading.Thread(target=service.bank, name="speechqa-quiz-bank", daemon=True).start()
            _services[key] = service
        return _services[key]


def trainee(request: gr.Request | None, stored: str | None, ctx: Any = None) -> str:
    """The app's user id when it provides one (ctx.user_id), else the signed-in user, else the id this browser
    keeps (its first session's hash, stored in the browser so progress survives a reload)."""
    user_id = getattr(ctx, "user_id", None)
    if callable(user_id) and request is not None:
        return str(user_id(request))
    if request is not None and getattr(request, "username", None):
        return f"user:{request.username}"
    session = getattr(request, "session_hash", None) if request is not None else None
    return stored or f"browser:{session or uuid.uuid4().hex}"


# ---------- handlers ----------


def start(service: QuizService, scope: Scope, n: int, seed: int, user: str) -> QuizSession:
    """A new quiz of n items of the scope, new items before ones already practised."""
    seen = service.seen(user)
    items = service.make(n, scope, seed, exclude=seen)
    if len(items) < n:
        items += [it for it in service.make(n, scope, seed) if it.id not in {i.id for i in items}][: n - len(items)]
    return QuizSession(tuple(it.id for it in items))


def review(service: QuizService, user: str, scope: Scope = Scope(), limit: int = 20) -> QuizSession:
    return QuizSession(tuple(it.id for it in service.due(user, limit=limit, scope=scope)))


def question_html(item: QuizItem | None, session: QuizSession) -> str:
    """The item's stem with its number and kind; a closing line when the quiz is over."""
    if item is None:
        return "<p>本轮练习已完成。可以重新开始，或复习到期的题目。</p>" if session.item_ids else ""
    head = f"第 {session.index + 1}/{len(session.item_ids)} 题 · {KIND_NAMES.get(item.kind, item.kind)}"
    body = html.escape(item.question)
    if item.kind == ORDER and item.options:
        body = (
            html.escape(item.question.split("请按原文的先后顺序排列：")[0])
            + "请按原文的先后顺序排列："
            + "".join(f"<div>{'ABCDEFG'[i]}. {html.escape(o)}</div>" for i, o in enumerate(item.options))
        )
    return f'<div class="sq-meta">{head}</div><div class="sq-question">{body}</div>'


def answer_hint(item: QuizItem | None) -> str:
    if item is None:
        return ""
    if item.kind == ORDER:
        return "按顺序写出字母，例如 BADC"
    return "多项请用顿号分隔" if item.is_list else "填写横线处的内容"


def result_html(outcome: GradeOutcome) -> str:
    """The grade (right, missed, extra), the source passage with the key highlighted, and the next due date."""
    g, item = outcome.grade, outcome.item
    verdict = "✅ 回答正确" if g.correct else "❌ 回答有误"
    lines = [f"<h4>{verdict}（得分 {g.score:.0%}）{html.escape(g.note)}</h4>"]
    for label, parts in (("答对", g.right), ("遗漏", g.missed), ("多余", g.extra)):
        if parts:
            lines.append(f"<div><b>{label}：</b>{html.escape('、'.join(parts))}</div>")
    lines.append(f"<div><b>答案：</b>{html.escape('、'.join(item.answer))}</div>")
    if item.context is not None:
        lines.append(source_card(item.context, (), "题目所问的原文"))
    spans = tuple((s - item.source.start, e - item.source.start) for s, e in item.key_spans)
    lines.append(source_card(item.source, spans, "答案出处"))
    if outcome.review is not None:
        due = outcome.review.due.astimezone()
        lines.append(f'<div class="sq-meta">下次复习：{due:%Y-%m-%d %H:%M}（第 {outcome.review.reviews} 次作答）</div>')
    return "".join(lines)


def source_card(source: Any, spans: Sequence[tuple[int, int]], caption: str) -> str:
    """A source passage with the given spans (offsets into the quote) highlighted."""
    quote, pieces, last = source.quote, [], 0
    for start, end in sorted(spans):
        pieces += [html.escape(quote[last:start]), f"<mark>{html.escape(quote[start:end])}</mark>"]
        last = end
    pieces.append(html.escape(quote[last:]))
    body = "".join(pieces).replace("\n", "<br>")
    when = date_label(source.date) or "日期不详"
    return (
        f'<div class="sq-source"><div class="sq-meta">{caption} · {html.escape(source.title)} · {when}</div>'
        f'<div class="sq-passage">{body}</div></div>'
    )


def progress_rows(rows: Sequence[ProgressRow], labels: dict[str, str]) -> list[list[Any]]:
    """The progress table: per document and kind, items practised, answers, share right, due now."""
    return [
        [labels.get(r.doc, r.doc), KIND_NAMES.get(r.kind, r.kind), r.seen, r.reviews, f"{r.retention:.0%}", r.due]
        for r in rows
    ] or [["—", "—", 0, 0, "—", 0]]


@dataclass(frozen=True)
class ScopeChoices:
    """What the scope pickers offer: documents by label, genres, years; and each document's label."""

    docs: list[tuple[str, str]]
    genres: list[str]
    years: list[str]
    labels: dict[str, str]


def scope_choices(store: Any) -> ScopeChoices:
    documents = [QuizDocument(d.doc_id, d.title, d.speaker, d.date, d.year, d.genre, "") for d in store.documents()]
    labels = {d.doc_id: document_label(d) for d in documents}
    return ScopeChoices(
        [(labels[d.doc_id], d.doc_id) for d in documents],
        [""] + sorted({d.genre for d in documents}),
        sorted({str(d.year) for d in documents if d.year}),
        labels,
    )


def scope_of(docs: list[str] | None, genre: str | None, years: list[str] | None, kinds: list[str] | None) -> Scope:
    return Scope(tuple(docs or ()), tuple(kinds or ()), genre or None, tuple(int(y) for y in years or ()))


# ---------- wiring ----------


@dataclass
class _View:
    """The panel's components."""

    user: Any
    session: Any
    question: gr.HTML
    choice: gr.Radio
    typed: gr.Textbox
    result: gr.HTML
    progress: gr.Dataframe
    status: gr.Markdown
    document: gr.HTML


def build(ctx: Any) -> None:
    """The 练习 tab's components, inside the current gr.Tab."""
    service = quiz_service(ctx)
    choices = scope_choices(ctx.services.index.store)
    labels = dict(choices.labels)  # updated in place after an ingest, so the progress table names new documents
    gr.Markdown("### 练习\n题目都出自文档原文，答案由程序逐字核对；答对的题目间隔更久再复习（FSRS）。")
    with gr.Row():
        docs = gr.Dropdown(choices.docs, multiselect=True, label="文档", elem_id="sq-quiz-docs")
        genre = gr.Dropdown(choices.genres, value="", label="体裁")
        years = gr.Dropdown(choices.years, multiselect=True, label="年份")

    def refreshed(part: str) -> Any:
        fresh = scope_choices(ctx.services.index.store)
        labels.update(fresh.labels)
        return gr.update(choices=getattr(fresh, part))

    for part, component in (("docs", docs), ("genres", genre), ("years", years)):
        getattr(ctx, "listeners", []).append((lambda part=part: refreshed(part), component))
    with gr.Row():
        kinds = gr.CheckboxGroup([(KIND_NAMES[k], k) for k in KINDS], label="题型（不选即全部）")
        count = gr.Slider(3, 30, value=10, step=1, label="题数")
    with gr.Row():
        begin = gr.Button("开始练习", variant="primary", elem_id="sq-quiz-start")
        due_button = gr.Button("复习到期的题目", elem_id="sq-quiz-due")
    view = _View(
        user=gr.BrowserState(None, storage_key="speechqa-quiz-trainee"),
        session=gr.State(QuizSession()),
        question=gr.HTML(elem_id="sq-quiz-question"),
        choice=gr.Radio([], label="选项", visible=False, elem_id="sq-quiz-choice"),
        typed=gr.Textbox(label="你的答案", visible=False, elem_id="sq-quiz-answer"),
        result=gr.HTML(elem_id="sq-quiz-result"),
        progress=gr.Dataframe(
            progress_rows([], labels), headers=PROGRESS_HEADERS, interactive=False, elem_id="sq-quiz-progress"
        ),
        status=gr.Markdown(elem_id="sq-quiz-status"),
        document=gr.HTML(elem_id="sq-quiz-document"),
    )
    with gr.Row():
        submit = gr.Button("提交", variant="primary", elem_id="sq-quiz-submit")
        following = gr.Button("下一题", elem_id="sq-quiz-next")
        open_doc = gr.Button("在文档中打开", elem_id="sq-quiz-open")
    _wire(
        ctx, service, labels, view, (docs, genre, years, kinds, count), begin, due_button, submit, following, open_doc
    )
    _register_api(service)


def _show(service: QuizService, session: QuizSession) -> tuple[Any, Any, Any, str]:
    """Question, option radio, answer box and a cleared result for the session's current item."""
    item = service.item(session.current) if session.current else None
    is_choice = item is not None and item.kind in CHOICE_KINDS
    choice = gr.Radio(list(item.options or ()) if is_choice and item else [], value=None, visible=is_choice)
    typed = gr.Textbox(value="", visible=item is not None and not is_choice, placeholder=answer_hint(item))
    return question_html(item, session), choice, typed, ""


def _wire(
    ctx: Any,
    service: QuizService,
    labels: dict[str, str],
    v: _View,
    picks: tuple[Any, ...],
    begin: Any,
    due_button: Any,
    submit: Any,
    following: Any,
    open_doc: Any,
) -> None:
    """Events: start or review, submit an answer, go to the next item, open the source, refresh progress."""
    shown = [v.question, v.choice, v.typed, v.result]

    def table(user: str) -> list[list[Any]]:
        return progress_rows(service.progress(user), labels)

    def on_start(
        docs: list[str] | None,
        genre: str | None,
        years: list[str] | None,
        kinds: list[str] | None,
        n: float,
        stored: str | None,
        request: gr.Request,
    ) -> tuple[Any, ...]:
        user = trainee(request, stored, ctx)
        session = start(service, scope_of(docs, genre, years, kinds), int(n), uuid.uuid4().int % 10**6, user)
        status = "" if session.item_ids else "所选范围内没有题目。"
        return (*_show(service, session), session, user, status, "")

    def on_review(stored: str | None, request: gr.Request) -> tuple[Any, ...]:
        user = trainee(request, stored, ctx)
        session = review(service, user)
        status = f"到期待复习 {len(session.item_ids)} 题。" if session.item_ids else "目前没有到期的题目。"
        return (*_show(service, session), session, user, status, "")

    def on_submit(
        session: QuizSession, choice: str | None, typed: str | None, stored: str | None, request: gr.Request
    ) -> tuple[Any, ...]:
        user = trainee(request, stored, ctx)
        answer = choice if choice else (typed or "")
        if session.current is None or not str(answer).strip():
            return gr.update(), session, user, "请先作答。", gr.update()
        if session.answered:
            return gr.update(), session, user, "这道题已经判过分了，请点“下一题”。", gr.update()
        outcome = service.grade(session.current, str(answer), user=user)
        return result_html(outcome), replace(session, answered=True), user, "", table(user)

    # The panel's events are private: the app's API is quiz_make and quiz_grade.
    begin.click(on_start, [*picks, v.user], [*shown, v.session, v.user, v.status, v.document], api_visibility="private")
    due_button.click(on_review, [v.user], [*shown, v.session, v.user, v.status, v.document], api_visibility="private")
    submit.click(
        on_submit,
        [v.session, v.choice, v.typed, v.user],
        [v.result, v.session, v.user, v.status, v.progress],
        api_visibility="private",
    )
    _wire_source_and_progress(ctx, service, labels, v, open_doc, following)


def _wire_source_and_progress(
    ctx: Any, service: QuizService, labels: dict[str, str], v: _View, open_doc: Any, following: Any
) -> None:
    """Events: the next item, open the item's source in its document; on every page load, the trainee's progress."""

    def on_next(session: QuizSession) -> tuple[Any, ...]:
        session = QuizSession(session.item_ids, session.index + 1) if session.item_ids else session
        return (*_show(service, session), session, "")

    def on_open(session: QuizSession) -> str:
        item = service.item(session.current) if session.current else None
        if item is None:
            return ""
        return ctx.document_html(item.source.doc, item.source.start, item.source.end)

    def on_load(stored: str | None, request: gr.Request) -> tuple[str, list[list[Any]]]:
        user = trainee(request, stored, ctx)
        return user, progress_rows(service.progress(user), labels)

    shown = [v.question, v.choice, v.typed, v.result]
    following.click(on_next, [v.session], [*shown, v.session, v.document], api_visibility="private")
    opened = open_doc.click(on_open, [v.session], [v.document], api_visibility="private")
    opened.then(None, None, None, js=SCROLL_TO_QUOTE)
    root = Context.root_block
    if root is not None:  # on every page load: the trainee's id from the browser, and their progress
        root.load(on_load, [v.user], [v.user, v.progress], api_visibility="private")


def _register_api(service: QuizService) -> None:
    """The app's API: the same two calls as `speechqa quiz make --json` and `quiz grade --json`."""

    def quiz_make(
        n: int = 10, docs: list[str] | None = None, kinds: list[str] | None = None, seed: int = 0
    ) -> list[dict[str, Any]]:
        """n quiz items (the JSON of `speechqa quiz make --json`, one object per item)."""
        return [item_json(it) for it in service.make(n, Scope(tuple(docs or ()), tuple(kinds or ())), seed)]

    def quiz_grade(item_id: str, answer: str) -> dict[str, Any]:
        """Grade an answer (the JSON of `speechqa quiz grade ID ANSWER --json`)."""
        return grade_json(service.grade(item_id, answer))

    gr.api(quiz_make, api_name="quiz_make")
    gr.api(quiz_grade, api_name="quiz_grade")
