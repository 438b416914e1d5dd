"""Provinces: a provincial report is named by its province (2026年四川省政府工作报告)."""

from __future__ import annotations

import re

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
