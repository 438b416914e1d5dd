"""When the model's draft must stop: a time limit and a repetition rule, so a runaway generation is cut (issue 10:
one follow-up streamed unrelated text for 320 s). The limits are settings; eval/README.md has the measurements."""

from __future__ import annotations

from config import Settings

TIME, REPETITION = "time", "repetition"  # the values of Part.cut
_WORDS = {
    TIME: "模型写了{seconds:g}秒仍未写完，草稿已被截断",
    REPETITION: "模型开始反复重复同一段话，草稿已被截断",
}


def repeated_tail(text: str, min_chars: int, copies: int) -> str:
    """The phrase of at least min_chars characters that the text ends with `copies` times in a row, or "": a small
    model's loop writes one phrase again and again, while an enumeration (一是…二是…, 坚持…坚持…) repeats words."""
    for size in range(min_chars, len(text) // copies + 1):
        if text.endswith(text[-size:] * copies):
            return text[-size:]
    return ""


def cut_reason(draft: str, seconds: float, settings: Settings) -> str:
    """Why a draft the model has been writing for `seconds` (its prompt included) must stop now: TIME, REPETITION,
    or "" to let it go on."""
    if seconds > settings.draft_time_limit_s:
        return TIME
    return REPETITION if repeated_tail(draft, settings.draft_loop_chars, settings.draft_loop_copies) else ""


def cut_words(cut: str, settings: Settings) -> str:
    """Why a draft was cut, in words a user reads ("" when it was not)."""
    return _WORDS[cut].format(seconds=settings.draft_time_limit_s) if cut else ""
