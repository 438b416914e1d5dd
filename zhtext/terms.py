"""Terms a question or an answer names as one unit: quoted formulations and numbered abbreviations (六稳)."""

from __future__ import annotations

import re
from functools import lru_cache

from zhtext.numerals import cn_int

# A quoted formulation is one term: “四个意识”, “绿水青山就是金山银山”. Longer quotations are sentences, not terms.
QUOTED = re.compile(r"“([^”]{2,20})”|「([^」]{2,20})」")
# An acronym a user writes for a Chinese term (GDP, CPI, PPI): a focus word like any other.
ACRONYM = re.compile(r"(?<![A-Za-z])[A-Z]{2,5}(?![A-Za-z])")
# A numbered abbreviation: 六稳 = 稳就业、稳金融…; 四个心中有 = 心中有党、心中有民…; 两个确立.
_COUNTED = re.compile(r"([一二三四五六七八九十两])个?(.+)")


# A user's word for the source's: each key is said when the text says one of its values. Only equivalences that
# hold in every report (a synonym that is right in one context and wrong in another does not belong here).
EQUIVALENTS: dict[str, tuple[str, ...]] = {
    "GDP": ("国内生产总值", "生产总值"),  # users write GDP; reports almost never do
    "CPI": ("居民消费价格",),
    "增速": ("增长",),  # 经济增速 / 增长6%: the reports say 增长
    "经济增速": ("经济增长", "生产总值增长"),
    "物价": ("居民消费价格", "商品零售价格", "价格总水平"),
    "规上": ("规模以上",),  # 规上工业增加值 = 规模以上工业增加值
    "外贸": ("进出口", "对外贸易"),
    "高校": ("高等学校", "普通高校", "高等院校"),
    "能耗": ("能源消耗", "能耗"),
    "中纪委": ("中央纪委", "中央纪律检查委员会"),
    "全国人大": ("全国人民代表大会",),
    "两会": ("全国人民代表大会", "政治协商会议"),
    "第一次": ("首次",),  # 第一次把…作为预期目标 = 首次把…
    "降到": ("下降到", "降低到", "降至"),
    "GDP能耗": ("国内生产总值能耗", "国内生产总值能源消耗"),
}


def quoted_terms(text: str) -> list[str]:
    """The quoted formulations of a text, in order."""
    return [a or b for a, b in QUOTED.findall(text)]


# A Chinese abbreviation keeps characters of the full name in order (中央纪委 = 中央纪律检查委员会, 常委会 = 常务委员会,
# 发改委 = 发展和改革委员会): a text holds a term of three or more characters when they appear in that order within
# one phrase no longer than ABBREVIATED_SPAN times the term, starting and ending with its first and last characters.
# Two-character terms are left out: 当天 would be found in 当今天下.
ABBREVIATION_MIN = 3
ABBREVIATED_SPAN = 3
_PHRASE_BREAK = "，。；：、！？,.;:!?“”《》（）()\n"


@lru_cache(maxsize=4096)
def _expansion(term: str) -> re.Pattern[str]:
    gap = rf"[^{_PHRASE_BREAK}]*?"
    return re.compile(re.escape(term[0]) + "".join(gap + re.escape(c) for c in term[1:]))


def abbreviates(text: str, term: str) -> bool:
    """Whether the text writes out in full what the term abbreviates (see ABBREVIATION_MIN)."""
    if len(term) < ABBREVIATION_MIN or term[0] not in text:
        return False
    limit = ABBREVIATED_SPAN * len(term)
    return any(len(m.group()) <= limit for m in _expansion(term).finditer(text))


def holds(text: str, term: str) -> bool:
    """Whether the text says the term, an equivalent of it (EQUIVALENTS) or the full name it abbreviates; a
    numbered abbreviation ("六稳", "四个心中有") is said by its N expansions ("稳就业、稳金融…" holds 稳 six times)."""
    if term in text or any(e in text for e in EQUIVALENTS.get(term, ())) or abbreviates(text, term):
        return True
    counted = _COUNTED.fullmatch(term)
    if counted is None:
        return False
    return text.count(counted.group(2)) >= (cn_int(counted.group(1)) or 99)
