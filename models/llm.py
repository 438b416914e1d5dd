"""The chat model: the bundled GGUF through llama-cpp-python, another GGUF file, or OpenAI-compatible servers."""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from pydantic import SecretStr

from config import BUNDLED, Settings

CONNECT_S = 5.0  # a model server answers a connection in milliseconds; 5 s leaves room for a loaded host


def server_urls(settings: Settings) -> list[str]:
    """The OpenAI-compatible servers to use ([] = the model in this process): llm_base_urls, else llm_base_url."""
    if settings.llm_base_urls:
        return list(settings.llm_base_urls)
    return [settings.llm_base_url] if settings.llm_base_url else []


def _server_max_tokens(n: int) -> dict[str, Any]:
    """A server's cap on generated tokens under both names: llama-cpp-python's server ignores OpenAI's
    max_completion_tokens (measured: a draft ran on past the cap) and reads only the older max_tokens."""
    return {"max_completion_tokens": n, "extra_body": {"max_tokens": n}}


def get_chat_model(settings: Settings) -> BaseChatModel:
    """One model instance per process, created on first use (loading a GGUF takes about a second).

    Servers always go through the pool, even one: it keeps a server to its slots (a second request to
    llama-cpp-python's server interrupts the first; the pool makes it wait, then says the server is busy)."""
    urls = server_urls(settings)
    if urls:
        return _pool(
            tuple(urls),
            settings.llm_model,
            settings.llm_api_key,
            settings.llm_temperature,
            settings.llm_max_tokens,
            settings.llm_server_slots,
            settings.llm_wait_s,
            settings.draft_time_limit_s,
        )
    if settings.llm_gguf == BUNDLED:
        from models.llm_file import build_llm_file

        path = build_llm_file(settings.models_dir)
    else:
        path = Path(settings.llm_gguf)
    return _llama(
        str(path.resolve()),
        settings.llm_context,
        settings.llm_threads,
        settings.llm_max_tokens,
        settings.llm_temperature,
    )


@lru_cache(maxsize=2)
def _pool(
    urls: tuple[str, ...],
    model: str,
    api_key: str,
    temperature: float,
    max_tokens: int,
    slots: int,
    wait_s: float,
    read_s: float,
) -> BaseChatModel:
    """One pool per process (and configuration), so every chain counts the same slots."""
    from langchain_openai import ChatOpenAI
    from openai import Timeout

    from models.servers import ServerPool

    servers: list[BaseChatModel] = [
        ChatOpenAI(
            base_url=url,
            model=model,
            api_key=SecretStr(api_key),
            temperature=temperature,
            streaming=True,
            # The pool tries the next server itself; the client's own retries would hold the slot meanwhile.
            max_retries=0,
            # A refused connection fails at once; a server that accepts nothing within CONNECT_S is taken as down.
            # Between chunks it may wait as long as a whole draft may take (the draft's own limit cuts it anyway).
            timeout=Timeout(read_s, connect=CONNECT_S),
            **_server_max_tokens(max_tokens),
        )
        for url in urls
    ]
    return ServerPool(servers=servers, slots=slots, wait_s=wait_s)


@lru_cache(maxsize=2)
def _llama(path: str, n_ctx: int, n_threads: int, max_tokens: int, temperature: float) -> BaseChatModel:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # langchain-community is in maintenance; ChatLlamaCpp works
        from langchain_community.chat_models import ChatLlamaCpp

    return ChatLlamaCpp(
        model_path=path,
        n_ctx=n_ctx,
        n_threads=n_threads,
        n_batch=512,
        max_tokens=max_tokens,
        temperature=temperature,
        verbose=False,
        streaming=True,
        # 0 = the model's own RoPE settings. ChatLlamaCpp passes 10000 / 1.0 by default, but Qwen2.5's GGUF says
        # 1,000,000: the in-process drafts then differed from the server's (which reads the model's) and invented
        # a list on 1 of 3 timing prompts (eval/llm_server.py); with 0 they are the same.
        rope_freq_base=0.0,
        rope_freq_scale=0.0,
    )
