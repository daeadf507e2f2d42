"""A language pack's `code`, made canonical (BCP 47, case-insensitive): `EN`, `en-US` and `eng` are all `en`.

A pack's code picks its built-in safety rules, its voice and its speech model, so a code the kiosk
cannot map to a known language is refused rather than served without them.
"""

from __future__ import annotations

import locale
import re

_THREE_LETTERS = {
    "eng": "en", "zho": "zh", "chi": "zh", "cmn": "zh", "yue": "zh", "kor": "ko", "jpn": "ja", "fra": "fr",
    "fre": "fr", "spa": "es", "deu": "de", "ger": "de", "vie": "vi", "rus": "ru", "ara": "ar", "por": "pt",
    "ita": "it", "hin": "hi", "tgl": "tl", "fil": "tl", "pol": "pl", "nld": "nl", "dut": "nl", "tur": "tr",
}  # fmt: skip
"""ISO 639-2/3 codes of common patient languages, to their ISO 639-1 form."""
_SHAPE = re.compile(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*")


def canonical(code: str) -> str | None:
    """The language's two-letter code (`zh-Hans-CN` -> `zh`), or None if `code` names no known language."""
    match = _SHAPE.fullmatch(code.strip())
    if match is None:
        return None
    primary = match.group(1).lower()
    primary = _THREE_LETTERS.get(primary, primary)
    return primary if len(primary) == 2 and primary in locale.locale_alias else None
