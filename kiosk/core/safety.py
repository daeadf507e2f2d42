"""Patient-safety rules that content must keep, checked with the content (an edit that breaks one is refused).

1. The first question is a warning-signs question (`red_flag: true`); on every warning-signs question
   each answer but "no" goes to the front desk, and "Yes" and "No" mean yes and no (buttons and phrases).
2. On every question, each answer's button reads as that answer (tapping "Yes" always means yes).
3. The disclaimer shown with every tip says that the kiosk does not diagnose: its `show` and its `say`.
4. The front-desk screen tells the patient to tell the front desk or staff now.
5. No patient-facing text, in any field of any pack, claims a diagnosis, tells patients to stop their
   medicines, not to see a doctor, or that they are well: read in the normal form the patient sees
   (kiosk.core.patient_text), against the rules of every language with built-in rules
   (kiosk.core.safety_rules) and the pack's own.

The built-in rules live in code, beside the checker, so no content edit can remove them; a language pack
may add its own (`safety` in language.yaml), and a language without built-in rules must bring them
(content/README.md, "Safety rules").
"""

from __future__ import annotations

import re

from yaml.nodes import Node

from kiosk.core.intents import IntentMatcher
from kiosk.core.model import FRONT_DESK, Content, SafetyWords, Text
from kiosk.core.patient_text import seen, sentences
from kiosk.core.safety_rules import BUILT_IN, Claim, Language
from kiosk.core.yamlfile import YamlFile

_CLAUSE_BREAK = re.compile(r"[,;:，；：、—–]")
_DECIMAL = re.compile(r"(?<=\d)\.(?=\d)")
_SPACE_BY_HAN = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef]) | (?=[\u3000-\u9fff\uff00-\uffef])")


def read_words(f: YamlFile, node: Node) -> SafetyWords | None:
    """language.yaml's `safety`: `disclaimer_says` and `forbidden`, each a list of phrases."""
    fields = f.mapping(node, "safety", optional=("disclaimer_says", "forbidden"))
    if fields is None:
        return None
    lists = {
        k: tuple(p for p, _ in f.strings(fields[k][1], k)) if k in fields else ()
        for k in ("disclaimer_says", "forbidden")
    }
    return SafetyWords(lists["disclaimer_says"], lists["forbidden"])


def has_rules(content: Content) -> bool:
    """The pack's language has built-in rules, or the pack brings its own."""
    return content.code in BUILT_IN or content.safety is not None


def flow_problems(content: Content) -> list[tuple[str, str]]:
    """(question id or "", message) for every broken warning-signs rule."""
    if not content.questions or not content.questions[0].red_flag:
        first = content.questions[0].id if content.questions else ""
        return [(first, "safety: the first question must be the warning-signs question (red_flag: true)")]
    out = []
    for question in content.questions:
        if not question.red_flag:
            continue
        if "no" not in question.answers or len(question.answers) < 2:
            out.append((question.id, f"safety: warning-signs question {question.id} needs a 'no' and a 'yes' answer"))
        for intent, answer in question.answers.items():
            if intent != "no" and answer.next != FRONT_DESK:
                out.append(
                    (question.id, f"safety: on warning-signs question {question.id}, {intent!r} must go to front_desk")
                )
    return out


def label_problems(content: Content) -> list[tuple[str, str]]:
    """(question id, message) where an answer's button does not read as its own answer."""
    out = []
    for question in content.questions:
        matcher = IntentMatcher({i: content.intents.get(i, ()) for i in question.answers}, content.filler)
        for intent in question.answers:
            label = content.buttons.get(intent)
            for form in (label.show, label.say) if label else ():
                heard = matcher.match(form).intent
                if heard != intent:
                    reads = f"reads as {heard!r}" if heard else "matches none of its answers' phrases"
                    out.append((question.id, f"safety: question {question.id}: the {intent!r} button {form!r} {reads}"))
    language = BUILT_IN.get(content.code)
    if language is not None and content.questions and content.questions[0].red_flag:
        out += [(content.questions[0].id, m) for m in _yes_means_yes(content, language)]
    return out


def _yes_means_yes(content: Content, language: Language) -> list[str]:
    """On a warning-signs question, yes must be yes and no must be no, whatever the pack's phrases say."""
    out = []

    def says(pattern: str, text: str) -> bool:
        return re.search(pattern, seen(text)) is not None

    for intent, must, must_not in (("yes", language.yes_words, language.no_words), ("no", language.no_words, None)):
        label = content.buttons.get(intent)
        for form in (label.show, label.say) if label else ():
            if not says(must, form) or (must_not and says(must_not, form)):
                out.append(f"safety: the warning-signs question's {intent!r} button {form!r} does not say {intent}")
    for phrase in content.intents.get("yes", ()):
        if says(language.no_words, phrase):
            out.append(f"safety: phrase {phrase!r} of intent 'yes' says no (a warning sign would be missed)")
    for phrase in content.intents.get("no", ()):
        if not says(language.no_words, phrase):
            out.append(f"safety: phrase {phrase!r} of intent 'no' does not say no (a warning sign would be missed)")
    return out


def disclaimer_problems(content: Content) -> list[str]:
    """The disclaimer's `show` and its `say` must each say that the kiosk does not diagnose."""
    text = content.texts.get("disclaimer")
    language = BUILT_IN.get(content.code)
    patterns = list(language.disclaimer if language else ())
    patterns += [re.escape(seen(p)) for p in (content.safety.disclaimer if content.safety else ())]
    out = []
    for field, form in (("show", text.show if text else ""), ("say", text.say if text else "")):
        if not any(re.search(p, seen(form)) for p in patterns):
            out.append(f"safety: the disclaimer's {field} must say that the kiosk does not diagnose")
    return out


def front_desk_problems(content: Content) -> list[str]:
    """The front-desk screen must tell the patient to tell the front desk or staff, now."""
    language = BUILT_IN.get(content.code)
    screen = content.screens.get("front_desk")
    if language is None or screen is None:
        return []
    out = []
    for field in ("show", "say"):
        said = seen(" ".join(getattr(t, field) for t in (screen.title, screen.body, screen.hint) if t))
        if not (re.search(language.tell_staff, said) and re.search(language.now, said)):
            out.append(
                f"safety: the front-desk screen's {field} must tell the patient to tell the front desk or staff now"
            )
    return out


def claims(text: Text, content: Content | None = None) -> list[str]:
    """What `text` claims that it must not, by every built-in language's rules and `content`'s own."""
    own = tuple(seen(p) for p in (content.safety.forbidden if content and content.safety else ()))
    found = []
    for form in dict.fromkeys((text.show, text.say)):
        for sentence in sentences(form):
            found += [f"safety: {what}: {quote!r}" for what, quote in sentence_claims(sentence)]
            found += [f"safety: forbidden by language.yaml ({p!r})" for p in own if p in sentence]
    return sorted(set(found))


def sentence_claims(sentence: str) -> list[tuple[str, str]]:
    """(what, the words) for each kind of unsafe claim in one normalised sentence (its first match)."""
    sentence = _DECIMAL.sub("\u00b7", sentence)  # "2.5 mg": not the end of what a rule reads
    sentence = _SPACE_BY_HAN.sub("", sentence)  # "您 得了 肝癌" reads as "您得了肝癌"
    out: dict[str, str] = {}
    for language in BUILT_IN.values():
        for claim in language.claims:
            pattern, start = (
                re.compile(claim.pattern),
                0,
            )  # every place a match can begin: an excused one may hide a claim
            while claim.what not in out and (match := pattern.search(sentence, start)):
                if not _excused(claim, sentence, match):
                    out[claim.what] = match.group(0)
                start = match.start() + 1
    return list(out.items())


def _excused(claim: Claim, sentence: str, match: re.Match[str]) -> bool:
    """The words around a match make it safe: a negation, a condition, a question, a doctor's say."""
    starts = [m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, match.start())]
    clause_start = starts[-1] if starts else 0
    end = _CLAUSE_BREAK.search(sentence, match.end())
    clause_end = end.start() if end else len(sentence)
    before = sentence[clause_start : match.start()]
    after = sentence[match.start() : clause_end]
    clause = sentence[clause_start:clause_end].strip()
    return bool(
        re.search(claim.unless_before, before)
        or re.search(claim.unless_after, after)
        or re.search(claim.unless_clause, clause)
    )


def unknown_language(content: Content) -> str:
    return (
        f"safety: there are no built-in safety rules for language {content.code!r}: add `safety` "
        "(disclaimer_says and forbidden) to language.yaml (content/README.md, Safety rules)"
    )
