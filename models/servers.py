"""Several OpenAI-compatible model servers behind one chat model (issue 13): each request goes to the next server in
turn that has a free slot, waits up to a time limit when every slot is taken, then fails with a sentence for the
user. A server that refuses the connection is left alone for a while and the next one is tried.

A llama-cpp-python server for it (one slot; as fast as the model in process, eval/results/llm_server.json):
    python -m llama_cpp.server --model data/models/<the .gguf> --host 0.0.0.0 --port 8000 --n_ctx 4096 \
        --n_threads 2 --interrupt_requests False --logits_all False

Hand-written: LangChain's `with_fallbacks` moves to another model after an error but knows neither slots nor turns,
and no library limits the requests per server of a LangChain chat model.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Generator, Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.exceptions import ModelConnectionError
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.chat_models import generate_from_stream
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from pydantic import Field, PrivateAttr

REFUSAL_START = "模型服务器都"  # how every refusal below begins (eval/load.py counts them by it)
DOWN_S = 15.0  # a server that refused a connection is skipped this long: a restarted server is back within it


class ServersBusy(RuntimeError):
    """No server had a free slot for the whole wait (or those free could not be reached); `reason` is for the user."""

    def __init__(self, servers: int, slots: int, down: int) -> None:
        if down == 0:
            reason = f"{REFUSAL_START}在忙（{servers}台，每台{slots}个并发），请稍后再试"
        elif down == servers:
            reason = f"{REFUSAL_START}连不上（{servers}台），请稍后再试或告知管理员"
        else:
            reason = f"{REFUSAL_START}在忙或连不上（{servers}台，其中{down}台连不上，每台{slots}个并发），请稍后再试"
        super().__init__(reason + "。")
        self.reason = reason


class ServerPool(BaseChatModel):
    """One chat model per server (ChatOpenAI on its URL); `.stream`, `.invoke` and `.bind` work as on one model.

    A request holds its server's slot until its stream ends, fails or is closed (the reader stopped, or a draft limit
    cut it): closing the stream closes the HTTP response, and the server stops generating."""

    servers: list[BaseChatModel]
    slots: int = Field(default=1, ge=1)  # requests one server takes at once
    wait_s: float = Field(default=30.0, ge=0)  # how long a request waits for a free slot
    _free: threading.Condition = PrivateAttr(default_factory=threading.Condition)
    _busy: list[int] = PrivateAttr(default_factory=list)  # requests in flight, per server
    _down_until: list[float] = PrivateAttr(default_factory=list)  # time.monotonic() when a down server is tried again
    _next: int = PrivateAttr(default=0)  # the server whose turn it is

    def model_post_init(self, context: Any) -> None:
        super().model_post_init(context)
        self._busy = [0] * len(self.servers)
        self._down_until = [0.0] * len(self.servers)

    @property
    def _llm_type(self) -> str:
        return "server-pool"

    @property
    def in_flight(self) -> list[int]:
        """Requests each server is serving now."""
        with self._free:
            return list(self._busy)

    def _acquire(self) -> int:
        """A slot on the next server in turn that has one free and is not down; waits up to wait_s for one."""
        deadline = time.monotonic() + self.wait_s
        with self._free:
            while True:
                now = time.monotonic()
                count = len(self.servers)
                for step in range(count):
                    i = (self._next + step) % count
                    if self._busy[i] < self.slots and self._down_until[i] <= now:
                        self._busy[i] += 1
                        self._next = (i + 1) % count
                        return i
                if now >= deadline:
                    raise ServersBusy(count, self.slots, sum(until > now for until in self._down_until))
                back = [until for until in self._down_until if until > now]  # a down server may be tried again first
                self._free.wait(min([deadline, *back]) - now)

    def _release(self, i: int, down: bool = False) -> None:
        with self._free:
            self._busy[i] -= 1
            if down:
                self._down_until[i] = time.monotonic() + DOWN_S
            self._free.notify_all()

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        """The whole answer, read from the stream (the servers' clients stream: `invoke` must too)."""
        return generate_from_stream(self._stream(messages, stop=stop, run_manager=run_manager, **kwargs))

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        while True:
            i = self._acquire()
            stream = self.servers[i]._stream(messages, stop=stop, run_manager=run_manager, **kwargs)
            try:
                first = next(stream, None)  # the request is sent here: a refused connection fails before any chunk
                break
            except BaseException as exc:
                down = isinstance(exc, Exception) and unreachable(exc)
                self._release(i, down)
                if not down:
                    raise
        try:
            if first is not None:
                yield first
            yield from stream
        finally:
            if isinstance(stream, Generator):
                stream.close()  # closes the HTTP response: the server stops generating
            self._release(i)


def unreachable(exc: BaseException) -> bool:
    """The server could not be reached (the connection refused, reset or timed out before any answer), as opposed to
    a request it took and failed: only then is another server tried. LangChain names the first kind; a connect timeout
    is told from a slow answer by the HTTP client's error underneath (httpx's and httpx2's ConnectTimeout)."""
    if isinstance(exc, ModelConnectionError):
        return True
    cause = exc.__cause__
    while cause is not None:
        if type(cause).__name__ == "ConnectTimeout":
            return True
        cause = cause.__cause__
    return False
