"""HTML the panels show: answers with linked markers, source cards with the quote highlighted, a document view."""

from __future__ import annotations

import html
import re

from answer.types import Answer
from answer.verify import trace_lines
from ingest.store import DocumentStore
from retrieval.types import Passage
from zhtext.sentences import heading_of

# The library, quiz and targets panes can each show a document, so a quote or heading is found by a class or data
# attribute on the visible pane (an id would repeat across panes and find a hidden tab's copy first).
_VISIBLE = "Array.from(document.querySelectorAll({selector})).find(e => e.offsetParent !== null)"
# Run after a document view is filled: bring the highlighted quote into the middle of the screen.
SCROLL_TO_QUOTE = (
    "() => setTimeout(() => " + _VISIBLE.format(selector="'mark.sq-quote'") + "?.scrollIntoView({block:'center'}), 300)"
)
# An outline link scrolls the document pane to its heading (the pane scrolls, not the page's URL).
JUMP_TO_HEADING = (
    "event.preventDefault();"
    + _VISIBLE.format(selector="`p[data-sq-heading='${this.dataset.sqHeading}']`")
    + "?.scrollIntoView({block:'start'})"
)
LIBRARY_HINT = "<p class='sq-meta'>在左侧表格中点击一篇文档，全文和章节目录会显示在这里。</p>"


def link_markers(text: str) -> str:
    """[n] in the answer becomes a link to source n in the sources panel."""
    return re.sub(r"\[(\d+)\]", r'<a href="#sq-src-\1">[\1]</a>', html.escape(text))


def highlight(text: str, start: int, end: int, mark_class: str = "") -> str:
    """The text escaped, with text[start:end] in a <mark>."""
    attr = f' class="{mark_class}"' if mark_class else ""
    return (
        html.escape(text[:start]) + f"<mark{attr}>" + html.escape(text[start:end]) + "</mark>" + html.escape(text[end:])
    )


UPLOADER_CLAIM = '<div class="sq-claim">上传的文件：标题、讲话人和日期由上传者填写，未经核实。</div>'


def sources_html(answer: Answer, uploaded: frozenset[str] = frozenset()) -> str:
    """Cited passages with title, speaker, date, section and the supporting quote highlighted; a passage from an
    uploaded document says that its title and date are the uploader's claim (anyone may call a file a report)."""
    if answer.abstained:
        head = f'<div class="sq-abstain"><b>未能作答</b>：{html.escape(answer.reason or "资料不足")}</div>'
        if answer.trace:  # which check decided, and what every check saw, folded away
            items = "".join(f"<li>{html.escape(line)}</li>" for line in trace_lines(answer.trace))
            head += f'<details class="sq-trace"><summary>核实过程</summary><ul>{items}</ul></details>'
        shown = answer.retrieved[:3]
        if not shown:
            return head
        nearest = "".join(passage_card(p) for p in shown)
        return head + "<p class='sq-meta'>检索到的最接近的段落（不足以回答问题，仅供参考）：</p>" + nearest
    cards = []
    for c in answer.citations:
        q0, q1 = c.quote_start - c.start, c.quote_end - c.start
        cards.append(
            f'<div class="sq-source" id="sq-src-{c.marker}"><h4>[{c.marker}] {html.escape(c.title)}</h4>'
            f'<div class="sq-meta">{html.escape(c.speaker)} · {html.escape(c.date or "日期不详")}'
            f" · {html.escape(c.section or '—')} · {html.escape(c.doc)}</div>"
            + (UPLOADER_CLAIM if c.doc in uploaded else "")
            + f'<div class="sq-passage">{highlight(c.text, q0, q1)}</div></div>'
        )
    little = '<div class="sq-little">检索到的相关内容很少，请核对原文。</div>' if len(answer.retrieved) < 2 else ""
    return little + "".join(cards)


def passage_card(p: Passage) -> str:
    return (
        f'<div class="sq-source"><h4>{html.escape(p.title)}</h4><div class="sq-meta">{html.escape(p.speaker)} · '
        f"{html.escape(p.date or '日期不详')} · {html.escape(p.section or '—')}</div>"
        f'<div class="sq-passage">{html.escape(p.text)}</div></div>'
    )


def document_html(store: DocumentStore, doc_id: str, quote: tuple[int, int] | None = None) -> tuple[str, str]:
    """(outline markdown, full text HTML) of a document, with an optional quote (document offsets) highlighted."""
    doc = store.document(doc_id)
    if doc is None:
        return "", "<p>文档不存在。</p>"
    outline, paragraphs = [], []
    for match in re.finditer(r"[^\n]+", doc.text):  # paragraphs with their exact offsets in the stored text
        para, start, end = match.group(), match.start(), match.end()
        heading = heading_of(para)
        anchor = ""
        if heading and heading[0] <= 2:  # document text is data: every heading is escaped, never rendered
            anchor = f' data-sq-heading="{start}"'
            outline.append(
                f'<li class="sq-level-{heading[0]}"><a href="#" data-sq-heading="{start}" onclick="{JUMP_TO_HEADING}">'
                f"{html.escape(heading[1])}</a></li>"
            )
        if quote and start <= quote[0] < end:
            body = highlight(para, quote[0] - start, min(quote[1], end) - start, "sq-quote")  # a class: see _VISIBLE
        else:
            body = html.escape(para)
        paragraphs.append(f"<p{anchor}>{body}</p>")
    head = (
        f"<h3>{html.escape(doc.title)}</h3><p class='sq-meta'>{html.escape(doc.speaker)} · {html.escape(doc.date)}"
        f" · {html.escape(doc.genre)} · {doc.n_chunks} 段</p>"
    )
    listed = f'<ul class="sq-outline-list">{"".join(outline)}</ul>' if outline else "<p>（无章节标题）</p>"
    return listed, f'<div class="sq-doc">{head}{"".join(paragraphs)}</div>'


_INGEST_REASONS = {
    "empty file": "文件是空的",
    "no such file": "文件不存在",
    "no text found in the file": "文件里没有文字",
}
_INGEST_PREFIXES = (
    ("unsupported file type", "不支持的文件类型（支持 txt、md、docx、pdf、html）"),
    ("binary file", "这是二进制文件，不是文本"),
    ("undecodable", "无法识别文件编码（支持 UTF-8、UTF-16、GB18030/GBK）"),
)


def reason_zh(reason: str) -> str:
    """Per-file ingest errors in plain words for the library panel."""
    if reason in _INGEST_REASONS:
        return _INGEST_REASONS[reason]
    for prefix, words in _INGEST_PREFIXES:
        if reason.startswith(prefix):
            return words
    if reason.startswith("name conflict"):
        return "文库中已有同名文档（来自另一个文件），为免把它替换掉，这个文件没有导入；请改名后再上传"
    return "文件过大：" + reason if reason.startswith("file too large") else reason
