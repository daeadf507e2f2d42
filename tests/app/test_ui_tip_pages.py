"""A tip reads as whole sentences on every panel: on the 800x480 7-inch panel (44x13 cells) every tip of
the bundled content takes at most two pages, and one from 1024x600 (56x17) up; no page ends mid-sentence,
and the disclaimer closes each tip once."""

from __future__ import annotations

import pytest

from kiosk.ui.widgets.text_layout import Role, paginate, sentences
from tests.support.kiosk_driver import PACKS, check_tip_pages, read_every_tip

SIZES = [(40, 12), (44, 13), (56, 17), (60, 20), (71, 22), (80, 24)]
"""The smallest grid the layout supports, the three tested panels (800x480, 1024x600, 1280x800) and more."""
MOST_PAGES = {(44, 13): 2, (56, 17): 1, (60, 20): 1, (71, 22): 1, (80, 24): 1}
"""The target: pages a tip may take at each size (40x12 is smaller than any supported panel)."""


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_every_tip_is_whole_sentences_on_few_pages(size: tuple[int, int], language: str) -> None:
    content = PACKS[language]
    read = await read_every_tip(language, size)
    assert sorted(read) == sorted(a.id for a in content.advice)  # every tip was read
    for tip in content.advice:
        check_tip_pages(read[tip.id], tip.title.show, tip.text.show, content.texts["disclaimer"].show)
    most = MOST_PAGES.get(size)
    if most is not None:
        assert max(len(pages) for pages in read.values()) <= most, {t: len(p) for t, p in read.items()}


def test_a_page_break_falls_between_sentences_and_the_footer_closes_the_last_page() -> None:
    text = "One two three four. Five six seven eight. Nine ten eleven. Twelve."
    pages = paginate("Title", text, "Not a diagnosis.", 20, 5)
    assert [[line.text for line in page] for page in pages] == [
        ["Title", "", "One two three four.", "Five six seven", "eight."],  # a sentence wraps, never pages
        ["Nine ten eleven.", "Twelve.", "", "Not a diagnosis."],
    ]
    assert [line.role for line in pages[0]][:1] == [Role.TITLE] and pages[-1][-1].role is Role.FOOTER


def test_blank_lines_only_where_they_cost_no_page() -> None:
    text = "One two three four. Five six seven eight. Nine ten eleven. Twelve."
    roomy = paginate("Title", text, "Not a diagnosis.", 20, 8)
    assert [line.text for line in roomy[0]][:2] == ["Title", ""] and len(roomy) == 1
    tight = paginate("Title", text, "Not a diagnosis.", 20, 6)  # with blank lines it would take two pages
    assert [[line.text for line in page] for page in tight] == [
        ["Title", "One two three four.", "Five six seven", "eight. Nine ten", "eleven. Twelve.", "Not a diagnosis."]
    ]


def test_a_last_page_never_holds_the_footer_alone() -> None:
    """A tap on Next that shows no advice is a wasted tap: the last sentence comes with the footer."""
    pages = paginate("T", "Aaaa bbbb. Cccc dddd.", "F", 10, 3)
    assert [[line.text for line in page] for page in pages] == [["T", "", "Aaaa bbbb."], ["Cccc dddd.", "", "F"]]


def test_only_a_sentence_taller_than_a_page_is_cut_between_its_lines() -> None:
    long = " ".join(["word"] * 30) + "."
    pages = paginate("", f"Short. {long}", "", 20, 3)
    assert [line.text for line in pages[0]] == ["Short."]
    assert all(len(page) <= 3 for page in pages)
    assert " ".join(line.text for page in pages[1:] for line in page) == long


def test_an_admins_lines_stay_lines_and_a_list_item_is_never_split() -> None:
    body = "Do you have any of these now?\n- Yellow skin or eyes\n- Dark pee or black poop"
    pages = paginate("", body, "", 24, 2)
    assert [[line.text for line in page] for page in pages] == [
        ["Do you have any of these", "now?"],
        ["- Yellow skin or eyes", "- Dark pee or black poop"],
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Stop drinking now. It helps 1.5 times. Ask!", ["Stop drinking now. ", "It helps 1.5 times. ", "Ask!"]),
        ('He said "stop." Then go.', ['He said "stop." ', "Then go."]),
        (
            "酒会伤肝。请马上戒酒，不要喝。看看 ALT 有没有降下来？",
            ["酒会伤肝。", "请马上戒酒，不要喝。", "看看 ALT 有没有降下来？"],
        ),
        ("点“好。”就行。", ["点“好。”", "就行。"]),
        ("- Yellow skin or eyes", ["- Yellow skin or eyes"]),
    ],
)
def test_sentences_keep_their_own_spacing(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected
    assert "".join(sentences(text)) == text
