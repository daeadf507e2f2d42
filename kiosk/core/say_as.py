"""How a prompt is read aloud, the same for every speech engine: the screen's words, made speakable.

- A short word in capitals ("ALT", "AST", "GGT") is an abbreviation and is spelled: "A L T". Without
  this both espeak-ng and Piper (which reads through espeak-ng's phonemes) say "alt" like "salt".
  Content therefore never shouts a word in capitals (plain language does not anyway).
- A range of numbers with a dash reads as one: "1-2 weeks" / "1–2 weeks" -> "1 to 2 weeks" (Chinese:
  "1到2周"); numbers themselves are left to the engine, which reads them well.
"""

from __future__ import annotations

import re

_SPELLED = re.compile(r"(?<![A-Za-z])([A-Z]{2,5})(?![A-Za-z])")
_RANGE = re.compile(r"(\d+(?:[.,]\d+)?)\s*[-–—~～]\s*(\d+(?:[.,]\d+)?)")
_TO = {"en": " to ", "zh": "到"}


def spoken_form(text: str, language: str) -> str:
    """`text` as it should be said in `language` (a content language code: "en", "zh")."""
    said = _SPELLED.sub(lambda m: " ".join(m.group(1)), text)
    to = _TO.get(language.split("-")[0], _TO["en"])
    return _RANGE.sub(lambda m: f"{m.group(1)}{to}{m.group(2)}", said)
