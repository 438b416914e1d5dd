from ingest.store import StoredDocument
from retrieval.query import understand


def _doc(doc_id: str, title: str, year: int, genre: str) -> StoredDocument:
    return StoredDocument(doc_id, doc_id, title, "", f"{year}-03-05", year, genre, "", "", "", 0)


DOCS = [
    _doc("gwr-2018", "2018年国务院政府工作报告", 2018, "政府工作报告"),
    _doc("gwr-2019", "2019年国务院政府工作报告", 2019, "政府工作报告"),
    _doc("cong-19", "决胜全面建成小康社会——在中国共产党第十九次全国代表大会上的报告", 2017, "党代会报告"),
    _doc("cong-20", "高举中国特色社会主义伟大旗帜——在中国共产党第二十次全国代表大会上的报告", 2022, "党代会报告"),
    _doc("sc-2026", "2026年四川省政府工作报告", 2026, "省级政府工作报告"),
    _doc("gz-2026", "2026年贵州省政府工作报告", 2026, "省级政府工作报告"),
    _doc("poverty", "在决战决胜脱贫攻坚座谈会上的讲话", 2020, "讲话"),
]


def test_year_of_the_report_not_of_the_fact() -> None:
    intent = understand("2019年政府工作报告中，2018年国内生产总值增长多少？", DOCS)
    assert intent.doc_ids == {"gwr-2019"} and intent.missing == []


def test_two_years_and_two_provinces() -> None:
    assert understand("2018年和2019年政府工作报告的赤字率分别是多少？", DOCS).doc_ids == {"gwr-2018", "gwr-2019"}
    assert understand("2026年贵州省和四川省政府工作报告的就业目标？", DOCS).doc_ids == {"sc-2026", "gz-2026"}


def test_congress_ordinals() -> None:
    assert understand("十九大报告提出的三大攻坚战是什么？", DOCS).doc_ids == {"cong-19"}
    assert understand("二十大报告概括的中国特色有哪些？", DOCS).doc_ids == {"cong-20"}
    assert understand("党的第十九次全国代表大会提出了什么？", DOCS).doc_ids == {"cong-19"}
    for phrase in ("2024年要开展的碳达峰十大行动包括哪些？", "要办好十大民生实事"):  # not the 10th congress
        intent = understand(phrase, DOCS)
        assert intent.doc_ids is None and intent.references == [] and intent.missing == []


def test_speech_named_by_its_occasion() -> None:
    assert understand("习近平在决战决胜脱贫攻坚座谈会上指出了什么？", DOCS).doc_ids == {"poverty"}


def test_missing_documents_are_reported_and_do_not_filter() -> None:
    intent = understand("2020年政府工作报告拟安排地方政府专项债券多少？", DOCS)
    assert intent.doc_ids is None and intent.missing == ["2020年政府工作报告"]
    intent = understand("2026年上海市政府工作报告提出的增长目标是多少？", DOCS)
    assert intent.missing == ["2026年上海政府工作报告"]


def test_plain_question_names_nothing() -> None:
    intent = understand("四川与哪所高校签订了省校战略合作协议？", DOCS)
    assert intent.doc_ids is None and intent.references == []


def test_named_occasion_finds_its_speech_or_is_reported_missing() -> None:
    docs = DOCS + [_doc("org", "习近平在全国组织工作会议上发表重要讲话强调", 2018, "讲话")]
    assert understand("习近平在2018年全国组织工作会议上提出的组织路线是什么？", docs).doc_ids == {"org"}
    intent = understand("习近平在庆祝中国共产党成立100周年大会上的讲话中，伟大建党精神包括哪些内容？", docs)
    assert intent.doc_ids is None and intent.missing == ["在庆祝中国共产党成立100周年大会上的讲话"]


def test_content_query_drops_the_document_name() -> None:
    intent = understand("2019年政府工作报告提出的国内生产总值增长预期目标是多少？", DOCS)
    assert "政府工作报告" not in intent.content and "国内生产总值" in intent.content


def test_content_query_keeps_a_topic_that_the_title_repeats() -> None:
    docs = DOCS + [_doc("org", "习近平在全国组织工作会议上强调 切实贯彻落实新时代党的组织路线", 2018, "讲话")]
    intent = understand("习近平在2018年全国组织工作会议上提出的新时代党的组织路线是什么？", docs)
    assert intent.doc_ids == {"org"} and "组织路线" in intent.content
