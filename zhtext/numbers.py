"""Number expressions in Chinese text: find them, parse them, compare them and write them one way.

A quantity is a number with its unit and qualifier as a report writes it: 6%－6.5%, 5%左右, 1100万人以上,
二千零五十亿元, 百分之六十五, 1.4万亿斤左右, 3:6:1. `find_quantities` locates every one in a text (offsets into
that text), `parse_quantity` reads one whole answer, `same_quantity` compares two after scaling 万/亿, and
`canonical` writes a text with every quantity in one form (百分之五 → 5%, 一千二百万 → 1200万) for grading.

Decisions, each with its reason:
- Calendar years (2019年, 二〇一九年, 二0一0年, 2019—2024年) and dates (3月5日) are not quantities: they say when,
  not how much. Durations are (5年, 十年, 70周年).
- A Chinese numeral counts only when it starts with a digit or 十 and, if it is a single digit (一, 四, 两), only
  before 倍 or 个百分点: 四人帮, 最后一公里, 一个, 千家万户, 百年大计 and 亿万人民 are words, not quantities.
- `low`/`high` are in the written unit's scale (1200万人 → 1200, unit 万人); `value_range` scales to base units.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, replace

from zhtext.numerals import DIGITS, NUMERAL_CHARS, cn_int

# Full-width forms of the characters numbers are written with, mapped one to one so offsets stay valid.
_FOLD = str.maketrans(
    {ch: unicodedata.normalize("NFKC", ch) for ch in "０１２３４５６７８９％．：－～\u3000"} | {"∶": ":", "\u00a0": " "}
)
# Words before a number that bound it (超过3%, 近70万亿元), longest first: 不超过 must win over 超过 and 超.
QUALIFIERS_BEFORE = (
    ("不超过", "不低于", "不少于")  # three characters
    + ("超过", "低于", "高于", "接近", "将近", "大约", "不到", "不足")  # two
    + ("约", "近", "超", "逾")  # one
)
QUALIFIERS_INSIDE = ("多", "余")  # 960多万, 200余万人: "more than", written between the number and its unit
QUALIFIERS_AFTER = ("左右", "以上", "以下", "以内", "上下")
# 万亿 before 亿 and 万: 1.4万亿斤 is 1.4e12 斤. 千 and 百 are not magnitudes after a number (千瓦, 百分点).
MAGNITUDES = {"万亿": 1e12, "亿": 1e8, "万": 1e4}
# Units a report writes after a number; compound units (万元/人) take a second unit after a slash.
BASE_UNITS = (
    ("个百分点", "百分点", "%", "‰", "倍")  # rates
    + ("美元", "元", "人次", "人", "户", "名")  # money, people
    + ("吨标准煤", "吨", "公斤", "千克", "斤", "千瓦时", "千瓦", "千伏")  # weight, energy
    + ("平方公里", "平方米", "立方米", "公顷", "亩", "公里", "千米", "米")  # area, volume, length
    + ("周年", "周岁", "岁", "年", "个月", "天", "小时")  # time (a calendar year is not a quantity)
    + ("个", "项", "家", "所", "座", "套", "辆", "台", "件", "条", "批次", "次", "批", "场", "起", "处")  # counts
    + ("支", "艘", "架", "种", "类", "部", "篇", "张")
)
# A single-digit Chinese numeral is a quantity only before these (两倍, 一个百分点).
_SINGLE_DIGIT_UNITS = ("倍", "个百分点", "百分点")
RANGE_SEPARATORS = "-—–~至到"  # 6%－6.5% (folded to -), 5%—5.5%, 8%至10%, 25%到40%
_UNIT_WORDS = ("千瓦", "千米", "千克", "百分点", "百分之", "千分之")  # a numeral run stops before these

_AR = r"\d+(?:\.\d+)?"
_CN = rf"(?:(?!{'|'.join(_UNIT_WORDS)})[{NUMERAL_CHARS}])+(?:点[{DIGITS}零〇]+)?"
_VALUE = rf"(?:百分之|千分之){_CN}|{_AR}|{_CN}"
_BASE = "|".join(sorted(map(re.escape, BASE_UNITS), key=len, reverse=True))
_UNIT = rf"(?:{_BASE})(?:/(?:百亿|万|亿)?(?:{_BASE}))?"
_INSIDE = f"[{''.join(QUALIFIERS_INSIDE)}]"


def _core(n: int) -> str:
    """One number: value, 多/余, magnitude, 多/余, unit (named groups suffixed n)."""
    return (
        rf"(?P<v{n}>{_VALUE})(?P<i{n}>{_INSIDE})?(?P<m{n}>万亿|亿|万)?(?P<j{n}>{_INSIDE})?"
        rf"[ \t]?(?P<u{n}>{_UNIT})?"
    )


_PATTERN = re.compile(
    rf"(?P<ratio>{_AR}(?::{_AR})+)"
    rf"|(?P<pre>{'|'.join(QUALIFIERS_BEFORE)})?{_core(1)}"
    rf"(?:(?P<sep>[{RANGE_SEPARATORS}]){_core(2)})?[ \t]?(?P<post>{'|'.join(QUALIFIERS_AFTER)})?"
)
_CALENDAR_YEAR = re.compile(r"1\d{3}|20\d{2}")  # 1845年 and 2035年 are years; the corpus names years from 1840 on
_CODE_NEIGHBOUR = re.compile(r"[A-Za-z/_]")  # 5G, G20, URLs: a number touching letters is a name or a code
_DIGIT_BY_DIGIT = set("〇零○" + DIGITS)  # digits of a year written digit by digit; 二0一0 mixes in an ASCII 0
_DATE_AFTER = ("月", "日", "号", "世纪")  # 3月5日, 21世纪: when, not how much


@dataclass(frozen=True)
class Quantity:
    """A number expression: text exactly as written at text[start:end], its value range in the written unit."""

    text: str
    start: int
    end: int
    low: float | None  # None for a ratio (3:6:1)
    high: float | None
    unit: str  # as written after the number: "%", "万亿元", "亿元", "万人", "个百分点", ":" for a ratio, ""
    qualifier: str  # "左右", "以上", "以内", "多", "近", "超过" … joined in reading order; "" when none

    def value_range(self) -> tuple[float, float] | None:
        """low and high in base units (万 = 1e4, 亿 = 1e8, 万亿 = 1e12); None for a ratio."""
        if self.low is None or self.high is None:
            return None
        scale = next((v for k, v in MAGNITUDES.items() if self.unit.startswith(k)), 1.0)
        return self.low * scale, self.high * scale

    @property
    def base_unit(self) -> str:
        """The unit without its magnitude, 百分点 spelled 个百分点: 万人 → 人, 万亿元 → 元."""
        unit = next((self.unit[len(k) :] for k in MAGNITUDES if self.unit.startswith(k)), self.unit)
        return "个百分点" if unit == "百分点" else unit


# Weights in 斤: grain is reported in 斤, 公斤 and 吨 in different years (1 公斤 = 2 斤, 1 吨 = 2000 斤).
JIN_PER_UNIT = {"斤": 1.0, "公斤": 2.0, "千克": 2.0, "吨": 2000.0}


def convert(quantity: Quantity, unit: str) -> tuple[float, float] | None:
    """The quantity's range in another unit of the same kind (1.37万亿斤 → 68500 万吨, 1200万人 → 0.12 亿人);
    None when the units do not measure the same thing."""
    scaled = quantity.value_range()
    target = Quantity(unit, 0, 0, 1.0, 1.0, unit, "")
    if scaled is None:
        return None
    have, want = quantity.base_unit, target.base_unit
    if have != want and not (have in JIN_PER_UNIT and want in JIN_PER_UNIT):
        return None
    factor = JIN_PER_UNIT[have] / JIN_PER_UNIT[want] if have != want else 1.0
    one = target.value_range()
    assert one is not None
    return scaled[0] * factor / one[0], scaled[1] * factor / one[0]


@dataclass(frozen=True)
class _Number:
    """One parsed number: value in its written scale, the magnitude it carries, its unit and 多/余."""

    value: float
    magnitude: str
    unit: str
    inside: str


def fold(text: str) -> str:
    """Full-width digits, ％ ． ： － ～ ∶ and wide spaces as half width, character for character."""
    return text.translate(_FOLD)


def find_quantities(text: str) -> list[Quantity]:
    """Every number expression in the text, in order, with offsets into the text as given."""
    folded = fold(text)
    found: list[Quantity] = []
    pos = 0
    while match := _PATTERN.search(folded, pos):
        quantity = _quantity(folded, match, strict=True)
        if quantity is None:
            pos = match.end()
            continue
        found.append(replace(quantity, text=text[quantity.start : quantity.end]))
        pos = quantity.end
    return found


def single_digit_count(text: str, unit: str) -> bool:
    """Whether the text counts in `unit` with one Chinese digit (一次, 两名). find_quantities leaves single digits out
    (一个, 四人帮 are words); before the very unit a question asks for (几次 → 一次) one is a quantity."""
    return re.search(f"[一二两三四五六七八九十]{re.escape(unit)}", text) is not None


def parse_quantity(text: str) -> Quantity | None:
    """A whole answer as one quantity ("百分之五", "5 %", "1200万", "5%左右", "十九"); None if it is not one."""
    folded = fold(text)
    body = folded.strip().rstrip("。.，,；;！!")
    start = folded.index(body) if body else 0
    match = _PATTERN.fullmatch(folded, start, start + len(body))
    quantity = _quantity(folded, match, strict=False) if match and body else None
    if quantity is None or quantity.end != start + len(body):
        return None
    return replace(quantity, text=text[quantity.start : quantity.end])


def same_quantity(a: Quantity, b: Quantity) -> bool:
    """Same value range and unit after scaling 万/亿 (1200万人 = 一千二百万人); qualifiers are ignored."""
    if a.unit == ":" or b.unit == ":":
        return a.unit == b.unit and _ratio_parts(a.text) == _ratio_parts(b.text)
    ra, rb = a.value_range(), b.value_range()
    if ra is None or rb is None or a.base_unit != b.base_unit:
        return False
    return all(math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12) for x, y in zip(ra, rb, strict=True))


def canonical(text: str) -> str:
    """One surface for grading: NFKC, no whitespace, every quantity in Arabic digits (百分之五 → 5%,
    一千二百万 → 1200万, 6%－6.5% → 6%-6.5%)."""
    plain = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    pieces: list[str] = []
    last = 0
    for quantity in find_quantities(plain):
        pieces += [plain[last : quantity.start], _render(quantity)]
        last = quantity.end
    return "".join(pieces) + plain[last:]


def _quantity(text: str, match: re.Match[str], strict: bool) -> Quantity | None:
    """The quantity a pattern match stands for, or None when the rules above say it is not one."""
    if match.group("ratio"):
        return _ratio(text, match)
    first = _number(match, 1, strict)
    if first is None:
        return None
    low, high, unit, end = first.value, first.value, first.magnitude + first.unit, _end_of(match, 1)
    second = _number(match, 2, strict, first) if match.group("sep") else None
    if second is not None and _is_range(text, match, first, second):
        low = first.value if not first.magnitude else _in_scale(first, second.magnitude)
        high, unit, end = second.value, second.magnitude + second.unit, _end_of(match, 2)
    if low > high or _is_calendar_or_date(text, match, unit, end, high != low):
        return None
    post = match.group("post") or ""
    if post and text[end : match.start("post")].strip(" \t"):
        post = ""  # the qualifier belongs to a second number that did not make a range
    end = match.end("post") if post else end
    if strict and _is_code_or_ordinal(text, match.start(), end):
        return None
    qualifier = (match.group("pre") or "") + first.inside + (second.inside if high != low and second else "") + post
    return Quantity(text[match.start() : end], match.start(), end, low, high, unit, qualifier)


def _number(match: re.Match[str], n: int, strict: bool, first: _Number | None = None) -> _Number | None:
    """Parse core n of the match: Arabic or Chinese value, magnitude (万/亿/万亿), unit. The second number of a
    range without a unit shares the first's (百分之二百五十到二百七十五)."""
    written = match.group(f"v{n}")
    unit = match.group(f"u{n}") or (first.unit if first else "")
    inside = (match.group(f"i{n}") or "") + (match.group(f"j{n}") or "")
    magnitude = match.group(f"m{n}") or ""
    if written[0].isdigit():
        if re.fullmatch(r"0\d+", written):  # 03, 04: parts of dates, times and codes
            return None
        return _Number(float(written), magnitude, unit, inside)
    if written.startswith(("百分之", "千分之")):
        value = _cn_value(written[3:])
        if value is None or unit:
            return None
        return _Number(value, "", "%" if written[0] == "百" else "‰", inside)
    value = _cn_value(written)
    if value is None or (strict and written[0] not in DIGITS + "两十"):
        return None
    scale = "" if magnitude else _cn_magnitude(written)
    single = not any(c in "十百千万亿" for c in written)
    if strict and ((single and unit not in _SINGLE_DIGIT_UNITS) or not (unit or scale or magnitude)):
        return None
    return _Number(value / MAGNITUDES.get(scale, 1.0), scale + magnitude, unit, inside)


def _cn_value(written: str) -> float | None:
    """一千二百万 → 12000000, 七点九 → 7.9, 六十五 → 65; None when not a numeral written with units."""
    whole, _, decimals = written.partition("点")
    value = cn_int(whole) if whole else 0
    if value is None or not (value or decimals):
        return None
    fraction = "".join("0" if c in "零〇" else str(DIGITS.index(c) + 1) for c in decimals)
    return float(f"{value}.{fraction or 0}")


def _cn_magnitude(written: str) -> str:
    """The magnitude a Chinese numeral ending in 万/亿 is read in: its largest (三亿八千万 → 亿, 一千二百万 → 万)."""
    if not written.endswith(("万", "亿")):
        return ""
    if written.endswith("万亿") and "亿" not in written[:-1]:
        return "万亿"
    return "亿" if "亿" in written else "万"


def _in_scale(number: _Number, magnitude: str) -> float:
    """A number rewritten in another magnitude (二百八十万 in 万 of 三百万千瓦)."""
    own = MAGNITUDES.get(number.magnitude, 1.0)
    return number.value * own / MAGNITUDES.get(magnitude, 1.0)


def _is_range(text: str, match: re.Match[str], first: _Number, second: _Number) -> bool:
    """6%－6.5%, 6-6.5%, 25%到40%: same unit (or the first has none); 从5%到6% is a change, not a range."""
    if first.unit and first.unit != second.unit:
        return False
    if first.unit and first.magnitude != second.magnitude:
        return False
    before = text[max(0, match.start() - 1) : match.start()]
    return not (match.group("sep") in "至到" and before in ("从", "由"))


def _is_calendar_or_date(text: str, match: re.Match[str], unit: str, end: int, is_range: bool) -> bool:
    """2019年 and 2019—2024年 are years, 3月5日 a date: not quantities."""
    if text.startswith(_DATE_AFTER, end):
        return True
    values = [match.group("v1")] + ([match.group("v2")] if is_range else [])
    return unit == "年" and any(_CALENDAR_YEAR.fullmatch(v) for v in values)


def _is_code_or_ordinal(text: str, start: int, end: int) -> bool:
    """第5位 is an ordinal; 5G, G20, 3/ART and URL digits are names or codes; the 0 of 二0一0年 is a digit of a
    year: none of them is a quantity."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if text[start].isdigit() and (before in _DIGIT_BY_DIGIT or after in _DIGIT_BY_DIGIT):
        return True
    return before == "第" or bool(_CODE_NEIGHBOUR.fullmatch(before) or _CODE_NEIGHBOUR.fullmatch(after))


def _end_of(match: re.Match[str], n: int) -> int:
    """Where core n ends: after its unit, else after its magnitude and 多/余."""
    return max(match.end(f"{g}{n}") for g in "vimju" if match.group(f"{g}{n}"))


def _ratio(text: str, match: re.Match[str]) -> Quantity | None:
    """3:6:1, 4.0∶37.7∶58.3, 2.50:1; 13:20:04 (a zero-padded part) is a time."""
    parts = match.group("ratio").split(":")
    if any(re.fullmatch(r"0\d", p) for p in parts[1:]) or _is_code_or_ordinal(text, match.start(), match.end()):
        return None
    return Quantity(match.group(), match.start(), match.end(), None, None, ":", "")


def _ratio_parts(written: str) -> list[float]:
    return [float(p) for p in fold(written).split(":") if p]


def _render(quantity: Quantity) -> str:
    """A quantity in Arabic digits: prefix qualifier, low[-high], 多/余, unit, suffix qualifier."""
    if quantity.low is None or quantity.high is None:
        return ":".join(_digits(p) for p in _ratio_parts(quantity.text))
    pre = next((q for q in QUALIFIERS_BEFORE if quantity.qualifier.startswith(q)), "")
    post = next((q for q in QUALIFIERS_AFTER if quantity.qualifier.endswith(q)), "")
    inside = quantity.qualifier[len(pre) : len(quantity.qualifier) - len(post)]
    magnitude = next((k for k in MAGNITUDES if quantity.unit.startswith(k)), "")
    rest = quantity.unit[len(magnitude) :]
    number = _digits(quantity.low) + inside + magnitude
    if quantity.high != quantity.low:
        number = f"{_digits(quantity.low)}{magnitude}{rest}-{_digits(quantity.high)}{magnitude}"
    return pre + number + rest + post


def _digits(value: float) -> str:
    """6.0 → 6, 6.5 → 6.5, 1387.4 → 1387.4 (no exponent, no trailing zeros)."""
    return f"{value:.6f}".rstrip("0").rstrip(".")
