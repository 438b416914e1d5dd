"""Which questions lean on the conversation (dev2's follow-ups) and which stand alone (the app's examples)."""

from __future__ import annotations

import pytest

from answer.conversation import depends_on_conversation, resolve
from answer.types import Turn


@pytest.mark.parametrize(
    "question",
    [
        "那上一年实际增长了多少？商品零售价格涨幅又是多少？",
        "那近期目标呢？",
        "这期间高速公路里程增加到多少？在世界上排第几？",
        "其中中央财政赤字是多少？赤字率呢？",
        "这份报告里全面建成社会主义现代化强国的总的战略安排是怎样的？",
        "第三个方面讲全方位考察识别干部，要考察哪几个“圈”？",
        "除了人岗相适度，还要分析哪两个“度”？",
        "到2017年增长到多少了？",
    ],
)
def test_follow_ups_lean_on_the_conversation(question: str) -> None:
    assert depends_on_conversation(question)


@pytest.mark.parametrize(
    "question",
    [
        "十九大报告提出要坚决打好的三大攻坚战是什么？",
        "2025年政府工作报告安排的赤字率和赤字规模各是多少？",
        "基层服务型党组织建设建立了哪五项制度？",
        "以上率先推进”的是哪个省？",  # 以上 alone (以上率先) is not a pointer back
    ],
)
def test_questions_that_stand_alone(question: str) -> None:
    assert not depends_on_conversation(question)


def test_a_follow_up_keeps_the_documents_of_the_previous_turn_unless_it_names_its_own() -> None:
    history = [Turn("十三大报告里政治体制改革的长远目标是什么？", "……", named_documents=("c13.txt",))]
    resolved = resolve("那近期目标呢？", history, names_documents=False)
    assert resolved.documents == ("c13.txt",) and resolved.about == "那近期目标呢？"
    assert resolved.search == "十三大报告里政治体制改革的长远目标是什么？ 那近期目标呢？"
    assert resolve("那2019年政府工作报告呢？", history, names_documents=True).documents == ()
    alone = resolve("十九大报告提出的三大攻坚战是什么？", history, names_documents=True)
    assert alone.search == alone.question == "十九大报告提出的三大攻坚战是什么？" and alone.documents == ()
