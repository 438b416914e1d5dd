"""The 文库 panel: search and read documents with their outline, upload and ingest files, remove documents."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from ingest.audit import record
from ingest.pipeline import IngestReport, ingest
from ingest.store import StoredDocument
from ui.access import Access
from ui.context import AppContext, Services
from ui.render import LIBRARY_HINT, document_html, reason_zh

# Four columns fit the pane; the file name is kept beside the table (in a State), not shown.
HEADERS = ["标题", "日期", "讲话人", "段数"]


def library_view(services: Services, query: str = "") -> tuple[list[list[Any]], list[str]]:
    """The table's rows (one per document) and their document ids; a query keeps the rows where any cell or the
    file name contains it."""
    rows, ids = [], []
    for d in services.index.store.documents():
        row = [d.title, d.date, d.speaker, d.n_chunks]
        if not query or any(query in str(cell) for cell in [*row, d.genre, d.doc_id]):
            rows.append(row)
            ids.append(d.doc_id)
    return rows, ids


def document_choices(docs: list[StoredDocument]) -> list[tuple[str, str]]:
    """(title with date, document id) for every dropdown of documents: people pick titles, the code gets ids."""
    return [(f"{d.title}（{d.date or '日期不详'}）", d.doc_id) for d in docs]


def uploads_dir(services: Services) -> Path:
    return services.settings.data_dir / "uploads"


def ingest_uploads(services: Services, files: list[Any], progress: Callable[[Iterable[Path]], Iterable[Path]]) -> str:
    """Copy uploaded files into the data folder and ingest them; a summary with a plain reason per failed file.
    Limits are checked before copying (a refused file never reaches the data folder), and a file that fails to
    ingest leaves no copy behind."""
    if not files:
        return "请先选择文件。"
    settings = services.settings
    folder = uploads_dir(services)
    folder.mkdir(parents=True, exist_ok=True)
    paths, refused = [], []
    for i, f in enumerate(files):
        src = Path(f if isinstance(f, str) else f.name)
        name = Path(getattr(f, "orig_name", None) or src.name).name
        size_mb = src.stat().st_size / 2**20 if src.exists() else 0.0
        if i >= settings.max_upload_files:
            refused.append((name, f"一次最多导入 {settings.max_upload_files} 个文件，这个文件没有导入"))
        elif size_mb > settings.max_file_mb:
            refused.append((name, f"文件过大（{size_mb:.1f} MB，上限 {settings.max_file_mb:g} MB）"))
        else:
            shutil.copyfile(src, folder / name)
            paths.append(folder / name)
    report = ingest(paths, settings, services.index, progress=progress)
    indexed = {Path(d.path).resolve() for d in services.index.store.documents()}
    for name, _ in report.failed:  # a failed file leaves no copy, unless it replaced the copy of an indexed upload
        if (folder / name).resolve() not in indexed:
            (folder / name).unlink(missing_ok=True)
    report.failed.extend(refused)
    services.changed()
    return summary(report)


def summary(report: IngestReport) -> str:
    lines = [
        f"导入完成：新增 {len(report.added)}，更新 {len(report.updated)}，未变 {len(report.unchanged)}，"
        f"失败 {len(report.failed)}（共写入 {report.chunks} 段，{report.seconds:.1f} 秒）。"
    ]
    lines += [f"- 未导入 **{name}**：{reason_zh(reason)}" for name, reason in report.failed]
    lines += [
        f"- ⚠️ **{name}** 中有一句像是对问答助手下的指令，问答时不会读取它：“{said[:60]}”"
        for name, said in report.flagged
    ]
    return "\n".join(lines)


def removal_question(services: Services, doc_id: str | None) -> str:
    """The confirmation asked before a removal ("" when nothing to confirm)."""
    doc = services.index.store.document(doc_id) if doc_id else None
    if doc is None:
        return ""
    return f"确定要删除《{doc.title}》（{doc.date or '日期不详'}，{doc.n_chunks} 段）吗？删除后问答和练习都不再引用它。"


def remove_document(services: Services, doc_id: str | None) -> str:
    """Remove a document from the index, and its uploaded copy if it came from an upload; says what happened."""
    if not doc_id:
        return "请先选择要删除的文档。"
    doc = services.index.store.document(doc_id)
    removed = services.index.remove_document(doc_id)
    if doc is not None and Path(doc.path).resolve().parent == uploads_dir(services).resolve():
        Path(doc.path).unlink(missing_ok=True)
    services.changed()
    title = f"《{doc.title}》" if doc else f" {doc_id}"
    return f"已删除{title}。" if removed else f"{doc_id} 不在文库中。"


NOT_ALLOWED = "只有管理员可以修改文库（当前用户：{who}）。"


def import_as(
    access: Access, request: Any, services: Services, files: list[Any], progress: Callable[[Iterable[Path]], Any]
) -> str:
    """An administrator's import, recorded in the audit log; anyone else is told no and nothing changes."""
    who = access.who(request)
    if not access.may_change_library(request):
        return NOT_ALLOWED.format(who=who)
    message = ingest_uploads(services, files, progress)
    for name in [
        Path(getattr(f, "orig_name", None) or (f if isinstance(f, str) else f.name)).name for f in files or []
    ]:
        stored = services.index.store.document(name)
        if stored is not None and Path(stored.path).resolve().parent == uploads_dir(services).resolve():
            record(services.settings, who, "import", name, stored.content_hash)
    return message


def remove_as(access: Access, request: Any, services: Services, doc_id: str | None) -> str:
    """An administrator's removal, recorded in the audit log; anyone else is told no and nothing changes."""
    if not access.may_change_library(request):
        return NOT_ALLOWED.format(who=access.who(request))
    message = remove_document(services, doc_id)
    if doc_id and message.startswith("已删除"):
        record(services.settings, access.who(request), "remove", doc_id)
    return message


def _removal_controls(ctx: AppContext) -> tuple[Any, ...]:
    """Pick, 删除…, then a confirmation naming the document: 确认删除 or 取消."""
    pick = gr.Dropdown(
        document_choices(ctx.services.index.store.documents()),
        label="要删除的文档",
        value=None,
        elem_id="sq-remove-pick",
    )
    ask = gr.Button("删除…", variant="stop", elem_id="sq-remove")
    with gr.Group(visible=False, elem_id="sq-confirm") as box:
        text = gr.Markdown()
        with gr.Row():
            confirm = gr.Button("确认删除", variant="stop", elem_id="sq-confirm-remove")
            cancel = gr.Button("取消", elem_id="sq-cancel-remove")
    return pick, ask, box, text, confirm, cancel


@dataclass
class LibraryPanel:
    """The components of the 文库 tab that the app wires to: the viewer and outline "在文档中打开" fills, and the
    controls only administrators see."""

    viewer: gr.HTML
    outline: gr.HTML
    admin_only: list[Any]


def build(ctx: AppContext) -> LibraryPanel:
    """The 文库 tab: everyone searches and reads; administrators upload and remove (checked in each handler, the
    controls are also hidden from readers)."""
    services, access = ctx.services, ctx.access
    rows, ids = library_view(services)
    shown_ids = gr.State(ids)
    with gr.Row():
        with gr.Column(scale=3):
            lib_query = gr.Textbox(label="搜索文档（标题、讲话人、日期、体裁、文件名）", elem_id="sq-lib-search")
            table = gr.Dataframe(rows, headers=HEADERS, interactive=False, elem_id="sq-lib-table", wrap=True)
            uploads = gr.File(file_count="multiple", label="上传文件（txt md docx pdf html）", elem_id="sq-upload")
            do_ingest = gr.Button("导入上传的文件", elem_id="sq-ingest")
            ingest_log = gr.Markdown(elem_id="sq-ingest-log")
            with gr.Accordion("删除文档", open=False) as removal:
                remove_pick, remove_btn, confirm_box, confirm_text, confirm_btn, cancel_btn = _removal_controls(ctx)
        with gr.Column(scale=2):
            outline = gr.HTML(elem_id="sq-outline")
            viewer = gr.HTML(LIBRARY_HINT, elem_id="sq-viewer")
    lib_query.change(lambda q: library_view(services, q), lib_query, [table, shown_ids], api_visibility="private")

    def open_row(evt: gr.SelectData, visible: list[str]):
        return document_html(services.index.store, visible[evt.index[0]])

    table.select(open_row, shown_ids, [outline, viewer], api_visibility="private")
    # Every list of documents is refreshed after a change here and on every page view (see app.build_app).
    ctx.listeners.append((lambda: library_view(services)[0], table))
    ctx.listeners.append((lambda: library_view(services)[1], shown_ids))
    ctx.listeners.append(
        (lambda: gr.update(choices=document_choices(services.index.store.documents()), value=None), remove_pick)
    )
    listeners = list(ctx.listeners)

    def after_change(message: str) -> tuple[Any, ...]:
        return (message, *[update() for update, _ in listeners])

    def ingest_files(files, request: gr.Request, progress=gr.Progress(track_tqdm=True)):
        return after_change(import_as(access, request, services, files, lambda fs: progress.tqdm(fs, desc="导入")))

    def remove(doc_id: str | None, request: gr.Request):
        return after_change(remove_as(access, request, services, doc_id))

    changed = [ingest_log] + [component for _, component in listeners]
    # The log says at once that the import runs; the chosen files are cleared once imported (no second import).
    do_ingest.click(lambda: "正在导入……", None, ingest_log, api_visibility="private").then(
        ingest_files, uploads, changed, concurrency_limit=1, concurrency_id="ingest", api_visibility="private"
    ).then(lambda: None, None, uploads, api_visibility="private")

    def confirm_removal(doc_id: str | None):  # (named apart from the app's /ask API: Gradio names by function)
        question = removal_question(services, doc_id)
        return gr.update(visible=bool(question)), question, "" if question else "请先选择要删除的文档。"

    remove_btn.click(confirm_removal, remove_pick, [confirm_box, confirm_text, ingest_log], api_visibility="private")
    confirm_btn.click(remove, remove_pick, changed, api_visibility="private").then(
        lambda: gr.update(visible=False), None, confirm_box, api_visibility="private"
    )
    cancel_btn.click(lambda: gr.update(visible=False), None, confirm_box, api_visibility="private")
    return LibraryPanel(viewer, outline, [uploads, do_ingest, removal])
