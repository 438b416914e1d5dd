"""Time from the app showing ready to the first answer: the warm-start measurement of the README's `make start`.

    python eval/first_question.py [--url http://127.0.0.1:7860/] [--question …]

Polls the page until it answers (the moment a user sees it), then asks one question through the /ask API as a
user's first question, and prints both times. Loopback only; one question; stops by itself.
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.request

QUESTION = "2019年政府工作报告提出的国内生产总值增长预期目标是多少？"


def wait_until_ready(url: str, timeout_s: float) -> float:
    """Seconds until the page answers with HTTP 200."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout_s:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout_s:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:7860/")
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args()
    waited = wait_until_ready(args.url, args.timeout)
    from gradio_client import Client

    asked = time.perf_counter()
    answer = Client(args.url, verbose=False).predict(args.question, api_name="/ask")
    seconds = time.perf_counter() - asked
    print(
        json.dumps(
            {
                "waited_for_page_s": round(waited, 1),
                "first_answer_s": round(seconds, 1),
                "answer": answer["answer"],
                "timings_ms": answer["timings"],
            },
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
