"""Patient-facing text as the patient sees it: characters that may not appear, and the normal form the
safety rules read (kiosk.core.safety).

A rule on raw text is easy to slip past: a zero-width space inside "Stop", a Cyrillic "о" in "You", a
line break inside a sentence or full-width letters all look like the plain sentence on screen. So
invisible, control and private-use characters are refused outright, a word that mixes look-alike
scripts is refused (Unicode TR39's mixed-script test), and the rules read the text after NFKC and case
folding, with line breaks as spaces and a decimal point not ending a sentence.
"""

from __future__ import annotations

import re
import unicodedata

_REFUSED_CATEGORIES = {
    "Cf": "an invisible format character",
    "Cc": "a control character",
    "Co": "a private-use character",
    "Cs": "a lone surrogate",
    "Cn": "an unassigned character",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}
_ALLOWED_CONTROLS = {"\n"}
"""A line break is how a block (`|`) lays out lines; a tab or any other control character is refused."""
_SCRIPT_SETS = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)
"""TR39 "highly restrictive": the only mixes of scripts allowed in one word (Latin with CJK)."""
_ALPHABETS = ("LATIN", "CYRILLIC", "GREEK")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])(?!\d)")
_CLAUSE_END = re.compile(r"(?<=[,;:，；：、—–])|(?<=\s-\s)")


def seen(text: str) -> str:
    """The normal form the rules read: NFKC (full-width and look-alike compatibility forms folded), case
    folded, every run of white space (line breaks included) one space."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def sentences(text: str) -> list[str]:
    """Sentences of `seen(text)`: a line break does not end one, and nor does a decimal point ("2.5")."""
    return [s.strip() for s in _SENTENCE_END.split(seen(text)) if s.strip()]


def clauses(sentence: str) -> list[str]:
    """A sentence's parts between commas, semicolons, colons and dashes (a question mark asks only in
    its own part: "You have cancer, right?" claims)."""
    return [c.strip() for c in _CLAUSE_END.split(sentence) if c.strip(" ,;:，；：、—–-")]


def character_problem(text: str) -> str | None:
    """Why `text` may not be shown to a patient as typed (None: it may)."""
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        what = _REFUSED_CATEGORIES.get(category)
        if what and char not in _ALLOWED_CONTROLS:
            return f"{what} ({_code(char)}) at character {index + 1}: remove it"
    composed = unicodedata.normalize("NFC", text)
    for index, char in enumerate(composed):
        if unicodedata.category(char) in ("Mn", "Me") and index and _script(composed[index - 1]) in _ALPHABETS:
            return f"a combining mark ({_code(char)}) changes how a letter looks: type the letter itself"
    for word in re.findall(r"\w+", unicodedata.normalize("NFKC", text)):
        scripts = {_script(c) for c in word} - {"COMMON"}
        if len(scripts) > 1 and not any(scripts <= allowed for allowed in _SCRIPT_SETS):
            return f"the word {word!r} mixes scripts ({', '.join(sorted(s.title() for s in scripts))}): look-alike letters?"
    return None


def _name(char: str) -> str:
    return unicodedata.name(char, "")


def _code(char: str) -> str:
    """U+200B ZERO WIDTH SPACE (a control character has no name: U+0009)."""
    return f"U+{ord(char):04X} {_name(char)}".rstrip()


def _script(char: str) -> str:
    """The script of a letter, from its Unicode name ("CYRILLIC SMALL LETTER O": CYRILLIC); digits,
    punctuation and marks are COMMON."""
    if not char.isalpha():
        return "COMMON"
    name = _name(char)
    if name.startswith(("CJK ", "KANGXI")):
        return "HAN"
    return name.split(" ", 1)[0]
