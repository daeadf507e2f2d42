"""A short run of the content property (tests/support/content_property.py): random text in patient-facing
fields is refused with file:line:column or drawn literally, never a fault. `make bench` runs a long one
(bench/content_property.py)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.content_property import FIELDS, TEXTS, verdict


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, field=st.sampled_from(sorted(FIELDS)))
def test_random_text_is_refused_or_drawn_literally(text: str, field: str) -> None:
    outcome, problems = verdict(text, field)
    assert outcome != "fault", (text, field, [str(p) for p in problems])


def test_markup_alone_is_drawn_literally() -> None:
    assert verdict("[b]Help[/b] $x @", "help button", (80, 24))[0] == "rendered"
