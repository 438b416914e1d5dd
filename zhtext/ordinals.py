"""Ordinals that name party and state meetings.

十九大, 第十九次全国代表大会, 十九届四中全会, 纪委二次全会, 第六次集体学习, 十三届全国人大一次会议.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zhtext.numerals import DIGITS, cn_int

ORDINAL = rf"[{DIGITS}十]+"
# 十九大, 二十大, 党的十大. Not 十大 in an ordinary phrase (碳达峰十大行动, 十大工程, 十大考古新发现, 十大倡议): a bare
# 十大 is a congress only as 党的十大 or 十大报告. Other ordinals are congresses unless a word goes on (十二大举措).
_CONGRESS_SHORT = re.compile(
    rf"(?<![{DIGITS}十])(?:(?P<party>党的)?(?P<n>十[{DIGITS}]|二十[{DIGITS}]?)|(?P<ten>党的十|十(?=大报告)))"
    r"大(?!会|力|幅|量|批|型|多|致|概|约|行动|工程|举措|任务|领域|产业|倡议|考古|新发现)"
)
_CONGRESS_FULL = re.compile(rf"第({ORDINAL})次全国代表大会")
# How a question names a congress report, to cut the name out of what is searched.
CONGRESS_NAME = rf"(?:党的)?(?:十[{DIGITS}]|二十[{DIGITS}]?)大报告|第{ORDINAL}次全国代表大会"
# 十九届四中全会 (the 4th plenary session of the 19th Central Committee); 十九届中央纪委三次全会.
PLENUM = re.compile(rf"(?P<term>{ORDINAL})届(?:中央纪委)?(?P<n>[{DIGITS}])(?:中|次)全会")
# 中央纪委二次全会 / 纪委三次全会 without the term.
CCDI_PLENUM = re.compile(rf"纪委(?P<n>[{DIGITS}])次全会")
# 中央政治局第六次集体学习.
STUDY_SESSION = re.compile(rf"第(?P<n>{ORDINAL})次集体学习")
# 十三届全国人大一次会议 (the NPC's 13th term, 1st session).
NPC_SESSION = re.compile(rf"(?P<term>{ORDINAL})届全国人大(?P<n>[{DIGITS}])次会议")


def congress_ordinals(text: str) -> list[int]:
    """Party congresses the text names, as numbers (十九大 → 19), sorted."""
    found = []
    for m in _CONGRESS_SHORT.finditer(text):
        found.append(cn_int(m.group("n")) if m.group("n") else 10)
    found += [cn_int(m.group(1)) for m in _CONGRESS_FULL.finditer(text)]
    return sorted({n for n in found if n and 1 <= n <= 30})


@dataclass(frozen=True)
class Plenum:
    """A plenary session: term 0 when the text leaves it out (纪委三次全会)."""

    term: int
    n: int
    ccdi: bool  # a session of the discipline commission, not of the Central Committee


def plenums(text: str) -> list[Plenum]:
    """Plenary sessions the text names: 十九届四中全会 → Plenum(19, 4, False)."""
    found = [
        Plenum(cn_int(m.group("term")) or 0, cn_int(m.group("n")) or 0, "纪委" in m.group())
        for m in PLENUM.finditer(text)
    ]
    found += [
        Plenum(0, cn_int(m.group("n")) or 0, True) for m in CCDI_PLENUM.finditer(text) if not any(p.ccdi for p in found)
    ]
    return found


def study_sessions(text: str) -> list[int]:
    """中央政治局第N次集体学习 → N."""
    return [n for m in STUDY_SESSION.finditer(text) if (n := cn_int(m.group("n")))]
