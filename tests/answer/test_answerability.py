from answer.answerability import FocusChecker, focus_terms, gives_quantity, numbers_anchored, years_consistent
from retrieval.types import Passage
from zhtext.frames import ASKS_RESULT
from zhtext.terms import holds


def _p(text: str, date: str = "", section: str = "") -> Passage:
    return Passage("x", "d.txt", "t", "", date, "讲话", section, 0, len(text), text, 1.0)


def test_focus_terms_leave_out_the_asking_and_the_document() -> None:
    terms = focus_terms("2019年政府工作报告提出的粮食产量目标是多少？")
    assert {"粮食", "产量"} <= terms and not terms & {"政府", "报告", "目标", "多少"}


def test_focus_coverage_weights_rare_words() -> None:
    corpus = [
        "组织部门要加强干部培训。",
        "组织部门要严把选人关。",
        "组织部门要抓好基层党建。",
        "国内生产总值增长6%－6.5%。",
    ]
    checker = FocusChecker(lambda: corpus)
    passage = _p(corpus[3])
    assert checker.coverage("2019年政府工作报告提出的粮食产量目标是多少？", [passage]) == 0.0
    assert checker.coverage("2019年政府工作报告提出的国内生产总值增长目标是多少？", [passage]) == 1.0
    budget = checker.coverage("讲话中提到的组织部门的年度预算是多少？", [_p(corpus[0])])
    assert 0 < budget < 0.5  # 组织部门 is everywhere; 预算 is what is asked and is missing


def test_years_must_match_the_cited_passage() -> None:
    q = "讲话中提到的2014年四川省地区生产总值增长率是多少？"
    assert not years_consistent(q, [_p("全省地区生产总值增长5.5%", date="2026-02-03")])
    assert years_consistent(q, [_p("地区生产总值增长8.5%", section="一、回顾2014年工作")])
    assert years_consistent("2015年报告中2014年GDP是多少？", [_p("国内生产总值达到63.6万亿元", date="2015-03-05")])
    assert years_consistent("国内生产总值是多少？", [_p("无年份", date="2026-01-01")])


def test_quoted_and_numbered_names_count_when_their_expansion_is_there() -> None:
    assert "四个心中有" in focus_terms("讲话要求党员干部始终做到哪“四个心中有”？")
    assert "中国式" in focus_terms("中国式现代化的中国特色有哪五个方面？")  # 中 is not cut out of words
    assert holds("着力稳就业、稳金融、稳外贸、稳外资、稳投资、稳预期", "六稳")
    assert not holds("着力稳就业、稳金融", "六稳")
    assert holds("要始终做到“心中有党、心中有民、心中有责、心中有戒”", "四个心中有")


def test_a_number_asked_as_a_target_must_come_from_a_target_sentence() -> None:
    asked = "国内生产总值增长的预期目标是多少？"
    assert numbers_anchored(asked, ["6%－6.5%"], _p("今年发展主要预期目标是：国内生产总值增长6%－6.5%。"))
    # 主要 contains 要 but sets no target: a result from the review of the year is not the target asked for
    assert not numbers_anchored(asked, ["6.6%"], _p("主要指标完成，国内生产总值增长6.6%。"))


def test_a_number_asked_as_a_result_must_not_come_from_a_plan() -> None:
    asked = "2004年政府工作报告中，2003年新增城镇就业多少人？"  # a 2004 report's figure for 2003 is a result
    plan = _p("今年的预期目标是，新增城镇就业900万人，下岗失业人员再就业500万人。", date="2004-03-05")
    result = _p("就业超过预期。城镇新增就业859万人。", date="2004-03-05")
    assert not numbers_anchored(asked, ["900万人"], plan)
    assert numbers_anchored(asked, ["859万人"], result)
    assert numbers_anchored("2004年新增城镇就业的预期目标是多少？", ["900万人"], plan)


def test_a_period_that_has_passed_asks_for_results() -> None:
    # dev2: "过去五年发行了多少长期建设国债" answered with this year's 拟发行1400亿元
    asked = "2003年政府工作报告说，过去五年发行了多少长期建设国债？"
    plan = _p("综合考虑各方面因素，今年拟发行1400亿元长期建设国债。", date="2003-03-05")
    result = _p("五年全社会固定资产投资累计完成17.2万亿元，特别是发行6600亿元长期建设国债。", date="2003-03-05")
    assert not numbers_anchored(asked, ["1400亿元"], plan)
    assert numbers_anchored(asked, ["6600亿元"], result)
    for passed in ("十八大以来", "两年来", "过去一年"):
        assert ASKS_RESULT.search(f"{passed}提拔了多少人？")
    assert not ASKS_RESULT.search("今年发行多少长期建设国债？")


def test_a_question_asking_how_many_needs_a_quantity_it_does_not_give() -> None:
    # dev2: the sentence about the occasion names no number of trainees
    asked = "2019年春季学期中青年干部培训班开班式上，这期培训班共有多少名学员？"
    assert not gives_quantity(asked, "2019年春季学期中青年干部培训班学员参加开班式[1]。")
    assert gives_quantity("2013年新增城镇就业多少人？", "城镇新增就业1310万人[1]。")
    assert gives_quantity("干部谈心谈话每年至少进行几次？", "每年至少进行一次谈心谈话[1]。")  # 一 before the unit asked
    assert not gives_quantity("干部谈心谈话每年至少进行几次？", "谈心谈话要经常进行[1]。")
    assert gives_quantity("报告提出了哪几项任务？", "一是稳增长[1]。")  # asks which ones, not how many


def test_words_about_the_text_itself_are_not_what_a_question_is_about() -> None:
    # dev2: the passage quotes Su Shi; it does not say 引用 or 文章
    assert focus_terms("总书记引用了宋代苏轼哪篇文章里的什么话？") == {"宋代", "苏轼"}
    assert not focus_terms("十七大报告开头阐述的大会主题在小康社会的提法上有什么不同？") & {"开头", "阐述", "提法"}


def test_one_year_asked_is_not_answered_by_a_span_of_years() -> None:
    # dev2 (2018 report): 2017's new urban jobs asked; the review of five years gives 6600万人以上
    asked = "2018年的政府工作报告报告上一年实际新增城镇就业多少人？"
    five = _p("五年来，经济实力跃上新台阶。城镇新增就业6600万人以上。\n过去一年，城镇新增就业1351万人。", "2018-03-05")
    assert not numbers_anchored(asked, ["6600万人"], five)
    assert numbers_anchored(asked, ["1351万人"], five)
    assert numbers_anchored("过去五年城镇新增就业多少人？", ["6600万人"], five)  # the span itself was asked
    assert not numbers_anchored("二〇一七年城镇新增就业多少人？", ["6600万人"], five)  # 二〇一七年 is one year
    averaged = _p("城乡居民人均可支配收入年均分别增长5.3%、7.1%。", "2026-02-03")
    assert not numbers_anchored("2026年四川政府工作报告回顾2025年，城乡居民收入增长了多少？", ["5.3%"], averaged)
    mean = _p("细颗粒物年均浓度控制在29微克/立方米左右。", "2026-01-25")
    assert numbers_anchored("2025年细颗粒物年均浓度是多少？", ["29微克"], mean)  # an annual mean, not a span
    beside = _p("国内生产总值增长6.9%，五年年均增长7.2%。", "2018-03-05")
    assert numbers_anchored("2018年政府工作报告说上一年国内生产总值增长了多少？", ["6.9%"], beside)
    many = _p("普通高等学校招生规模比上年扩大47.4%，增幅之大是多年来没有的。", "2000-03-05")
    assert numbers_anchored(
        "2000年的政府工作报告提到，1999年普通高校招生扩大了多少？", ["47.4%"], many
    )  # 多年来 compares
