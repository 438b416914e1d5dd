"""Provinces: a provincial report is named by its province (2026年四川省政府工作报告)."""

from __future__ import annotations

import re

from zhtext.years import YEAR_DIGITS

PROVINCES = (
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
)
PROVINCE = re.compile("|".join(PROVINCES))
# A provincial government's own report: 四川省人民政府工作报告, 北京市政府工作报告, 广西壮族自治区政府工作报告.
PROVINCIAL_REPORT = re.compile(r"(省|市|自治区)(人民)?政府工作报告")


def provinces_in(text: str) -> list[str]:
    """The provinces the text names, in the order of PROVINCES."""
    return [p for p in PROVINCES if p in text]


# A province issues a report when it stands inside the report's name: nothing but provinces (with 省/市/自治区),
# years, conjunctions, a count of provinces and 的/人民 come between it and 政府工作报告 (四川2026年的政府工作报告,
# 2026年广东、贵州、四川三省的政府工作报告, 2026年浙江和四川两省政府工作报告, 按贵州省2026年政府工作报告).
# A province anywhere else is what a report is about (1988年政府工作报告中，国务院对海南岛提出了什么建议).
_ISSUER_SUFFIX = r"(?:省|市|(?:壮族|回族|维吾尔)?自治区|特别行政区)"
_REPORT_NAME = re.compile(
    rf"(?:(?:{PROVINCE.pattern}){_ISSUER_SUFFIX}?|{YEAR_DIGITS}年|以及|[和与及、的]|[两三四五六七八九十]+[省市]|人民)+"
    r"政府工作报告"
)


def report_issuers(text: str) -> list[str]:
    """The provinces the text names as issuers of a government work report, in the order named."""
    found: list[str] = []
    for name in _REPORT_NAME.finditer(text):
        for place in PROVINCE.finditer(name.group()):
            if place.group() not in found:
                found.append(place.group())
    return found
