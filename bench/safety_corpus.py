"""The safety checker measured on the corpora (tests/corpus/en.yaml, zh.yaml): unsafe sentences caught, safe
ones refused, for the sentences the rules were written against and for the held-out ones written after
and never tuned on; and every bundled text. tests/unit/test_safety_corpus.py holds the bars.

    python bench/safety_corpus.py            # the table
    python bench/safety_corpus.py --misses   # and every sentence judged wrongly
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.table import print_rows  # noqa: E402
from kiosk.core.loader import load_all  # noqa: E402
from kiosk.core.model import Content, Text  # noqa: E402
from kiosk.core.safety import claims  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
LANGUAGES = ("en", "zh")


def corpus(code: str) -> dict[str, list[str]]:
    data = yaml.safe_load((CORPUS / f"{code}.yaml").read_text(encoding="utf-8"))
    return {key: [str(s) for s in value] for key, value in data.items()}


def refused(sentence: str) -> bool:
    return bool(claims(Text.same(sentence)))


def bundled_texts(pack: Content) -> list[str]:
    """Every patient-facing text of a bundled pack, shown and spoken."""
    texts = [q.text for q in pack.questions] + [t for a in pack.advice for t in (a.title, a.text)]
    texts += [t for s in pack.screens.values() for t in (s.title, s.body, s.hint) if t]
    texts += [*pack.texts.values(), *pack.buttons.values()]
    return [form for t in texts for form in dict.fromkeys((t.show, t.say))]


def figures(code: str) -> dict[str, tuple[int, int, list[str]]]:
    """{set: (judged right, size, the sentences judged wrongly)}."""
    sets = corpus(code)
    out = {}
    for name, sentences in sets.items():
        unsafe = "unsafe" in name
        wrong = [s for s in sentences if refused(s) != unsafe]
        out[name] = (len(sentences) - len(wrong), len(sentences), wrong)
    texts = bundled_texts(load_all(ROOT / "content")[code])
    wrong = [t for t in texts if refused(t)]
    out["bundled texts"] = (len(texts) - len(wrong), len(texts), wrong)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="print every sentence judged wrongly")
    args = parser.parse_args()
    rows = [["language", "set", "sentences", "unsafe caught / safe passed", "wrong"]]
    misses = []
    for code in LANGUAGES:
        for name, (right, size, wrong) in figures(code).items():
            rows.append([code, name, str(size), f"{100 * right / size:.1f} %", str(len(wrong))])
            misses += [f"{code} {name}: {s}" for s in wrong]
    print_rows(rows)
    if args.misses:
        print("\n".join(misses))


if __name__ == "__main__":
    main()
