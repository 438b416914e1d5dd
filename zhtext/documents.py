"""How a question names a document, and how a document states its own occasion.

A question names a report by its year, its issuer or its NPC session (2019年政府工作报告, 四川2026年的政府工作报告,
在十二届全国人大五次会议上所作的政府工作报告), a congress report by its ordinal (十七大报告), and a speech by its
occasion (2018年6月中央政治局第六次集体学习时, 在庆祝改革开放四十周年大会上, 关于…的说明). A document states its
occasion in its title, its opening lines (——2017年3月5日在第十二届全国人民代表大会第五次会议上) and, for Qiushi
articles and excerpt collections, a closing note (（这是习近平总书记2019年6月24日在十九届中央政治局第十五次集体学习
时的讲话。）). The readers here find those phrases; retrieval.query matches one side against the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zhtext.normalize import HAN_CHAR
from zhtext.numerals import NUMERAL_CHARS, cn_int
from zhtext.ordinals import NPC_SESSION, npc_sessions
from zhtext.places import PROVINCE, report_issuers
from zhtext.years import YEAR, YEAR_DIGITS, arabic_years, report_years

GWR = "政府工作报告"

# Abbreviations a question uses for the names the documents write out, each expanded before matching:
ABBREVIATIONS = (
    # 全国人大 is the National People's Congress, written out in every occasion line (第十二届全国人民代表大会…).
    (re.compile(r"全国人大"), "全国人民代表大会"),
    # 中纪委 is the older abbreviation of the discipline commission; the titles say 中央纪委.
    (re.compile(r"中纪委"), "中央纪委"),
    # 人民政协 is the CPPCC (在中央政协工作会议暨庆祝中国人民政治协商会议成立70周年大会上的讲话).
    (re.compile(r"(?<!中国)人民政协"), "中国人民政治协商会议"),
    # Users drop 工作 from the report's name (政府报告, 省政府报告); no document calls anything else 政府报告.
    (re.compile(r"政府报告"), GWR),
)
# A year written with two digits before a report, the 两会 or a premier's report (15年政府报告, 02年两会): 19xx above
# 30; not a count of years (近15年, 过去15年, 这15年).
_TWO_DIGIT_YEAR = re.compile(
    r"(?<![\d年近去这前后多几每])(\d{2})年(?=的?(?:全国)?(?:两会|政府|省政府|国务院|总理|报告))"
)
# Anniversaries are written either way (庆祝改革开放四十周年 / 在庆祝改革开放40周年大会上): compared in digits.
_ANNIVERSARY_NUMERAL = re.compile(rf"([{NUMERAL_CHARS}]+)(?=周年)")


def normalize_naming(text: str) -> str:
    """The text with years in four digits, anniversaries in digits and abbreviated names written out."""
    text = arabic_years(text)
    text = _TWO_DIGIT_YEAR.sub(
        lambda m: f"{1900 + int(m.group(1)) if int(m.group(1)) > 30 else 2000 + int(m.group(1))}年", text
    )
    for pattern, full in ABBREVIATIONS:
        text = pattern.sub(full, text)
    return _ANNIVERSARY_NUMERAL.sub(lambda m: str(cn_int(m.group(1)) or m.group(1)), text)


# A date as questions and notes give it: 2019年1月11日, 2018年6月, 2019年5月底, 2018年; 同年9月 takes the year of
# the date before it (2020年2月23日的工作部署会议和同年9月的抗疫表彰大会).
_DATE = re.compile(
    rf"(?:(?P<year>{YEAR_DIGITS})年|(?P<same>同年))(?:(?P<month>1[0-2]|0?[1-9])月(?:(?P<day>[12]\d|3[01]|0?[1-9])日)?)?"
)


@dataclass(frozen=True)
class DateMention:
    """A date named at text[start:end]; month and day 0 when not given."""

    year: int
    month: int
    day: int
    start: int
    end: int

    def fits(self, year: int, month: int, day: int) -> bool:
        """The document date (year, month, day) is this date, as far as this date says."""
        return self.year == year and (not self.month or self.month == month) and (not self.day or self.day == day)

    @property
    def precision(self) -> int:
        """How much the date says: 1 a year, 2 a month, 3 a day."""
        return 1 + bool(self.month) + bool(self.day)


def dates_in(text: str) -> list[DateMention]:
    """Every date the text names, in order (同年 resolved to the year named before it; dropped when there is none)."""
    found: list[DateMention] = []
    for m in _DATE.finditer(text):
        year = int(m.group("year")) if m.group("year") else (found[-1].year if found else 0)
        if year and (m.group("year") or m.group("month")):
            month, day = int(m.group("month") or 0), int(m.group("day") or 0)
            found.append(DateMention(year, month, day, m.start(), m.end()))
    return found


# A commemorative meeting is named by what it commemorates and the count (纪念马克思诞辰200周年大会, 庆祝中国共产党成立
# 100周年大会): both must match. An anniversary not followed by a meeting is an event (在中华人民共和国成立70周年之际).
# The subject runs back to 纪念/庆祝 or 在 (在深圳经济特区建立40周年庆祝大会上).
_ANNIVERSARY = re.compile(
    r"(?:纪念|庆祝|在)(?P<subject>[^，。？；、\d在]{2,24}?)(?P<n>\d+)周年(?:庆祝|纪念)?(?=大会|座谈会|纪念会|招待会)"
)
# Words that do not tell one commemorated subject from another (周恩来同志诞辰 = 周恩来诞辰).
_SUBJECT_NOISE = re.compile(r"同志|诞辰|伟大")


@dataclass(frozen=True)
class Anniversary:
    """纪念马克思诞辰200周年大会 → Anniversary("马克思", 200)."""

    subject: str
    n: int

    def names(self, other: Anniversary) -> bool:
        """The same count, and every pair of characters of this subject is in the other's (人民政协 is expanded)."""
        mine, theirs = _bigrams(self.subject), _bigrams(other.subject)
        return self.n == other.n and bool(mine) and mine <= theirs


def anniversaries(text: str) -> list[Anniversary]:
    """Commemorative meetings the text names (after normalize_naming)."""
    found = []
    for m in _ANNIVERSARY.finditer(text):
        subject = re.split("纪念|庆祝", m.group("subject"))[-1]  # 中央政协工作会议暨庆祝中国人民政治协商会议成立
        found.append(Anniversary(_SUBJECT_NOISE.sub("", subject), int(m.group("n"))))
    return found


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


@dataclass(frozen=True)
class ReportReference:
    """A government work report named at text[start:end]: the years (stated, or the year of the NPC session it was
    delivered at) and the provinces issuing it (none: the State Council's)."""

    start: int
    end: int
    years: tuple[int, ...]
    issuers: tuple[str, ...]


def report_references(text: str) -> list[ReportReference]:
    """Every government work report the text names, in order."""
    found: list[ReportReference] = []
    for match in re.finditer(GWR, text):
        floor = max([found[-1].end if found else 0, *(m.end() for m in _CLAUSE_BREAK.finditer(text, 0, match.start()))])
        window = text[floor : match.end()]
        years = list(report_years(window))
        years += [s.year for s in npc_sessions(window) if s.year and s.year not in years]
        starts = [m.start() for m in YEAR.finditer(window) if int(m.group(1)) in years]
        starts += [m.start() for m in NPC_SESSION.finditer(window)]
        issuers = report_issuers(window)
        starts += [m.start() for m in PROVINCE.finditer(window) if m.group() in issuers]
        start = floor + min(starts) if starts else match.start()
        found.append(ReportReference(start, match.end(), tuple(years), tuple(issuers)))
    return found


# A report named by its year alone (华国锋1978年报告里, 李鹏1993年的报告): a report of that year, of whichever kind.
_YEAR_REPORT = re.compile(rf"(?P<year>{YEAR_DIGITS})年(?:所?作)?的?(?:政治)?报告")


def year_reports(text: str) -> list[tuple[int, int, int]]:
    """(year, start, end) of each report the text names by its year only."""
    return [(int(m.group("year")), m.start(), m.end()) for m in _YEAR_REPORT.finditer(text)]


_CLAUSE_BREAK = re.compile(r"[，。？！；：,.?!;:\n]")
# The nouns that end the name of an occasion: 座谈会, 全会, 集体学习, 开班式…; 讲话 and 说明 end the name of a speech
# or an explanation named by its title (关于深化党和国家机构改革决定稿和方案稿的说明).
_OCCASION_NOUN = re.compile(r"座谈会|生活会|常委会|会议|大会|全会|集体学习|开班式|研讨班|论坛|典礼|仪式|讲话|说明")
# What may stand between two nouns of one occasion's name: 十九届四中全会第二次全体会议, 会议闭幕时的讲话.
_SAME_OCCASION = re.compile(r"(?:第?[一二三四五六七八九十]+次|全体|闭幕|开幕|上|的|时|中|式)*")
# What follows an occasion's name and says which kind of document is meant: 上的讲话, 的说明, 讲话中.
_KIND_AFTER = re.compile(r"(?:上|时|中|闭幕时|开幕时)?(?:所作|作|发表)?的?(?:重要)?(?P<kind>讲话|说明)")
# Two references joined as one question's subjects (…座谈会和2020年3月…座谈会上分别): after the first, only the words
# closing its name, then a conjunction.
_COORDINATED = re.compile(r"(?:上|时|中|里|的|所作|作|讲话|闭幕|开幕|报告)*(?:和|与|及|以及|、|同)")


@dataclass(frozen=True)
class OccasionSpan:
    """An occasion named at text[start:end]; kind 讲话 or 说明 when the text says which document it means."""

    start: int
    end: int
    kind: str


def occasion_spans(text: str) -> list[OccasionSpan]:
    """Names of occasions (and speeches named by title), in order; each runs from the start of its clause (or the end
    of the previous one) to its last noun. A clause can hold two (…开班式和2019年7月…工作会议上)."""
    spans: list[OccasionSpan] = []
    clause_start = 0
    for clause_end in [m.start() for m in _CLAUSE_BREAK.finditer(text)] + [len(text)]:
        start, last_end = clause_start, -1
        for noun in _OCCASION_NOUN.finditer(text, clause_start, clause_end):
            if last_end >= 0 and _continues(text, last_end, noun):
                spans[-1] = OccasionSpan(spans[-1].start, noun.end(), spans[-1].kind)
            else:
                spans.append(OccasionSpan(start, noun.end(), ""))
            start = last_end = noun.end()
        clause_start = clause_end + 1
    return [_with_kind(text, s) for s in spans]


def _continues(text: str, last_end: int, noun: re.Match[str]) -> bool:
    """The noun belongs to the occasion before it: only ordinals and particles between (四中全会第二次全体会议),
    or it is the 讲话/说明 whose title holds that occasion (关于十九届四中全会决定的说明) and no conjunction starts
    a second."""
    if _SAME_OCCASION.fullmatch(text, last_end, noun.start()):
        return True
    return noun.group() in ("讲话", "说明") and not coordinated(text[last_end : noun.start()])


def _with_kind(text: str, span: OccasionSpan) -> OccasionSpan:
    named = text[span.start : span.end]
    after = _KIND_AFTER.match(text, span.end)
    kind = after.group("kind") if after else next((k for k in ("说明", "讲话") if named.endswith(k)), "")
    return OccasionSpan(span.start, span.end, kind)


def coordinated(between: str) -> bool:
    """The text between two references joins them as subjects of one question (和, 与, 、 after the first's name)."""
    return bool(_COORDINATED.match(between))


# The parts of a name that are read as dates and ordinals, not compared as words: dates, the numbers of terms, sessions
# and plenums (十九届, 第六次, 四中), digits. The words around them stay (十九届中央纪委三次全会 → 中央纪委, 全会).
_STRUCTURED = re.compile(rf"{re.sub(r'[(][?]P<[a-z]+>', '(?:', _DATE.pattern)}|第?[{NUMERAL_CHARS}]+[届次中]|\d+")


# Words that point at a document or say who delivered it, not part of its name: 这篇讲话, 那份说明, 所作的报告.
_POINTING = re.compile(r"(?:[这那本此][篇次份个场]|该)(?=[^，。？]*(?:讲话|说明|会|报告))|所作的?|作的|发表的?")


def wording(text: str) -> str:
    """The name without its dates and ordinals (each replaced by a break), for comparing the words that are left."""
    return _STRUCTURED.sub("|", text)


def naming_words(text: str) -> str:
    """The words a question uses to name an occasion: its wording, without the words that point at the document."""
    return _POINTING.sub("|", wording(text))


def after_at(text: str) -> str:
    """The occasion itself: what follows its 在 (习近平2019年1月11日在中央纪委全会 → 中央纪委全会), without a
    conjunction joining it to the one before (和同年9月的抗疫表彰大会)."""
    return text[text.rfind("在") + 1 :].lstrip("和与及、")


def speech_at(text: str) -> str:
    """How a speech at an occasion is called: 在庆祝中国共产党成立100周年大会上的讲话."""
    occasion = after_at(text)
    return "在" + occasion + ("" if occasion.endswith(("讲话", "说明")) else "上的讲话")


# Particles around an occasion's nouns (在…上的, 时).
_PARTICLES = re.compile(r"[在上的时中]")


def names_an_occasion(text: str) -> bool:
    """Whether an occasion span says which occasion: words besides pointers, particles and the nouns every occasion
    has (这篇讲话, 这次会议, 大会上 say none; 民营企业座谈会 does). Dates and ordinals are read separately."""
    rest = _PARTICLES.sub("", _OCCASION_NOUN.sub("", _POINTING.sub("", wording(text))))
    return len(HAN_CHAR.findall(rest)) >= 2


# A note stating where a text was delivered: （2019年1月11日在中共十九届中央纪委三次全会上的讲话）, ※这是…的讲话。
_NOTE = re.compile(r"[（(※]\s*(?:这是)?[^（）()\n※]{0,100}?(?:讲话|批示|指示|说明)[^（）()\n※]{0,30}?(?:。?[）)]|。)")


def occasion_notes(text: str) -> list[str]:
    """The notes in a document that state the date and occasion of what it collects."""
    return [m.group() for m in _NOTE.finditer(text) if YEAR.search(m.group())]


# A question about each of several documents (分别, 各自, 相比): a second reference of the same kind is one of its
# subjects even without a conjunction right before it (2024年政府工作报告…，2025年政府工作报告又…有何不同).
ASKS_EACH = re.compile(r"分别|各自|各是|两者|二者|相比|对比|比较|有何不同|有什么不同|是否一致")
