"""The indicators a government work report states every year, and the phrases that state each one.

A phrase is matched against a sentence in which every quantity (zhtext.numbers) is replaced by `#`, so a pattern
reads like the report: `国内生产总值增长#` is 国内生产总值增长6%－6.5%. The named group `v` is the value. Every pattern
is tested on a real sentence of the corpus, positive and negative (tests/targets/test_indicators.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from zhtext.numbers import Quantity, find_quantities
from zhtext.years import YEAR_DIGITS

Q = "#"  # a quantity in the template sentence; a literal # in the text is blanked out first
V = rf"(?P<v>{Q})"
# 国内生产总值, 地区生产总值, 全省生产总值; not 人均国内生产总值 (per head) or 占国内生产总值 (a share).
_GDP = r"(?<!人均)(?<![占与])(?:国内|地区|全省|全市)生产总值"
# A level stated before the growth: 国内生产总值达到134.9万亿元、增长5%; 达到74.4↵↵万亿元，增长6.7% (a broken line).
_LEVEL = rf"(?:达到了?|为|突破|超过|增加到)?(?:{Q}[^，、。；{Q}]{{0,6}}[，、])?"
_GROWTH = r"(?:比上年|同比)?(?:实际)?(?:计划|预期)?(?:增长|增速)(?:速度|率)?(?:为|达到|预期目标为|目标为)?"
# How a rate is set or reached: 控制在3%以内, 回落到2.6%, 平均为5.1%, 拟按4%左右(安排).
_SET = (
    r"(?:全年)?(?:拟按|平均值为|平均为|平均|预期为|目标为|控制在|回落到|回落至"
    r"|降到|降至|下降到|提高到|稳定在|保持在|为|是|在)?"
)
_AMOUNT = r"(?:合计|预算)?(?:拟安排|安排|为|是|拟)?"


PERCENT = ("%",)
YUAN = ("元",)
GRAIN_UNITS = ("斤", "吨", "公斤")


@dataclass(frozen=True)
class Template:
    """A sentence with every quantity replaced by Q, and each quantity by its position in the template."""

    text: str
    quantities: dict[int, Quantity]  # template position → quantity, offsets into the document text


def template(text: str, start: int, end: int) -> Template:
    """text[start:end] with its quantities replaced by Q (a literal Q in the text becomes a space)."""
    pieces: list[str] = []
    found: dict[int, Quantity] = {}
    last = length = 0
    for quantity in find_quantities(text[start:end]):
        gap = text[start + last : start + quantity.start].replace(Q, " ")
        pieces += [gap, Q]
        found[length + len(gap)] = replace(quantity, start=start + quantity.start, end=start + quantity.end)
        length += len(gap) + 1
        last = quantity.end
    pieces.append(text[start + last : end].replace(Q, " "))
    return Template("".join(pieces), found)


@dataclass(frozen=True)
class Indicator:
    """One indicator: its key, its Chinese label, the base units its value may have, the phrases that state it."""

    key: str
    label: str
    units: tuple[str, ...]  # base units (zhtext.numbers.Quantity.base_unit) a value must have
    shown_in: str  # the unit a chart shows every year's value in (grain is written in 斤, 公斤 and 吨)
    asked: re.Pattern[str]  # how a question names it (GDP, 国内生产总值, 经济增长)
    patterns: tuple[re.Pattern[str], ...]

    def values(self, sentence: Template) -> list[Quantity]:
        """The values this indicator's phrases state in a sentence, in order, each once."""
        found: dict[int, Quantity] = {}
        for pattern in self.patterns:
            for match in pattern.finditer(sentence.text):
                quantity = sentence.quantities[match.start("v")]
                if quantity.base_unit in self.units and quantity.low is not None:
                    found.setdefault(quantity.start, quantity)
        return [found[k] for k in sorted(found)]


def _indicator(key: str, label: str, units: tuple[str, ...], asked: str, *patterns: str) -> Indicator:
    shown_in = {PERCENT: "%", YUAN: "亿元", GRAIN_UNITS: "万吨"}.get(units, "万" + units[0])
    return Indicator(
        key, label, units, shown_in, re.compile(asked, re.IGNORECASE), tuple(re.compile(p) for p in patterns)
    )


INDICATORS: tuple[Indicator, ...] = (
    _indicator(
        "gdp_growth",
        "国内生产总值增长",
        PERCENT,
        r"GDP|生产总值(?!能耗)|经济增长|经济增速",
        rf"{_GDP}{_LEVEL}{_GROWTH}{V}",
        # 经济增长预期目标为7%左右, 去年经济增长8．8%; not 对经济增长的贡献率.
        rf"(?<![对的])经济增长(?:速度)?(?:预期目标|预期|目标)?(?:为|是)?{V}",
    ),
    _indicator(
        "cpi",
        "居民消费价格涨幅",
        PERCENT,
        r"CPI|消费价格|物价|通胀",
        rf"居民消费价格(?:总水平|指数)?(?:比上年)?(?:涨幅|上涨|上升){_SET}{V}",
    ),
    _indicator(
        "deficit_ratio",
        "赤字率",
        PERCENT,
        r"赤字率",
        rf"赤字率{_SET}{V}",
        # 赤字率从去年的2.1%提高到2.3%: the new rate (the old one is not said to be a result).
        rf"赤字率从(?:去年|上年)的?{Q}(?:提高|下降|降低|上升)?(?:到|至){V}",
        rf"财政赤字(?:合计)?{Q}[，、]占国内生产总值的?比重{_SET}{V}",
    ),
    # 财政赤字 of the whole government; not 中央/地方财政赤字 (parts) nor 削减/增加财政赤字 (a change).
    _indicator(
        "deficit_size",
        "财政赤字规模",
        YUAN,
        r"赤字规模|(?<!中央)财政赤字(?!率)|赤字(?:是|有)?多少",
        rf"(?<![央方减加])(?:全国)?财政赤字{_AMOUNT}{V}",
        rf"赤字规模{_AMOUNT}{V}",
    ),
    _indicator("central_deficit", "中央财政赤字", YUAN, r"中央(?:财政)?赤字(?!率)", rf"中央财政赤字{_AMOUNT}{V}"),
    _indicator(
        "special_bonds", "地方政府专项债券", YUAN, r"专项债", rf"(?:地方政府|地方)?专项债券(?:额度|规模)?{_AMOUNT}{V}"
    ),
    _indicator(
        "new_urban_jobs",
        "城镇新增就业",
        ("人",),
        r"新增就业|就业目标|就业人数",
        rf"城镇新增就业(?:人数|人口|岗位)?(?:达到|为|超过|预期)?{V}",
    ),
    # 城镇新增就业1361万人、调查失业率稳定在5%左右: the surveyed rate is always the urban one.
    _indicator("unemployment_rate", "城镇调查失业率", PERCENT, r"(?<!登记)失业率", rf"(?:城镇)?调查失业率{_SET}{V}"),
    _indicator("registered_unemployment", "城镇登记失业率", PERCENT, r"登记失业率", rf"城镇登记失业率{_SET}{V}"),
    _indicator(
        "grain_output",
        "粮食产量",
        GRAIN_UNITS,
        r"粮食",
        rf"粮食(?:总)?产量(?:要)?(?:达到|为|稳定在|保持在|超过|首次跃上)?{V}",
        # 粮食总产量增加109亿公斤，达到4024亿公斤: the level, not the increase.
        rf"粮食(?:总)?产量[^。；{Q}]{{0,20}}?(?:增加|增产){Q}[，、]达到{V}",
        # 粮食连续五年增产，总产量10570亿斤; 全国粮食连续四年增产，2007年产量达到50150万吨.
        rf"粮食[^。；{Q}]{{0,14}}?[，、](?:去年|全年|{YEAR_DIGITS}年)?(?:总产量|产量)(?:达到|为)?{V}",
        # 粮食产量屡创历史新高，去年达到1.09万亿斤.
        rf"粮食(?:总)?产量[^。；{Q}]{{0,10}}?[，、](?:去年|全年)达到{V}",
        # 粮食播种面积1584.6万亩、总产量132.4亿斤 (provincial reports).
        rf"粮食播种面积(?:稳定在)?{Q}[、，](?:总)?产量(?:稳定在|达到)?{V}",
    ),
    _indicator(
        "energy_intensity",
        "单位国内生产总值能耗下降",
        PERCENT,
        r"能耗",
        rf"(?:单位(?:国内|地区)?生产总值能耗|能耗强度)(?:比上年)?(?:下降|降低|降幅)(?:为)?{V}",
        # 单位国内生产总值能耗由前三年分别上升…，转为下降1.2%.
        rf"单位国内生产总值能耗由[^。；]{{0,40}}?转为下降{V}",
    ),
    _indicator("gnp_growth", "国民生产总值增长", PERCENT, r"国民生产总值|GNP", rf"国民生产总值{_GROWTH}{V}"),
    _indicator(
        "retail_prices",
        "商品零售价格涨幅",
        PERCENT,
        r"零售价格|零售物价",
        rf"商品零售价格(?:总水平|指数)?(?:比上年)?(?:涨幅|上涨|上升){_SET}{V}",
    ),
)
BY_KEY = {i.key: i for i in INDICATORS}


def label_for(indicator: Indicator, national: bool) -> str:
    """The indicator's name for a scope: a province reports 地区生产总值 where the State Council says 国内生产总值."""
    return indicator.label if national else indicator.label.replace("国内生产总值", "地区生产总值")
