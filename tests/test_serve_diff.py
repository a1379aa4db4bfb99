"""The article page's word diff: exact reconstruction both ways, and changes grouped by record part."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from archive.datasette.article import rating_view
from archive.datasette.worddiff import record_changes, word_diff

TEXT = st.text(alphabet=st.sampled_from(list("ab c\n.é<&")), max_size=60)


@given(TEXT, TEXT)
@settings(max_examples=300, deadline=None)
def test_word_diff_rebuilds_both_texts(old: str, new: str):
    segments = word_diff(old, new)
    assert "".join(t for op, t in segments if op != "insert") == old
    assert "".join(t for op, t in segments if op != "delete") == new
    assert all(t for _, t in segments)
    assert all(a[0] != b[0] for a, b in zip(segments, segments[1:]))  # neighbours merged


def test_word_diff_marks_whole_words():
    assert word_diff("The immune system shows differences.", "The immune system shows clear differences.") == [
        ("equal", "The immune system shows "), ("insert", "clear "), ("equal", "differences.")]
    assert word_diff("", "") == []
    assert word_diff(None, "new text") == [("insert", "new text")]


def record(**parts):
    base = {"title": "A title", "page_type": "summary",
            "ratings": {"credibility": {"value": 4, "max": 5, "label": None, "raw": "4/5"}},
            "sections": [{"heading": "Key Takeaway", "text": "One two three."},
                         {"heading": "What They Found", "text": "Found this."}],
            "source": {"journal": "Brain", "url": None, "doi": None, "published": None},
            "published": None}
    base.update(parts)
    return base


def test_record_changes_names_parts_like_the_changed_column():
    old = record()
    new = record(title="A new title",
                 ratings={"credibility": {"value": 3, "max": 5, "label": None, "raw": "3 of 5"},
                          "interest": {"value": None, "max": None, "label": "High", "raw": "High"}},
                 sections=[{"heading": "Key Takeaway", "text": "One two four."},
                           {"heading": "Who Should Care", "text": "Everyone."}],
                 source={"journal": "Brain", "url": "https://doi.org/10.1/x", "doi": None, "published": None})
    changes = {c["part"]: c for c in record_changes(old, new)}
    assert set(changes) == {"title", "ratings.credibility", "ratings.interest", "sections.Key Takeaway",
                            "sections.Who Should Care", "sections.What They Found", "source.url"}
    assert changes["ratings.interest"]["kind"] == "added"
    assert changes["sections.What They Found"]["kind"] == "removed"
    assert changes["sections.Key Takeaway"]["segments"] == [
        ("equal", "One two "), ("delete", "three."), ("insert", "four.")]
    assert changes["ratings.credibility"]["segments"][0] == ("delete", "4 ")
    assert record_changes(old, record()) == []  # raw text of a rating is not content
    assert record_changes(old, record(ratings={"credibility": {"value": 4, "max": 5, "raw": "x"}})) == []


def test_ratings_drawn_as_stars_bars_or_words():
    stars = rating_view("credibility", {"value": 4.5, "max": 5, "label": None})
    assert (stars["style"], stars["count"], stars["percent"], stars["text"]) == ("stars", 5, 90.0, "4.5 / 5")
    bar = rating_view("score", {"value": 72, "max": 100, "label": None})
    assert (bar["style"], bar["percent"]) == ("bar", 72.0)
    word = rating_view("interest", {"value": None, "max": None, "label": "High"})
    assert (word["style"], word["text"]) == ("text", "High")
    odd = rating_view("interest", {"value": 9, "max": 5, "label": None})
    assert odd["percent"] == 100.0  # a value over its scale is drawn full, its text says 9 / 5


def test_timeline_diffs_only_the_newest_versions():
    import json
    from archive.datasette.article import MAX_DIFFED, timeline
    rows = [{"version": n, "record": json.dumps(record(title=f"Title {n}")),
             "changed": json.dumps(["created"] if n == 1 else ["title"]), "cause": "source"}
            for n in range(1, MAX_DIFFED + 6)]
    shown = timeline(rows)
    assert [v["version"] for v in shown] == list(range(MAX_DIFFED + 5, 0, -1))
    assert all(v["changes"] for v in shown[:MAX_DIFFED])
    assert not any(v["changes"] for v in shown[MAX_DIFFED:])
    assert shown[0]["changes"][0]["segments"] == [("equal", "Title "), ("delete", f"{MAX_DIFFED + 4}"),
                                                  ("insert", f"{MAX_DIFFED + 5}")]
