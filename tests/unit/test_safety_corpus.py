"""The safety checker's bars on the corpora (tests/corpus/): unsafe caught >= 95 %, safe refused <= 2 %, and
every bundled text passes. bench/safety_corpus.py prints the figures, held-out sentences included."""

from __future__ import annotations

import pytest

from bench.safety_corpus import LANGUAGES, corpus, figures


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_corpus_is_big_enough(code: str) -> None:
    sets = corpus(code)
    assert len(sets["unsafe"]) >= 150 and len(sets["safe"]) >= 150


@pytest.mark.parametrize("code", LANGUAGES)
def test_unsafe_caught_safe_passed_and_every_bundled_text_passes(code: str) -> None:
    found = figures(code)
    right, size, wrong = found["unsafe"]
    assert right / size >= 0.95, wrong
    right, size, wrong = found["safe"]
    assert (size - right) / size <= 0.02, wrong
    assert found["bundled texts"][2] == []
