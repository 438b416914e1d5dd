"""Years as the corpus writes them: 2019年, 二〇一九年, 二0二0年 (congress reports), 一九九三年."""

from __future__ import annotations

import re

from zhtext.numerals import digits

YEAR_DIGITS = r"(?:19|20)\d{2}"  # the corpus runs 1959–2026; other four-digit numbers (2050万) are not years
YEAR = re.compile(rf"({YEAR_DIGITS})年")
# Digit-by-digit years; 〇 is also typed as 零, ○ (white circle), O or an ASCII 0 in the sources.
_SPELLED_YEAR = re.compile(r"([〇零○O一二三四五六七八九0-9]{4})年")


def arabic_years(text: str) -> str:
    """二〇二〇年 / 二0二0年 / 一九九二年 → 2020年 / 1992年; the rest of the text unchanged."""
    return _SPELLED_YEAR.sub(lambda m: digits(m.group(1)) + "年", text)


def years_in(text: str) -> set[int]:
    """Every year the text names, in either script."""
    return {int(y) for y in YEAR.findall(arabic_years(text))}


def first_year(text: str) -> int:
    """The first year named (0 when none): a title's year."""
    match = YEAR.search(arabic_years(text))
    return int(match.group(1)) if match else 0


# "2019年和2022年政府工作报告": years chained before one report name all name reports.
_CHAINED_YEARS = re.compile(rf"(?:[和与及、]{YEAR_DIGITS}年)+[^\d]{{0,8}}")
_GWR = "政府工作报告"


def report_years(text: str) -> list[int]:
    """Years that name a government work report: '2019年政府工作报告', '2019年和2022年政府工作报告',
    '2026年四川省政府工作报告' (not 2018年 in '2019年政府工作报告中，2018年…')."""
    years: list[int] = []
    for match in YEAR.finditer(text):
        rest = text[match.end() :]
        gwr = rest.find(_GWR)
        if not 0 <= gwr <= 14:
            continue
        between = rest[:gwr]
        if not YEAR.search(between) or _CHAINED_YEARS.fullmatch(between):
            years.append(int(match.group(1)))
    return years


# A span of years (五年来, 过去五年, “十四五”时期, 年均, 累计): a report reviewing five years gives five-year totals and
# averages beside the last year's figures, and a question about one year is not answered by them (2018 report:
# 五年来…城镇新增就业6600万人以上, asked how many jobs 2017 added). 多年来 is not a span: 增幅之大是多年来没有的
# compares.
# 年均 only before growth: 年均浓度 (PM2.5) is one year's mean.
SPAN_OF_YEARS = re.compile(
    r"[二三四五六七八九十两几]年来|过去[二三四五六七八九十两几]年|“十[一二三四五六七八九]?五”(?:时期|期间)"
    r"|年均(?:分别)?(?:增长|增速|递增|提高|下降)|累计"
)
# A question about one year: 上一年, 去年, 过去一年, 全年, or a year it names that is not its report's.
_ONE_YEAR = re.compile(r"上一年|去年|过去一年|全年|当年")
# A count of years asked about (三年, 五年): a span, not one year.
_YEARS_COUNTED = re.compile(r"[二三四五六七八九十两几]年")


def asks_one_year(question: str) -> bool:
    """The question asks about one year: it says so (上一年, 去年) or names years other than its reports' and does
    not itself ask about a span (五年来, 年均增长, 三年)."""
    asked = arabic_years(question)  # 二〇一九年 is a year, not 九年
    if SPAN_OF_YEARS.search(asked) or _YEARS_COUNTED.search(asked):
        return False
    return bool(_ONE_YEAR.search(asked) or years_in(asked) - set(report_years(asked)))


def in_span_of_years(paragraph_before: str, sentence: str, number: str) -> bool:
    """Whether a number of the sentence speaks of a span of years: its paragraph or its sentence opens with one
    (五年来，…), or the phrase holding it says so (年均分别增长5.3%); not a year's figure beside a span's in one
    sentence (国内生产总值增长6.9%，五年年均增长7.2%)."""
    if SPAN_OF_YEARS.match(paragraph_before.lstrip()) or SPAN_OF_YEARS.match(sentence):
        return True
    at = sentence.find(number)
    phrase_start = max(sentence.rfind(mark, 0, at) for mark in "，,；;：:") + 1
    return at >= 0 and bool(SPAN_OF_YEARS.search(sentence[phrase_start : at + len(number)]))
