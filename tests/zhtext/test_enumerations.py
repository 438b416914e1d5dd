"""Each enumeration rule on sentences of the government work and congress reports, with its negative cases."""

from __future__ import annotations

from zhtext.enumerations import counted_lists, find_enumerations

# 2009 report (members shortened to their first sentence).
FIVE_THINGS = (
    "今年重点抓好五件事：\n\n一是稳定发展粮食生产。切实稳定种植面积。\n\n二是以市场需求为导向调整农业结构。"
    "支持重要紧缺农产品生产。\n\n三是加强农业基础设施和农村民生工程建设。大规模开展土地整治。\n\n"
    "四是多渠道促进农民增收。大力发展特色现代农业。\n\n五是加大扶贫开发力度。今年将实行新的扶贫标准。"
)


def members(text: str) -> list[list[str]]:
    return [[m.text for m in e.members] for e in find_enumerations(text)]


def test_ordinal_run_with_lead_in_and_declared_count() -> None:
    [run] = find_enumerations(FIVE_THINGS)
    assert run.style == "ordinal" and [m.text for m in run.members] == [
        "稳定发展粮食生产",
        "以市场需求为导向调整农业结构",
        "加强农业基础设施和农村民生工程建设",
        "多渠道促进农民增收",
        "加大扶贫开发力度",
    ]
    assert FIVE_THINGS[run.lead_start : run.lead_end] == "今年重点抓好五件事："
    assert run.declared == 5 and run.complete and run.announced
    assert all(FIVE_THINGS[m.start : m.end] == m.text for m in run.members)


def test_a_declared_count_that_disagrees_marks_the_list_incomplete() -> None:
    four_of_five = FIVE_THINGS[: FIVE_THINGS.index("\n\n五是")]
    [run] = find_enumerations(four_of_five)
    assert run.declared == 5 and len(run.members) == 4 and not run.complete


def test_a_congress_in_the_lead_in_is_not_a_count() -> None:
    text = (
        "一年来，我们深入学习贯彻党的二十大精神，主要做了以下工作。\n\n一是加大宏观调控力度。\n\n二是深化改革扩大开放。"
    )
    [run] = find_enumerations(text)  # 2024 report
    assert run.declared is None and run.complete


def test_markers_only_after_punctuation() -> None:
    assert members("祖国统一是不可阻挡的历史潮流，二是……") == []  # 1998 report: 统一是 is a word
    sequence = (
        "今年要着重抓好以下工作：\n\n第一，进一步稳定和加强农业\n\n农业事关全局。\n\n"
        "第二，国有企业改革要取得新的突破\n\n"
    )
    assert members(sequence) == [["进一步稳定和加强农业", "国有企业改革要取得新的突破"]]  # 1998 report
    assert members("这是第一次。第二次会议……") == []


def test_a_circumstance_runs_on_to_the_point() -> None:
    text = (
        "关键要调整国民收入分配格局。一是多渠道增加农民收入，确保农民工工资按时足额发放。二是提高企业职工工资水平，"
        "建立企业职工工资正常增长和支付保障机制。三是从今年1月1日起，再连续三年进一步提高企业退休人员基本养老金水平。"
    )
    [run] = find_enumerations(text)  # 2008 report
    assert run.members[2].text == "从今年1月1日起，再连续三年进一步提高企业退休人员基本养老金水平"
    assert run.members[0].text == "多渠道增加农民收入"


def test_lead_in_of_a_new_paragraph_must_announce_the_list() -> None:
    announced = (
        "五年来，我们坚持改革方向，打了一场深化国有企业改革的攻坚战：\n\n一是加快现代企业制度建设。\n\n"
        "二是建立企业优胜劣汰的机制。"
    )
    assert find_enumerations(announced)[0].announced  # (2003 report, lead-in ending with a colon)
    unrelated = "这是4月21日，考察组在茶业示范园区同茶农交谈。\n\n第一，加强组织领导。\n\n第二，坚持目标标准。"
    assert not find_enumerations(unrelated)[0].announced  # a photo caption is not a lead-in
    same_paragraph = "增加城乡居民收入。一是多渠道增加农民收入。二是提高企业职工工资水平。"
    assert find_enumerations(same_paragraph)[0].announced


def test_repeated_heads_are_a_topic_not_a_list() -> None:
    text = "第一，开展这次主题教育，是用党的创新理论武装全党的需要。第二，开展这次主题教育，是推进自我革命的需要。"
    assert members(text) == []


def test_counted_list_members_before_their_count() -> None:
    [e] = counted_lists("要把阶级斗争、生产斗争和科学实验三大革命运动一齐抓起来。")  # 1978 report
    assert [m.text for m in e.members] == ["阶级斗争", "生产斗争", "科学实验"] and e.declared == 3
    [e] = counted_lists("将国土空间划分为优化开发、重点开发、限制开发和禁止开发四类主体功能区。")  # 2006 report
    assert [m.text for m in e.members] == ["优化开发", "重点开发", "限制开发", "禁止开发"]
    [e] = counted_lists("科技工作要在开发研究、高新技术及其产业、基础性研究这三个方面合理配置力量。")  # 1992 congress
    assert e.members[0].text == "开发研究"  # 在 never begins a member


def test_counted_lists_that_are_not_trusted() -> None:
    assert counted_lists("继续实施退耕还林、天然林保护、京津风沙源治理等六大林业生态工程。") == []  # 等: incomplete
    assert counted_lists("九大、十大都讲这三条。") == []  # two pieces for a count of three
    four_targets = "提出了钢产量一千八百万吨、煤产量三亿八千万吨、粮食产量一万零五百亿斤、棉花产量一亿担的四项指标。"
    assert counted_lists(four_targets) == []  # 的 before the count: the count is not this list's (1959 report)
    with_subject = "我们对实现推进现代化建设、完成祖国统一、维护世界和平与促进共同发展这三大历史任务充满信心。"
    assert counted_lists(with_subject) == []  # the subject swallowed into the first member (2007 congress)


# 2012 congress report (each member shortened to its first sentence and one more).
EIGHT_REQUIREMENTS = (
    "在新的历史条件下夺取中国特色社会主义新胜利，必须牢牢把握以下基本要求，并使之成为全党全国各族人民的共同信念。\n\n"
    "——必须坚持人民主体地位。中国特色社会主义是亿万人民自己的事业。\n\n"
    "——必须坚持解放和发展社会生产力。解放和发展社会生产力是中国特色社会主义的根本任务。\n\n"
    "——必须坚持推进改革开放。改革开放是坚持和发展中国特色社会主义的必由之路。\n\n"
    "实现这些要求，需要全党共同努力。"
)


def test_paragraphs_opening_with_a_dash_are_a_list() -> None:
    [run] = find_enumerations(EIGHT_REQUIREMENTS)
    assert run.style == "dash" and [m.text for m in run.members] == [
        "必须坚持人民主体地位",
        "必须坚持解放和发展社会生产力",
        "必须坚持推进改革开放",
    ]
    assert EIGHT_REQUIREMENTS[run.lead_start : run.lead_end].startswith("在新的历史条件下")
    # 2007 congress report writes the dash as two U+2015
    assert members(
        "提出新的更高要求。\n\n――增强发展协调性，努力实现经济又好又快发展。\n\n――扩大社会主义民主，更好保障人民权益。"
    ) == [["增强发展协调性", "扩大社会主义民主"]]


def test_a_plain_paragraph_ends_a_dash_list_and_one_dash_is_no_list() -> None:
    split = "——加强党的建设。\n\n这是根本。\n\n——改进作风。\n\n——严明纪律。"
    assert members(split) == [["改进作风", "严明纪律"]]
    assert members("他说：\n\n——毛泽东同志说过，要实事求是。\n\n我们照此去做。") == []


def test_yi_yao_and_shouxian_open_runs_like_yi_shi_and_di_yi() -> None:
    text = "深化企业改革，一要积极引入竞争机制，采用招标。\n\n二要加强企业各项基础工作，全面推行厂长负责制。"
    assert members(text) == [["积极引入竞争机制", "加强企业各项基础工作"]]  # 1988 report
    first = "这八条就是主要的战斗任务。\n\n首先，一定要把揭批“四人帮”的伟大斗争进行到底。\n\n第二，一定要搞好整党整风。"
    assert members(first) == [["一定要把揭批“四人帮”的伟大斗争进行到底", "一定要搞好整党整风"]]  # 1977 congress
    assert members("统一要求。首先，我们要明确方向。") == []  # 统一要 is a word; 首先 alone starts no list
