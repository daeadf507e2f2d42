"""Patient-safety rules that content must keep, checked with the content (an edit that breaks one is refused).

1. The first question is a warning-signs question (`red_flag: true`), and on every warning-signs
   question each answer but "no" goes to the front desk.
2. The disclaimer shown with every tip says that the kiosk does not diagnose.
3. No patient-facing text claims a diagnosis ("You have liver cancer") or tells patients to stop
   their medicines ("Stop taking all your prescribed medicines").

The rules for English and Chinese live here, beside the checker, so no content edit can remove them;
a language pack may add its own (`safety` in language.yaml), and a language without rules here must
bring them (content/README.md, "Safety rules").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from yaml.nodes import Node

from kiosk.core.model import FRONT_DESK, Content, SafetyWords, Text
from kiosk.core.yamlfile import YamlFile

_EN_CONDITIONS = r"cancer|cirrhosis|hepatitis|fatty liver|liver (?:disease|failure|damage)|nafld|tumou?r|disease"


@dataclass(frozen=True)
class Rules:
    """What one language's text must say and must never say."""

    disclaimer: tuple[str, ...]
    """Regular expressions, one of which the disclaimer must match (case-insensitive)."""
    forbidden: tuple[tuple[str, str], ...]
    """(regular expression, what it claims): no patient-facing statement may match one."""
    negations: str
    """A regular expression for a negation just before a match ("do not stop..."), which makes it safe."""
    conditions: str
    """Words before a match in the same sentence that make it a condition or report, not a claim."""


BUILT_IN = {
    "en": Rules(
        disclaimer=(r"\b(?:does not|doesn't|do not|don't|cannot|can't|will not|won't|not) (?:make a )?diagnos",),
        forbidden=(
            (
                rf"\byou(?: have| have got|'ve got| suffer from| are suffering from)\b[^.!?]{{0,30}}\b(?:{_EN_CONDITIONS})\b",
                "a diagnosis",
            ),
            (r"\b(?:you are|you were|you've been|you have been) diagnosed\b", "a diagnosis"),
            (r"\byour (?:diagnosis|condition) is\b", "a diagnosis"),
            (r"\bthis (?:means|shows|proves) (?:that )?you\b", "a diagnosis"),
            (
                r"\b(?:stop|quit|discontinue|skip)\b[^.!?]{0,40}\b(?:medicines?|medications?|meds|pills|tablets|prescriptions?|drugs|treatments?)\b",
                "telling patients to stop their medicines",
            ),
        ),
        negations=r"(?:\bnot|n't|\bnever|\bno)\s+(?:\w+\s+)?$",
        conditions=r"\b(?:if|whether|when|said|told|asks?|think|may|might|could)\b",
    ),
    "zh": Rules(
        disclaimer=(r"不能代替医生", r"不(?:能|会|做)?诊断", r"不是诊断"),
        forbidden=(
            (
                r"(?:您|你)(?:得了|患有|患了|有)[^。！？]{0,6}(?:癌|肝硬化|肝炎|乙肝|丙肝|脂肪肝|肝病|肝衰竭)",
                "a diagnosis",
            ),
            (r"(?:您|你)(?:被)?(?:确诊|诊断)", "a diagnosis"),
            (r"停(?:用|服|吃|掉)?[^。！？]{0,6}药", "telling patients to stop their medicines"),
            (r"不(?:要|用|必)再?(?:吃|服)(?:任何)?药", "telling patients to stop their medicines"),
        ),
        negations=r"(?:不要|不能|别|勿|不可以|不可)[^。！？]{0,3}$",
        conditions=r"如果|要是|是否|说过|吗",
    ),
}


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


def rules_for(content: Content) -> Rules | None:
    """The language's rules: the built-in ones (if any) with the pack's own added."""
    base = BUILT_IN.get(content.code.split("-")[0])
    extra = content.safety
    if base is None and extra is None:
        return None
    disclaimer = (base.disclaimer if base else ()) + tuple(re.escape(p) for p in (extra.disclaimer if extra else ()))
    forbidden = (base.forbidden if base else ()) + tuple(
        (re.escape(p), f"forbidden by language.yaml ({p!r})") for p in (extra.forbidden if extra else ())
    )
    return Rules(disclaimer, forbidden, base.negations if base else r"(?!)", base.conditions if base else r"(?!)")


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


def disclaimer_problem(content: Content, rules: Rules) -> str | None:
    text = content.texts.get("disclaimer")
    said = " ".join((text.show, text.say)) if text else ""
    if any(re.search(pattern, said, re.IGNORECASE) for pattern in rules.disclaimer):
        return None
    return "safety: the disclaimer must say that the kiosk does not diagnose"


def claims(text: Text, rules: Rules) -> list[str]:
    """What `text` claims that it must not (empty: nothing)."""
    found = []
    for form in (text.show, text.say):
        for sentence in re.split(r"(?<=[.!?。！？\n])", form):
            found += _claims(sentence, rules)
    return sorted(set(found))


def _claims(sentence: str, rules: Rules) -> list[str]:
    out = []
    for pattern, what in rules.forbidden:
        for match in re.finditer(pattern, sentence, re.IGNORECASE):
            before = sentence[: match.start()]
            if re.search(rules.negations, before, re.IGNORECASE):
                continue
            if what == "a diagnosis" and (
                sentence.rstrip().endswith(("?", "？")) or re.search(rules.conditions, before, re.IGNORECASE)
            ):
                continue  # a question, or a condition ("if a doctor said you have...")
            out.append(f"safety: {what}: {match.group(0)!r}")
    return out


def unknown_language(content: Content) -> str:
    return (
        f"safety: there are no built-in safety rules for language {content.code!r}: add `safety` "
        "(disclaimer_says and forbidden) to language.yaml (content/README.md, Safety rules)"
    )
