"""gdtui.sanitize.shown: outside text never reaches the terminal raw."""

from __future__ import annotations

from hypothesis import given, strategies as st

from gdtui.sanitize import shown


def test_plain_text_is_unchanged():
    assert shown("data/hours.csv") == "data/hours.csv"
    assert shown("경사하강법 x_1") == "경사하강법 x_1"


def test_escape_sequences_are_made_visible():
    assert shown("/x/\x1b]0;pwned\x07\x1b[2J.csv") == "/x/\\e]0;pwned\\x07\\e[2J.csv"
    assert shown("a\nb\tc\rd") == "a\\nb\\tc\\rd"
    assert shown("\x9b31m") == "\\x9b31m"  # C1 CSI
    assert shown("abc\u202edcba") == "abc\\u202edcba"  # right-to-left override
    assert shown("a\\e") == "a\\\\e"  # a literal backslash cannot fake an escape


def test_long_text_is_cut_in_the_middle():
    out = shown("a" * 100 + "b" * 1000 + "c" * 100, limit=50)
    assert len(out) == 50 and out.startswith("a") and out.endswith("c") and "…" in out


@given(st.text())
def test_nothing_unprintable_survives(text):
    out = shown(text)
    assert all(ch.isprintable() for ch in out)
    assert len(out) <= 200
