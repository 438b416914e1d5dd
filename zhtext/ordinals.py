"""Ordinals that name party and state meetings.

十九大, 第十九次全国代表大会, 十九届四中全会, 纪委二次全会, 第六次集体学习, 十三届全国人大一次会议.
Each meeting is written both in full (第十九届中央纪律检查委员会第三次全体会议, 第十二届全国人民代表大会第五次会议,
as the documents state their occasion) and abbreviated (十九届中央纪委三次全会, 十二届全国人大五次会议, as questions
name it); the readers below accept both.
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
# After a congress, what makes it the report rather than the event: 十九大报告, 十一大政治报告, 第十二次全国代表大会上的
# 报告 (the 十六大 of 十七大报告在十六大…目标基础上 is an event the report refers to).
_REPORT_AFTER = re.compile(r"(?:上|所作|作)?的?(?:政治)?报告")
# A congress followed by a word of time is a point in time, never a document (十八大以来, 十九大后我主持召开的…).
_TIME_AFTER = re.compile(r"以来|以后|之后|后|以前|之前|前|召开|闭幕|开幕|期间")
# Congresses chained before one report name all name reports: 十七大和十八大报告, 十六大、十七大报告.
_CHAIN = re.compile(r"(?:和|与|及|以及|、)(?:党的)?")
# 十九届四中全会 (the 4th plenary session of the 19th Central Committee); 十九届中央纪委三次全会 (中纪委 is the same
# commission abbreviated once more).
PLENUM = re.compile(rf"(?P<term>{ORDINAL})届(?P<ccdi>中央纪委|中纪委)?(?P<n>[{DIGITS}])(?:中|次)全会")
# The same in full, as documents state their occasion: 第十九届中央纪律检查委员会第二次全体会议,
# 第十九届中央委员会第一次全体会议.
PLENUM_FULL = re.compile(rf"第?(?P<term>{ORDINAL})届中央(?P<body>纪律检查)?委员会第(?P<n>{ORDINAL})次全体会议")
# 中央纪委二次全会 / 纪委三次全会 without the term.
CCDI_PLENUM = re.compile(rf"纪委(?P<n>[{DIGITS}])次全会")
# 中央纪委全会 with neither term nor number (questions date it instead: 2019年1月11日在中央纪委全会上).
CCDI_ANY_PLENUM = re.compile(r"(?:中央纪委|中纪委|中央纪律检查委员会)(?:全会|全体会议)")
# 中央政治局第六次集体学习.
STUDY_SESSION = re.compile(rf"第(?P<n>{ORDINAL})次集体学习")
# 十三届全国人大一次会议 / 第十二届全国人民代表大会第五次会议 (a term and one of its annual sessions); not the standing
# committee's sessions (第十三届全国人民代表大会常务委员会第七次会议).
NPC_SESSION = re.compile(rf"第?(?P<term>{ORDINAL})届全国(?:人大|人民代表大会)第?(?P<n>[{DIGITS}])次(?:全体)?会议")
# The year each National People's Congress term opened with its first session. From the 5th term on a term meets once
# a year for five years, so session k of term N is held in NPC_TERM_START[N] + k - 1 (1983 is the 6th NPC's 1st).
NPC_TERM_START = {
    1: 1954, 2: 1959, 3: 1964, 4: 1975, 5: 1978, 6: 1983, 7: 1988,
    8: 1993, 9: 1998, 10: 2003, 11: 2008, 12: 2013, 13: 2018, 14: 2023,
}  # fmt: skip
# Earlier terms met irregularly: the 2nd NPC skipped 1961, the 3rd and 4th met once each.
_NPC_SESSION_YEAR = {(2, 3): 1962, (2, 4): 1963}
_NPC_SESSIONS = {2: 4, 3: 1, 4: 1}


def congress_ordinals(text: str) -> list[int]:
    """Party congresses the text names, as numbers (十九大 → 19), sorted."""
    return sorted({m.n for m in congress_mentions(text)})


@dataclass(frozen=True)
class CongressMention:
    """A party congress named at text[start:end] (with 报告 when it follows); report: named as its report (十九大报告,
    or chained before one: 十七大和十八大报告), not as an event."""

    n: int
    start: int
    end: int
    report: bool
    time: bool = False  # named as a point in time (十八大以来): neither the report nor a document at all


def congress_mentions(text: str) -> list[CongressMention]:
    """Every congress the text names, in order, each marked whether the text names its report."""
    read = [(m.start(), m.end(), cn_int(m.group("n")) if m.group("n") else 10) for m in _CONGRESS_SHORT.finditer(text)]
    read += [(m.start(), m.end(), cn_int(m.group(1))) for m in _CONGRESS_FULL.finditer(text)]
    found = sorted((s, e, n) for s, e, n in read if n and 1 <= n <= 30)
    mentions: list[CongressMention] = []
    for i in reversed(range(len(found))):
        start, end, n = found[i]
        named = _REPORT_AFTER.match(text, end)
        report, end = (True, named.end()) if named else (False, end)
        if not report and mentions and (joint := _CHAIN.match(text, end)) and joint.end() == mentions[0].start:
            report = mentions[0].report
        mentions.insert(0, CongressMention(n, start, end, report, not report and bool(_TIME_AFTER.match(text, end))))
    return mentions


@dataclass(frozen=True)
class Plenum:
    """A plenary session: term 0 when the text leaves it out (纪委三次全会), n 0 when it leaves the number out."""

    term: int
    n: int
    ccdi: bool  # a session of the discipline commission, not of the Central Committee

    def names(self, other: Plenum) -> bool:
        """This (possibly partial) name fits the other session: same body, and term and number where both are given."""
        return (
            self.ccdi == other.ccdi
            and (not self.term or not other.term or self.term == other.term)
            and (not self.n or not other.n or self.n == other.n)
        )


def plenums(text: str) -> list[Plenum]:
    """Plenary sessions the text names: 十九届四中全会 → Plenum(19, 4, False); 中央纪委全会 → Plenum(0, 0, True)."""
    found = [
        Plenum(cn_int(m.group("term")) or 0, cn_int(m.group("n")) or 0, bool(m.group("ccdi")))
        for m in PLENUM.finditer(text)
    ]
    found += [
        Plenum(cn_int(m.group("term")) or 0, cn_int(m.group("n")) or 0, bool(m.group("body")))
        for m in PLENUM_FULL.finditer(text)
    ]
    if not any(p.ccdi for p in found):
        found += [Plenum(0, cn_int(m.group("n")) or 0, True) for m in CCDI_PLENUM.finditer(text)]
    if not any(p.ccdi for p in found) and CCDI_ANY_PLENUM.search(text):
        found.append(Plenum(0, 0, True))
    return list(dict.fromkeys(found))


def study_sessions(text: str) -> list[int]:
    """中央政治局第N次集体学习 → N."""
    return [n for m in STUDY_SESSION.finditer(text) if (n := cn_int(m.group("n")))]


@dataclass(frozen=True)
class NpcSession:
    """A session of the National People's Congress, and the year it was held (0 when the term table lacks it)."""

    term: int
    session: int
    year: int


def npc_session_year(term: int, session: int) -> int:
    """第六届全国人大第一次会议 → 1983; 0 for a term or session that did not exist."""
    if term not in NPC_TERM_START or not 1 <= session <= _NPC_SESSIONS.get(term, 5):
        return 0
    return _NPC_SESSION_YEAR.get((term, session), NPC_TERM_START[term] + session - 1)


def npc_sessions(text: str) -> list[NpcSession]:
    """NPC sessions the text names, in full or abbreviated: 十二届全国人大五次会议 → NpcSession(12, 5, 2017)."""
    found = []
    for m in NPC_SESSION.finditer(text):
        term, session = cn_int(m.group("term")) or 0, cn_int(m.group("n")) or 0
        found.append(NpcSession(term, session, npc_session_year(term, session)))
    return found


def npc_session_in(year: int) -> NpcSession | None:
    """The NPC session held in a year (a national government work report is delivered there): 2017 → 12th, 5th."""
    for term, session in ((t, s) for t in NPC_TERM_START for s in range(1, _NPC_SESSIONS.get(t, 5) + 1)):
        if npc_session_year(term, session) == year:
            return NpcSession(term, session, year)
    return None
