"""The judge: a logistic regression over named signals, its threshold, and the signals it names when it refuses."""

from dataclasses import replace

from answer.judge import LOW, SIGNALS, Judge, Signals, load_judge

RIGHT = Signals(
    focus_cited=1.0,
    focus_quoted=0.9,
    pairs_quoted=0.8,
    years_ok=1.0,
    quantity_ok=1.0,
    anchored=1.0,
    verified_share=1.0,
    best_rank=1.0,
)


def test_the_shipped_judge_weighs_every_signal_and_names_each_in_words() -> None:
    judge = load_judge()
    assert set(judge.weights) == set(judge.reference) == set(SIGNALS) == set(LOW)
    assert 0.0 < judge.threshold < 1.0


def test_the_shipped_judge_shows_a_typical_right_answer_and_refuses_one_about_something_else() -> None:
    judge = load_judge()
    assert judge.shows(RIGHT)
    off_topic = replace(RIGHT, focus_cited=0.0, focus_quoted=0.0, anchored=0.0, years_ok=0.0, quantity_ok=0.0)
    assert not judge.shows(off_topic)
    assert {name for name, _ in judge.against(off_topic)} >= {"focus_cited", "years_ok"}


def test_probability_is_the_logistic_of_the_weighted_signals() -> None:
    judge = Judge(dict.fromkeys(SIGNALS, 0.0) | {"focus_cited": 2.0}, -1.0, 0.5, dict.fromkeys(SIGNALS, 1.0))
    assert abs(judge.probability(RIGHT) - 1 / (1 + 2.718281828459045**-1.0)) < 1e-9
    low = replace(RIGHT, focus_cited=0.25)
    assert not judge.shows(low)
    assert judge.against(low) == [("focus_cited", -1.5)]  # only the signal below the reference pulls
