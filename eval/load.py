"""Load on a running app (issue 13): N users each ask dev-set questions one after another through the /ask API
(the same line for the model as the chat) for a fixed time; loopback only, bounded in users, time and requests.

    python eval/load.py --url http://127.0.0.1:7860/ [URL ...] --users 1 4 8 --seconds 180 [--pid PID ...] \\
        [--out eval/results/load.json]

Per user count: answers completed per minute; p50/p95 of the whole answer, of the wait in line (the answer's wall time
less the chain's own total_ms) and of the model's first token (the wait plus the chain's first_token_ms); busy
refusals (the line was full), 503s (Gradio's queue was full), errors; the resident memory of the given server
processes (from /proc). The first text on screen is the progress line, shown at once whatever the load (the browser
measurement, eval/browser_timing.py); the answer's text comes verified, with the whole answer.
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

from models.servers import REFUSAL_START

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


def run(urls: list[str], users: int, seconds: float, asked: list[str], pids: list[int]) -> dict:
    """`users` users for `seconds`, user i on urls[i % len(urls)] (a load balancer's round robin)."""
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    outcomes: list[tuple[str, float]] = []
    waits: list[float] = []
    first_tokens: list[float] = []
    counter = iter(range(MAX_REQUESTS))
    peak = [0.0]

    def user(url: str) -> None:
        client = Client(url, verbose=False)
        while time.monotonic() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            started = time.monotonic()
            result: dict = {}
            try:
                result = client.predict(asked[n % len(asked)], api_name="/ask")
                # a refusal because every model server stayed taken (models/servers.py) is not an answer
                kind = "servers_busy" if REFUSAL_START in str(result.get("reason", "")) else "answered"
            except Exception as exc:  # the busy message arrives as the app's gr.Error
                kind = _failure(str(exc), type(exc).__name__)
            wall = time.monotonic() - started
            timings = result.get("timings", {})
            with lock:
                outcomes.append((kind, wall))
                if "total_ms" in timings:
                    waits.append(max(0.0, wall - timings["total_ms"] / 1000))
                    if "first_token_ms" in timings:
                        first_tokens.append(waits[-1] + timings["first_token_ms"] / 1000)
            if kind == "busy":
                time.sleep(5)  # as a person would, before trying again

    def watch() -> None:
        while time.monotonic() < deadline:
            if pids:
                peak[0] = max(peak[0], rss_mb(pids))
            time.sleep(2)

    threads = [threading.Thread(target=user, args=(urls[i % len(urls)],)) for i in range(users)]
    threads.append(threading.Thread(target=watch))
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return _summary(users, time.monotonic() - started, outcomes, waits, first_tokens, peak[0])


def _summary(
    users: int,
    elapsed: float,
    outcomes: list[tuple[str, float]],
    waits: list[float],
    first_tokens: list[float],
    peak_mb: float,
) -> dict:
    answered = [s for k, s in outcomes if k == "answered"]
    errors = [k for k, _ in outcomes if k.startswith("error")]
    return {
        "users": users,
        "seconds": round(elapsed, 1),
        "answered": len(answered),
        "answers_per_minute": round(60 * len(answered) / elapsed, 2),
        **_percentiles("answer_s", answered),
        **_percentiles("wait_s", waits),
        **_percentiles("first_token_s", first_tokens),
        "busy": sum(k == "busy" for k, _ in outcomes),
        "queue_full_503": sum(k == "503" for k, _ in outcomes),
        "servers_busy": sum(k == "servers_busy" for k, _ in outcomes),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "peak_rss_mb": peak_mb or None,
    }


def _failure(message: str, kind: str) -> str:
    if "排队" in message:
        return "busy"
    if "503" in message or "queue is full" in message.lower():
        return "503"
    return f"error: {kind}: {message[:80]}"


def _percentiles(name: str, values: list[float]) -> dict[str, float | None]:
    ordered = sorted(values)
    if not ordered:
        return {f"{name}_p50": None, f"{name}_p95": None}
    return {
        f"{name}_p50": round(statistics.median(ordered), 1),
        f"{name}_p95": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", nargs="+", default=["http://127.0.0.1:7860/"], help="app processes, used in turn")
    parser.add_argument("--users", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--pid", type=int, nargs="*", default=[], help="server processes whose memory to report")
    parser.add_argument("--gold", type=Path, default=Path("../shared/eval/dev2.jsonl"))
    parser.add_argument("--label", default="one process")
    parser.add_argument("--out", type=Path, default=Path("eval/results/load.json"))
    args = parser.parse_args()
    if any(urlsplit(url).hostname not in {"127.0.0.1", "localhost", "::1"} for url in args.url):
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
