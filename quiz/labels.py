"""How a question names its document, so that among 31 look-alike reports it has one right answer.

A government work report is named by its year, a congress report by its ordinal (党的十九大报告), a provincial
report by its title (which holds the province), a speech by its speaker, title and date.
"""

from __future__ import annotations

from quiz.model import QuizDocument
from zhtext.numerals import to_cn
from zhtext.ordinals import congress_ordinals


def document_label(doc: QuizDocument) -> str:
    """The name a question uses for a document: 2019年国务院政府工作报告, 党的十九大报告（2017年）, …"""
    if doc.genre == "政府工作报告" and doc.year:
        return f"{doc.year}年国务院政府工作报告"
    if doc.genre == "党代会报告":
        ordinals = congress_ordinals(doc.title)
        if ordinals:
            return f"党的{to_cn(ordinals[-1])}大报告（{doc.year}年）"
    if doc.genre == "省级政府工作报告":
        return doc.title
    when = date_label(doc.date) or (f"{doc.year}年" if doc.year else "")
    speaker = doc.speaker if doc.speaker and not doc.title.startswith(doc.speaker) else ""
    details = "，".join(part for part in (speaker, when) if part)
    return f"《{doc.title}》" + (f"（{details}）" if details else "")


def date_label(date: str) -> str:
    """2018-02-12 → 2018年2月12日; "" when the date is unknown."""
    parts = date.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return ""
    year, month, day = (int(p) for p in parts)
    return f"{year}年{month}月{day}日"
