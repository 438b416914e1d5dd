"""The 文库 panel: search and read documents with their outline, upload and ingest files, remove documents."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import gradio as gr

from ingest.pipeline import IngestReport, ingest
from ui.context import AppContext, Services
from ui.render import document_html, reason_zh

HEADERS = ["标题", "讲话人", "日期", "体裁", "段数", "文件"]


def library_rows(services: Services, query: str = "") -> list[list[Any]]:
    """One row per document; a query keeps the rows where any cell contains it."""
    rows = [[d.title, d.speaker, d.date, d.genre, d.n_chunks, d.doc_id] for d in services.index.store.documents()]
    return [r for r in rows if not query or any(query in str(cell) for cell in r)]


def ingest_uploads(services: Services, files: list[Any], progress: Callable[[Iterable[Path]], Iterable[Path]]) -> str:
    """Copy uploaded files into the data folder and ingest them; a summary with a plain reason per failed file."""
    if not files:
        return "请先选择文件。"
    uploaded_dir = services.settings.data_dir / "uploads"
    uploaded_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for f in files:
        src = Path(f if isinstance(f, str) else f.name)
        target = uploaded_dir / Path(getattr(f, "orig_name", None) or src.name).name
        shutil.copyfile(src, target)
        paths.append(target)
    report = ingest(paths, services.settings, services.index, progress=progress)
    services.changed()
    return summary(report)


def summary(report: IngestReport) -> str:
    lines = [
        f"导入完成：新增 {len(report.added)}，更新 {len(report.updated)}，未变 {len(report.unchanged)}，"
        f"失败 {len(report.failed)}（共写入 {report.chunks} 段，{report.seconds:.1f} 秒）。"
    ]
    return "\n".join(lines + [f"- 未导入 **{name}**：{reason_zh(reason)}" for name, reason in report.failed])


def remove_document(services: Services, doc_id: str | None) -> str:
    """Remove a document from the index; the message says what happened."""
    if not doc_id:
        return "请先选择要删除的文档。"
    removed = services.index.remove_document(doc_id)
    services.changed()
    return f"已删除 {doc_id}。" if removed else f"{doc_id} 不在文库中。"


def build(ctx: AppContext) -> tuple[gr.HTML, gr.Markdown]:
    """The 文库 tab; returns its document viewer and outline, which "在文档中打开" fills."""
    services = ctx.services
    with gr.Row():
        with gr.Column(scale=2):
            lib_query = gr.Textbox(label="搜索文档（标题、讲话人、日期、体裁）", elem_id="sq-lib-search")
            table = gr.Dataframe(library_rows(services), headers=HEADERS, interactive=False, elem_id="sq-lib-table")
            uploads = gr.File(file_count="multiple", label="上传文件（txt md docx pdf html）", elem_id="sq-upload")
            do_ingest = gr.Button("导入上传的文件", elem_id="sq-ingest")
            ingest_log = gr.Markdown(elem_id="sq-ingest-log")
            ids = [d.doc_id for d in services.index.store.documents()]
            remove_pick = gr.Dropdown(ids, label="删除文档", value=None)
            remove_btn = gr.Button("删除", variant="stop")
        with gr.Column(scale=3):
            outline = gr.Markdown(elem_id="sq-outline")
            viewer = gr.HTML(elem_id="sq-viewer")
    lib_query.change(lambda q: library_rows(services, q), lib_query, table, api_visibility="private")

    def open_row(evt: gr.SelectData, rows):
        row = rows.iloc[evt.index[0]] if hasattr(rows, "iloc") else rows[evt.index[0]]
        return document_html(services.index.store, str(row.iloc[5] if hasattr(row, "iloc") else row[5]))

    table.select(open_row, table, [outline, viewer], api_visibility="private")
    listeners = [
        (lambda: gr.update(choices=[d.doc_id for d in services.index.store.documents()], value=None), remove_pick)
    ] + ctx.listeners

    def after_change(message: str) -> tuple[Any, ...]:
        return (message, library_rows(services), *[update() for update, _ in listeners])

    def ingest_files(files, progress=gr.Progress(track_tqdm=True)):
        return after_change(ingest_uploads(services, files, lambda fs: progress.tqdm(fs, desc="导入")))

    changed = [ingest_log, table] + [component for _, component in listeners]
    do_ingest.click(
        ingest_files, uploads, changed, concurrency_limit=1, concurrency_id="ingest", api_visibility="private"
    )
    remove_btn.click(
        lambda d: after_change(remove_document(services, d)), remove_pick, changed, api_visibility="private"
    )
    return viewer, outline
