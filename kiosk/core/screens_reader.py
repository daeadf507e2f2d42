"""Reading screens.yaml: the fixed screens, the short texts, the idle warning, the status line and the
button labels (kiosk.core.loader reads the other files and checks them together)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from yaml.nodes import Node

from kiosk.core.model import Screen, Text
from kiosk.core.yamlfile import YamlFile

SCREENS = ("welcome", "readback_intro", "goodbye", "front_desk", "help", "sound")
SCREEN_PLACEHOLDERS = {"sound": {"level", "levels"}}
TEXTS = {
    # name: placeholders it may use
    "progress": {"number", "total"},
    "advice_progress": {"number", "total"},
    "not_understood": set(),
    "try_tapping": set(),
    "disclaimer": set(),
}
OPTIONAL_TEXTS = {"did_you_mean": {"answer"}}  # needed only with a middle band (confirm_confidence)
IDLE_PLACEHOLDERS = {"seconds"}
STATUS_TEXTS = {"speaking": set(), "listening": set(), "heard": {"text"}, "voice_off": set(), "sound_off": set()}

ReadText = Callable[[YamlFile, Node, str, set[str] | None], Text | None]
"""Reads one patient-facing text (file, node, what it is, the placeholders it may use); None: refused."""


@dataclass
class ScreensFile:
    screens: dict[str, Screen] = field(default_factory=dict)
    texts: dict[str, Text] = field(default_factory=dict)
    buttons: dict[str, Text] = field(default_factory=dict)
    still_here: tuple[str, ...] = ()


def read_screens(f: YamlFile, text: ReadText) -> ScreensFile:
    """Everything screens.yaml holds; each problem goes to `f` with its place."""
    out = ScreensFile()
    if f.root is None:
        return out
    required = (*SCREENS, *TEXTS, "idle", "still_here", "buttons", "status")
    fields = f.mapping(f.root, "screens.yaml", required=required, optional=tuple(OPTIONAL_TEXTS))
    if fields is None:
        return out
    nodes = {name: value for name, (_, value) in fields.items()}
    out.screens = _screens(f, nodes, text)
    out.texts = _texts(f, nodes, text)
    if "buttons" in nodes:
        for name, (_, value) in (f.mapping(nodes["buttons"], "buttons", any_keys=True) or {}).items():
            label = text(f, value, f"buttons: {name}", None)
            if label is not None:
                out.buttons[name] = label
    if "still_here" in nodes:
        out.still_here = tuple(p for p, _ in f.strings(nodes["still_here"], "still_here"))
    return out


def _screens(f: YamlFile, nodes: dict[str, Node], text: ReadText) -> dict[str, Screen]:
    screens: dict[str, Screen] = {}
    for name in (n for n in SCREENS if n in nodes):
        parts = f.mapping(nodes[name], name, required=("title", "body"), optional=("hint",))
        if parts is None:
            continue
        allowed = SCREEN_PLACEHOLDERS.get(name, set())
        read = {k: text(f, v, f"{name}: {k}", allowed) for k, (_, v) in parts.items()}
        title, body = read.get("title"), read.get("body")
        if title is not None and body is not None:
            screens[name] = Screen(title, body, read.get("hint"))
    return screens


def _texts(f: YamlFile, nodes: dict[str, Node], text: ReadText) -> dict[str, Text]:
    """The short texts, the idle warning (idle_title, idle_body) and the status line's (status_...)."""
    texts: dict[str, Text] = {}
    for name, allowed in (TEXTS | OPTIONAL_TEXTS).items():
        read = text(f, nodes[name], name, allowed) if name in nodes else None
        if read is not None:
            texts[name] = read
    parts = f.mapping(nodes["idle"], "idle", required=("title", "body")) if "idle" in nodes else None
    if parts and "title" in parts and "body" in parts:
        title = text(f, parts["title"][1], "idle: title", None)
        body = text(f, parts["body"][1], "idle: body", IDLE_PLACEHOLDERS)
        if title and body:
            texts["idle_title"], texts["idle_body"] = title, body
    status = f.mapping(nodes["status"], "status", required=tuple(STATUS_TEXTS)) if "status" in nodes else None
    for name, (_, value) in (status or {}).items():
        read = text(f, value, f"status: {name}", STATUS_TEXTS[name])
        if read:
            texts[f"status_{name}"] = read
    return texts
