"""Enumerations in Chinese reports: 一是…二是…, 第一，…第二，…, and counted lists
(阶级斗争、生产斗争和科学实验三大革命运动).

Each rule below says why it is there. An enumeration is returned with every member's exact offsets, the sentence
that introduces it (its lead-in) and the count the text itself declares (五个方面, 三大), so a caller can check the
list is complete: a count that disagrees with the members found means the list was misread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zhtext.numerals import cn_int
from zhtext.sentences import heading_of

ORDINAL_DIGITS = "一二三四五六七八九十"
# 一是/二是 and 第一，/第二， begin a member only at the start of a line or after punctuation: 统一是 and 第一次 are
# words, not markers.
_MARK_BEFORE = "\n。；;：:，,！？!?“"
# 一要/二要 is the same marker in an instruction (1988 report: 深化企业改革，一要积极引入竞争机制…二要加强…).
_ORDINAL_MARK = re.compile(rf"(?:^|(?<=[{_MARK_BEFORE}]))[ \t\u3000]*(?P<n>[{ORDINAL_DIGITS}]{{1,2}})[是要]")
# 首先， opens a 第二，第三， run as its first member (1977 congress report: 首先，一定要把揭批“四人帮”…第二，…).
_SEQUENCE_MARK = re.compile(
    rf"(?:^|(?<=[{_MARK_BEFORE}]))[ \t\u3000]*(?:第(?P<n>[{ORDINAL_DIGITS}]{{1,2}})[，,、：:]|(?P<first>首先)[，,])"
)
# A paragraph opening with a dash (——必须坚持人民主体地位。) is a list member when the paragraphs around it open the
# same way: the congress reports set out their requirements like this, without numbers.
_DASH_MARK = re.compile(r"^[ \t\u3000]*(?:——|――|—|―)(?=[^\s—―])", re.M)
# A member is the phrase after its marker up to the first comma, colon or sentence end: the point it makes.
_MEMBER_END = re.compile(r"[，,。；;：:！？!?\n]")
MEMBER_MAX = 40  # a longer "phrase" is a whole argument, not a list member one can recall
# A member whose first phrase is only a circumstance (从今年1月1日起，再连续三年提高…; 按“三个有利于”的标准，…) makes
# its point in the next phrase: the member runs on to it.
_CIRCUMSTANCE = re.compile(r"(?:从|自|按|按照|根据|随着|今年|明年|去年|[0-9一二三四五六七八九十]+月)")
# A lead-in announces a list when it says one follows (以下, 如下, 几个方面, a count) or ends with a colon; a sentence
# of the previous paragraph that does neither (a photo caption, a topic sentence) is not the list's lead-in.
_ANNOUNCES = re.compile(r"以下|如下|下列|这样几|几个|几点|几项|几条|几件|方面|哪些|[：:？?]\s*$")
COUNT_MAX = 12  # lists run to 十二 members at most; 十八大 and 二十大 in a lead-in are congresses, not counts
# Consecutive markers of one list sit within a few paragraphs of each other (the 2019 report's 一是…九是 review runs
# about 600 characters a member); a marker further away starts or belongs to another passage.
MEMBER_GAP_MAX = 2500
# The count a text declares: 三大, 五个, 四项, 两个方面, 三点. 两 is 2 before a measure word.
COUNT = re.compile(r"(?P<n>[两二三四五六七八九十]{1,2})(?P<w>个方面|方面|个|项|大|条|种|类|点|件|化)")
# Where the clause holding a counted list begins: members are joined by 、 and never cross these.
_CLAUSE_START = "，,。；;：:！？!?\n（(）)“”《》"
# The last two members of a counted list may be joined by a conjunction instead of 、 (A、B和C).
_LAST_JOIN = re.compile(r"以及|和|与|及")
# A member is a noun phrase: one ending in 的/是/有/了 means the count after it is not this list's (棉花产量一亿担的
# 四项指标, 改革和法治是两个…).
_PREDICATE_END = "的是有了着"
# Prepositions and particles that never begin a member (在开发研究、高新技术及其产业、基础性研究这三个方面).
_NEVER_FIRST = re.compile(r"(?:在|把|将|从|向|对于|关于|了|着)+")
# A first "member" holding the sentence's subject (我们对实现推进现代化建设、完成祖国统一…) has swallowed the words that
# lead into the list; where they end cannot be told reliably, so the list is not trusted.
_SUBJECT = re.compile(r"我们|我国|我党|全党|他们|大家")
# Words that introduce the first member of a counted list without being part of it (把阶级斗争、生产斗争和科学实验三大
# 革命运动; 深入开展…): prepositions and the verbs reports put before a list.
LEAD_WORDS = (
    "把",
    "将",
    "在",
    "对",
    "从",
    "向",
    "以",
    "按照",
    "围绕",
    "通过",
    "包括",
    "即",
    "是",
    "为",
    "有",
    "开展",
    "推进",
    "实行",
    "实施",
    "坚持",
    "加强",
    "抓好",
    "打好",
    "抓住",
    "实现",
    "完成",
    "做好",
    "统筹",
    "突出",
    "推动",
    "加快",
    "形成",
    "提出",
    "建立",
    "确立",
    "明确",
    "分为",
    "划分为",
    "重点",
    "着力",
    "进行",
    "展开",
)


@dataclass(frozen=True)
class Member:
    """One member of an enumeration: its text exactly as written at text[start:end]."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Enumeration:
    """A list the text makes: members in order, the lead-in that introduces it and the count it declares."""

    style: str  # "ordinal" (一是…), "sequence" (第一，…), "dash" (——…) or "counted" (A、B、C三大X)
    members: tuple[Member, ...]
    lead_start: int  # the lead-in (the sentence introducing the list) runs lead_start..lead_end
    lead_end: int
    end: int  # end of the last member
    declared: int | None  # the count the text gives (三大 → 3); None when it gives none
    announced: bool  # the lead-in introduces this list (see _ANNOUNCES), or is the sentence right before it

    @property
    def start(self) -> int:
        return self.lead_start

    @property
    def complete(self) -> bool:
        """The members found are as many as the text says there are (or it says no number)."""
        return self.declared is None or self.declared == len(self.members)


def find_enumerations(text: str) -> list[Enumeration]:
    """Every enumeration in the text, in order of where it starts."""
    found = _marker_runs(text, _ORDINAL_MARK, "ordinal") + _marker_runs(text, _SEQUENCE_MARK, "sequence")
    found += dash_runs(text) + counted_lists(text)
    return sorted(found, key=lambda e: (e.lead_start, e.end))


def _marker_runs(text: str, pattern: re.Pattern[str], style: str) -> list[Enumeration]:
    """Runs of markers numbered 1, 2, 3 … in order; a new 一 abandons an unfinished run (nested lists restart)."""
    runs: list[Enumeration] = []
    current: list[re.Match[str]] = []
    for match in pattern.finditer(text):
        n = 1 if match.groupdict().get("first") else cn_int(match.group("n"))
        if n == 1:
            _close_run(text, current, style, runs)
            current = [match]
        elif current and n == len(current) + 1 and match.start() - current[-1].end() <= MEMBER_GAP_MAX:
            current.append(match)
    _close_run(text, current, style, runs)
    return runs


def dash_runs(text: str) -> list[Enumeration]:
    """Runs of consecutive paragraphs that open with a dash; a paragraph without one ends the run."""
    runs: list[Enumeration] = []
    current: list[re.Match[str]] = []
    for match in _DASH_MARK.finditer(text):
        line_end = text.find("\n", current[-1].end()) if current else -1
        if current and (line_end < 0 or text[line_end : match.start()].strip()):
            _close_run(text, current, "dash", runs)
            current = []
        current.append(match)
    _close_run(text, current, "dash", runs)
    return runs


def _close_run(text: str, marks: list[re.Match[str]], style: str, runs: list[Enumeration]) -> None:
    """Turn a run of at least two markers into an Enumeration, if every member is a phrase of sensible length."""
    if len(marks) < 2:
        return
    members = []
    for mark in marks:
        stop = _member_end(text, mark.end())
        if not 2 <= stop - mark.end() <= MEMBER_MAX:
            return
        members.append(Member(text[mark.end() : stop], mark.end(), stop))
    if len({m.text for m in members}) < len(members):
        return  # 第一，开展这次主题教育，是…；第二，开展这次主题教育，是…: a repeated phrase is the topic
    lead_start, lead_end = _lead_in(text, marks[0].start())
    lead = text[lead_start:lead_end]
    declared = _declared_count(lead)
    same_paragraph = "\n" not in text[lead_end : marks[0].start()]
    announced = bool(
        _ANNOUNCES.search(lead.strip()) or declared or (same_paragraph and lead.strip()) or heading_of(lead.strip())
    )
    runs.append(Enumeration(style, tuple(members), lead_start, lead_end, members[-1].end, declared, announced))


def _member_end(text: str, start: int) -> int:
    """Where a member's phrase ends: the first clause break, or the second when the first phrase is a circumstance."""
    end = _MEMBER_END.search(text, start)
    stop = end.start() if end else len(text)
    if _CIRCUMSTANCE.match(text, start) and end and end.group() in "，,":
        after = _MEMBER_END.search(text, stop + 1)
        stop = after.start() if after else len(text)
    return stop


def _lead_in(text: str, marker: int) -> tuple[int, int]:
    """The sentence introducing a list: the text before the first marker back to the previous sentence end (or, when
    the marker opens a sentence or a paragraph, the whole sentence before it), without surrounding whitespace."""
    end = marker
    while end > 0 and text[end - 1] in " \t\u3000\n":
        end -= 1
    start = max(end - 1, 0)  # step over the lead-in's own final mark (。 or ：)
    while start > 0 and text[start - 1] not in "。！？!?；;\n":
        start -= 1
    return start, end


def _declared_count(lead: str) -> int | None:
    """The count a lead-in declares for the list that follows it (重点强化五个提名“要件”：), the last one named."""
    counts = [cn_int(m.group("n")) for m in COUNT.finditer(lead)]
    counts = [c for c in counts if c and c <= COUNT_MAX]
    return counts[-1] if counts else None


def counted_lists(text: str) -> list[Enumeration]:
    """Lists whose members are named just before their count: 阶级斗争、生产斗争和科学实验三大革命运动. Kept only when
    the members found are exactly as many as the count says, which is what makes such a list trustworthy."""
    found: list[Enumeration] = []
    for match in COUNT.finditer(text):
        n = cn_int(match.group("n"))
        if n is None or not 2 <= n <= COUNT_MAX:
            continue
        members = _members_before(text, match.start(), n)
        if members:
            lead_start = members[0].start
            found.append(Enumeration("counted", members, lead_start, match.end(), match.end(), n, True))
    return found


def _members_before(text: str, count_at: int, n: int) -> tuple[Member, ...] | None:
    """The n members joined by 、 (and a final 和/与/及) that end right before a count, or None."""
    end = count_at - 1 if text[count_at - 1 : count_at] == "这" else count_at
    start = end
    while start > 0 and text[start - 1] not in _CLAUSE_START:
        start -= 1
    spans = _split_at(text, start, end, "、")
    if len(spans) == n - 1 and spans:
        last_start, last_end = spans.pop()
        joins = list(_LAST_JOIN.finditer(text, last_start, last_end))
        if len(joins) != 1:
            return None
        spans += [(last_start, joins[0].start()), (joins[0].end(), last_end)]
    if len(spans) != n or n < 2:
        return None
    first = _trim_lead(text, *spans[0], [e - s for s, e in spans[1:]])
    if first is None:
        return None
    spans[0] = first
    if any(not 2 <= e - s <= 20 or "等" in text[s:e] or text[e - 1] in _PREDICATE_END for s, e in spans):
        return None  # 等: the list is not complete; 的/是/有 at the end: the count belongs to a predicate
    return tuple(Member(text[s:e], s, e) for s, e in spans)


def _split_at(text: str, start: int, end: int, sep: str) -> list[tuple[int, int]]:
    spans, begin = [], start
    for i in range(start, end):
        if text[i] == sep:
            spans.append((begin, i))
            begin = i + 1
    spans.append((begin, end))
    return spans


def _trim_lead(text: str, start: int, end: int, others: list[int]) -> tuple[int, int] | None:
    """The first member without the words that lead into the list (把阶级斗争 → 阶级斗争). A long first member is cut
    after a lead word only; if no cut brings it to the others' length, the list is not trusted."""
    if _SUBJECT.search(text, start, end):
        return None
    longest = max(others)
    if end - start > longest:
        cuts = [start + m.end() for m in re.finditer("|".join(LEAD_WORDS), text[start:end])]
        fitting = [cut for cut in cuts if min(others) - 1 <= end - cut <= longest + 1]
        if not fitting:
            return None
        mean = sum(others) / len(others)  # of several possible cuts, the one whose length is most like the others'
        start = min(fitting, key=lambda cut: (abs(end - cut - mean), cut))
    dropped = _NEVER_FIRST.match(text, start, end)
    if dropped and end - dropped.end() >= 2:
        start = dropped.end()
    return start, end
