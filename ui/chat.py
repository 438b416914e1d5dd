"""The 问答 panel: questions stream in, verified answers with [n] links, the sources panel, filters."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from answer.chain import AnswerChain
from answer.types import Answer, DraftEvent, StageEvent, Turn
from ingest.store import DocumentStore
from retrieval.types import SearchFilters
from ui.context import AppContext
from ui.render import link_markers, sources_html

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


def answer_turn(
    chain: AnswerChain, message: str, chat: list[dict[str, str]], history: list[Turn], filters: SearchFilters
) -> Iterator[ChatView]:
    """One question: a searching notice, the streamed draft marked as being checked, then the verified answer."""
    asked = chat + [{"role": "user", "content": message}]

    def saying(text: str) -> list[dict[str, str]]:  # a new list per view: the views already yielded stay as shown
        return asked + [{"role": "assistant", "content": text}]

    yield ChatView(saying("正在检索资料……"), history)
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
    yield final_view(final, message, asked, history)


def final_view(final: Answer, message: str, asked: list[dict[str, str]], history: list[Turn]) -> ChatView:
    """The verified answer in the chat, its sources in the panel, its citations ready to open."""
    content = final.answer if final.abstained else link_markers(final.answer)
    chat = asked + [{"role": "assistant", "content": ("⚠️ " + content) if final.abstained else content}]
    labels = [f"[{c.marker}] {c.title}" for c in final.citations]
    status = "已拒答：" + final.reason if final.abstained else f"引用 {len(final.citations)} 处原文，均已核实。"
    located = {label: (c.doc, c.quote_start, c.quote_end) for label, c in zip(labels, final.citations)}
    return ChatView(chat, history + [Turn.of(final)], sources_html(final), status, labels, located)


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


def choices(store: DocumentStore) -> tuple[list[str], list[str], list[str], list[int]]:
    """Filter choices from the library: document ids, genres, speakers, years."""
    docs = store.documents()
    return (
        [d.doc_id for d in docs],
        sorted({d.genre for d in docs if d.genre}),
        sorted({d.speaker for d in docs if d.speaker}),
        sorted({d.year for d in docs if d.year}),
    )


@dataclass
class ChatPanel:
    """The components of the 问答 tab that other panels and the app wire to."""

    docs_filter: gr.Dropdown
    cite_pick: gr.Dropdown
    open_cite: gr.Button
    located: gr.State


def build(ctx: AppContext) -> ChatPanel:
    """The 问答 tab: filters, chat, sources."""
    history = gr.State([])
    located = gr.State({})
    with gr.Row():
        with gr.Column(scale=1, min_width=220):
            gr.Markdown("**筛选**")
            doc_ids, genres, speakers, years = choices(ctx.services.index.store)
            f_docs = gr.Dropdown(doc_ids, multiselect=True, label="文档")
            f_genre = gr.Dropdown(genres, label="体裁", value=None)
            f_speaker = gr.Dropdown(speakers, label="讲话人", value=None)
            f_y0 = gr.Dropdown(years, label="起始年份", value=None)  # empty = no bound
            f_y1 = gr.Dropdown(years, label="截止年份", value=None)
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(label="对话", height=520, elem_id="sq-chat")
            with gr.Row():
                box = gr.Textbox(
                    placeholder="输入问题，例如：十九大报告提出的三大攻坚战是什么？",
                    show_label=False,
                    scale=5,
                    elem_id="sq-question",
                )
                send = gr.Button("提问", variant="primary", scale=1, elem_id="sq-send")
                stop = gr.Button("停止", scale=1, elem_id="sq-stop")
            status = gr.Markdown(elem_id="sq-status")
            gr.Examples(EXAMPLES, inputs=box, label="示例问题")
            clear = gr.Button("新对话")
        with gr.Column(scale=2):
            gr.Markdown("**出处**")
            sources = gr.HTML(elem_id="sq-sources")
            cite_pick = gr.Dropdown([], label="引用", elem_id="sq-cite-pick")
            open_cite = gr.Button("在文档中打开", elem_id="sq-open-cite")

    def respond(message: str, chat: list, turns: list, docs, genre, speaker, y0, y1):
        for view in answer_turn(ctx.services.chain, message, chat, turns, filters_of(docs, genre, speaker, y0, y1)):
            yield outputs(view)

    runs = []
    for trigger in (box.submit, send.click):
        # One answer streams at a time (one model instance); the library and other events stay responsive.
        run = trigger(
            respond,
            [box, chatbot, history, f_docs, f_genre, f_speaker, f_y0, f_y1],
            [chatbot, sources, history, cite_pick, status, located],
            concurrency_limit=1,
            concurrency_id="llm",
            api_visibility="private",
        )
        run.then(lambda: "", None, box, api_visibility="private")
        runs.append(run)
    stop.click(lambda: "已停止。", None, status, cancels=runs, api_visibility="private")  # type: ignore[arg-type]
    clear.click(
        lambda: ([], [], "", "", gr.update(choices=[], value=None), {}),
        None,
        [chatbot, history, sources, status, cite_pick, located],
        api_visibility="private",
    )
    ctx.listeners.append((lambda: gr.update(choices=choices(ctx.services.index.store)[0]), f_docs))
    return ChatPanel(f_docs, cite_pick, open_cite, located)
