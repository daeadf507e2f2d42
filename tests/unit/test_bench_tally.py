"""How the voice-in benchmark tallies the ends of answers (bench/voice_report.py): the arithmetic behind its table."""

from __future__ import annotations

from bench.voice_report import after_asking, ended, off_topic
from kiosk.hearing.understand import Bar, Weighed

BAR = Bar(act=0.6, confirm=0.5)
SURE_YES = Weighed("yes", "yes", 0.9)
UNSURE_YES = Weighed("yeah", "yes", 0.55)
UNSURE_NO = Weighed("no", "no", 0.55)
NOTHING = Weighed("", None, 0.0)


def test_each_answer_ends_right_wrong_or_refused_and_a_right_guess_is_counted() -> None:
    tally = ended(
        [
            ("yes", SURE_YES, NOTHING),  # acted on at once: right
            ("no", SURE_YES, NOTHING),  # acted on at once: wrong
            ("yes", UNSURE_YES, UNSURE_YES),  # asked (the right guess), said again the same: right
            ("yes", UNSURE_YES, NOTHING),  # asked (the right guess), not caught again: refused
            ("yes", UNSURE_NO, UNSURE_YES),  # asked (a wrong guess), heard differently: refused
            ("no", NOTHING, SURE_YES),  # not caught: refused; the second hearing is never asked for
        ],
        BAR,
    )
    assert (tally.right, tally.wrong, tally.refused, tally.total) == (2, 1, 3, 6)
    assert (tally.asked, tally.guessed) == (3, 2)
    assert tally.share(tally.guessed) == 100 * 2 / 6


def test_an_interval_narrows_with_more_answers_and_off_topic_talk_is_split_by_decision() -> None:
    few, many = ended([("yes", SURE_YES, NOTHING)] * 10, BAR), ended([("yes", SURE_YES, NOTHING)] * 100, BAR)
    assert few.interval(few.right)[0] < many.interval(many.right)[0] < 100.0
    assert off_topic([SURE_YES, UNSURE_NO, NOTHING, NOTHING], BAR) == (1, 1)
    # Heard just after the kiosk asked about an answer, a hearing of that answer acts from the confirm bar:
    # the most off-topic utterances taken as any one answer.
    assert after_asking([SURE_YES, UNSURE_YES, UNSURE_NO, NOTHING, Weighed("yeah", "yes", 0.3)], BAR) == 2
    assert after_asking([NOTHING], BAR) == 0
