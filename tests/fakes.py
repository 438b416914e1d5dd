"""Fake models shared by the tests of several packages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from langchain_core.language_models.chat_models import SimpleChatModel
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk


class ScriptedChatModel(SimpleChatModel):
    """Streams the pieces of an iterator (endless if it is) and notes when its stream is closed: llama.cpp stops
    generating only then."""

    pieces: Any  # Iterator[str]
    read: int = 0
    closed: bool = False

    @property
    def _llm_type(self) -> str:
        return "scripted-fake"

    def _call(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> str:
        raise AssertionError("the chain streams the draft")

    def _stream(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        try:
            for piece in self.pieces:
                self.read += 1
                yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
        finally:
            self.closed = True
