"""The 问答 panel: questions stream in, verified answers with [n] links, the sources panel, filters."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr

from answer.chain import AnswerChain
from answer.limits import cut_words
from answer.types import Answer, DraftEvent, StageEvent, Turn
from answer.verify import CHECK_WORDS
from ingest.store import DocumentStore
from retrieval.types import SearchFilters
from ui.context import AppContext
from ui.library import document_choices
from ui.line import BUSY, WAITING, ModelLine
from ui.render import link_markers, sources_html
from zhtext.years import years_in

log = logging.getLogger("speechqa.app")
EXAMPLES = [
    "2019年政府工作报告提出的国内生产总值增长预期目标是多少？",
    "十九大报告提出要坚决打好的三大攻坚战是什么？",
    "2025年政府工作报告安排的赤字率和赤字规模各是多少？",
    "基层服务型党组织建设建立了哪五项制度？",
    "2020年政府工作报告拟安排地方政府专项债券多少？",
]
STAGES = {"检索": "正在检索资料……", "生成": "正在阅读资料、组织回答……", "核实": "正在逐句核对原文……"}
Located = dict[str, tuple[str, int, int]]  # citation label → (document, quote start, quote end)


@dataclass
class ChatView:
    """What the chat panel shows after one step of a turn; None leaves a component as it is."""

    chat: list[dict[str, str]]
    history: list[Turn]
    sources: str | None = None
    status: str = ""
    citations: list[str] | None = None
    located: Located = field(default_factory=dict)


def filters_of(docs: list[str] | None, genre: str | None, speaker: str | None, y0: Any, y1: Any) -> SearchFilters:
    """The filter panel's values as search filters (empty = no bound)."""
    return SearchFilters(
        tuple(docs or ()), genre or None, speaker or None, int(y0) if y0 else None, int(y1) if y1 else None
    )


def filter_note(question: str, filters: SearchFilters, titles: dict[str, str]) -> str:
    """Why a refusal may be the filters' doing, in plain words; "" when no filter is active."""
    active = [f"文档：{'、'.join(titles.get(d, d) for d in filters.docs)}"] if filters.docs else []
    active += [f"体裁：{filters.genre}"] if filters.genre else []
    active += [f"讲话人：{filters.speaker}"] if filters.speaker else []
    if filters.year_from or filters.year_to:
        active.append(f"年份：{filters.year_from or '不限'}–{filters.year_to or '不限'}")
    if not active:
        return ""
    outside = sorted(
        y
        for y in years_in(question)
        if (filters.year_from and y < filters.year_from) or (filters.year_to and y > filters.year_to)
    )
    if outside:
        lead = f"问题提到{'、'.join(f'{y}年' for y in outside)}，但当前筛选不包含这一年份的文件"
    else:
        lead = "当前筛选可能排除了能回答的资料"
    return f"{lead}（{'；'.join(active)}）。可点“清除筛选”后再问。"


def answer_turn(
    chain: AnswerChain,
    message: str,
    chat: list[dict[str, str]],
    history: list[Turn],
    filters: SearchFilters,
    titles: dict[str, str] | None = None,
    line: ModelLine | None = None,
) -> Iterator[ChatView]:
    """One question: its place in line for the model while it waits (or 'busy' when the line is full), progress
    (retrieving, drafting with a count of characters, checking), then the verified answer. The unchecked draft is
    never shown, so nothing on screen is later withdrawn."""
    asked = chat + [{"role": "user", "content": message}]

    def saying(text: str) -> list[dict[str, str]]:  # a new list per view: the views already yielded stay as shown
        return asked + [{"role": "assistant", "content": text}]

    ticket = line.join() if line is not None else None
    if line is not None and ticket is None:
        yield ChatView(saying(BUSY.format(waiting=line.waiting())), history, sources="", status="繁忙，未作答。")
        return
    try:
        while line is not None and ticket is not None and not line.wait(ticket, 1.0):
            waiting = WAITING.format(ahead=line.ahead(ticket), seconds=line.estimate_s(ticket))
            yield ChatView(saying(waiting), history, sources="", citations=[])
        yield from _answer(chain, message, asked, history, filters, titles or {}, saying)
    finally:  # answered, failed, stopped or the page closed: the next in line goes
        if line is not None and ticket is not None:
            line.leave(ticket)


def _answer(
    chain: AnswerChain,
    message: str,
    asked: list[dict[str, str]],
    history: list[Turn],
    filters: SearchFilters,
    titles: dict[str, str],
    saying: Callable[[str], list[dict[str, str]]],
) -> Iterator[ChatView]:
    note = filter_note(message, filters, titles)
    yield ChatView(saying("正在检索资料……"), history, sources="", citations=[])  # the last answer's cards go
    final: Answer | None = None
    try:
        for event in chain.stream(message, history, filters):
            if isinstance(event, StageEvent):
                yield ChatView(saying(STAGES.get(event.stage, "……")), history)
            elif isinstance(event, DraftEvent):  # the draft itself is not shown: what streams must be what stays
                yield ChatView(
                    saying(f"正在阅读资料、组织回答……（已写{len(event.text)}字，逐句核对原文后显示）"), history
                )
            else:
                final = event.answer
    except Exception as exc:  # the model server or a file may fail; the user gets a sentence, the log the trace
        log.exception("answering %r failed", message)
        failed = f"⚠️ 抱歉，回答时出错了（{type(exc).__name__}），请稍后再试。"
        yield ChatView(saying(failed), history, sources="", status=f"出错：{exc}")
        return
    assert final is not None
    cut = next((cut_words(p.cut, chain.settings) for p in final.parts if p.cut), "")
    yield final_view(final, asked, history, note, cut, uploaded_documents(chain))


def uploaded_documents(chain: AnswerChain) -> frozenset[str]:
    """The documents that came from the library's uploads (their titles and dates are the uploader's claim)."""
    uploads = (chain.settings.data_dir / "uploads").resolve()
    return frozenset(d.doc_id for d in chain.searcher.documents() if Path(d.path).resolve().parent == uploads)


def final_view(
    final: Answer,
    asked: list[dict[str, str]],
    history: list[Turn],
    note: str = "",
    cut: str = "",
    uploaded: frozenset[str] = frozenset(),
) -> ChatView:
    """The verified answer in the chat, its sources in the panel, its citations ready to open; a refusal says
    why, and names the active filters when they may have caused it (note); an answer from a draft cut at its limit
    says so (cut)."""
    if final.abstained:
        check = CHECK_WORDS.get(final.decided_by, "")
        why = (f"原因：{final.reason}。" if final.reason else "") + (f"（判断环节：{check}）" if check else "")
        content = "\n\n".join(part for part in ("⚠️ " + final.answer, why + note) if part)
    else:
        content = link_markers(final.answer)
    chat = asked + [{"role": "assistant", "content": content}]
    labels = [f"[{c.marker}] {c.title}" for c in final.citations]
    status = "已拒答：" + final.reason if final.abstained else f"引用 {len(final.citations)} 处原文，均已核实。"
    if cut and not final.abstained:
        status += f"（{cut}，只显示其中已核实的内容。）"
    located = {label: (c.doc, c.quote_start, c.quote_end) for label, c in zip(labels, final.citations)}
    return ChatView(chat, history + [Turn.of(final)], sources_html(final, uploaded), status, labels, located)


def stopped(chat: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str]:
    """After 停止: a progress message left in the chat says the question was stopped (nothing half-checked shows)."""
    progress = (*STAGES.values(), "正在阅读资料、组织回答……（")  # not an answer that happens to begin with 正在
    if chat and chat[-1].get("role") == "assistant" and _text(chat[-1].get("content")).startswith(progress):
        chat = chat[:-1] + [{"role": "assistant", "content": "（已停止，未作答。）"}]
    return chat, "已停止。"


def _text(content: Any) -> str:
    """A chat message's text: Gradio hands messages back as lists of parts ({"type": "text", "text": …})."""
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content or "")


def outputs(view: ChatView) -> tuple[Any, ...]:
    """The view as Gradio outputs: chat, sources, history, citation picker, status, located quotes."""
    keep = gr.update()
    picker = (
        keep if view.citations is None else gr.update(choices=view.citations, value=next(iter(view.citations), None))
    )
    return (
        view.chat,
        keep if view.sources is None else view.sources,
        view.history,
        picker,
        view.status,
        keep if view.citations is None else view.located,
    )


ANY = ("不限", "")  # the first choice of every single-choice filter: picking it undoes the filter


@dataclass(frozen=True)
class FilterChoices:
    """What the filter panel offers, read from the library on every page view and after every change."""

    docs: list[tuple[str, str]]  # (title with date, document id)
    genres: list[tuple[str, str]]
    speakers: list[tuple[str, str]]
    years: list[tuple[str, str]]

    @classmethod
    def of(cls, store: DocumentStore) -> FilterChoices:
        docs = store.documents()
        return cls(
            document_choices(docs),
            [ANY] + [(g, g) for g in sorted({d.genre for d in docs if d.genre})],
            [ANY] + [(s, s) for s in sorted({d.speaker for d in docs if d.speaker})],
            [ANY] + [(str(y), str(y)) for y in sorted({d.year for d in docs if d.year})],
        )

    def titles(self) -> dict[str, str]:
        return {doc_id: label for label, doc_id in self.docs}


@dataclass
class ChatPanel:
    """The components of the 问答 tab that other panels and the app wire to."""

    docs_filter: gr.Dropdown
    cite_pick: gr.Dropdown
    open_cite: gr.Button
    located: gr.State


@dataclass
class Filters:
    """The filter controls, in the order filters_of takes their values."""

    docs: gr.Dropdown
    genre: gr.Dropdown
    speaker: gr.Dropdown
    year_from: gr.Dropdown
    year_to: gr.Dropdown

    def all(self) -> list[gr.Dropdown]:
        return [self.docs, self.genre, self.speaker, self.year_from, self.year_to]


def build_filters(ctx: AppContext) -> Filters:
    """Filters fold away under the question box; each has a 不限 choice, and 清除筛选 undoes them all."""
    offered = FilterChoices.of(ctx.services.index.store)
    with gr.Accordion("筛选（文档、体裁、讲话人、年份）", open=False, elem_id="sq-filters"):
        f_docs = gr.Dropdown(offered.docs, multiselect=True, label="文档", elem_id="sq-f-docs")
        with gr.Row():
            f_genre = gr.Dropdown(offered.genres, label="体裁", value="", elem_id="sq-f-genre")
            f_speaker = gr.Dropdown(offered.speakers, label="讲话人", value="", elem_id="sq-f-speaker")
        with gr.Row():
            f_y0 = gr.Dropdown(offered.years, label="起始年份", value="", elem_id="sq-f-from")
            f_y1 = gr.Dropdown(offered.years, label="截止年份", value="", elem_id="sq-f-to")
        reset = gr.Button("清除筛选", size="sm", elem_id="sq-f-clear")
    filters = Filters(f_docs, f_genre, f_speaker, f_y0, f_y1)
    reset.click(lambda: ([], "", "", "", ""), None, filters.all(), api_visibility="private")
    store = ctx.services.index.store
    for name, component in zip(("docs", "genres", "speakers", "years", "years"), filters.all()):
        ctx.listeners.append((lambda name=name: gr.update(choices=getattr(FilterChoices.of(store), name)), component))
    return filters


def build(ctx: AppContext) -> ChatPanel:
    """The 问答 tab: the chat with the question box under it at full width, filters folded below, sources beside
    (below on a phone: the answer comes first)."""
    history = gr.State([])
    located = gr.State({})
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=320):
            chatbot = gr.Chatbot(label="对话", height=480, elem_id="sq-chat")
            box = gr.Textbox(
                label="问题",
                placeholder="输入问题，例如：十九大报告提出的三大攻坚战是什么？",
                lines=2,
                max_lines=6,
                elem_id="sq-question",
            )
            with gr.Row():
                send = gr.Button("提问", variant="primary", elem_id="sq-send", min_width=80)
                stop = gr.Button("停止", elem_id="sq-stop", min_width=80)
                clear = gr.Button("新对话", elem_id="sq-new", min_width=80)
            status = gr.Markdown(elem_id="sq-status")
            filters = build_filters(ctx)
            gr.Examples(EXAMPLES, inputs=box, label="示例问题")
        with gr.Column(scale=2, min_width=320):
            gr.Markdown("**出处**")
            sources = gr.HTML("<p class='sq-meta'>回答引用的原文会显示在这里。</p>", elem_id="sq-sources")
            cite_pick = gr.Dropdown([], label="引用", elem_id="sq-cite-pick")
            open_cite = gr.Button("在文档中打开", elem_id="sq-open-cite")

    def respond(message: str, chat: list, turns: list, docs, genre, speaker, y0, y1):
        titles = FilterChoices.of(ctx.services.index.store).titles()
        chosen = filters_of(docs, genre, speaker, y0, y1)
        for view in answer_turn(ctx.services.chain, message, chat, turns, chosen, titles, ctx.line):
            yield outputs(view)

    runs = []
    # The model's line (ui/line.py) decides who is answered; Gradio runs enough of these events at once for every
    # question in line to show its place (a group's limit is its lowest: every event of "line" sets the same).
    shown = [chatbot, sources, history, cite_pick, status, located]
    asked, limit = [box, chatbot, history, *filters.all()], ctx.line_capacity()
    for trigger in (box.submit, send.click):
        run = trigger(respond, asked, shown, concurrency_limit=limit, concurrency_id="line", api_visibility="private")
        run.then(lambda: "", None, box, api_visibility="private")
        runs.append(run)
    # Cancel first, then mark the chat: a mark written while the stream still ran would be overwritten by it.
    stop.click(None, None, None, cancels=runs, api_visibility="private").then(  # type: ignore[arg-type]
        stopped, chatbot, [chatbot, status], api_visibility="private"
    )
    clear.click(
        lambda: ([], [], "", "", gr.update(choices=[], value=None), {}),
        None,
        [chatbot, history, sources, status, cite_pick, located],
        api_visibility="private",
    )
    return ChatPanel(filters.docs, cite_pick, open_cite, located)
