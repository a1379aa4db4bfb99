"""Content hashing, `changed` and the word diff, checked as properties over generated records."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.content import article_columns, changed_fields, content_hash
from archive.history import word_diff
from tests.archive_support import make_record

URL = "https://example.org/summaries/x"
text = st.text(alphabet=st.sampled_from("ab cé\n"), max_size=12)
headings = st.sampled_from(["Key Takeaway", "What They Found", "Limitations", "Key Takeaway"])


@st.composite
def records(draw):
    record = make_record(URL)
    record["title"] = draw(st.one_of(st.none(), text))
    record["sections"] = [{"heading": h, "text": t}
                          for h, t in draw(st.lists(st.tuples(headings, text), max_size=4))]
    record["ratings"] = {name: {"value": draw(st.one_of(st.none(), st.integers(0, 5))), "max": 5,
                                "label": draw(st.sampled_from([None, "High"])), "raw": draw(text)}
                         for name in draw(st.lists(st.sampled_from(["credibility", "interest", "x"]),
                                                   unique=True, max_size=3))}
    record["source"]["doi"] = draw(st.one_of(st.none(), text))
    record["published"] = draw(st.one_of(st.none(), text))
    record["warnings"] = draw(st.lists(text, max_size=2))
    record["related"] = [{"url": f"https://example.org/{t}", "title": t} for t in draw(st.lists(text, max_size=2))]
    return record


@settings(max_examples=300, deadline=None)
@given(records(), records())
def test_changed_is_empty_exactly_when_the_content_hash_matches(a, b):
    same = content_hash(a) == content_hash(b)
    assert (changed_fields(a, b) == []) == same
    for field in changed_fields(a, b):
        assert field.split(".")[0] in ("title", "ratings", "sections", "source", "published")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["alpha", "beta", "gamma", "delta"]), max_size=8),
       st.lists(st.sampled_from(["alpha", "beta", "gamma", "epsilon"]), max_size=8))
def test_word_diff_keeps_both_sides(old, new):
    diff = word_diff(" ".join(old), " ".join(new))
    import re
    before = re.sub(r"\{\+.*?\+\}", " ", diff).replace("[-", "").replace("-]", "")
    after = re.sub(r"\[-.*?-\]", " ", diff).replace("{+", "").replace("+}", "")
    assert before.split() == old and after.split() == new


def test_word_diff_marks_only_changed_words():
    assert word_diff("the cat sat on the mat", "the dog sat on the mat") == "the [-cat-] {+dog+} sat on the mat"
    assert word_diff("one\n\ntwo", "one\n\ntwo three") == "one\n\ntwo {+three+}"


def test_section_columns_match_headings_by_prefix_case_insensitively():
    record = make_record(URL, sections=[
        {"heading": "KEY TAKEAWAYS", "text": "k"}, {"heading": "What they found", "text": "w"},
        {"heading": "Who should care, and why?", "text": "c"}, {"heading": "Important considerations", "text": "i"},
        {"heading": "Key Takeaway (again)", "text": "ignored: first match wins"},
    ])
    cols = article_columns(record)
    assert (cols["key_takeaway"], cols["what_they_found"], cols["who_should_care"],
            cols["important_considerations"]) == ("k", "w", "c", "i")
    assert article_columns(make_record(URL, sections=[], ratings={}))["credibility"] is None
