"""The same drafts from the model in this process and through llama-cpp-python's OpenAI-compatible server (issue 13):
time to the first token and tokens per second, on answer prompts of the chain's shape and median size.

Each prompt is a different question with its own passages (llama.cpp reuses a cached prefix, so a repeated prompt
would time nothing); the paths take turns going first, with the same threads, context and token cap. The server runs
twice: with --logits_all False (as the in-process model) and with its default True.

The drafts differ from the in-process model's (the servers agree with each other): ChatLlamaCpp passes its own
rope_freq_base=10000 to llama.cpp, while the GGUF's (and so the server's) is Qwen2.5's 1,000,000; given
rope_freq_base=0.0 (the model's own) the in-process drafts equal the server's (checked on two of the prompts).

    python eval/llm_server.py [--threads 2] [--max-tokens 128] [--out eval/results/llm_server.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from langchain_core.prompt_values import ChatPromptValue  # noqa: E402

from answer.chain import format_passages  # noqa: E402
from config import Settings  # noqa: E402
from models.llm import get_chat_model  # noqa: E402
from models.llm_file import build_llm_file  # noqa: E402
from models.llm_server import llama_server  # noqa: E402
from prompts import load_prompt  # noqa: E402
from retrieval.types import Passage  # noqa: E402

GWR_2018, GWR_2019 = "2018-03-05_gwr-2018.txt", "2019-03-05_gwr-2019.txt"
QUESTIONS = [  # (document, the phrase the middle passage starts with, question): lists, so drafts run long
    (GWR_2019, "今年经济社会发展的主要预期目标", "2019年政府工作报告提出的主要预期目标有哪些？"),
    (GWR_2018, "今年发展主要预期目标", "2018年政府工作报告提出的主要预期目标有哪些？"),
    (GWR_2019, "积极的财政政策要加力提效", "2019年积极的财政政策有哪些安排？"),
]
PASSAGE_CHARS, PASSAGES = 300, 3  # with the template ≈ 1,100 characters: the median prompt (eval/README.md)


def prompt_for(corpus: Path, doc: str, phrase: str, question: str) -> Any:
    """The chain's answer prompt with three passages, the middle one starting with the phrase."""
    text = (corpus / doc).read_text(encoding="utf-8")
    start = max(0, text.index(phrase) - PASSAGE_CHARS)
    passages = [
        Passage(f"{doc}#{i}", doc, doc, "", doc[:10], "", "", s, s + PASSAGE_CHARS, text[s : s + PASSAGE_CHARS], 1.0)
        for i, s in enumerate(range(start, start + PASSAGE_CHARS * PASSAGES, PASSAGE_CHARS))
    ]
    inputs = {"passages": format_passages(passages, best_last=True), "question": question, "scope": ""}
    return load_prompt("answer").template().invoke(inputs)


def timed(model: Any, prompt: Any, count_tokens: Any) -> dict[str, Any]:
    """Seconds to the first token (prompt tokens/s: the messages' text, without the chat template's few tokens),
    tokens/s after it, and the text of one streamed draft."""
    started = time.perf_counter()
    first = last = 0.0
    pieces = []
    for chunk in model.stream(prompt):
        if chunk.text:
            last = time.perf_counter()
            first = first or last
            pieces.append(chunk.text)
    text = "".join(pieces)
    tokens = count_tokens(text)
    prompt_tokens = sum(count_tokens(str(m.content)) for m in prompt.to_messages())
    return {
        "prompt_tokens": prompt_tokens,
        "prompt_tokens_per_s": round(prompt_tokens / (first - started), 1),
        "first_token_s": round(first - started, 2),
        "tokens": tokens,
        "tokens_per_s": round((tokens - 1) / (last - first), 2) if tokens > 1 and last > first else None,
        "total_s": round(last - started, 2),
        "text": text,
    }


def take_turns(paths: dict[str, Any], prompts: list[Any], count_tokens: Any) -> list[dict[str, Any]]:
    """Every prompt through every path, each path going first in turn, after one warm-up call each."""
    for model in paths.values():  # first allocations; the system prompt into the cache
        timed(model, ChatPromptValue(messages=prompts[0].to_messages()[:1]), count_tokens)
    runs: list[dict[str, Any]] = []
    for i, (prompt, question) in enumerate(zip(prompts, QUESTIONS)):
        names = list(paths)
        for path in names[i:] + names[:i]:
            run = {"path": path, "question": question[2], **timed(paths[path], prompt, count_tokens)}
            print(json.dumps({k: v for k, v in run.items() if k != "text"}, ensure_ascii=False), flush=True)
            runs.append(run)
    return runs


def summarise(runs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    summary = {}
    for path in dict.fromkeys(r["path"] for r in runs):
        mine = [r for r in runs if r["path"] == path]
        summary[path] = {
            "first_token_s_mean": round(sum(r["first_token_s"] for r in mine) / len(mine), 2),
            "prompt_tokens_per_s_mean": round(sum(r["prompt_tokens_per_s"] for r in mine) / len(mine), 1),
            "tokens_per_s_mean": round(sum(r["tokens_per_s"] or 0 for r in mine) / len(mine), 2),
        }
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=Settings().llm_threads)
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--out", type=Path, default=REPO / "eval" / "results" / "llm_server.json")
    args = parser.parse_args()

    base = Settings(models_dir=REPO / "data" / "models", llm_threads=args.threads, llm_max_tokens=args.max_tokens)
    corpus = base.corpus_dir if base.corpus_dir.is_absolute() else (REPO / base.corpus_dir).resolve()
    gguf = build_llm_file(base.models_dir)
    prompts = [prompt_for(corpus, *q) for q in QUESTIONS]
    load_before = os.getloadavg()

    in_process = get_chat_model(base)
    llama = in_process.client  # type: ignore[attr-defined]  # ChatLlamaCpp's llama_cpp.Llama, for counting tokens
    count_tokens = lambda text: len(llama.tokenize(text.encode(), add_bos=False, special=False))  # noqa: E731
    paths: dict[str, Any] = {"in_process": in_process}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as servers:
        # The server's default logits_all=True computes the logits of every prompt token (only logprobs need
        # them; the in-process model has it off): measured both ways.
        for name, logits_all in (("server", False), ("server_logits_all", True)):
            log = Path(tmp) / name
            url = servers.enter_context(llama_server(gguf, log, args.threads, base.llm_context, logits_all))
            paths[name] = get_chat_model(base.model_copy(update={"llm_base_urls": [url], "llm_wait_s": 600.0}))
        runs = take_turns(paths, prompts, count_tokens)

    texts = {path: [r["text"] for r in runs if r["path"] == path] for path in paths}
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "threads": args.threads,
        "n_ctx": base.llm_context,
        "max_tokens": args.max_tokens,
        "prompt_chars": [sum(len(str(m.content)) for m in p.to_messages()) for p in prompts],
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "same_text_as_in_process": {path: texts[path] == texts["in_process"] for path in paths},
        "summary": summarise(runs),
        "runs": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result["summary"], ensure_ascii=False))


if __name__ == "__main__":
    main()
