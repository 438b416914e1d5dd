"""The chat model: the bundled GGUF through llama-cpp-python, another GGUF file, or an OpenAI-compatible server."""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable
from pydantic import SecretStr

from config import BUNDLED, Settings


def constrained(llm: BaseChatModel, schema: dict, settings: Settings, max_tokens: int) -> Runnable:
    """The model bound to produce at most max_tokens of JSON matching the schema: a grammar in llama.cpp,
    structured outputs on an OpenAI-compatible server (llama.cpp's server, vLLM and Ollama accept the request)."""
    if settings.llm_base_url:
        response_format = {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema}}
        return llm.bind(response_format=response_format, max_completion_tokens=max_tokens)
    return llm.bind(response_format={"type": "json_object", "schema": schema}, max_tokens=max_tokens)


def get_chat_model(settings: Settings) -> BaseChatModel:
    """One model instance per process, created on first use (loading a GGUF takes about a second)."""
    if settings.llm_base_url:
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=SecretStr(settings.llm_api_key),
            temperature=settings.llm_temperature,
            max_completion_tokens=settings.llm_max_tokens,
            streaming=True,
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
    )
