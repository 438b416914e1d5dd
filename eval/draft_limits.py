"""The measurements behind the draft limits (settings draft_time_limit_s, draft_loop_chars, draft_loop_copies).

    python eval/draft_limits.py [--corpus ../shared/corpus/speeches]

From the recorded drafts (eval/results/drafts_*.jsonl): how long one model call took (single-part questions, where
generate_ms is one call, prompt included), how long the drafts and prompts were; from the corpus and the drafts:
the longest phrase written two and three times in a row. Results: eval/README.md "Draft limits".
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

from answer.chain import format_passages
from answer.limits import repeated_tail
from config import get_settings
from eval.reverify import _passage
from prompts import load_prompt

RESULTS = Path(__file__).resolve().parent / "results"
LOOPED = {"d2b021"}  # the one recorded draft that looped (it ends with a 28-character phrase twice and a third)


def _quantiles(name: str, values: list[float]) -> str:
    ranked = sorted(values)
    at = lambda q: ranked[min(len(ranked) - 1, math.ceil(q * len(ranked)) - 1)]  # noqa: E731
    return f"{name}: n={len(ranked)} p50 {at(0.5):.1f}  p90 {at(0.9):.1f}  p99 {at(0.99):.1f}  max {ranked[-1]:.1f}"


def copies_in_a_row(text: str, longest: int = 300) -> dict[int, int]:
    """For each phrase length up to `longest`: the most times one phrase of that length follows itself in text."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    found: dict[int, int] = {}
    for size in range(1, min(longest, len(codes) // 2) + 1):
        same = np.concatenate(([0], (codes[:-size] == codes[size:]).astype(np.int8), [0]))
        edges = np.diff(same)
        runs = np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)
        if len(runs) and runs.max() >= size:
            found[size] = int(runs.max() + size) // size
    return found


def _prompt_chars(record: dict) -> list[int]:
    """The characters of each part's prompt: the template, the numbered passages, the question."""
    prompt = load_prompt("answer")
    passages = [[_passage(record["retrieved"][i]) for i in part["passages"]] for part in record["parts"]]
    fixed = len(prompt.system) + len(prompt.user) + len(record["question"])
    return [fixed + len(format_passages(ps, best_last=True)) for ps in passages]


def _longest_repeated(texts: list[str]) -> str:
    most: dict[int, int] = {}
    for text in texts:
        for size, copies in copies_in_a_row(text).items():
            most[size] = max(most.get(size, 0), copies)
    twice = max((s for s, c in most.items() if c >= 2), default=0)
    thrice = max((s for s, c in most.items() if c >= 3), default=0)
    return f"longest phrase twice in a row {twice} characters, three times in a row {thrice}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=get_settings().corpus_dir)
    args = parser.parse_args()
    records = [json.loads(line) for path in sorted(RESULTS.glob("drafts_*.jsonl")) for line in path.open()]
    normal = [r for r in records if r["id"] not in LOOPED]
    calls = [
        r["timings"]["generate_ms"] / 1000 for r in normal if "generate_ms" in r["timings"] and len(r["parts"]) == 1
    ]
    prompts = [
        (r["timings"]["first_token_ms"] - r["timings"]["retrieve_ms"]) / 1000
        for r in normal
        if "first_token_ms" in r["timings"]
    ]
    drafts = [p["draft"] for r in normal for p in r["parts"]]
    print(_quantiles("one model call, s", calls))
    print(_quantiles("prompt (to the first token), s", prompts))
    print(_quantiles("draft, characters", [len(d) for d in drafts]))
    print(_quantiles("prompt, characters", [n for r in normal for n in _prompt_chars(r)]))
    print("recorded drafts:", _longest_repeated(drafts))
    corpus = [p.read_text(encoding="utf-8") for p in sorted(args.corpus.glob("*.txt"))]
    print(f"corpus ({sum(map(len, corpus)):,} characters):", _longest_repeated(corpus))
    settings = get_settings()
    rule = lambda d: repeated_tail(d, settings.draft_loop_chars, settings.draft_loop_copies)  # noqa: E731
    cut = [r["id"] for r in records for p in r["parts"] if any(rule(p["draft"][:n]) for n in range(len(p["draft"])))]
    print("recorded drafts the repetition rule would have cut at some point:", cut or "none")


if __name__ == "__main__":
    main()
