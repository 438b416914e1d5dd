"""The shown answer: the source's own sentences with [n] markers."""

from answer.attribution import attribute
from answer.render import render
from retrieval.types import Passage

# From the 19th Congress report: the sentence after the one about building a moderately prosperous society.
SOURCE = (
    "从现在到二〇二〇年，是全面建成小康社会决胜期。要按照十六大、十七大、十八大提出的全面建成小康社会各项要求，"
    "紧扣我国社会主要矛盾变化，统筹推进经济建设、政治建设、文化建设、社会建设、生态文明建设。"
    "特别是要坚决打好防范化解重大风险、精准脱贫、污染防治的攻坚战，使全面建成小康社会得到人民认可、经得起历史检验。"
)


def _passage(text: str) -> Passage:
    return Passage("p", "p.txt", "十九大报告", "", "2017-10-18", "报告", "", 0, len(text), text, 1.0)


def test_an_answer_that_starts_mid_thought_is_marked_as_an_excerpt() -> None:
    passages = [_passage(SOURCE)]
    found = attribute("要坚决打好防范化解重大风险、精准脱贫、污染防治的攻坚战。", "三大攻坚战是什么？", passages)
    text, citations = render(found, passages)
    assert text.startswith("……特别是要坚决打好防范化解重大风险、精准脱贫、污染防治的攻坚战") and "[1]" in text
    assert citations[0].quote.startswith("特别是要")  # the quote itself stays verbatim


def test_an_answer_that_starts_its_own_sentence_is_not_marked() -> None:
    passages = [_passage(SOURCE)]
    found = attribute("从现在到二〇二〇年，是全面建成小康社会决胜期。", "全面建成小康社会决胜期是什么时候？", passages)
    text, _ = render(found, passages)
    assert text.startswith("从现在到二〇二〇年")


# 2020 study session on the party's organisation: three sentences, each naming one level's "stretch of the road".
LEVELS = (
    "中央和国家机关是贯彻落实党中央决策部署的“最初一公里”，不能出现“拦路虎”。"
    "地方党委是贯彻落实党中央决策部署的“中间段”，不能出现“中梗阻”。"
    "基层党组织是贯彻落实党中央决策部署的“最后一公里”，不能出现“断头路”。"
)


def test_clauses_whose_sentences_overlap_show_each_sentence_once() -> None:
    passages = [_passage(LEVELS)]
    draft = (
        "中央和国家机关是“最初一公里”，地方党委是“中间段”。"
        "中央和国家机关不能出现“拦路虎”，地方党委不能出现“中梗阻”，基层党组织不能出现“断头路”。"
    )
    text, citations = render(attribute(draft, "党的组织体系各自不能出现什么？", passages), passages)
    assert text.count("不能出现“拦路虎”") == 1 and text.count("“中间段”") == 1
    assert "“断头路”" in text  # the summing-up clause is shown from the sentences that hold its terms
    assert len(citations) == 1
