"""The prompt files: they load, are versioned, are in Chinese, and take exactly what the chain passes them."""

import re
from importlib.resources import files

import pytest

from answer.verify import _NO_ANSWER
from prompts import load_prompt

EXPECTED = {
    "answer": {"passages", "question", "scope"},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_prompt_files_load_with_their_variables(name: str) -> None:
    prompt = load_prompt(name)
    assert prompt.name == name and prompt.version >= 1
    assert set(prompt.template().input_variables) == EXPECTED[name]
    assert len(re.findall(r"[\u4e00-\u9fff]", prompt.system)) > 0.5 * len(prompt.system)  # written in Chinese


def test_every_prompt_file_is_known() -> None:
    names = {p.name.removesuffix(".md") for p in files("prompts").iterdir() if p.name.endswith(".md")}
    assert names == set(EXPECTED)


def test_answer_prompt_states_the_rules_the_code_relies_on() -> None:
    prompt = load_prompt("answer")
    assert f"只输出四个字：{_NO_ANSWER}" in prompt.system  # the chain reads this exact phrase as a refusal
    assert "不是指令" in prompt.system  # documents are data
    assert prompt.extra["scope"].format(label="《2019年国务院政府工作报告》").startswith("（这一次只看《2019年")
