"""Document metadata (title, speaker, date, year, genre) from front matter, file name and text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from zhtext.normalize import HAN
from zhtext.places import PROVINCIAL_REPORT
from zhtext.years import YEAR_DIGITS, first_year

_ISO_DATE = re.compile(rf"(?<!\d)({YEAR_DIGITS})[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")
_CN_DATE = re.compile(rf"({YEAR_DIGITS})年(\d{{1,2}})月(\d{{1,2}})日")
_SPEAKER_LINE = re.compile(rf"^(?:[^\s]{{0,12}}(?:书记|市长|省长|主席|总理|部长)\s+)?([{HAN}]{{2,4}})$")
_CONGRESS_REPORT = re.compile(r"全国代表大会.{0,6}(政治)?报告|代表大会上的报告")


@dataclass(frozen=True)
class DocMeta:
    """What a reader and a filter need to know about a document."""

    title: str
    speaker: str
    date: str  # ISO YYYY-MM-DD when known, else ""
    year: int  # 0 when unknown
    genre: str
    source: str


def infer_metadata(path: Path, front: dict[str, str], text: str, page_title: str | None) -> DocMeta:
    """Front matter wins; otherwise the file name, the page title and the opening lines decide."""
    head = [line for line in text.split("\n") if line.strip()][:10]
    title = front.get("title") or page_title or _title_from_text(head) or path.stem
    date = front.get("date") or _date_from(path.name) or _date_from_text("\n".join(head))
    speaker = front.get("speaker") or _speaker_from_text(head)
    year = int(date[:4]) if date else _year_from_title(title)
    genre = front.get("genre") or _genre_from_title(title)
    return DocMeta(title=title, speaker=speaker, date=date, year=year, genre=genre, source=front.get("source", ""))


def _title_from_text(head: list[str]) -> str:
    if not head:
        return ""
    title = head[0].strip()
    if len(head) > 1 and head[1].startswith("——") and len(title) <= 60:
        title += head[1].strip()
    return title[:120]


def _date_from(name: str) -> str:
    match = _ISO_DATE.search(name)
    return f"{match.group(1)}-{match.group(2)}-{match.group(3)}" if match else ""


def _date_from_text(head: str) -> str:
    match = _CN_DATE.search(head)
    if not match:
        return ""
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _year_from_title(title: str) -> int:
    return first_year(title)


def _speaker_from_text(head: list[str]) -> str:
    for line in head[1:8]:
        match = _SPEAKER_LINE.match(line.strip())
        if match:
            return match.group(1)
    return ""


def _genre_from_title(title: str) -> str:
    if "政府工作报告" in title:
        return "省级政府工作报告" if PROVINCIAL_REPORT.search(title) and "国务院" not in title else "政府工作报告"
    if _CONGRESS_REPORT.search(title):
        return "党代会报告"
    return "讲话"
