"""How questions name documents and how documents state their occasion: each rule of zhtext/documents.py and the
naming rules of zhtext/ordinals.py and zhtext/places.py, on the corpus's own lines and the dev sets' questions,
with the negative cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhtext.documents import (
    Anniversary,
    after_at,
    anniversaries,
    coordinated,
    dates_in,
    names_an_occasion,
    normalize_naming,
    occasion_notes,
    occasion_spans,
    report_references,
    speech_at,
    wording,
    year_reports,
)
from zhtext.ordinals import (
    NpcSession,
    Plenum,
    congress_mentions,
    npc_session_in,
    npc_session_year,
    npc_sessions,
    plenums,
)
from zhtext.places import report_issuers

# (file, fragment as the corpus writes it): the document lines the tests below read.
FRAGMENTS = {
    "gwr2017": ("2017-03-05_gwr-2017.txt", "——2017年3月5日在第十二届全国人民代表大会第五次会议上"),
    "gwr1983": ("1983-06-06_gwr-1983.txt", "向第六届全国人民代表大会第一次会议作政府工作报告"),
    "gwr1993": ("1993-03-15_gwr-1993.txt", "从第七届全国人民代表大会第一次会议，到这次大会的召开"),
    "ccdi2": (
        "2018-01-11_xi-ccdi-2nd-plenum.txt",
        "在中国共产党第十九届中央纪律检查委员会第二次全体会议上发表重要讲话",
    ),
    "cc1": ("2017-10-25_xi-19th-cc-1st-plenum.txt", "中国共产党第十九届中央委员会第一次全体会议在北京人民大会堂举行"),
    "formalism": (
        "2019-01-11_xi-against-formalism-bureaucratism.txt",
        "（2019年1月11日在中共十九届中央纪委三次全会上的讲话）",
    ),
    "study15": (
        "2019-06-24_xi-self-revolution.txt",
        "（这是习近平总书记2019年6月24日在十九届中央政治局第十五次集体学习时的讲话。）",
    ),
    "study21": (
        "2020-06-29_xi-organization-line-politburo-study.txt",
        "※这是习近平总书记2020年6月29日在十九届中央政治局第二十一次集体学习时的讲话。",
    ),
    "after19": ("2018-02-12_xi-targeted-poverty-symposium.txt", "这次是党的十九大后我主持召开的第一次脱贫攻坚座谈会"),
    "marx": ("2018-05-04_xi-marx-200th.txt", "在纪念马克思诞辰200周年大会上的讲话"),
    "cppcc": ("2019-09-20_xi-cppcc-70th.txt", "在中央政协工作会议暨庆祝中国人民政治协商会议成立70周年大会上的讲话"),
    "zhou": ("2018-03-01_xi-zhou-enlai-120th.txt", "在纪念周恩来同志诞辰120周年座谈会上的讲话"),
    "prc70": ("2019-09-27_xi-ethnic-unity-awards.txt", "在中华人民共和国成立70周年前夕"),
    "sichuan": ("2026-02-03_prov-gwr-2026-sichuan.txt", "2026年四川省人民政府工作报告"),
    "cong12": ("1982-09-01_cpc-congress-12.txt", "在中国共产党第十二次全国代表大会上的报告"),
}


def _line(key: str) -> str:
    return FRAGMENTS[key][1]


@pytest.mark.parametrize("key", sorted(FRAGMENTS))
def test_fragments_are_real_corpus_text(corpus_dir: Path, key: str) -> None:
    name, fragment = FRAGMENTS[key]
    assert fragment in (corpus_dir / name).read_text(encoding="utf-8")


def test_npc_sessions_in_full_and_abbreviated_give_the_year() -> None:
    assert npc_sessions(_line("gwr2017")) == [NpcSession(12, 5, 2017)]
    assert npc_sessions(_line("gwr1983")) == [NpcSession(6, 1, 1983)]
    assert npc_sessions("在十二届全国人大五次会议上所作的政府工作报告中") == [NpcSession(12, 5, 2017)]  # dev2 d2a017
    assert npc_sessions("第十届全国人大第一次会议上的政府工作报告说") == [NpcSession(10, 1, 2003)]  # dev2 d2a067
    assert npc_sessions("第十三届全国人民代表大会常务委员会第七次会议") == []  # the standing committee, not a session
    assert npc_session_year(2, 3) == 1962 and npc_session_year(4, 2) == 0  # the 2nd NPC skipped 1961; 4th met once
    assert npc_session_in(2017) == NpcSession(12, 5, 2017) and npc_session_in(1961) is None


def test_plenums_in_full_abbreviated_and_without_number() -> None:
    assert plenums(_line("ccdi2")) == [Plenum(19, 2, True)]
    assert plenums(_line("cc1")) == [Plenum(19, 1, False)]
    assert plenums(_line("formalism")) == [Plenum(19, 3, True)]
    assert plenums("这篇全省组织部长会议讲话要求自觉贯彻习总书记在中纪委五次全会上强调的") == [Plenum(0, 5, True)]
    assert plenums("习近平2019年1月11日在中央纪委全会上批评形式主义时说") == [Plenum(0, 0, True)]  # dev2 d2b004
    assert Plenum(0, 0, True).names(Plenum(19, 3, True)) and Plenum(0, 5, True).names(Plenum(19, 5, True))
    assert not Plenum(0, 5, True).names(Plenum(19, 3, True))
    assert not Plenum(19, 4, False).names(Plenum(19, 4, True))  # the CC's 4th plenum is not the CCDI's


def test_a_congress_is_a_report_only_when_the_report_is_named() -> None:
    first, second = congress_mentions("十七大报告在十六大全面建设小康社会目标基础上")  # dev2 d2a032
    assert (first.n, first.report, second.n, second.report) == (17, True, 16, False)
    assert [m.report for m in congress_mentions("十七大和十八大报告开头阐述的大会主题")] == [True, True]
    assert [(m.n, m.report) for m in congress_mentions(_line("cong12"))] == [(12, True)]
    assert [(m.n, m.report) for m in congress_mentions("华国锋在党的十一大政治报告中")] == [(11, True)]
    (after,) = congress_mentions(_line("after19"))
    assert after.time and not after.report  # 十九大后: a point in time
    assert congress_mentions("十八大以来，党中央采取了哪些措施")[0].time


def test_a_province_issues_a_report_only_inside_its_name() -> None:
    assert report_issuers("四川2026年的政府工作报告给今年粮食产量定的目标是多少？") == ["四川"]  # dev2 d2a065
    assert report_issuers("2026年广东、贵州、四川三省的政府工作报告中") == ["广东", "贵州", "四川"]
    assert report_issuers("2026年浙江和四川两省政府工作报告回顾2025年") == ["浙江", "四川"]
    assert report_issuers("按贵州省2026年政府工作报告的预期目标") == ["贵州"]
    assert report_issuers(_line("sichuan")) == ["四川"]
    assert report_issuers("1988年政府工作报告中，国务院对海南岛提出了什么建议？") == []  # dev2 d2a004: content
    assert report_issuers("讲话中提到的2014年四川省地区生产总值增长率是多少？") == []  # no report named


def test_report_references_take_years_issuers_and_npc_sessions() -> None:
    (ref,) = report_references(normalize_naming("赵紫阳在第六届全国人大第一次会议上作的政府工作报告里说"))
    assert ref.years == (1983,) and ref.issuers == ()
    (ref,) = report_references("2001年、2011年、2016年的政府工作报告分别")
    assert ref.years == (2001, 2011, 2016)
    first, second = report_references("2024年政府工作报告与2025年政府工作报告相比")
    assert (first.years, second.years) == ((2024,), (2025,))
    assert report_references("2015年四川省组织工作会议上的讲话") == []


def test_a_report_named_by_its_year_alone() -> None:
    assert year_reports("华国锋1978年报告里的十年规划，给1985年的原油产量定了多少吨的目标？") == [(1978, 3, 10)]
    assert year_reports("李鹏1993年的报告说") == [(1993, 2, 10)]
    assert year_reports("2019年政府工作报告提出") == []  # a government work report: read with its issuer
    assert year_reports("赵乐际代表中央纪委常委会作的工作报告") == []


def test_normalize_naming_expands_abbreviations_and_anniversary_numerals() -> None:
    assert normalize_naming("十三届全国人大一次会议") == "十三届全国人民代表大会一次会议"
    assert normalize_naming("在中纪委五次全会上") == "在中央纪委五次全会上"
    assert normalize_naming("在庆祝人民政协成立70周年大会上") == "在庆祝中国人民政治协商会议成立70周年大会上"
    assert normalize_naming("中国人民政治协商会议") == "中国人民政治协商会议"  # already written out
    assert normalize_naming("在庆祝改革开放四十周年大会上") == "在庆祝改革开放40周年大会上"
    assert normalize_naming("纪念五四运动一百周年大会") == "纪念五四运动100周年大会"


def test_users_short_forms_of_a_reports_name_and_year() -> None:
    assert normalize_naming("朱总理02年政府报告里") == "朱总理2002年政府工作报告里"
    assert normalize_naming("25年两会政府报告") == "2025年两会政府工作报告"
    assert normalize_naming("99年国务院政府工作报告") == "1999年国务院政府工作报告"
    assert normalize_naming("近15年政府投资") == "近15年政府投资"  # a count of years, not a year
    assert normalize_naming("改革开放40年来") == "改革开放40年来"


def test_dates_with_month_day_and_the_same_year() -> None:
    first, second = dates_in("2020年2月23日的工作部署会议和同年9月的抗疫表彰大会上")  # dev2 d2b046
    assert (first.year, first.month, first.day, first.precision) == (2020, 2, 23, 3)
    assert (second.year, second.month, second.day) == (2020, 9, 0)
    assert first.fits(2020, 2, 23) and second.fits(2020, 9, 8) and not second.fits(2020, 2, 23)
    assert [(d.year, d.month) for d in dates_in("2019年5月底的主题教育工作会议")] == [(2019, 5)]
    assert dates_in("同年") == []  # 同年 with nothing before it says nothing


def test_anniversary_meetings_need_their_subject_and_count() -> None:
    assert anniversaries(_line("marx")) == [Anniversary("马克思", 200)]
    (cppcc,) = anniversaries(_line("cppcc"))
    assert cppcc == Anniversary("中国人民政治协商会议成立", 70)
    assert Anniversary("中国人民政治协商会议成立", 70).names(cppcc)
    (zhou,) = anniversaries(_line("zhou"))
    assert Anniversary("周恩来", 120).names(zhou)
    (mao,) = anniversaries("习近平在纪念毛泽东同志诞辰120周年座谈会上的讲话中")  # dev2 d2b051: not in the corpus
    assert not mao.names(zhou)
    assert anniversaries(_line("prc70")) == []  # an anniversary that is not a meeting: an event


def test_occasion_spans_split_at_conjunctions_and_keep_one_occasion_whole() -> None:
    text = "2019年4月重庆座谈会和2020年3月决战决胜脱贫攻坚座谈会上分别是怎么说的？"  # dev2 d2b043
    first, second = occasion_spans(text)
    assert text[first.start : first.end] == "2019年4月重庆座谈会"
    assert coordinated(text[first.end : second.end])
    (one,) = occasion_spans("在十九届四中全会第二次全体会议上的讲话中，总书记引用了")  # dev2 d2b012
    assert one.kind == "讲话"
    (title,) = occasion_spans("习近平关于十九届四中全会决定的说明中，决定稿由几部分构成")  # dev2 d2b011
    assert title.kind == "说明" and title.start == 0
    text = "这篇全省组织部长会议讲话要求自觉贯彻习总书记在中纪委五次全会上强调的什么要求？"  # dev2 d2b002
    speech, event = occasion_spans(text)
    assert text[speech.start : speech.end] == "这篇全省组织部长会议讲话"
    assert not coordinated(text[speech.end : event.end])  # an event the speech refers to


def test_the_occasion_is_what_follows_its_at() -> None:
    assert after_at("习近平2019年1月11日在中央纪委全会") == "中央纪委全会"  # dev2 d2b004: the date is read apart
    assert after_at("和同年9月的抗疫表彰大会") == "同年9月的抗疫表彰大会"
    assert speech_at("习近平在庆祝中国共产党成立100周年大会") == "在庆祝中国共产党成立100周年大会上的讲话"
    assert speech_at("在纪念毛泽东同志诞辰120周年座谈会上的讲话") == "在纪念毛泽东同志诞辰120周年座谈会上的讲话"


def test_a_pointer_is_not_the_name_of_an_occasion() -> None:
    assert not names_an_occasion("这篇讲话")  # seed_dev u05: 讲话中提到的…
    assert not names_an_occasion("这次会议")  # seed_dev u03: 这次会议上宣布了…
    assert names_an_occasion("总书记在民营企业座谈会")  # dev2 d2b007
    assert names_an_occasion("这篇全省组织部长会议讲话")  # dev2 d2b002


def test_wording_drops_numbers_but_keeps_the_meeting_words() -> None:
    assert wording("十九届中央纪委三次全会") == "|中央纪委|全会"
    assert wording("2018年6月中央政治局第六次集体学习时") == "|中央政治局|集体学习时"


def test_notes_state_the_occasion_of_qiushi_articles_and_excerpts() -> None:
    assert occasion_notes("……" + _line("formalism") + "……") == [_line("formalism")]
    assert occasion_notes(_line("study15")) == [_line("study15")]
    assert occasion_notes(_line("study21")) == [_line("study21")]
    assert occasion_notes("各级党委（党组）要履行主体责任") == []  # a parenthesis without a date is not a note
