"""Number expressions: every rule of zhtext/numbers.py on a real fragment of the corpus, positive and negative."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhtext.numbers import Quantity, canonical, convert, find_quantities, parse_quantity, same_quantity
from zhtext.numerals import arabic_numerals

# (file, fragment as the corpus writes it): the fragments the tests below read.
FRAGMENTS = {
    "gwr2019": (
        "2019-03-05_gwr-2019.txt",
        "国内生产总值增长6%－6.5%；城镇新增就业1100万人以上，城镇调查失业率5.5%左右",
    ),
    "gwr2025": ("2025-03-05_gwr-2025.txt", "赤字率拟按4%左右安排、比上年提高1个百分点，赤字规模5.66万亿元"),
    "gwr1959": ("1959-04-18_gwr-1959.txt", "二千零五十亿元，比一九五七年的一千二百四十一亿元增长百分之六十五"),
    "guangdong": ("2026-01-26_prov-gwr-2026-guangdong.txt", "地区生产总值增长4.5%—5%"),
    "seed_ratio": ("000_aed499d8bb92d2d1.txt", "比重为3:6:1"),
    "guangdong_ratio": ("2026-01-26_prov-gwr-2026-guangdong.txt", "三次产业比重为4.0∶37.7∶58.3"),
    "gwr1998": ("1998-03-05_gwr-1998.txt", "去年经济增长8．8%"),
    "range_to": ("2011-03-05_gwr-2011.txt", "提高了25%到40%"),
    "cn_range": ("1959-04-18_gwr-1959.txt", "将生产二百八十万到三百万千瓦，增长百分之二百五十到二百七十五"),
    "many": ("2008-03-05_gwr-2008.txt", "城镇新增就业1000多万人"),
    "decimal_cn": ("1993-03-15_gwr-1993.txt", "五年平均每年增长百分之七点九"),
    "grain": ("2025-03-05_gwr-2025.txt", "粮食产量1.4万亿斤左右"),
    "gang": ("1978-02-26_gwr-1978.txt", "“四人帮”"),
    "year_mixed": ("2002-11-08_cpc-congress-16.txt", "到二0一0"),
    "code": ("2025-03-05_gwr-2025.txt", "5G"),
}


def _values(text: str) -> list[tuple[str, float | None, float | None, str, str]]:
    return [(q.text, q.low, q.high, q.unit, q.qualifier) for q in find_quantities(text)]


@pytest.mark.parametrize("key", sorted(FRAGMENTS))
def test_fragments_are_real_corpus_text(corpus_dir: Path, key: str) -> None:
    name, fragment = FRAGMENTS[key]
    assert fragment in (corpus_dir / name).read_text(encoding="utf-8")


def test_targets_of_2019_range_lower_bound_and_about() -> None:
    assert _values(FRAGMENTS["gwr2019"][1]) == [
        ("6%－6.5%", 6.0, 6.5, "%", ""),
        ("1100万人以上", 1100.0, 1100.0, "万人", "以上"),
        ("5.5%左右", 5.5, 5.5, "%", "左右"),
    ]


def test_deficit_of_2025_ratio_and_size() -> None:
    assert _values(FRAGMENTS["gwr2025"][1]) == [
        ("4%左右", 4.0, 4.0, "%", "左右"),
        ("1个百分点", 1.0, 1.0, "个百分点", ""),
        ("5.66万亿元", 5.66, 5.66, "万亿元", ""),
    ]


def test_chinese_numerals_in_the_unit_scale_and_years_are_not_quantities() -> None:
    found = _values(FRAGMENTS["gwr1959"][1])
    assert found == [
        ("二千零五十亿元", 2050.0, 2050.0, "亿元", ""),
        ("一千二百四十一亿元", 1241.0, 1241.0, "亿元", ""),
        ("百分之六十五", 65.0, 65.0, "%", ""),
    ]  # 一九五八年 is a year
    assert find_quantities("2019年，二〇一九年，2019—2024年，3月5日") == []
    assert _values("1845年，马克思") == []
    assert [q.text for q in find_quantities("发展目标5年")] == ["5年"]  # a duration is a quantity


@pytest.mark.parametrize(
    "key, expected",
    [
        ("guangdong", ("4.5%—5%", 4.5, 5.0)),
        ("range_to", ("25%到40%", 25.0, 40.0)),
        ("decimal_cn", ("百分之七点九", 7.9, 7.9)),
        ("gwr1998", ("8．8%", 8.8, 8.8)),
    ],
)
def test_ranges_and_written_forms(key: str, expected: tuple[str, float, float]) -> None:
    (found,) = find_quantities(FRAGMENTS[key][1])
    assert (found.text, found.low, found.high) == expected
    assert found.unit == "%"


def test_chinese_ranges_share_the_unit() -> None:
    assert _values(FRAGMENTS["cn_range"][1]) == [
        ("二百八十万到三百万千瓦", 280.0, 300.0, "万千瓦", ""),
        ("百分之二百五十到二百七十五", 250.0, 275.0, "%", ""),
    ]


def test_a_change_is_not_a_range() -> None:
    assert [q.text for q in find_quantities("从5%到6%")] == ["5%", "6%"]
    assert [q.text for q in find_quantities("6-6.5%")] == ["6-6.5%"]


def test_ratios_in_every_colon_form() -> None:
    for key, text in (("seed_ratio", "3:6:1"), ("guangdong_ratio", "4.0∶37.7∶58.3")):
        (found,) = find_quantities(FRAGMENTS[key][1])
        assert (found.text, found.unit, found.low) == (text, ":", None)
    assert same_quantity(parse_quantity("3：6：1"), parse_quantity("3:6:1"))  # type: ignore[arg-type]
    assert find_quantities("13:20:04") == []  # zero-padded parts: a time


def test_more_than_inside_and_grain_in_jin() -> None:
    assert _values(FRAGMENTS["many"][1]) == [("1000多万人", 1000.0, 1000.0, "万人", "多")]
    (grain,) = find_quantities(FRAGMENTS["grain"][1])
    assert grain.value_range() == pytest.approx((1.4e12, 1.4e12))
    assert (grain.unit, grain.base_unit, grain.qualifier) == ("万亿斤", "斤", "左右")


@pytest.mark.parametrize("key", ["gang", "year_mixed", "code"])
def test_words_years_and_names_are_not_quantities(key: str) -> None:
    assert find_quantities(FRAGMENTS[key][1]) == []


def test_words_with_numerals_are_not_quantities() -> None:
    for text in ("最后一公里", "千家万户", "亿万人民", "十九大", "十几亿人", "居全国第5位", "一是"):
        assert find_quantities(text) == [], text


def test_offsets_are_into_the_text_as_given_full_width_included() -> None:
    text = "增长６％，约5 %"
    found = find_quantities(text)
    assert [text[q.start : q.end] for q in found] == [q.text for q in found] == ["６％", "约5 %"]
    assert (found[0].low, found[1].low, found[1].qualifier) == (6.0, 5.0, "约")


@pytest.mark.parametrize(
    "answer, low, unit, qualifier",
    [
        ("百分之五", 5.0, "%", ""),
        ("5 %", 5.0, "%", ""),
        ("1200万", 1200.0, "万", ""),
        ("5%左右", 5.0, "%", "左右"),
        ("十九", 19.0, "", ""),
        (" 6%－6.5%。", 6.0, "%", ""),
    ],
)
def test_parse_a_whole_answer(answer: str, low: float, unit: str, qualifier: str) -> None:
    parsed = parse_quantity(answer)
    assert parsed is not None and (parsed.low, parsed.unit, parsed.qualifier) == (low, unit, qualifier)


@pytest.mark.parametrize("answer", ["5%和6%", "大约是五", "国内生产总值", ""])
def test_parse_refuses_what_is_not_one_quantity(answer: str) -> None:
    assert parse_quantity(answer) is None


def test_same_quantity_scales_and_ignores_qualifiers() -> None:
    def q(text: str) -> Quantity:
        parsed = parse_quantity(text)
        assert parsed is not None
        return parsed

    assert same_quantity(q("1200万人"), q("一千二百万人"))
    assert same_quantity(q("5%"), q("5%左右"))
    assert same_quantity(q("0.12亿元"), q("1200万元"))
    assert same_quantity(q("6%－6.5%"), q("6-6.5%"))
    assert not same_quantity(q("5%"), q("5万"))
    assert not same_quantity(q("1200万人"), q("1200万"))
    assert not same_quantity(q("6%－6.5%"), q("6%"))


def test_canonical_surface() -> None:
    assert canonical("国内生产总值增长6%－6.5%") == "国内生产总值增长6%-6.5%"
    assert canonical("百分之五") == canonical("5 %") == "5%"
    assert canonical("一千二百万人以上") == "1200万人以上"
    assert canonical("２０５０亿元") == canonical("二千零五十亿元") == "2050亿元"
    assert canonical("1000多万人") == "1000多万人"
    assert canonical("3∶6∶1") == "3:6:1"
    assert canonical("2019年") == "2019年"


def test_bounds_before_a_number_are_qualifiers() -> None:
    # 2013: 城镇登记失业率低于4.6%; Beijing 2026: 城镇新增就业不少于28万人; 2025: 单位国内生产总值能耗降幅超过3%.
    for text, written, qualifier in (
        ("失业率低于4.6%", "低于4.6%", "低于"),
        ("就业不少于28万人", "不少于28万人", "不少于"),
        ("降幅超过3%", "超过3%", "超过"),
    ):
        (found,) = find_quantities(text)
        assert (found.text, found.qualifier) == (written, qualifier)
    # 2025: 超长期特别国债1.3万亿元, where 超 is part of a word.
    assert [q.text for q in find_quantities("超长期特别国债1.3万亿元")] == ["1.3万亿元"]


def test_convert_between_magnitudes_and_weights() -> None:
    def q(text: str) -> Quantity:
        parsed = parse_quantity(text)
        assert parsed is not None
        return parsed

    # Grain is written in 斤 (2025: 1.4万亿斤), 公斤 (1988: 4024亿公斤) and 吨 (2015: 6.07亿吨).
    assert convert(q("1.4万亿斤"), "万吨") == pytest.approx((70000.0, 70000.0))
    assert convert(q("4024亿公斤"), "万吨") == pytest.approx((40240.0, 40240.0))
    assert convert(q("6%－6.5%"), "%") == (6.0, 6.5)
    assert convert(q("1200万人"), "亿人") == pytest.approx((0.12, 0.12))
    assert convert(q("5%"), "万吨") is None
    assert convert(q("3:6:1"), "%") is None


def test_a_single_digit_counts_only_before_the_unit_asked() -> None:
    from zhtext.numbers import single_digit_count

    assert single_digit_count("每年至少进行一次谈心谈话", "次")  # seed s13: 几次 → 一次
    assert not single_digit_count("每年至少进行一次谈心谈话", "名")
    assert not single_digit_count("要经常进行谈心谈话", "次")


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("二十一个市州", "21个市州"),
        ("一千一百万人", "1100万人"),  # the big unit stays, as reports and users write it
        ("三亿五千万", "350000000"),
        ("十个顶尖团队", "10个顶尖团队"),
        ("二〇一九年", "2019年"),
        ("一是加强", "一是加强"),  # a lone digit character is a word here, not an amount
        ("三大攻坚战", "三大攻坚战"),
    ],
)
def test_chinese_numerals_are_read_as_numbers(text: str, read: str) -> None:
    assert arabic_numerals(text) == read
