"""The browser app (Gradio): chat with streamed, verified answers and a sources panel; a library of documents.

A thin shell over the same functions as the CLI: ingest.pipeline, retrieval.hybrid and answer.chain.
"""

from __future__ import annotations

import html
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import gradio as gr  # noqa: E402

from answer.chain import Answer, AnswerChain  # noqa: E402
from config import Settings, get_settings  # noqa: E402
from ingest.chunking import heading_of  # noqa: E402
from ingest.index import SpeechIndex  # noqa: E402
from ingest.pipeline import ingest  # noqa: E402
from retrieval.hybrid import HybridSearcher, Passage, SearchFilters  # noqa: E402

EXAMPLES = [
    "2019年政府工作报告提出的国内生产总值增长预期目标是多少？",
    "十九大报告提出要坚决打好的三大攻坚战是什么？",
    "2025年政府工作报告安排的赤字率和赤字规模各是多少？",
    "基层服务型党组织建设建立了哪五项制度？",
    "2020年政府工作报告拟安排地方政府专项债券多少？",
]
CSS = """
.sq-source {border:1px solid #ddd; border-radius:8px; padding:8px 10px; margin-bottom:8px}
.sq-source h4 {margin:0 0 4px 0}
.sq-meta {color:#666; font-size:0.85em}
.sq-passage mark, .sq-doc mark {background:#ffe58a; padding:0 1px}
.sq-abstain {border-left:4px solid #d48806; background:#fffbe6; padding:8px 10px}
.sq-little {border-left:4px solid #999; background:#f5f5f5; padding:8px 10px}
.sq-doc {max-height:640px; overflow-y:auto; line-height:1.8}
.sq-doc p {margin:0 0 0.8em 0}
"""


@dataclass
class Services:
    """Everything the app serves from, created once per process."""

    settings: Settings
    index: SpeechIndex
    searcher: HybridSearcher
    chain: AnswerChain

    @classmethod
    def create(cls, settings: Settings) -> Services:
        searcher = HybridSearcher.open(settings)
        return cls(settings, searcher.index, searcher, AnswerChain(searcher, settings))


# ---------- rendering ----------

def _link_markers(text: str) -> str:
    """[n] in the answer becomes a link to source n in the sources panel."""
    return re.sub(r"\[(\d+)\]", r'<a href="#sq-src-\1">[\1]</a>', html.escape(text))


def _highlight(text: str, start: int, end: int) -> str:
    return html.escape(text[:start]) + '<mark id="sq-quote">' + html.escape(text[start:end]) + "</mark>" + html.escape(text[end:])


def sources_html(answer: Answer) -> str:
    """Cited passages with title, speaker, date, section and the supporting quote highlighted."""
    if answer.abstained:
        head = f'<div class="sq-abstain"><b>未能作答</b>：{html.escape(answer.reason or "资料不足")}</div>'
        shown = answer.retrieved[:3]
        if not shown:
            return head
        cards = "".join(_passage_card(p) for p in shown)
        return head + "<p class='sq-meta'>检索到的最接近的段落（不足以回答问题，仅供参考）：</p>" + cards
    speakers = {p.doc: p.speaker for p in answer.retrieved}
    cards = []
    for c in answer.citations:
        q0, q1 = c["quote_start"] - c["start"], c["quote_end"] - c["start"]
        cards.append(
            f'<div class="sq-source" id="sq-src-{c["marker"]}"><h4>[{c["marker"]}] {html.escape(c["title"])}</h4>'
            f'<div class="sq-meta">{html.escape(speakers.get(c["doc"], ""))} · {html.escape(c["date"] or "日期不详")}'
            f' · {html.escape(c["section"] or "—")} · {html.escape(c["doc"])}</div>'
            f'<div class="sq-passage">{_highlight(c["text"], q0, q1)}</div></div>'
        )
    little = ""
    if len(answer.retrieved) < 2:
        little = '<div class="sq-little">检索到的相关内容很少，请核对原文。</div>'
    return little + "".join(cards)


def _passage_card(p: Passage) -> str:
    return (f'<div class="sq-source"><h4>{html.escape(p.title)}</h4><div class="sq-meta">{html.escape(p.speaker)} · '
            f'{html.escape(p.date or "日期不详")} · {html.escape(p.section or "—")}</div>'
            f'<div class="sq-passage">{html.escape(p.text)}</div></div>')


def document_html(services: Services, doc_id: str, quote: tuple[int, int] | None = None) -> tuple[str, str]:
    """(outline markdown, full text HTML) of a document, with an optional quote highlighted."""
    doc = services.index.store.document(doc_id)
    if doc is None:
        return "", "<p>文档不存在。</p>"
    outline, paragraphs, offset = [], [], 0
    for para in doc.text.split("\n\n"):
        start, end = offset, offset + len(para)
        heading = heading_of(para)
        if heading and heading[0] <= 2:
            outline.append(("  " * (heading[0] - 1)) + f"- {heading[1]}")
        if quote and start <= quote[0] < end:
            body = _highlight(para, quote[0] - start, min(quote[1], end) - start)
        else:
            body = html.escape(para)
        paragraphs.append(f"<p>{body}</p>")
        offset = end + 2
    head = (f"<h3>{html.escape(doc.title)}</h3><p class='sq-meta'>{html.escape(doc.speaker)} · {html.escape(doc.date)}"
            f" · {html.escape(doc.genre)} · {doc.n_chunks} 段</p>")
    return "\n".join(outline) or "（无章节标题）", f'<div class="sq-doc">{head}{"".join(paragraphs)}</div>'


# ---------- the app ----------

def build_app(services: Services) -> gr.Blocks:
    store = services.index.store

    def library_rows(query: str = "") -> list[list]:
        rows = [[d.title, d.speaker, d.date, d.genre, d.n_chunks, d.doc_id] for d in store.documents()]
        return [r for r in rows if not query or any(query in str(cell) for cell in r)]

    def choices() -> tuple[list[str], list[str], list[str], list[int]]:
        docs = store.documents()
        return ([d.doc_id for d in docs], sorted({d.genre for d in docs if d.genre}),
                sorted({d.speaker for d in docs if d.speaker}), sorted({d.year for d in docs if d.year}))

    def filters_of(docs: list[str] | None, genre: str | None, speaker: str | None, y0: int | None,
                   y1: int | None) -> SearchFilters:
        return SearchFilters(tuple(docs or ()), genre or None, speaker or None, int(y0) if y0 else None,
                             int(y1) if y1 else None)

    def respond(message: str, chat: list, pairs: list, docs, genre, speaker, y0, y1):
        """Stream the draft, then replace it with the verified answer and fill the sources panel."""
        chat = chat + [{"role": "user", "content": message}, {"role": "assistant", "content": "正在检索资料……"}]
        yield chat, gr.update(), pairs, gr.update(), "", gr.update()
        final: Answer | None = None
        try:
            for event in services.chain.stream(message, pairs, filters_of(docs, genre, speaker, y0, y1)):
                if event["type"] == "draft":
                    chat[-1] = {"role": "assistant", "content": event["text"] + " …（核实中）"}
                    yield chat, gr.update(), pairs, gr.update(), "", gr.update()
                else:
                    final = event["answer"]
        except Exception as exc:  # the model server or a file may fail; the user gets a sentence, not a trace
            chat[-1] = {"role": "assistant", "content": f"⚠️ 抱歉，回答时出错了（{type(exc).__name__}），请稍后再试。"}
            yield chat, "", pairs, gr.update(), f"出错：{exc}", {}
            return
        assert final is not None
        content = final.answer if final.abstained else _link_markers(final.answer)
        chat[-1] = {"role": "assistant", "content": ("⚠️ " + content) if final.abstained else content}
        pairs = pairs + [(message, final.answer)]
        cites = [f"[{c['marker']}] {c['title']}" for c in final.citations]
        status = "已拒答：" + final.reason if final.abstained else f"引用 {len(final.citations)} 处原文，均已核实。"
        located = {label: (c["doc"], c["quote_start"], c["quote_end"]) for label, c in zip(cites, final.citations)}
        yield (chat, sources_html(final), pairs, gr.update(choices=cites, value=cites[0] if cites else None), status,
               located)

    with gr.Blocks(title="speechqa · 政策讲话问答") as demo:
        gr.Markdown("## speechqa · 政策讲话与报告问答\n每个回答都标注出处 [n]，引用的原文已由程序逐句核对；资料不足时会明确说明。")
        pairs = gr.State([])
        citation_map = gr.State({})
        with gr.Tabs() as tabs:
            with gr.Tab("问答", id="chat"):
                with gr.Row():
                    with gr.Column(scale=1, min_width=220):
                        gr.Markdown("**筛选**")
                        doc_ids, genres, speakers, years = choices()
                        f_docs = gr.Dropdown(doc_ids, multiselect=True, label="文档")
                        f_genre = gr.Dropdown(genres, label="体裁", value=None)
                        f_speaker = gr.Dropdown(speakers, label="讲话人", value=None)
                        f_y0 = gr.Dropdown(years, label="起始年份", value=None)  # empty = no bound
                        f_y1 = gr.Dropdown(years, label="截止年份", value=None)
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(label="对话", height=520, elem_id="sq-chat")
                        with gr.Row():
                            box = gr.Textbox(placeholder="输入问题，例如：十九大报告提出的三大攻坚战是什么？", show_label=False,
                                             scale=5, elem_id="sq-question")
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
            with gr.Tab("文库", id="library"):
                with gr.Row():
                    with gr.Column(scale=2):
                        lib_query = gr.Textbox(label="搜索文档（标题、讲话人、日期、体裁）", elem_id="sq-lib-search")
                        table = gr.Dataframe(library_rows(), headers=["标题", "讲话人", "日期", "体裁", "段数", "文件"],
                                             interactive=False, elem_id="sq-lib-table")
                        uploads = gr.File(file_count="multiple", label="上传文件（txt md docx pdf html）",
                                          elem_id="sq-upload")
                        do_ingest = gr.Button("导入上传的文件", elem_id="sq-ingest")
                        ingest_log = gr.Markdown(elem_id="sq-ingest-log")
                        remove_pick = gr.Dropdown(doc_ids, label="删除文档", value=None)
                        remove_btn = gr.Button("删除", variant="stop")
                    with gr.Column(scale=3):
                        outline = gr.Markdown(elem_id="sq-outline")
                        viewer = gr.HTML(elem_id="sq-viewer")

        runs = []
        for trigger in (box.submit, send.click):
            # One answer streams at a time (one model instance); the library and other events stay responsive.
            run = trigger(respond, [box, chatbot, pairs, f_docs, f_genre, f_speaker, f_y0, f_y1],
                          [chatbot, sources, pairs, cite_pick, status, citation_map], concurrency_limit=1,
                          concurrency_id="llm", api_visibility="private")
            run.then(lambda: "", None, box, api_visibility="private")
            runs.append(run)
        stop.click(lambda: "已停止。", None, status, cancels=runs, api_visibility="private")
        clear.click(lambda: ([], [], "", "", gr.update(choices=[], value=None), {}), None,
                    [chatbot, pairs, sources, status, cite_pick, citation_map], api_visibility="private")

        def open_citation(label: str | None, located: dict):
            if not label or label not in located:
                return gr.update(), gr.update(), gr.update()
            doc_id, q0, q1 = located[label]
            o, v = document_html(services, doc_id, (q0, q1))
            return o, v, gr.Tabs(selected="library")

        open_cite.click(open_citation, [cite_pick, citation_map], [outline, viewer, tabs], api_visibility="private").then(
            None, None, None, js="() => setTimeout(() => document.getElementById('sq-quote')?.scrollIntoView({block:'center'}), 300)")
        lib_query.change(lambda q: library_rows(q), lib_query, table, api_visibility="private")

        def open_row(evt: gr.SelectData, rows):
            row = rows.iloc[evt.index[0]] if hasattr(rows, "iloc") else rows[evt.index[0]]
            return document_html(services, str(row.iloc[5] if hasattr(row, "iloc") else row[5]))

        table.select(open_row, table, [outline, viewer], api_visibility="private")

        def ingest_files(files, progress=gr.Progress(track_tqdm=True)):
            if not files:
                return "请先选择文件。", gr.update(), gr.update(), gr.update()
            uploaded_dir = services.settings.data_dir / "uploads"
            uploaded_dir.mkdir(parents=True, exist_ok=True)
            paths = []
            for f in files:
                src = Path(f if isinstance(f, str) else f.name)
                name = Path(getattr(f, "orig_name", None) or src.name).name
                target = uploaded_dir / name
                shutil.copyfile(src, target)
                paths.append(target)
            report = ingest(paths, services.settings, services.index, progress=lambda fs: progress.tqdm(fs, desc="导入"))
            services.chain.focus.refresh()
            lines = [f"导入完成：新增 {len(report.added)}，更新 {len(report.updated)}，未变 {len(report.unchanged)}，"
                     f"失败 {len(report.failed)}（共写入 {report.chunks} 段，{report.seconds:.1f} 秒）。"]
            lines += [f"- 未导入 **{name}**：{_reason_zh(reason)}" for name, reason in report.failed]
            ids, *_ = choices()
            return "\n".join(lines), library_rows(), gr.update(choices=ids), gr.update(choices=ids)

        do_ingest.click(ingest_files, uploads, [ingest_log, table, remove_pick, f_docs], concurrency_limit=1,
                        concurrency_id="ingest", api_visibility="private")

        def remove_doc(doc_id: str | None):
            if not doc_id:
                return "请先选择要删除的文档。", gr.update(), gr.update(), gr.update()
            removed = services.index.remove_document(doc_id)
            services.index.keyword()
            services.chain.focus.refresh()
            ids, *_ = choices()
            msg = f"已删除 {doc_id}。" if removed else f"{doc_id} 不在文库中。"
            return msg, library_rows(), gr.update(choices=ids, value=None), gr.update(choices=ids)

        remove_btn.click(remove_doc, remove_pick, [ingest_log, table, remove_pick, f_docs], api_visibility="private")

        def ask(question: str) -> dict:
            """Answer one question; returns the same JSON object as `speechqa ask --json`."""
            return services.chain.answer(question).public()

        gr.api(ask, api_name="ask", concurrency_limit=1, concurrency_id="llm")
    return demo


def _reason_zh(reason: str) -> str:
    """Per-file ingest errors in plain words for the library panel."""
    table = {
        "empty file": "文件是空的", "no such file": "文件不存在", "no text found in the file": "文件里没有文字",
    }
    if reason in table:
        return table[reason]
    if reason.startswith("unsupported file type"):
        return "不支持的文件类型（支持 txt、md、docx、pdf、html）"
    if reason.startswith("binary file"):
        return "这是二进制文件，不是文本"
    if reason.startswith("undecodable"):
        return "无法识别文件编码（支持 UTF-8、UTF-16、GB18030/GBK）"
    if reason.startswith("file too large"):
        return "文件过大：" + reason
    return reason


def main() -> None:
    settings = get_settings()
    services = Services.create(settings)
    if not services.index.store.documents():
        print(f"speechqa: the index is empty; run `speechqa ingest` (corpus: {settings.corpus_dir})")
    demo = build_app(services)
    demo.queue(default_concurrency_limit=4)
    host = os.environ.get("SPEECHQA_HOST", "127.0.0.1")
    port = int(os.environ.get("SPEECHQA_PORT", "7860"))
    demo.launch(server_name=host, server_port=port, css=CSS, footer_links=["api"])


if __name__ == "__main__":
    main()
