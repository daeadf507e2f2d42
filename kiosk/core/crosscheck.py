"""Checks across a language pack's files: what no single file can show."""

from __future__ import annotations

from yaml.nodes import Node

from kiosk.core import safety
from kiosk.core.flow import screen_intent_sets
from kiosk.core.intents import IntentMatcher
from kiosk.core.model import ADVICE, CONTROL_INTENTS, FRONT_DESK, Advice, Content, Question, Text
from kiosk.core.yamlfile import YamlFile

FIXED_BUTTONS = (*CONTROL_INTENTS, "start", "more", "sound", "louder", "softer", "slower", "normal_speed", "done")


def cross_check(
    content: Content,
    questions: list[tuple[Question, Node]],
    advice: list[tuple[Advice, Node]],
    intents: dict[str, list[tuple[str, Node]]],
    files: dict[str, YamlFile],
    answer_nodes: dict[tuple[str, str], Node],
) -> None:
    """Problems only the files together show: ids, jumps, tips never read, labels, phrases that clash."""
    qf, af, sf, inf = (files[n] for n in ("questions.yaml", "advice.yaml", "screens.yaml", "intents.yaml"))
    _used_once([(q.id, n) for q, n in questions], qf, "question")
    _used_once([(a.id, n) for a, n in advice], af, "tip")
    _answers_lead_somewhere(questions, {a.id for a, _ in advice}, answer_nodes, qf)
    _everything_is_read(content, questions, advice, qf, af)
    used_buttons = {i for q in content.questions for i in q.answers} | set(FIXED_BUTTONS)
    for name in sorted(used_buttons - set(content.buttons)):
        if sf.root is not None:
            sf.problem(sf.root, f"buttons: missing a label for {name!r}")
    _phrase_clashes(content, intents, inf)


def _used_once(ids: list[tuple[str, Node]], f: YamlFile, kind: str) -> None:
    seen: set[str] = set()
    for item_id, node in ids:
        if item_id in seen:
            f.problem(node, f"{kind} id {item_id!r} is used twice")
        seen.add(item_id)


def _answers_lead_somewhere(
    questions: list[tuple[Question, Node]],
    advice_ids: set[str],
    answer_nodes: dict[tuple[str, str], Node],
    qf: YamlFile,
) -> None:
    """Every tip an answer unlocks exists, and every jump goes forward to a question (or ends the questions)."""
    order = {q.id: i for i, (q, _) in enumerate(questions)}
    for q, _ in questions:
        for answer in q.answers.values():
            node = answer_nodes[(q.id, answer.intent)]
            for aid in answer.advice:
                if aid not in advice_ids:
                    qf.problem(
                        node,
                        f"question {q.id}: answer {answer.intent} unlocks tip {aid!r}, which advice.yaml does not have",
                    )
            if answer.next is None or answer.next in (FRONT_DESK, ADVICE):
                continue
            if answer.next not in order:
                qf.problem(
                    node,
                    f"question {q.id}: answer {answer.intent} goes to {answer.next!r}, which is not a question, front_desk or advice",
                )
            elif order[answer.next] <= order[q.id]:
                qf.problem(
                    node,
                    f"question {q.id}: answer {answer.intent} goes back to {answer.next!r}; jumps may only go forward",
                )


def _everything_is_read(
    content: Content,
    questions: list[tuple[Question, Node]],
    advice: list[tuple[Advice, Node]],
    qf: YamlFile,
    af: YamlFile,
) -> None:
    """No question that every path jumps past, no tip that no reachable answer unlocks."""
    reachable = _reachable_questions(content)
    for q, node in questions:
        if q.id not in reachable:
            qf.problem(node, f"question {q.id} can never be reached: every path jumps past it")
    unlocked = {aid for q in content.questions if q.id in reachable for a in q.answers.values() for aid in a.advice}
    for a, node in advice:
        if not a.always and a.id not in unlocked:
            af.problem(node, f"tip {a.id} is never read: no answer unlocks it and it is not 'always: true'")


def _phrase_clashes(content: Content, intents: dict[str, list[tuple[str, Node]]], f: YamlFile) -> None:
    matcher = IntentMatcher({}, content.filler)
    reported: set[tuple[str, str]] = set()
    for screen, valid in screen_intent_sets(content):
        owner: dict[tuple[str, ...], str] = {}
        for intent in (name for name in intents if name in valid):
            for phrase, node in intents[intent]:
                tokens = matcher.normalise(phrase)
                other = owner.setdefault(tokens, intent)
                if other != intent and (phrase, screen) not in reported:
                    reported.add((phrase, screen))
                    f.problem(
                        node,
                        f"phrase {phrase!r} of intent {intent!r} is also a phrase of {other!r}, and both are valid on screen {screen}",
                    )


def _reachable_questions(content: Content) -> set[str]:
    if not content.questions:
        return set()
    ids = [q.id for q in content.questions]
    seen: set[str] = set()
    todo = [ids[0]]
    while todo:
        qid = todo.pop()
        if qid in seen or qid not in ids:
            continue
        seen.add(qid)
        following = ids[ids.index(qid) + 1] if ids.index(qid) + 1 < len(ids) else None
        for answer in content.question(qid).answers.values():
            target = following if answer.next is None else answer.next
            if target is not None and target not in (FRONT_DESK, ADVICE):
                todo.append(target)
    return seen


def check_safety(
    content: Content,
    questions: list[tuple[Question, Node]],
    texts: dict[str, tuple[YamlFile, Node, Text]],
    files: dict[str, YamlFile],
) -> None:
    """The patient-safety rules (kiosk/core/safety.py), each broken one at the place that breaks it."""
    qf, sf, lf = files["questions.yaml"], files["screens.yaml"], files["language.yaml"]
    nodes = {q.id: node for q, node in questions}
    for qid, message in safety.flow_problems(content) + safety.label_problems(content):
        node = nodes.get(qid, qf.root)
        if node is not None:
            qf.problem(node, message)
    if not safety.has_rules(content) and lf.root is not None:
        lf.problem(lf.root, safety.unknown_language(content))
    screen_problems = {"disclaimer": safety.disclaimer_problems(content)}
    screen_problems["front_desk: title"] = safety.front_desk_problems(content)
    for what, problems in screen_problems.items():
        at = texts.get(what)
        for problem in problems:
            if at is not None:
                sf.problem(at[1], problem)
            elif sf.root is not None:
                sf.problem(sf.root, problem)
    for f, node, text in texts.values():
        for claim in safety.claims(text, content):
            f.problem(node, claim)
