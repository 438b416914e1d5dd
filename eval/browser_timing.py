"""Five questions typed in sequence in one conversation, in headless Chromium against a running app (`make start`):
for each, the time from sending to the first text shown (progress) and to the final answer, and whether anything
shown on the way was later withdrawn. Measures what a user waits for; run it on a quiet machine.

    python eval/browser_timing.py [--url http://127.0.0.1:7860/] [--out eval/results/browser_timing.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

QUESTIONS = [  # one conversation: three new subjects and two follow-ups
    "2019年政府工作报告提出的国内生产总值增长预期目标是多少？",
    "那城镇新增就业目标呢？",
    "十九大报告提出要坚决打好的三大攻坚战是什么？",
    "基层服务型党组织建设建立了哪五项制度？",
    "2025年政府工作报告安排的赤字率和赤字规模各是多少？",
]
# Every text the last answer bubble shows, in order (progress included), with its time.
WATCH = """() => {
  window.sqSeen = [];
  new MutationObserver(() => {
    const bots = document.querySelectorAll('#sq-chat [data-testid=bot]');
    const text = bots.length ? bots[bots.length - 1].innerText.trim() : '';
    const last = window.sqSeen[window.sqSeen.length - 1];
    if (text && (!last || last.text !== text)) window.sqSeen.push({text, n: bots.length, t: performance.now()});
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""
PROGRESS = ("正在", "Loading content")


def ask(page, question: str, timeout_ms: int) -> dict:
    before = page.locator("#sq-chat [data-testid=bot]").count()
    page.evaluate("() => { window.sqSeen = []; }")
    page.fill("#sq-question textarea", question)
    sent = page.evaluate("performance.now()")
    page.click("#sq-send")
    page.wait_for_function(
        "([n]) => { const b = document.querySelectorAll('#sq-chat [data-testid=bot]');"
        " return b.length > n && !b[b.length - 1].innerText.trim().startsWith('正在'); }",
        arg=[before],
        timeout=timeout_ms,
    )
    page.wait_for_timeout(300)
    seen = [s for s in page.evaluate("window.sqSeen") if s["n"] > before]  # this question's bubble only
    final = page.locator("#sq-chat [data-testid=bot]").last.inner_text().strip()
    answer_at = next(s["t"] for s in seen if not s["text"].startswith(PROGRESS))
    withdrawn = [s["text"] for s in seen if not s["text"].startswith(PROGRESS) and not final.startswith(s["text"])]
    return {
        "question": question,
        "first_text_s": round((seen[0]["t"] - sent) / 1000, 2),
        "answer_s": round((answer_at - sent) / 1000, 2),
        "refused": final.startswith("⚠️"),
        "withdrawn": withdrawn,
        "answer": final[:120],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:7860/")
    parser.add_argument("--out", type=Path, default=Path("eval/results/browser_timing.json"))
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        started = time.perf_counter()
        page.goto(args.url)
        page.wait_for_selector("#sq-question textarea", timeout=args.timeout * 1000)
        ready_s = time.perf_counter() - started
        page.evaluate(WATCH)
        turns = [ask(page, q, int(args.timeout * 1000)) for q in QUESTIONS]
        browser.close()
    report = {
        "page_ready_s": round(ready_s, 2),
        "first_text_p50_s": statistics.median(t["first_text_s"] for t in turns),
        "answer_p50_s": statistics.median(t["answer_s"] for t in turns),
        "answer_max_s": max(t["answer_s"] for t in turns),
        "withdrawn": sum(len(t["withdrawn"]) for t in turns),
        "turns": turns,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
