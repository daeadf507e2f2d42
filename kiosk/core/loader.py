"""Loading a content directory and checking everything an admin can get wrong.

A language pack is a folder `content/<code>/` of five YAML files. Every problem
is collected (not just the first) and reported with its file, line and column.
"""

from __future__ import annotations

from pathlib import Path

from yaml.nodes import MappingNode, Node

from kiosk.core import plain_chinese, safety, snapshot
from kiosk.core.crosscheck import check_safety, cross_check
from kiosk.core.language_code import canonical
from kiosk.core.model import (
    CONTROL_INTENTS,
    Advice,
    Answer,
    Content,
    Question,
    SafetyWords,
    Text,
)
from kiosk.core.patient_text import character_problem
from kiosk.core.problems import InvalidFiles, Problem
from kiosk.core.screens_reader import read_screens
from kiosk.core.snapshot import FILES
from kiosk.core.yamlfile import YamlFile


def load_all(root: Path, display_root: str | None = None) -> dict[str, Content]:
    """Load every language pack under `root` (or `root` itself if it is one); raise InvalidFiles listing all problems."""
    return load_snapshot(snapshot.read(root, display_root))


def load_language(folder: Path, display: str | None = None) -> Content:
    """Load and check one language pack; raise InvalidFiles listing every problem."""
    snap = snapshot.read(folder, display)
    packs = load_snapshot(snap)
    return next(iter(packs.values()))


def load_snapshot(snap: snapshot.Snapshot) -> dict[str, Content]:
    """Check the content files read in `snap`; raise InvalidFiles listing every problem (the folder's too)."""
    packs: dict[str, Content] = {}
    problems = list(snap.problems)
    for folder, files in snap.packs.items():
        try:
            pack = _PackReader(files, snap.shown(folder)).read()
        except InvalidFiles as err:
            problems.extend(err.problems)
            continue
        if pack.code in packs:
            problems.append(
                Problem(snap.shown(folder, "language.yaml"), 1, 1, f"language code {pack.code!r} is used twice")
            )
        packs[pack.code] = pack
        if pack.wide_script:  # plain language for Chinese (kiosk.core.plain_chinese)
            problems += plain_chinese.problems(files, snap.shown(folder), pack)
    if problems:
        raise InvalidFiles(problems)
    return packs


class _PackReader:
    def __init__(self, files: dict[str, bytes], display: str) -> None:
        """`files`: the pack's file names and bytes; a file not there was refused (already a problem)."""
        self.problems: list[Problem] = []
        self.incomplete = any(name not in files for name in FILES)
        self.texts: dict[str, tuple[YamlFile, Node, Text]] = {}
        """Every patient-facing text read, by what it is ("tip sleep: text"), with its file and node."""
        self.safety: SafetyWords | None = None
        self.answer_nodes: dict[tuple[str, str], Node] = {}
        self.files = {name: YamlFile(files.get(name), f"{display.rstrip('/')}/{name}", self.problems) for name in FILES}

    def read(self) -> Content:
        lang = self._language(self.files["language.yaml"])
        intents, filler = self._intents(self.files["intents.yaml"])
        shown = read_screens(self.files["screens.yaml"], self._text)
        questions = self._questions(self.files["questions.yaml"], intents)
        advice = self._advice(self.files["advice.yaml"])
        screens_file = self.files["screens.yaml"]
        if (
            lang is not None
            and lang[5] < lang[4]
            and "did_you_mean" not in shown.texts
            and screens_file.root is not None
        ):
            screens_file.problem(
                screens_file.root,
                "did_you_mean is missing: language.yaml's confirm_confidence asks patients to confirm",
            )
        if self.problems or self.incomplete or lang is None:
            raise InvalidFiles(self.problems)  # a file not read at all is the snapshot's problem
        content = Content(
            code=lang[0],
            name=lang[1],
            version=lang[2],
            voice=lang[3],
            min_confidence=lang[4],
            confirm_confidence=lang[5],
            questions=tuple(q for q, _ in questions),
            advice=tuple(a for a, _ in advice),
            intents={k: tuple(p for p, _ in v) for k, v in intents.items()},
            filler=filler,
            screens=shown.screens,
            texts=shown.texts,
            buttons=shown.buttons,
            still_here=shown.still_here,
            safety=self.safety,
        )
        cross_check(content, questions, advice, intents, self.files, self.answer_nodes)
        check_safety(content, questions, self.texts, self.files)
        if self.problems:
            raise InvalidFiles(self.problems)
        return content

    # One file at a time ------------------------------------------------------

    def _text(self, f: YamlFile, node: Node, what: str, placeholders: set[str] | None = None) -> Text | None:
        """Patient-facing text, refused if it holds a character a patient would not see as typed."""
        text = f.text(node, what, placeholders or set())
        if text is None:
            return None
        for form in dict.fromkeys((text.show, text.say)):
            problem = character_problem(form)
            if problem is not None:
                f.problem(node, f"{what}: {problem}")
                return None
        self.texts[what] = (f, node, text)
        return text

    def _language(self, f: YamlFile) -> tuple[str, str, str, str, float, float] | None:
        if f.root is None:
            return None
        fields = f.mapping(
            f.root,
            "language.yaml",
            required=("code", "name", "version", "voice"),
            optional=("min_confidence", "confirm_confidence", "safety"),
        )
        if fields is None:
            return None
        if "safety" in fields:
            self.safety = safety.read_words(f, fields["safety"][1])
        values = {k: f.string(fields[k][1], k) for k in ("code", "name", "version", "voice") if k in fields}
        bars = {"min_confidence": 0.6, "confirm_confidence": 1.0}
        for name in bars:
            if name in fields:
                number = f.number(fields[name][1], name, 0.0, 1.0)
                bars[name] = bars[name] if number is None else number
        if "confirm_confidence" in fields and bars["confirm_confidence"] > bars["min_confidence"]:
            f.problem(fields["confirm_confidence"][1], "confirm_confidence must not be above min_confidence")
        if any(values.get(k) is None for k in ("code", "name", "version", "voice")):
            return None
        code = canonical(values["code"] or "")
        if code is None:
            f.problem(
                fields["code"][1], f"code {values['code']!r} is not a language code the kiosk knows (such as en or zh)"
            )
            code = ""
        self._text(f, fields["name"][1], "language name")
        voice = values["voice"] or ""
        return (
            code,
            values["name"] or "",
            values["version"] or "",
            voice,
            bars["min_confidence"],
            bars["confirm_confidence"],
        )

    def _intents(self, f: YamlFile) -> tuple[dict[str, list[tuple[str, Node]]], tuple[str, ...]]:
        intents: dict[str, list[tuple[str, Node]]] = {}
        if f.root is None:
            return intents, ()
        fields = f.mapping(f.root, "intents.yaml", required=("intents",), optional=("filler",))
        if fields is None:
            return intents, ()
        filler = tuple(p for p, _ in f.strings(fields["filler"][1], "filler")) if "filler" in fields else ()
        if "intents" in fields:
            mapping = f.mapping(fields["intents"][1], "intents", any_keys=True) or {}
            for name, (_, value) in mapping.items():
                intents[name] = f.strings(value, f"phrases of intent {name!r}")
            for name in CONTROL_INTENTS:
                if name not in mapping:
                    f.problem(fields["intents"][1], f"intents: missing intent {name!r}")
        return intents, filler

    def _questions(
        self,
        f: YamlFile,
        intents: dict[str, list[tuple[str, Node]]],
    ) -> list[tuple[Question, Node]]:
        out: list[tuple[Question, Node]] = []
        if f.root is None:
            return out
        fields = f.mapping(f.root, "questions.yaml", required=("questions",))
        if not fields or "questions" not in fields:
            return out
        for item in f.sequence(fields["questions"][1], "questions", non_empty=True) or []:
            q = f.mapping(item, "a question", required=("id", "text", "answers"), optional=("red_flag",))
            if q is None or any(k not in q for k in ("id", "text", "answers")):
                continue
            qid = f.string(q["id"][1], "question id")
            text = self._text(f, q["text"][1], f"question {qid}: text")
            red_flag = bool(f.boolean(q["red_flag"][1], "red_flag")) if "red_flag" in q else False
            answers = self._answers(f, q["answers"][1], qid, intents)
            if qid is not None and text is not None and answers:
                out.append((Question(qid, text, answers, red_flag), q["id"][1]))
        return out

    def _answers(
        self, f: YamlFile, node: Node, qid: str | None, intents: dict[str, list[tuple[str, Node]]]
    ) -> dict[str, Answer]:
        """A question's answers, by intent: each one an intent that intents.yaml has and not a control."""
        answers: dict[str, Answer] = {}
        for intent, (key, value) in (f.mapping(node, f"question {qid}: answers", any_keys=True) or {}).items():
            if intents and intent not in intents:
                f.problem(key, f"question {qid}: answer {intent!r} is not an intent in intents.yaml")
            elif intent in CONTROL_INTENTS:
                f.problem(key, f"question {qid}: {intent!r} steers the kiosk and cannot be an answer")
            answer = self._answer(f, value, intent, f"question {qid}: answer {intent}")
            self.answer_nodes[(qid or "", intent)] = value
            if answer is not None:
                answers[intent] = answer
        if not answers and isinstance(node, MappingNode) and not node.value:
            f.problem(node, f"question {qid}: no answers")
        return answers

    def _answer(self, f: YamlFile, node: Node, intent: str, what: str) -> Answer | None:
        fields = f.mapping(node, what, optional=("advice", "next"))
        if fields is None:
            return None
        advice = tuple(a for a, _ in f.strings(fields["advice"][1], f"{what}: advice")) if "advice" in fields else ()
        nxt = f.string(fields["next"][1], f"{what}: next") if "next" in fields else None
        return Answer(intent, advice, nxt)

    def _advice(self, f: YamlFile) -> list[tuple[Advice, Node]]:
        out: list[tuple[Advice, Node]] = []
        if f.root is None:
            return out
        fields = f.mapping(f.root, "advice.yaml", required=("advice",))
        if not fields or "advice" not in fields:
            return out
        for item in f.sequence(fields["advice"][1], "advice", non_empty=True) or []:
            a = f.mapping(item, "a tip", required=("id", "title", "text"), optional=("always",))
            if a is None or any(k not in a for k in ("id", "title", "text")):
                continue
            aid = f.string(a["id"][1], "tip id")
            title = self._text(f, a["title"][1], f"tip {aid}: title")
            text = self._text(f, a["text"][1], f"tip {aid}: text")
            always = bool(f.boolean(a["always"][1], "always")) if "always" in a else False
            if aid is not None and title is not None and text is not None:
                out.append((Advice(aid, title, text, always), a["id"][1]))
        return out
