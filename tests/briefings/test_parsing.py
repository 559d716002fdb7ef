import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefings.parsing import (
    BriefingFormatError,
    find_dates,
    find_numbers,
    parse_article,
    proposal_title,
    read_source,
)

BODY_SECTIONS = [
    ("the-sovereignty-mirage", "The Sovereignty Mirage", 2),
    ("what-the-west-misunderstands", "What the West Misunderstands", 8),
    ("the-wagner-transition", "The Wagner Transition", 5),
    ("the-jihadist-paradox", "The Jihadist Paradox", 5),
    ("the-ecowas-rupture", "The ECOWAS Rupture", 5),
    ("the-resource-curse-accelerated", "The Resource Curse, Accelerated", 5),
    ("the-legitimacy-question", "The Legitimacy Question", 6),
    ("what-happens-next", "What Happens Next", 5),
    ("alternative-paths", "Alternative Paths", 5),
    ("the-honest-assessment", "The Honest Assessment", 5),
]


@pytest.fixture(scope="module")
def article():
    from django.conf import settings as django_settings

    path = django_settings.BRIEFING_SOURCE
    return parse_article(read_source(path), path=path)


def test_title_and_standfirst(article):
    assert article.title == "The Sahel's Sovereignty Mirage: Russia, Juntas, and the Limits of Liberation"
    assert article.slug == "the-sahels-sovereignty-mirage-russia-juntas-and-the-limits-of-liberation"
    assert article.standfirst.startswith("Mali, Burkina Faso, and Niger have expelled French forces")
    assert article.standfirst.endswith("only their perpetual dependence.")


def test_every_section_in_order_with_its_paragraph_count(article):
    body = [(s.slug, s.title, len(s.paragraphs)) for s in article.sections if s.kind == "body"]
    assert body == BODY_SECTIONS
    assert [(s.number, s.kind) for s in article.sections[-2:]] == [(11, "faq"), (12, "sources")]
    assert sum(len(s.paragraphs) for s in article.sections) == 64
    assert sum(count for _, _, count in BODY_SECTIONS) == 51


def test_paragraph_anchors_are_unique_and_stable(article):
    anchors = [s.anchor(p) for s in article.sections for p in s.paragraphs]
    assert len(anchors) == len(set(anchors)) == 64
    wagner = article.sections[2]
    assert wagner.anchor(wagner.paragraphs[2]) == "the-wagner-transition-p3"
    assert wagner.paragraphs[2].text.startswith("The arrangement creates a structural trap.")


def test_four_faq_pairs(article):
    assert [faq.question for faq in article.faqs] == [
        "What is the Alliance of Sahel States and when was it formed?",
        "Has Russian involvement improved security in the Sahel?",
        "Why did Mali, Burkina Faso, and Niger leave ECOWAS?",
        "What happened to the Wagner Group after Prigozhin’s death?",
    ]
    assert article.faqs[1].answer.startswith("No. Despite the deployment of approximately 1,000 Wagner Group")
    assert all(not faq.answer.startswith("A:") for faq in article.faqs)


def test_eight_sources(article):
    assert [(s.title, s.description) for s in article.sources] == [
        ("Alliance of Sahel States Wikipedia entry", "foundational timeline and treaty details"),
        (
            "BBC reporting on Wagner-to-Africa Corps transition",
            "documentation of Russian military reorganization in Africa",
        ),
        ("Global Terrorism Index 2024", "comprehensive terrorism fatality and trend data"),
        ("Fragile States Index Africa rankings", "state capacity measurements"),
        ("Freedom House Burkina Faso 2024 report", "documentation of political repression"),
        ("ECOWAS Protocol on Free Movement", "legal framework for regional integration"),
        ("Al Jazeera coverage of AES confederation treaty", "July 2024 treaty signing details"),
        ("IISS analysis of Operation Barkhane", "assessment of French military intervention"),
    ]


def test_find_dates_keeps_the_stated_precision():
    mentions = find_dates(
        "The charter was signed on September 16, 2023. Wagner arrived in August 2023. "
        "Barkhane ran from 2014 to 2022. The coup came in 2020."
    )
    assert [(m.date, m.precision, m.end_date, m.match) for m in mentions] == [
        (datetime.date(2023, 9, 16), "day", None, "September 16, 2023"),
        (datetime.date(2023, 8, 1), "month", None, "August 2023"),
        (datetime.date(2014, 1, 1), "year", datetime.date(2022, 1, 1), "from 2014 to 2022"),
        (datetime.date(2020, 1, 1), "year", None, "2020"),
    ]


def test_find_numbers_reads_units_ranges_and_scales_but_not_years():
    mentions = find_numbers(
        "They extracted $2.5 billion in 2021. It needs 1.4 to 1.75 million people. "
        "Trade is 20-62% of GDP. About 5,100 troops served on September 16, 2023."
    )
    assert [(m.value, m.value_high, m.unit, m.match) for m in mentions] == [
        (Decimal("2500000000"), None, "USD", "$2.5 billion"),
        (Decimal("1400000"), Decimal("1750000"), "", "1.4 to 1.75 million"),
        (Decimal("20"), Decimal("62"), "%", "20-62%"),
        (Decimal("5100"), None, "", "5,100"),
    ]


def test_the_standfirst_is_a_section_of_its_own_with_an_anchor_from_the_article_slug(article):
    standfirst = article.standfirst_section
    assert (standfirst.slug, standfirst.kind, standfirst.number, standfirst.line) == ("standfirst", "standfirst", 0, 2)
    assert [standfirst.anchor(p) for p in standfirst.paragraphs] == [
        "the-sahels-sovereignty-mirage-russia-juntas-and-the-limits-of-liberation-standfirst"
    ]
    assert standfirst.paragraphs[0].text == article.standfirst
    assert article.all_sections() == [standfirst, *article.sections]


def test_a_heading_named_standfirst_does_not_take_the_standfirst_slug():
    parsed = parse_article("Title\nThe standfirst.\nStandfirst\nText.")
    assert [s.slug for s in parsed.all_sections()] == ["standfirst", "standfirst-2"]
    assert [s.anchor(p) for s in parsed.all_sections() for p in s.paragraphs] == ["title-standfirst", "standfirst-2-p1"]


def test_an_article_without_a_standfirst_has_no_standfirst_section():
    parsed = parse_article("Title\nHeading\nText.")
    assert (parsed.standfirst, parsed.standfirst_section, len(parsed.all_sections())) == ("", None, 1)


def test_find_dates_leaves_out_names_and_the_ends_of_windows():
    text = (
        "The Global Terrorism Index 2024 documents 1,486 deaths between January 2024 and March 2025. "
        "Freedom House’s 2024 report documents repression. They have extracted gold since 2021. "
        "In 2023 the force grew. The Wagner Group operated in Mali from 2021."
    )
    assert [(m.date, m.precision, m.match) for m in find_dates(text)] == [
        (datetime.date(2023, 1, 1), "year", "2023"),
        (datetime.date(2021, 1, 1), "year", "2021"),
    ]


def test_find_numbers_leaves_out_denominators_and_ages():
    text = "Doctrine suggests 20-25 personnel per 1,000 population. A 36-year-old president; Sankara died at age 37."
    assert [(m.value, m.value_high, m.match) for m in find_numbers(text)] == [(Decimal("20"), Decimal("25"), "20-25")]


@pytest.mark.parametrize(
    ("text", "qualifier", "kind"),
    [
        ("According to reporting, they extracted an estimated $2.5 billion.", "an estimated", "claim"),
        ("They have perhaps 50,000 combined.", "perhaps", "analysis"),
        ("Wagner operated with approximately 1,000 personnel.", "approximately", "fact"),
        ("Informal trade is 20-62% of GDP depending on the estimate.", "", "claim"),
        ("Doctrine suggests ratios of 20-25 personnel.", "", "claim"),
        ("The states would need 1.4 to 1.75 million personnel.", "", "analysis"),
        ("Barkhane deployed 5,100 troops.", "", "fact"),
    ],
)
def test_find_numbers_keeps_the_hedge_and_classifies_the_statement(text, qualifier, kind):
    [mention] = find_numbers(text)
    assert (mention.qualifier, mention.kind) == (qualifier, kind)


def test_proposal_titles_drop_a_leading_but_and_show_a_late_number():
    assert proposal_title("But 5,000 troops cannot secure three countries.", "5,000", 90) == (
        "5,000 troops cannot secure three countries."
    )
    sentence = (
        "When the leaders of Mali, Burkina Faso, and Niger signed the Liptako-Gourma Charter in September 2023, "
        "they proclaimed an architecture of collective defence."
    )
    title = proposal_title(sentence, "September 2023", 90)
    assert title == "…the Liptako-Gourma Charter in September 2023, they proclaimed an architecture of…"
    assert len(title) <= 90


def test_a_section_of_too_many_paragraphs_is_refused_at_the_first_one_too_many():
    with pytest.raises(BriefingFormatError) as caught:
        parse_article("Title\nStandfirst.\nThe Part\n" + "Text.\n" * 501, path="long.txt")
    assert str(caught.value) == (
        "long.txt, line 504: the section “The Part” has more than 500 paragraphs; a section has at most 500"
    )
    assert len(parse_article("Title\nStandfirst.\nThe Part\n" + "Text.\n" * 500).sections[0].paragraphs) == 500


def test_too_many_sections_are_refused():
    text = "Title\nStandfirst.\n" + "".join(f"Heading {n}\nText.\n" for n in range(201))
    with pytest.raises(BriefingFormatError) as caught:
        parse_article(text, path="many.txt")
    assert (caught.value.message, caught.value.line) == (
        "more than 200 section headings; an article has at most 200",
        403,
    )


def test_read_source_caps_the_size_it_reads(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("x" * 101, encoding="utf-8")
    with pytest.raises(BriefingFormatError) as caught:
        read_source(big, limit=100)
    assert str(caught.value) == f"{big}: the file is larger than 100 bytes"
    assert read_source(big, limit=101) == "x" * 101
    with pytest.raises(BriefingFormatError) as caught:
        read_source(Path("/dev/zero"))
    assert caught.value.message == "the file is larger than 2,000,000 bytes"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("", "the file is empty", None),
        ("   \n\n  ", "the file is empty", None),
        ("Only a title\n", "no section headings found (a heading is a short line without closing punctuation)", 1),
        (
            "Title\nA standfirst.\nA paragraph before any heading.\nHeading\nText.",
            "text before the first section heading; the first two lines are the title and standfirst",
            3,
        ),
        ("Title\nStandfirst.\nHeading One\nHeading Two\nText.", "the section “Heading One” has no paragraphs", 3),
        (
            "Title\nStandfirst.\nFrequently Asked Questions\nQ: No answer here?",
            "a line under the FAQ heading must read “Q: question A: answer”",
            4,
        ),
        ("Title\nStand\x00first.\nHeading\nText.", "the text contains control characters; is this a binary file?", 2),
    ],
)
def test_bad_text_names_file_and_line(text, message, line):
    with pytest.raises(BriefingFormatError) as caught:
        parse_article(text, path="article.txt")
    assert (caught.value.message, caught.value.line, caught.value.path) == (message, line, "article.txt")


def test_read_source_rejects_missing_binary_and_non_utf8(tmp_path):
    binary = tmp_path / "a.bin"
    binary.write_bytes(b"\x89PNG\x00\x01")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Title\nCafé".encode("latin-1"))
    for path, message, line in [
        (tmp_path / "missing.txt", "the file does not exist", None),
        (tmp_path, "this is a directory, not a text file", None),
        (binary, "this is a binary file, not UTF-8 text", None),
        (latin, "the text is not valid UTF-8", 2),
    ]:
        with pytest.raises(BriefingFormatError) as caught:
            read_source(path)
        assert (caught.value.message, caught.value.line) == (message, line)
        assert str(caught.value).startswith(str(path))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=600))
def test_arbitrary_text_parses_or_raises_the_clear_error(text):
    try:
        article = parse_article(text, path="fuzz.txt")
    except BriefingFormatError as error:
        assert str(error).startswith("fuzz.txt")
        assert error.message
    else:
        assert article.sections
        assert all(section.paragraphs for section in article.sections)
        anchors = [s.anchor(p) for s in article.sections for p in s.paragraphs]
        assert len(anchors) == len(set(anchors))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["The Heading", "Frequently Asked Questions", "Sources & Further Reading", "Q: x? A: y."]),
            st.text(max_size=80),
        ),
        max_size=20,
    )
)
def test_article_shaped_text_parses_or_raises_the_clear_error(lines):
    text = "\n".join(["A Title", "A standfirst.", *lines])
    try:
        parse_article(text, path="fuzz.txt")
        find_dates(text)
        find_numbers(text)
    except BriefingFormatError as error:
        assert error.message
