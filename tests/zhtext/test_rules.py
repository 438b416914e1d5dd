"""Each Chinese-text rule on real sentences of the corpus, with the negative cases that broke earlier copies."""

from __future__ import annotations

import pytest

from zhtext.frames import (
    ASKS_COMPARISON,
    ASKS_FOR_ITEMS,
    ASKS_QUANTITY,
    ASKS_TARGET,
    NOT_FOCUS,
    STATES_TARGET,
    asked_count,
)
from zhtext.normalize import Normalized, has_words, normalize, without_quote_marks
from zhtext.numerals import cn_int, digits, to_cn
from zhtext.ordinals import Plenum, congress_ordinals, plenums, study_sessions
from zhtext.places import PROVINCIAL_REPORT, provinces_in
from zhtext.sentences import CLAUSE_END, CONTINUES, PHRASE_END, heading_of, line_sentence_spans, sentence_spans
from zhtext.terms import holds, quoted_terms
from zhtext.years import arabic_years, asks_one_year, first_year, years_in


def test_normalize_is_nfkc_without_whitespace() -> None:
    assert normalize("国内生产总值增长６％－６.５％ 左右\n") == "国内生产总值增长6%-6.5%左右"
    n = Normalized.of("全 省１")
    assert n.text == "全省1" and n.offsets == (0, 2, 3)
    assert without_quote_marks("“六稳”《报告》") == "六稳报告"


@pytest.mark.parametrize(
    "text, value",
    [
        ("十", 10),
        ("十九", 19),
        ("二十", 20),
        ("二十一", 21),
        ("一百零五", 105),
        ("二千零五十", 2050),  # 1959 report
        ("一千二百万", 12_000_000),
        ("三亿五千万", 350_000_000),
        ("两", 2),
        ("一二", None),
        ("十大行动", None),
    ],
)
def test_chinese_numerals(text: str, value: int | None) -> None:
    assert cn_int(text) == value


def test_digit_by_digit_numerals_and_ordinals_back() -> None:
    assert digits("二〇一九") == "2019" and digits("二0二0") == "2020"
    assert [to_cn(n) for n in (10, 19, 20)] == ["十", "十九", "二十"]


def test_years_in_every_script() -> None:
    assert years_in("一九五八年我国工农业总产值达到了二千零五十亿元") == {1958}  # the 1959 report
    assert arabic_years("到二〇三五年基本实现社会主义现代化") == "到2035年基本实现社会主义现代化"  # 19th congress
    assert years_in("二0二0年全面建成小康社会") == {2020}  # ASCII zero inside Chinese digits
    assert years_in("新增2050万人") == set()  # a four-digit number not followed by 年 is not a year
    assert first_year("2019年国务院政府工作报告") == 2019 and first_year("在纪念会上的讲话") == 0


def test_congress_ordinals_and_the_phrases_that_are_not_congresses() -> None:
    assert congress_ordinals("十九大报告提出的三大攻坚战是什么？") == [19]
    assert congress_ordinals("从十九大到二十大，是“两个一百年”奋斗目标的历史交汇期") == [19, 20]
    assert congress_ordinals("党的第十九次全国代表大会提出了什么？") == [19]
    assert congress_ordinals("党的十大报告") == [10]
    assert congress_ordinals("开展“碳达峰十大行动”") == []  # 2024 report: an action plan, not the 10th congress
    assert congress_ordinals("加快十大重点节能工程建设") == []  # 2008 report
    assert congress_ordinals("会议所提出的十大倡议而斗争") == []  # 1959 report


def test_plenums_and_study_sessions() -> None:
    assert plenums("党的十九届四中全会") == [Plenum(19, 4, False)]
    assert plenums("在十九届中央纪委三次全会上") == [Plenum(19, 3, True)]
    assert plenums("在中央纪委二次全会上的讲话") == [Plenum(0, 2, True)]
    assert study_sessions("在中央政治局第二十一次集体学习时的讲话") == [21]


def test_provinces() -> None:
    assert provinces_in("2026年贵州省和四川省政府工作报告") == ["四川", "贵州"]
    assert PROVINCIAL_REPORT.search("2026年四川省人民政府工作报告")
    assert not PROVINCIAL_REPORT.search("2019年国务院政府工作报告")


def test_sentences_never_split_inside_quotes_or_decimals() -> None:
    text = "他说：“要干！要实干。”增长6.5%左右。下一句"
    assert [text[s:e] for s, e in sentence_spans(text, 0, len(text))] == [
        "他说：“要干！要实干。”",
        "增长6.5%左右。",
        "下一句",
    ]
    assert heading_of("（三）全面推进乡村振兴。全面建设……") == (2, "（三）全面推进乡村振兴")


def test_a_colon_ends_a_clause_except_inside_a_ratio_or_a_time() -> None:
    assert CLAUSE_END.split("比重为3:6:1。目标是：增长6%") == ["比重为3:6:1。", "目标是：", "增长6%"]
    assert [m.group() for m in PHRASE_END.finditer("9:30开会，议程：")] == ["，", "："]
    assert heading_of("一是要坚持") is None


def test_quoted_terms_and_numbered_abbreviations() -> None:
    assert quoted_terms("增强“四个意识”、坚定“四个自信”") == ["四个意识", "四个自信"]
    assert holds("着力稳就业、稳金融、稳外贸、稳外资、稳投资、稳预期", "六稳")  # 2019 report
    assert not holds("着力稳就业、稳金融", "六稳")


def test_question_frames() -> None:
    assert NOT_FOCUS.sub(" ", "2019年政府工作报告提出的粮食产量目标是多少？").split() == ["粮食产量", "？"]
    assert ASKS_FOR_ITEMS.search("基层服务型党组织建设建立了哪五项制度？")
    assert ASKS_COMPARISON.search("两份报告的赤字率是否一致？")
    assert ASKS_TARGET.search("拟安排地方政府专项债券多少？") and not ASKS_TARGET.search("粮食产量是多少？")


@pytest.mark.parametrize(
    "sentence, states",
    [
        ("粮食产量要保持在1.3万亿斤以上", True),  # 以上 and the modal 要
        ("今年发展主要预期目标是：国内生产总值增长6%－6.5%", True),
        ("全年国内生产总值增长6.6%", False),  # a result
        ("主要指标完成情况良好，国内生产总值达到90万亿元", False),  # 主要 is not the modal 要
        ("重要的是，居民收入增长6.5%", False),  # neither is 重要
        ("需要说明的是，全年财政收入增长6.2%", False),  # nor 需要
    ],
)
def test_a_target_sentence_needs_a_target_word_not_any_要(sentence: str, states: bool) -> None:
    assert bool(STATES_TARGET.search(sentence)) == states


def test_a_users_word_is_held_by_the_sources_equivalent() -> None:
    assert holds("今年国内生产总值增长6%－6.5%", "经济增速")  # 2019 report: no 增速 anywhere in the sentence
    assert holds("规模以上工业增加值增长7%", "规上")  # Guizhou 2026
    assert holds("居民消费价格涨幅3%左右", "CPI")
    assert not holds("粮食产量稳定在1.3万亿斤以上", "经济增速")


def test_sentences_that_lean_on_the_one_before() -> None:
    # from the 19th Congress report: shown alone, it starts mid-thought
    assert CONTINUES.match("特别是要坚决打好防范化解重大风险、精准脱贫、污染防治的攻坚战")
    assert CONTINUES.match("为此，要切实加强干部队伍建设。")
    # sentences that stand on their own, including ones that start with 这 or 同 inside a longer word
    for standalone in ("这次会议是经省委同意召开的。", "同志们，今年的任务很重。", "今年赤字率拟按4%左右安排。"):
        assert not CONTINUES.match(standalone)


def test_a_question_of_punctuation_alone_has_no_words() -> None:
    for nothing in ("？？？", "……", "!?", "  ", "——“”"):
        assert not has_words(nothing)
    for something in ("GDP？", "十九大", "2019", "e"):
        assert has_words(something)


def test_the_count_a_question_asks_for() -> None:
    assert asked_count("总书记就2019年提出了哪六项任务？") == 6
    assert asked_count("提出要从哪三个方面解决？") == 3
    assert asked_count("要重点抓好哪6个方面的工作？") == 6
    assert asked_count("提出了哪几个“摘帽不摘”？") is None  # 几: no count
    assert asked_count("为实现“两个一百年”奋斗目标提出了哪些要求？") is None  # a count not asked with 哪


def test_asking_how_many_is_not_asking_which_or_what_rank() -> None:
    assert ASKS_QUANTITY.search("共有多少名学员？") and ASKS_QUANTITY.search("连续几次蝉联世界之冠？")
    assert not ASKS_QUANTITY.search("提出了哪几个“摘帽不摘”？")  # which ones
    assert not ASKS_QUANTITY.search("在世界上排第几？")  # a rank


def test_a_question_about_one_year_and_one_about_a_span() -> None:
    assert asks_one_year("2018年的政府工作报告报告上一年实际新增城镇就业多少人？")
    assert asks_one_year("二〇一七年城镇新增就业多少人？")  # a year in Chinese digits, not 七年
    assert not asks_one_year("过去五年城镇新增就业多少人？") and not asks_one_year("三年内要完成哪些任务？")
    assert not asks_one_year("2019年政府工作报告提出的粮食产量目标是多少？")  # the year names the report


def test_sentences_never_run_over_a_line_break() -> None:
    text = "五年来，经济实力跃上新台阶\n过去一年，城镇新增就业1351万人。"
    assert [text[s:e] for s, e in line_sentence_spans(text)] == [
        "五年来，经济实力跃上新台阶",
        "过去一年，城镇新增就业1351万人。",
    ]
