"""Turn raw file text into the stored document text: front matter split off, web-page boilerplate removed.

Everything else stays as written (punctuation widths included): citations must quote the real words.
"""

from __future__ import annotations

import re

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)
_TIMESTAMP_LINE = re.compile(r"^(时间|发布时间|日期)\s*[:：]\s*\d{4}[-/年]\d{1,2}[-/月]\d{1,2}.*$")
_BLURB_MARKERS = ("下面是小编为大家整理的", "供大家参考", "本文由网友", "版权归原作者")
_TAIL_MARKERS = ("推荐访问", "猜你喜欢", "相关推荐", "相关阅读", "上一篇", "下一篇")
_TITLE_DECORATIONS = re.compile(r"^【[^】]{1,12}】|[(（](全文完整|全文|完整版|精选)[)）]$")


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Return (front-matter fields, body); files without a front-matter block return ({}, text)."""
    text = text.lstrip("\ufeff")
    match = _FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if not match:
        return {}, text
    # Plain "key: value" lines, not YAML: real front matter holds unquoted values such as "Wikisource: https://…".
    fields: dict[str, str] = {}
    for line in match.group(1).split("\n"):
        key, sep, value = line.partition(":")
        if sep and key.strip() and value.strip():
            fields[key.strip().lower()] = value.strip().strip("\"'")
    return fields, text.replace("\r\n", "\n")[match.end() :]


def clean_body(body: str) -> tuple[str, str | None]:
    """Remove scraped-page boilerplate; return (clean text, the page title found in it, if any).

    Paragraphs are separated by one blank line; the words of the speech are kept verbatim.
    """
    lines = [line.strip() for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    kept: list[str] = []
    for line in lines:
        if line.startswith(_TAIL_MARKERS):
            break  # site navigation tails: everything after them is the site's, not the speech's
        if _TIMESTAMP_LINE.match(line) or any(marker in line for marker in _BLURB_MARKERS):
            continue
        kept.append(line)
    page_title = _repeated_page_title(kept)
    if page_title is not None:
        kept = [line for line in kept if line != page_title]
        page_title = _TITLE_DECORATIONS.sub("", page_title).strip()
    paragraphs = [line for line in kept if line]
    return "\n\n".join(paragraphs), page_title


def _repeated_page_title(lines: list[str]) -> str | None:
    """A scraped page repeats its site title (often decorated with 【…】); the speech never starts that way."""
    non_empty = [line for line in lines if line]
    if not non_empty:
        return None
    first = non_empty[0]
    if non_empty.count(first) > 1 or _TITLE_DECORATIONS.search(first):
        return first
    return None
