"""The voice-in benchmark's report: how each answer ended under a bar, the table, the calibration of the
bars and the --decisions lines (bench/voice_in.py hears; this counts)."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from bench.table import print_rows
from kiosk.hearing.base import Decision, settle
from kiosk.hearing.understand import Bar, Weighed

TARGETS = {"quiet": "≥ 90 %", "steady noise 10 dB": "≥ 85 %", "talk 10 dB": "≥ 45 %", "talk 5 dB": "≥ 30 %"}


@dataclass
class Hearings:
    """Raw hearings (before any bar) of one engine: per room, (intent meant, first, second) per answer."""

    rooms: dict[str, list[tuple[str, Weighed, Weighed]]] = field(default_factory=dict)
    off_topic: dict[str, list[Weighed]] = field(default_factory=dict)  # per room
    latencies: list[float] = field(default_factory=list)
    audio_seconds: float = 0.0


@dataclass
class Ended:
    right: int = 0
    wrong: int = 0
    asked: int = 0
    guessed: int = 0  # asked, and the guess on the screen was the answer meant: one tap would end it right
    refused: int = 0
    total: int = 0

    def share(self, n: int) -> float:
        return 100 * n / max(self.total, 1)

    def interval(self, n: int) -> tuple[float, float]:
        """The 95 % Wilson interval of the share `n` of `total` (percent)."""
        if not self.total:
            return 0.0, 100.0
        z, p = 1.96, n / self.total
        centre = (p + z * z / (2 * self.total)) / (1 + z * z / self.total)
        half = z * math.sqrt(p * (1 - p) / self.total + z * z / (4 * self.total**2)) / (1 + z * z / self.total)
        return 100 * (centre - half), 100 * (centre + half)

    def right_with_interval(self) -> str:
        low, high = self.interval(self.right)
        return f"{self.share(self.right):5.1f} % ({low:.0f}–{high:.0f})"


def ended(answers: list[tuple[str, Weighed, Weighed]], bar: Bar) -> Ended:
    tally = Ended(total=len(answers))
    for meant, first, second in answers:
        heard = first.decide(bar)
        if heard.decision is Decision.CONFIRM:
            tally.asked += 1
            tally.guessed += heard.intent == meant
            heard = settle(heard, second.decide(bar))
        if heard.decision is Decision.ACT:
            tally.right += heard.intent == meant
            tally.wrong += heard.intent != meant
        else:
            tally.refused += 1
    return tally


def off_topic(heard: list[Weighed], bar: Bar) -> tuple[int, int]:
    """Off-topic utterances (acted on, confirmed)."""
    decisions = [h.decide(bar).decision for h in heard]
    return decisions.count(Decision.ACT), decisions.count(Decision.CONFIRM)


def after_asking(heard: list[Weighed], bar: Bar) -> int:
    """Off-topic utterances that would act if heard just after the kiosk asked about an answer (a hearing of
    the answer asked about acts from the confirm bar): the most for any one answer."""
    guesses = Counter(h.intent for h in (w.decide(bar) for w in heard) if h.intent is not None)
    return max(guesses.values(), default=0)


def off_topic_cell(heard: list[Weighed], bar: Bar) -> str:
    if not heard:
        return "–"
    acted, confirmed = off_topic(heard, bar)
    return f"{acted} / {confirmed} of {len(heard)}"


def after_asking_cell(heard: list[Weighed], bar: Bar) -> str:
    return f"{after_asking(heard, bar)} of {len(heard)}" if heard else "–"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def hearing_line(heard: Weighed) -> str:
    return f"{heard.text!r} {heard.intent} {heard.confidence:.4f} rivals={sorted(heard.rivals)} weak={heard.weak}"


def decision_lines(column: str, hearings: Hearings, bar: Bar) -> list[str]:
    """One line per answer (both hearings and how it ended) and per off-topic utterance (its decision)."""
    lines = []
    for room, answers in hearings.rooms.items():
        for i, (meant, first, second) in enumerate(answers):
            tally = ended([(meant, first, second)], bar)
            outcome = "right" if tally.right else "wrong" if tally.wrong else "refused"
            lines.append(
                f"{column} | {room} | {i} {meant} | {hearing_line(first)} | {hearing_line(second)} | {outcome}"
            )
    for room, heard in hearings.off_topic.items():
        for i, weighed in enumerate(heard):
            decision = weighed.decide(bar)
            lines.append(f"{column} | {room} | off-topic {i} | {hearing_line(weighed)} | {decision.decision.name}")
    return lines


def table(columns: dict[str, tuple[Hearings, Bar]], extra: dict[str, list[str]]) -> None:
    names = list(columns)
    rows: list[list[str]] = [["measure", *names, "target"]]
    for room in TARGETS:
        tallies = [ended(columns[n][0].rooms[room], columns[n][1]) for n in names]
        rows.append([f"{room}: ended right", *(t.right_with_interval() for t in tallies), TARGETS[room]])
        rows.append([f"{room}: ended wrong", *(f"{t.share(t.wrong):5.1f} %" for t in tallies), "≤ 1 %"])
        rows.append(
            [f"{room}: asked / refused", *(f"{t.share(t.asked):.0f} / {t.share(t.refused):.0f} %" for t in tallies), ""]
        )
        rows.append([f"{room}: asked, right guess shown", *(f"{t.share(t.guessed):.0f} %" for t in tallies), ""])
        rows.append(
            [
                f"{room}: off-topic acted / confirmed",
                *(off_topic_cell(columns[n][0].off_topic.get(room, []), columns[n][1]) for n in names),
                "≤ 4 % / ≤ 8 %",
            ]
        )
        rows.append(
            [
                f"{room}: off-topic acting after a question",
                *(after_asking_cell(columns[n][0].off_topic.get(room, []), columns[n][1]) for n in names),
                "–",
            ]
        )
    latency = [columns[n][0].latencies for n in names]
    rows.append(
        [
            "end-point → decision, p50 / p95",
            *(f"{percentile(v, 0.5):.0f} / {percentile(v, 0.95):.0f} ms" for v in latency),
            "p95 ≤ 350 ms",
        ]
    )
    rows.append(
        [
            "real-time factor",
            *(f"{sum(columns[n][0].latencies) / max(columns[n][0].audio_seconds, 1e-9):.3f}" for n in names),
            "–",
        ]
    )
    rows.append(["bars (act / confirm)", *(f"{columns[n][1].act:g} / {columns[n][1].confirm:g}" for n in names), ""])
    for label, values in extra.items():
        rows.append([label, *values])
    print_rows(rows)


def calibrate(hearings: Hearings) -> None:
    """Every (act, confirm) pair on a 0.05 grid that meets the wrong-answer and off-topic targets, best first."""
    grid = [round(x, 2) for x in np.arange(0.1, 1.0001, 0.05)]
    found = []
    for act in grid:
        for confirm in [c for c in grid if c <= act] + [1.01]:
            bar = Bar(act, confirm)
            tallies = {room: ended(answers, bar) for room, answers in hearings.rooms.items()}
            # Off-topic talk in each room: acted on ≤ 4 %, confirmed ≤ 8 %.
            counts = [(*off_topic(heard, bar), len(heard)) for heard in hearings.off_topic.values()]
            quiet_enough = all(a <= 0.04 * n and c <= 0.08 * n for a, c, n in counts)
            if all(t.share(t.wrong) <= 1.0 for t in tallies.values()) and quiet_enough:
                score = float(np.mean([t.share(t.right) for t in tallies.values()]))
                found.append((score, bar, tallies, sum(a for a, _, _ in counts), sum(c for _, c, _ in counts)))
    print(
        "\ncalibration: bars meeting, in every room, ended wrong ≤ 1 % and off-topic ≤ 4 % acted on / ≤ 8 % confirmed"
    )
    heard = sum(len(h) for h in hearings.off_topic.values())
    for score, bar, tallies, acted, confirmed in sorted(found, key=lambda f: -f[0])[:8]:
        rights = "  ".join(f"{room} {t.share(t.right):.0f}%" for room, t in tallies.items())
        print(
            f"  act {bar.act:.2f} confirm {bar.confirm:.2f}: mean right {score:.1f} %  {rights}  "
            f"off-topic {acted}+{confirmed} of {heard}"
        )
