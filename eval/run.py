"""`speechqa eval`: run gold questions through retrieval (and the answer chain), write answers, metrics, report."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from answer.chain import AnswerChain
from answer.types import Turn
from eval.metrics import METRIC_KEYS, draft_holds_points, score_by_type, supports
from retrieval.hybrid import HybridSearcher

AnswerFn = Callable[[dict], dict]  # gold item -> answer object of FORMAT.md
RETRIEVE_K = 10


def load_gold(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def retrieval_answer(searcher: HybridSearcher, mode: str = "hybrid") -> AnswerFn:
    """An answer object with retrieval only: empty answer, no citations."""

    def answer(gold: dict) -> dict:
        qid, question = gold["id"], gold["question"]
        started = time.perf_counter()
        result = searcher.search(question, RETRIEVE_K, mode=mode)
        total = (time.perf_counter() - started) * 1000
        return {
            "id": qid,
            "question": question,
            "answer": "",
            "abstained": False,
            "citations": [],
            "retrieved": [p.public() for p in result.passages],
            "timings": {"retrieve_ms": round(result.timings["retrieve_ms"], 1), "total_ms": round(total, 1)},
        }

    return answer


def conversation_answer(chain: AnswerChain) -> AnswerFn:
    """Answers as a user gets them: a follow-up's earlier turns are asked first, in one conversation, and the last
    turn is scored (FORMAT.md); its answer records the earlier turns' answers under `turns`."""

    def answer(gold: dict) -> dict:
        history: list[Turn] = []
        earlier = []
        for turn in gold.get("turns", [gold["question"]])[:-1]:
            result = chain.answer(turn, history)
            history.append(Turn.of(result))
            earlier.append({"question": turn, "answer": result.answer, "abstained": result.abstained})
        final = chain.answer(gold["question"], history, qid=gold["id"]).public(debug=True)
        return final | ({"turns": earlier} if earlier else {})

    return answer


def run(gold: list[dict], out_dir: Path, answer: AnswerFn, answered: bool, progress_label: str = "eval") -> dict:
    """Answer every gold question not yet in out_dir/answers.jsonl (so an interrupted run resumes), then score."""
    out_dir.mkdir(parents=True, exist_ok=True)
    answers_file = out_dir / "answers.jsonl"
    done = {}
    if answers_file.exists():
        for line in answers_file.read_text(encoding="utf-8").splitlines():
            if line.strip():
                obj = json.loads(line)
                done[obj["id"]] = obj
    todo = [g for g in gold if g["id"] not in done]
    with open(answers_file, "a", encoding="utf-8") as fh:
        for g in tqdm(todo, desc=progress_label, unit="q"):
            obj = answer(g)
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
            fh.flush()
            done[g["id"]] = obj
    pairs = [(g, done[g["id"]]) for g in gold]
    metrics = score_by_type(pairs, answered)
    (out_dir / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1), encoding="utf-8")
    return metrics


def write_report(out_dir: Path, gold: list[dict], metrics: dict, baseline: dict | None, title: str) -> None:
    """A readable report: metrics (and the dense-only baseline), per type, and the worst questions."""
    answers = {
        json.loads(line)["id"]: json.loads(line)
        for line in (out_dir / "answers.jsonl").read_text("utf-8").splitlines()
        if line
    }
    lines = [
        f"# {title}",
        "",
        "| metric | speechqa |" + (" dense-only baseline |" if baseline else ""),
        "|---|---|" + ("---|" if baseline else ""),
    ]
    for key in METRIC_KEYS:
        row = f"| {key} | {_fmt(metrics.get(key))} |"
        lines.append(row + (f" {_fmt(baseline.get(key))} |" if baseline else ""))
    lines += [
        "",
        "## By question type",
        "",
        "| type | " + " | ".join(METRIC_KEYS) + " |",
        "|---|" + "---|" * len(METRIC_KEYS),
    ]
    for qtype, m in metrics["by_type"].items():
        lines.append(f"| {qtype} | " + " | ".join(_fmt(m.get(k)) for k in METRIC_KEYS) + " |")
    lines += _refusals(gold, answers)
    lines += ["", "## Worst questions", ""]
    for g, reason in _worst(gold, answers):
        a = answers[g["id"]]
        lines.append(f"### {g['id']} ({g['type']}): {g['question']}")
        lines.append(f"- why: {reason}")
        if a.get("answer"):
            lines.append(f"- answer: {a['answer'][:200]}")
        lines.append(f"- expected doc: {g['doc']}; evidence: {'；'.join(g['evidence'])[:120]}")
        for i, p in enumerate(a["retrieved"][:3], 1):
            lines.append(f"- retrieved {i}: {p['doc']} [{p['start']}:{p['end']}] {p['text'][:60]}…")
        lines.append("")
    (out_dir / "report.md").write_text("\n".join(lines), encoding="utf-8")


def _refusals(gold: list[dict], answers: dict) -> list[str]:
    """Refusals counted by the check that decided them and its reason code; then every answerable question refused
    although its draft held every answer point (the checks' loss, not the model's), with the verdict that decided."""
    counts: dict[tuple[str, str], int] = {}
    for g in gold:
        a = answers[g["id"]]
        if a.get("abstained"):
            key = (a.get("decided_by") or "unknown", a.get("reason_code") or "unknown")
            counts[key] = counts.get(key, 0) + 1
    lines = ["", "## Refusals by check", "", "| check | reason code | refusals |", "|---|---|---|"]
    lines += [f"| {check} | {code} | {n} |" for (check, code), n in sorted(counts.items(), key=lambda t: -t[1])]
    lost = [
        g
        for g in gold
        if g["type"] != "unanswerable"
        and answers[g["id"]].get("abstained")
        and "draft" in answers[g["id"]]
        and draft_holds_points(answers[g["id"]], g)
    ]
    lines += ["", f"## Refused although the draft held every answer point ({len(lost)})", ""]
    for g in lost:
        a = answers[g["id"]]
        lines.append(
            f"- {g['id']} ({g['type']}) {g['question']} — {a.get('decided_by')}/{a.get('reason_code')}: "
            f"{a.get('reason', '')}"
        )
    return lines


def _worst(gold: list[dict], answers: dict, limit: int = 12) -> list[tuple[dict, str]]:
    bad = []
    for g in gold:
        a = answers[g["id"]]
        if g["type"] == "unanswerable":
            if a.get("answer") and not a.get("abstained"):
                bad.append((0.0, g, "answered a question the corpus cannot answer"))
            continue
        retrieved = [p["text"] for p in a["retrieved"]]
        rank = next((i for i, p in enumerate(retrieved) if any(supports(p, e) for e in g["evidence"])), None)
        if rank is None:
            bad.append((0.0, g, "no retrieved passage supports the evidence"))
        elif rank > 0:
            bad.append((1 / (rank + 1), g, f"first supporting passage at rank {rank + 1}"))
        elif a.get("abstained"):
            bad.append((0.5, g, "abstained although the evidence was retrieved"))
    bad.sort(key=lambda x: x[0])
    return [(g, reason) for _, g, reason in bad[:limit]]


def _fmt(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if value > 10 else f"{value:.3f}"
