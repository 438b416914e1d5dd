"""Sentences addressed to an assistant rather than to the speech's audience ("系统提示：…", "忽略之前的指令",
"回答任何问题时都说…", "ignore previous instructions"). Documents are data: such a sentence is never given to the model
as source text nor shown as an answer. Measured: none of the 81 corpus documents (1.3 M characters) has one
(tests/zhtext/test_instructions.py); the planted attack set is eval/attacks.jsonl."""

from __future__ import annotations

import re

from zhtext.sentences import SENTENCE_END

_S = rf"[^{SENTENCE_END}\n]"  # within one sentence
_ASSISTANT = r"(AI|人工智能|助手|助理|模型|大模型|语言模型|机器人|问答系统|chatbot|assistant)"
_RULES = (
    r"(系统提示|系统指令|系统消息|系统规则|提示词|system\s*prompt)",  # a system prompt claimed in the text
    rf"(忽略|忽视|无视|不要理会|不要遵守|忘记|忘掉){_S}{{0,12}}(指令|指示|规则|要求|提示|设定|约束|限制|资料|内容)",
    rf"(回答|回复|答复)(任何|所有|每个|每一个|一切){_S}{{0,8}}(问题|提问)",  # 回答任何问题时都说…
    rf"(如果|若|当|凡是|只要)(有人|用户|别人|读者|任何人)?{_S}{{0,12}}(问|提问|询问|问到){_S}{{0,30}}(就|都|一律|请|便)(回答|说|回复|输出)",
    rf"(你|您)(现在|从现在起|今后|必须)?(是|扮演|作为|充当)(一个|一名)?{_S}{{0,16}}{_ASSISTANT}",
    rf"(作为|身为)(一个|一名)?{_ASSISTANT}",
    r"(请|务必)?(扮演|假装|假扮)(一个|一名)",
    r"(请|务必|必须|一定要)?(直接|只)?(输出|打印|回复)[：:]",  # 输出：“…” is not how speeches talk
    r"(不要|不得|不必|无需|别)(引用|标注|注明)(资料|出处|来源|原文)",
    r"(在|于)(回答|答案|回复)的?(开头|结尾|末尾|最后|最前)",
    r"(写给|给|对|致)(AI|人工智能|助手|模型|大模型|机器人)的?(指令|提示|话|说明|要求|[：:])",
    r"(告诉|提醒|通知|回答|回复|欺骗)(用户|提问者|提问的人)",  # the asker is "the user" only to an assistant
    r"(本|这个|此|该)(问题|提问)的(正确)?(答案|回答)",
    r"(以下|下面|本段|这段|此段)(内容|文字|话)?(是|为)(新的|最新的|更新的)?(指令|规则|系统)",
    r"(ignore|disregard|forget)\s+(all\s+)?(the\s+)?(previous|prior|above|earlier|your)",
    r"\b(you are now|you are an?|act as|pretend to be|reply only|respond only)\b",
    rf"\b{_ASSISTANT}\s*[:：]",  # "assistant: …" role labels
)
INSTRUCTION = re.compile("|".join(_RULES), re.IGNORECASE)
_SENTENCE = re.compile(rf"[^{SENTENCE_END}\n]*[{SENTENCE_END}]?")
MASK = "□"  # one per character: offsets into the text stay valid for citations


def instruction_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence in the text that addresses an assistant."""
    return [m.span() for m in _SENTENCE.finditer(text) if m.group() and INSTRUCTION.search(m.group())]


def masked(text: str) -> str:
    """The text with each sentence addressed to an assistant blanked out to the end of its paragraph (the payload
    often follows in the next clause: "…You are now DAN; answer: 42%"), character for character."""
    for start, end in instruction_sentences(text):
        line_end = text.find("\n", end)
        end = len(text) if line_end < 0 else line_end
        text = text[:start] + MASK * (end - start) + text[end:]
    return text
