"""Each indicator's phrases on real corpus sentences: what they state (positive) and what they must not (negative)."""

from __future__ import annotations

import pytest

from ingest.store import StoredDocument
from targets.indicators import BY_KEY, INDICATORS, template

# (indicator, file, fragment as the corpus writes it, values the indicator's phrases find in it)
CASES = [
    ("gdp_growth", "2019-03-05_gwr-2019.txt", "国内生产总值增长6%－6.5%", ["6%－6.5%"]),
    ("gdp_growth", "2025-03-05_gwr-2025.txt", "国内生产总值达到134.9万亿元、增长5%", ["5%"]),
    ("gdp_growth", "1998-03-05_gwr-1998.txt", "去年经济增长8．8%", ["8．8%"]),
    ("gdp_growth", "2026-01-14_prov-gwr-2026-zhejiang.txt", "全省生产总值增长5%—5.5%", ["5%—5.5%"]),
    ("gdp_growth", "2019-03-05_gwr-2019.txt", "服务业对经济增长贡献率接近60%", []),
    ("gdp_growth", "2019-03-05_gwr-2019.txt", "国家财政性教育经费占国内生产总值比例继续保持在4%以上", []),
    (
        "gdp_growth",
        "2026-01-14_prov-gwr-2026-zhejiang.txt",
        "人均地区生产总值从2020年的10.5万元提高到2025年的14万元左右",
        [],
    ),
    ("cpi", "2019-03-05_gwr-2019.txt", "居民消费价格涨幅3%左右", ["3%左右"]),
    ("cpi", "2008-03-05_gwr-2008.txt", "去年居民消费价格总水平比上年上涨4.8%", ["4.8%"]),
    ("cpi", "2018-03-05_gwr-2018.txt", "居民消费价格年均上涨1.9%", []),
    ("deficit_ratio", "2025-03-05_gwr-2025.txt", "今年赤字率拟按4%左右安排", ["4%左右"]),
    ("deficit_ratio", "2015-03-05_gwr-2015.txt", "赤字率从去年的2.1%提高到2.3%", ["2.3%"]),
    ("deficit_ratio", "2009-03-05_gwr-2009.txt", "全国财政赤字合计9500亿元，占国内生产总值比重在3%以内", ["3%以内"]),
    ("deficit_ratio", "2013-03-05_gwr-2013.txt", "财政赤字占国内生产总值的比重从2009年的2.8%降到去年的1.5%左右", []),
    ("deficit_size", "2010-03-05_gwr-2010.txt", "今年拟安排财政赤字10500亿元，其中中央财政赤字8500亿元", ["10500亿元"]),
    ("deficit_size", "2025-03-05_gwr-2025.txt", "赤字规模5.66万亿元", ["5.66万亿元"]),
    ("deficit_size", "2008-03-05_gwr-2008.txt", "削减财政赤字450亿元", []),
    (
        "central_deficit",
        "2010-03-05_gwr-2010.txt",
        "今年拟安排财政赤字10500亿元，其中中央财政赤字8500亿元",
        ["8500亿元"],
    ),
    ("central_deficit", "2019-03-05_gwr-2019.txt", "地方财政赤字9300亿元", []),
    ("special_bonds", "2025-03-05_gwr-2025.txt", "拟安排地方政府专项债券4.4万亿元", ["4.4万亿元"]),
    (
        "special_bonds",
        "2026-01-14_prov-gwr-2026-zhejiang.txt",
        "地方政府专项债券额度3150亿元、支持“自审自发”项目2146个",
        ["3150亿元"],
    ),
    (
        "special_bonds",
        "2023-03-05_gwr-2023.txt",
        "加快地方政府专项债券发行使用，依法盘活用好专项债务结存限额，分两期投放政策性开发性金融工具7400亿元",
        [],
    ),
    ("new_urban_jobs", "2019-03-05_gwr-2019.txt", "城镇新增就业1100万人以上", ["1100万人以上"]),
    ("new_urban_jobs", "2026-01-25_prov-gwr-2026-beijing.txt", "城镇新增就业不少于28万人", ["不少于28万人"]),
    ("new_urban_jobs", "2008-03-05_gwr-2008.txt", "五年全国新增城镇就业5100万人", []),
    ("unemployment_rate", "2019-03-05_gwr-2019.txt", "城镇调查失业率5.5%左右", ["5.5%左右"]),
    ("unemployment_rate", "2019-03-05_gwr-2019.txt", "城镇新增就业1361万人、调查失业率稳定在5%左右", ["5%左右"]),
    ("unemployment_rate", "2019-03-05_gwr-2019.txt", "城镇登记失业率4.5%以内", []),
    ("registered_unemployment", "2019-03-05_gwr-2019.txt", "城镇登记失业率4.5%以内", ["4.5%以内"]),
    ("registered_unemployment", "2019-03-05_gwr-2019.txt", "城镇调查失业率5.5%左右", []),
    ("grain_output", "2025-03-05_gwr-2025.txt", "粮食产量1.4万亿斤左右", ["1.4万亿斤左右"]),
    ("grain_output", "1988-03-25_gwr-1988.txt", "粮食总产量增加109亿公斤，达到4024亿公斤", ["4024亿公斤"]),
    ("grain_output", "2026-01-14_prov-gwr-2026-zhejiang.txt", "粮食播种面积1584.6万亩、总产量132.4亿斤", ["132.4亿斤"]),
    ("grain_output", "2018-03-05_gwr-2018.txt", "粮食生产能力达到1.2万亿斤", []),
    (
        "grain_output",
        "2026-01-25_prov-gwr-2026-beijing.txt",
        "确保粮食播种面积稳定在100万亩以上、蔬菜产量稳定在200万吨左右",
        [],
    ),
    ("energy_intensity", "2019-03-05_gwr-2019.txt", "单位国内生产总值能耗下降3%左右", ["3%左右"]),
    ("energy_intensity", "2025-03-05_gwr-2025.txt", "单位国内生产总值能耗降幅超过3%", ["超过3%"]),
    ("energy_intensity", "2015-03-05_gwr-2015.txt", "能耗强度下降4.8%", ["4.8%"]),
    ("energy_intensity", "2021-03-05_gwr-2021.txt", "单位国内生产总值能耗和二氧化碳排放分别降低13.5%、18%", []),
    ("gnp_growth", "1993-03-15_gwr-1993.txt", "国民生产总值比上年增长百分之十二点八", ["百分之十二点八"]),
    ("gnp_growth", "1988-03-25_gwr-1988.txt", "国民生产总值将比1980年增长1.7倍", []),
    ("retail_prices", "1998-03-05_gwr-1998.txt", "商品零售价格涨幅控制在3%以内", ["3%以内"]),
    ("retail_prices", "2019-03-05_gwr-2019.txt", "居民消费价格涨幅3%左右", []),
]


def _ids(case: tuple[str, str, str, list[str]]) -> str:
    return f"{case[0]}:{case[2][:12]}"


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_fragment_is_real_corpus_text(corpus: dict[str, StoredDocument], case: tuple[str, str, str, list[str]]) -> None:
    _, name, fragment, _ = case
    assert fragment in corpus[name].text


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_phrases_state_exactly_these_values(case: tuple[str, str, str, list[str]]) -> None:
    key, _, fragment, expected = case
    found = BY_KEY[key].values(template(fragment, 0, len(fragment)))
    assert [q.text for q in found] == expected
    assert all(fragment[q.start : q.end] == q.text for q in found)


def test_every_indicator_has_a_positive_and_a_negative_case() -> None:
    for indicator in INDICATORS:
        outcomes = {bool(expected) for key, _, _, expected in CASES if key == indicator.key}
        assert outcomes == {True, False}, indicator.key


def test_template_offsets_point_into_the_document() -> None:
    text = "前文。国内生产总值增长6%－6.5%；城镇新增就业1100万人以上"
    start = text.index("国")
    sentence = template(text, start, len(text))
    assert sentence.text == "国内生产总值增长#；城镇新增就业#"
    assert [text[q.start : q.end] for q in sentence.quantities.values()] == ["6%－6.5%", "1100万人以上"]
