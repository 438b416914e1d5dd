"""Load on a running app (issue 13): N users each ask dev-set questions one after another through the /ask API
(the same line for the model as the chat) for a fixed time; loopback only, bounded in users, time and requests.

    python eval/load.py --url http://127.0.0.1:7860/ --users 1 4 8 --seconds 180 [--pid PID ...] \\
        [--out eval/results/load.json]

Per user count: answers completed per minute, answer time p50/p95, busy refusals (the line was full), errors, and
the resident memory of the given server processes (from /proc). Time to the first text on screen is the browser's
(eval/browser_timing.py): progress shows at once, whatever the load.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from gradio_client import Client

MAX_REQUESTS = 2000  # a bound on any run, whatever the settings


def questions(gold: Path) -> list[str]:
    return [json.loads(line)["question"] for line in gold.read_text("utf-8").splitlines() if line.strip()]


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return round(total / 1024, 1)


def run(url: str, users: int, seconds: float, asked: list[str], pids: list[int]) -> dict:
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    outcomes: list[tuple[str, float]] = []
    counter = iter(range(MAX_REQUESTS))
    peak = [0.0]

    def user() -> None:
        client = Client(url, verbose=False)
        while time.monotonic() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            started = time.monotonic()
            try:
                client.predict(asked[n % len(asked)], api_name="/ask")
                kind = "answered"
            except Exception as exc:  # the busy message arrives as the app's gr.Error
                kind = "busy" if "排队" in str(exc) else f"error: {type(exc).__name__}: {str(exc)[:80]}"
            with lock:
                outcomes.append((kind, time.monotonic() - started))
            if kind == "busy":
                time.sleep(5)  # as a person would, before trying again

    def watch() -> None:
        while time.monotonic() < deadline:
            if pids:
                peak[0] = max(peak[0], rss_mb(pids))
            time.sleep(2)

    threads = [threading.Thread(target=user) for _ in range(users)] + [threading.Thread(target=watch)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    answered = sorted(s for k, s in outcomes if k == "answered")
    errors = [k for k, _ in outcomes if k.startswith("error")]
    return {
        "users": users,
        "seconds": round(elapsed, 1),
        "answered": len(answered),
        "answers_per_minute": round(60 * len(answered) / elapsed, 2),
        "answer_s_p50": round(statistics.median(answered), 1) if answered else None,
        "answer_s_p95": round(answered[int(0.95 * (len(answered) - 1))], 1) if answered else None,
        "busy": sum(k == "busy" for k, _ in outcomes),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "peak_rss_mb": peak[0] or None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:7860/")
    parser.add_argument("--users", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--pid", type=int, nargs="*", default=[], help="server processes whose memory to report")
    parser.add_argument("--gold", type=Path, default=Path("../shared/eval/dev2.jsonl"))
    parser.add_argument("--label", default="one process")
    parser.add_argument("--out", type=Path, default=Path("eval/results/load.json"))
    args = parser.parse_args()
    if urlsplit(args.url).hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit("load.py only runs against a loopback address")
    if max(args.users) > 32 or args.seconds > 600:
        raise SystemExit("bounded: at most 32 users and 600 s a step")
    asked = questions(args.gold)
    rows = []
    for users in args.users:
        rows.append(run(args.url, users, args.seconds, asked, args.pid))
        print(json.dumps(rows[-1], ensure_ascii=False))
    previous = json.loads(args.out.read_text("utf-8")) if args.out.exists() else {}
    previous[args.label] = rows
    args.out.write_text(json.dumps(previous, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
