"""Reading an admin's YAML file safely, keeping line and column of every value.

Files are composed into YAML nodes (never constructed into Python objects), so
tags such as `!!python/object` are reported instead of run, and aliases are
followed only up to a fixed number of nodes.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from pathlib import Path

import yaml
from yaml.error import Mark
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kiosk.core.model import Text
from kiosk.core.problems import Problem
from kiosk.core.snapshot import read_file

MAX_NODES = 20_000
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where PyYAML has it (about 100 times faster: a 1 MiB file in 10 ms, not 1 s); the
safe loader's rules either way. Only nodes are composed, never Python objects."""
MAX_DEPTH = 64
"""Lists and mappings inside each other at most this deep (the YAML composer recurses per level)."""
_STANDARD_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}


class YamlFile:
    """One YAML file being checked: its root node and the problems found so far."""

    def __init__(self, data: bytes | str | None, display: str, problems: list[Problem]) -> None:
        """`data` is the file's bytes, or why it could not be read (see kiosk.core.snapshot), or None
        when that was already reported."""
        self.display = display
        self.problems = problems
        self.root: Node | None = None
        if isinstance(data, str):
            problems.append(Problem(display, 1, 1, data))
        elif data is not None:
            self._parse(data)

    @classmethod
    def at(cls, path: Path, display: str, problems: list[Problem], follow: bool = False) -> YamlFile:
        """Read the file at `path` as untrusted input (bounded, regular files only)."""
        return cls(read_file(path, follow=follow), display, problems)

    # Reading -----------------------------------------------------------------

    def _parse(self, data: bytes) -> None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            line = data.count(b"\n", 0, err.start) + 1
            column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
            self.problems.append(Problem(self.display, line, column, "file is not UTF-8 text (save it as UTF-8)"))
            return
        try:
            shape = _shape_problem(text)
            if shape is not None:
                mark, message = shape
                self.problems.append(Problem(self.display, mark.line + 1, mark.column + 1, message))
                return
            root = yaml.compose(text, Loader=LOADER)
        except yaml.MarkedYAMLError as err:
            at = err.problem_mark or err.context_mark
            line, column = (at.line + 1, at.column + 1) if at else (1, 1)
            what = err.problem or err.context or "YAML syntax error"
            self.problems.append(Problem(self.display, line, column, f"YAML syntax error: {what}"))
            return
        except yaml.YAMLError as err:
            self.problems.append(Problem(self.display, 1, 1, f"YAML error: {str(err).splitlines()[0]}"))
            return
        if root is None:
            self.problems.append(Problem(self.display, 1, 1, "file is empty"))
            return
        if self._safe(root):
            self.root = root

    def _safe(self, root: Node) -> bool:
        for count, node in enumerate(_walk(root), 1):
            if count > MAX_NODES:
                self.problem(root, f"file expands to more than {MAX_NODES} values (too many aliases?)")
                return False
            if node.tag not in _STANDARD_TAGS:
                self.problem(node, f"tag {node.tag!r} is not allowed here")
                return False
        return True

    # Checking ----------------------------------------------------------------

    def problem(self, node: Node, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.display, mark.line + 1, mark.column + 1, message))

    def mapping(
        self,
        node: Node,
        what: str,
        required: tuple[str, ...] = (),
        optional: tuple[str, ...] = (),
        any_keys: bool = False,
    ) -> dict[str, tuple[Node, Node]] | None:
        """The keys of a mapping, with key and value nodes; None (and a problem) if not a mapping."""
        if not isinstance(node, MappingNode):
            self.problem(node, f"{what} should be a mapping of keys to values")
            return None
        result: dict[str, tuple[Node, Node]] = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                self.problem(key, f"{what}: keys must be plain words")
                continue
            name = str(key.value)
            if name in result:
                self.problem(key, f"{what}: key {name!r} appears twice")
                continue
            if not any_keys and name not in required and name not in optional:
                allowed = ", ".join(required + optional)
                self.problem(key, f"{what}: unknown key {name!r} (allowed: {allowed})")
                continue
            result[name] = (key, value)
        for name in required:
            if name not in result:
                self.problem(node, f"{what}: missing key {name!r}")
        return result

    def sequence(self, node: Node, what: str, non_empty: bool = False) -> list[Node] | None:
        if not isinstance(node, SequenceNode):
            self.problem(node, f"{what} should be a list")
            return None
        if non_empty and not node.value:
            self.problem(node, f"{what}: the list is empty")
        return list(node.value)

    def string(self, node: Node, what: str) -> str | None:
        if not isinstance(node, ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            self.problem(node, f"{what} should be text")
            return None
        value = str(node.value).strip()
        if not value:
            self.problem(node, f"{what} is empty")
            return None
        return value

    def number(self, node: Node, what: str, low: float, high: float) -> float | None:
        try:
            value = float(node.value) if isinstance(node, ScalarNode) else None
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            self.problem(node, f"{what} should be a number from {low:g} to {high:g}")
            return None
        return value

    def boolean(self, node: Node, what: str) -> bool | None:
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
            return str(node.value).lower() in ("true", "yes", "on")
        self.problem(node, f"{what} should be true or false")
        return None

    def text(self, node: Node, what: str, placeholders: set[str]) -> Text | None:
        """Patient-facing text: one string (shown and spoken), or a mapping of `show` and `say`; each may use
        only the named {placeholders}."""
        if isinstance(node, MappingNode):
            fields = self.mapping(node, what, required=("show", "say"))
            if fields is None or "show" not in fields or "say" not in fields:
                return None
            show = self.string(fields["show"][1], f"{what}: show")
            say = self.string(fields["say"][1], f"{what}: say")
            text = Text(show, say) if show is not None and say is not None else None
        else:
            value = self.string(node, what)
            text = Text.same(value) if value is not None else None
        if text is None or not self._placeholders_ok(node, what, text, placeholders):
            return None
        return text

    def _placeholders_ok(self, node: Node, what: str, text: Text, allowed: set[str]) -> bool:
        for form in (text.show, text.say):
            try:
                names = {name for _, name, _, _ in string.Formatter().parse(form) if name is not None}
            except ValueError:
                self.problem(node, f"{what}: unmatched {{ or }} (write {{{{ or }}}} for a brace)")
                return False
            unknown = names - allowed
            if unknown:
                hint = ", ".join(f"{{{n}}}" for n in sorted(allowed)) or "none"
                self.problem(node, f"{what}: unknown placeholder {{{sorted(unknown)[0]}}} (allowed: {hint})")
                return False
        return True

    def strings(self, node: Node, what: str) -> list[tuple[str, Node]]:
        """A list of non-empty strings, each with its node."""
        items = self.sequence(node, what, non_empty=True)
        if items is None:
            return []
        out = []
        for item in items:
            value = self.string(item, f"an entry of {what}")
            if value is not None:
                out.append((value, item))
        return out


def _shape_problem(text: str) -> tuple[Mark, str] | None:
    """Too deep or too many values, found in one pass over the parser's events (no recursion, and it
    stops at the first excess), before anything is composed."""
    depth = 0
    for count, event in enumerate(yaml.parse(text, Loader=LOADER)):
        if count > 2 * MAX_NODES:  # a mapping's key and value are two events
            return event.start_mark, f"file holds more than {MAX_NODES} values"  # type: ignore[return-value]
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return event.start_mark, f"nested more than {MAX_DEPTH} levels deep"  # type: ignore[return-value]
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _walk(root: Node) -> Iterator[Node]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
