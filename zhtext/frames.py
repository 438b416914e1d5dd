"""Question frames: the words that say how a question asks, which document it means and what kind of answer it
wants, as opposed to what it is about.

Each group is named for its job; the focus check removes all of them, query understanding some, and the answer
chain reads the kind of answer wanted (a list, a target, a comparison).
"""

from __future__ import annotations

import re

from zhtext.numerals import DIGITS, cn_int
from zhtext.places import PROVINCES
from zhtext.years import YEAR_DIGITS

# How a question asks (是多少, 哪几项): never what it is about.
ASKING = (
    r"是多少|多少|是什么|什么|哪些|哪几|哪[一二三四五六七八九十个些项种篇条句段部]|如何|怎样|是否|有何|具体|分别|各是"
    r"|理由|原因|为什么|为何"  # asking why: the source gives its reason without these words
)
# Verbs of reporting (报告提出的, 讲话指出): they say where, not what.
REPORTING = r"提出的?|提到的?|指出|强调|概括的?|明确|要求"
# Words that name a document or its speaker, not its content.
DOCUMENT = r"国务院|政府工作报告|报告|讲话|习近平|总书记|同志|会议上|座谈会上|大会上"
# A numbered name (十九大, 三大攻坚战): the ordinal or count, cut off so the rest (攻坚战) remains.
NUMBERED = rf"第?[{DIGITS}十]+大"
# How many are asked for (哪三项, 几个).
COUNT = r"[一二三四五六七八九十两几]+[项点条种类]|[几多]个"
# A bare count (三个) is not what a question is about.
BARE_COUNT = re.compile(r"[一二三四五六七八九十两几]+个?")
# Comparison frames.
COMPARE = r"相差|差距|之差|不同|区别|一致|变化|调整"
# The scope every report shares (全国, 全省) and the words of every target sentence.
SCOPE = r"我国|全国|全省|全市"
TARGET_FRAME = r"包括|内容|方面|主要|预期|目标|今年|上年|去年|全年|达到|增长|安排|拟|做到"

# Words about the text itself, how it is worded or where it says something (哪篇文章, 报告的题目, 开头阐述的, 提法),
# never what it says: the passage quotes, it does not say "引用".
DISCOURSE = r"引用|文章|题目|开头|开篇|提法|表述|阐述|阐释|说法|原话|原文"
# Everything a question says besides its subject: removed before the focus words are cut out.
NOT_FOCUS = re.compile(
    "|".join(
        [rf"{YEAR_DIGITS}年", NUMBERED, DOCUMENT, REPORTING, ASKING, TARGET_FRAME, COUNT, COMPARE, SCOPE, DISCOURSE]
        + list(PROVINCES)
    )
)
# Left after removing the asking and particles, a question with fewer than four Han characters names only documents.
ASKING_AND_PARTICLES = re.compile("|".join([rf"{YEAR_DIGITS}年", REPORTING, ASKING, r"的|了|在|上|中"]))
# Filler an answer adds when it restates the question ("主要包括以下几个方面").
FILLER = re.compile(r"[\W_]|以下|如下|主要|包括|分别|具体|的|了|是|有|为|等")

# A question whose answer is a list or several facts (they often run past one chunk).
ASKS_FOR_ITEMS = re.compile(r"哪[几一二三四五六七八九十两]|哪些|分别|包括|具体指|内涵|内容|有何不同|是否一致")
# A question comparing documents; one document alone cannot say whether it agrees with another.
ASKS_COMPARISON = re.compile(
    r"(?:是否|有没有)(?:一致|相同|不同|变化)|有(?:什么|何)(?:不同|区别|差别|变化)|(?:区别|差别|不同)(?:是什么|在哪里?)"
)
# A question asking why, or on what grounds (出于什么考虑): answered by a report's reasoning, not by a figure.
ASKS_REASON = re.compile(r"为什么|为何|原因|理由|考虑|出于|依据|目的")
# A question asking what happened (not what was planned); a period that has passed (过去五年, 两年来, 十八大以来)
# holds results only: a report's 拟发行1400亿元 is this year's plan, not what the past five years issued.
ASKS_RESULT = re.compile(r"实际|实现了|完成了|达到了|增长了|上一年|去年|过去|以来|[一二三四五六七八九十两几]年来")
# A sentence that sets a plan, unmistakably (a result can also say 以上 or 达到, so those do not count here).
SETS_TARGET = re.compile(r"预期目标|预期|目标|计划|拟|力争|争取")
# A question asking for a target (not a result): 预期目标, 计划, 拟安排.
ASKS_TARGET = re.compile(r"目标|预期|计划|拟|安排")
# A sentence stating a target: 预期目标, 左右, 控制在, 力争; 要/将 only as the modal verb, not inside 主要/重要/需要/
# 只要/要求 (主要指标 describes, it does not set a target).
STATES_TARGET = re.compile(
    r"目标|预期|计划|拟|安排|力争|争取|左右|以上|以内|控制在|确保|不低于|不超过|(?<![主重需只纲概摘])要(?![求素点])|将"
)
# A question that leans on the conversation: it opens with 那/那么/还有, points back (这份报告, 其中, 上述, 该, 它),
# asks 呢 about an ellipsis (那近期目标呢？) or counts off the previous answer (第三个方面, 除了…).
FOLLOW_UP = re.compile(
    r"^(?:那|那么|还有|另外|此外|再|又|到)|这[份个次一期项些里位条段篇]|那[一个份次些位条]|其中|上述|以上[的这]|前面|刚才|"
    r"它|他们|该(?:报告|讲话|会议|文件)|同期|当年|上一年|呢[？?]?$|除了|第[一二三四五六七八九十]+[个条项点]"
)
# A question asking how many or how much (多少, 几次, 百分之几); 哪几 asks which ones, and 第几 a rank, not a quantity.
ASKS_QUANTITY = re.compile(r"多少|(?<![哪第])几(?=[个项条次名倍岁年百千万亿%])|百分之几")
# The number of things a question asks for (哪六项任务, 哪三个方面, 哪6个): a list that answers it has that many items.
_ASKED_COUNT = re.compile(r"哪(?P<n>[两二三四五六七八九十]{1,2}|[1-9]\d?)(?:个方面|方面|个|项|条|点|件|种|类|大)")


def asked_count(question: str) -> int | None:
    """The count the question asks for, or None when it names none (哪几项, 哪些)."""
    match = _ASKED_COUNT.search(question)
    if match is None:
        return None
    n = match.group("n")
    return int(n) if n.isdigit() else cn_int(n)
