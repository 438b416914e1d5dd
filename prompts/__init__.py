"""Prompt files (Chinese, versioned in their front matter), loaded into LangChain chat prompt templates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from langchain_core.prompts import ChatPromptTemplate

_SECTION = re.compile(r"^## (\w+)\s*$", re.M)


@dataclass(frozen=True)
class Prompt:
    name: str
    version: int
    system: str
    user: str
    extra: dict[str, str]  # further named sections, e.g. text the chain inserts into the user message

    def template(self) -> ChatPromptTemplate:
        return ChatPromptTemplate.from_messages([("system", self.system), ("human", self.user)])


@cache
def load_prompt(name: str) -> Prompt:
    """Read prompts/<name>.md: a front-matter block (name, version, purpose), then '## system', '## user' and any
    further '## <name>' sections."""
    text = (files("prompts") / f"{name}.md").read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = dict(line.split(": ", 1) for line in front.strip().splitlines())
    parts = _SECTION.split(body)
    sections = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts), 2)}
    return Prompt(meta["name"], int(meta["version"]), sections.pop("system"), sections.pop("user"), sections)
