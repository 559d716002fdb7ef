"""The shipped content pack: complete, every citation real, facts traceable to what they cite."""

import re
from decimal import Decimal

import pytest

from briefings.actions import import_briefing
from briefings.models import (
    Actor,
    Concept,
    Country,
    FaqEntry,
    KeyFigure,
    Leader,
    Origin,
    Paragraph,
    Section,
    SectionKind,
    StatementKind,
    Status,
    Takeaway,
    TimelineEvent,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(article_path, pack_dir):
    return import_briefing(article_path=article_path, pack_dir=pack_dir, publish=True)


def cited_text(item):
    return " ".join(p.text for p in item.citations.all())


def number_forms(value):
    """The ways the article may write a number: 5100 -> 5,100; 2500000000 -> 2.5 billion; 1400000 -> 1.4."""
    value = Decimal(value).normalize()
    forms = {f"{int(value):,}" if value == value.to_integral_value() else f"{value:f}"}
    for size in (Decimal(10**9), Decimal(10**6)):
        if value >= size:
            forms.add(f"{(value / size).normalize():f}")
    words = {2: "two", 3: "three", 4: "four", 5: "five", 18: "eighteen"}
    if value in words:
        forms.add(words[int(value)])
    return forms


def test_pack_meets_the_minimums(imported):
    assert Leader.objects.published().heads_of_state().count() == 3
    assert set(Leader.objects.published().values_list("slug", flat=True)) >= {
        "ibrahim-traore",
        "assimi-goita",
        "abdourahamane-tchiani",
        "thomas-sankara",
        "mohamed-bazoum",
        "yevgeny-prigozhin",
    }
    assert set(Country.objects.published().values_list("slug", flat=True)) == {"mali", "burkina-faso", "niger"}
    assert TimelineEvent.objects.published().filter(origin=Origin.PACK).count() >= 15
    assert KeyFigure.objects.published().filter(origin=Origin.PACK).count() >= 15
    assert Actor.objects.published().count() >= 10
    assert Concept.objects.published().count() >= 10
    assert FaqEntry.objects.published().count() == 4


def test_every_pack_item_cites_existing_paragraphs(imported):
    for model in (Country, Actor, Leader, TimelineEvent, KeyFigure, Concept, Takeaway, FaqEntry):
        for item in model.objects.filter(origin__in=[Origin.PACK, Origin.ARTICLE]).prefetch_related("citations"):
            anchors = [p.anchor for p in item.citations.all()]
            assert anchors, f"{model.__name__} {item.slug} cites nothing"
    assert Paragraph.objects.count() == 65  # 64 of the text and the standfirst


def test_every_body_section_has_three_to_five_takeaways(imported):
    for section in Section.objects.filter(kind=SectionKind.BODY).prefetch_related("takeaways"):
        assert 3 <= len(section.takeaways.all()) <= 5, section.slug


def test_every_event_year_is_in_its_cited_paragraphs(imported):
    for event in TimelineEvent.objects.filter(origin=Origin.PACK).prefetch_related("citations"):
        text = cited_text(event)
        assert str(event.date.year) in text, (event.slug, event.date)
        if event.end_date:
            assert str(event.end_date.year) in text, (event.slug, event.end_date)
        if event.precision in ("month", "day"):
            assert event.date.strftime("%B") in text, (event.slug, event.date)
        if event.precision == "day":
            assert re.search(rf"\b{event.date.day}\b", text), (event.slug, event.date)


def test_every_figure_value_is_written_in_its_cited_paragraphs(imported):
    for figure in KeyFigure.objects.filter(origin=Origin.PACK).prefetch_related("citations"):
        text = cited_text(figure).lower()
        assert any(form.lower() in text for form in number_forms(figure.value)), (figure.slug, figure.value)
        if figure.value_high is not None:
            assert any(form.lower() in text for form in number_forms(figure.value_high)), (
                figure.slug,
                figure.value_high,
            )


def test_every_key_quote_is_verbatim_in_the_article(imported):
    quoted = list(Leader.objects.filter(origin=Origin.PACK).exclude(key_quote=""))
    assert [leader.slug for leader in quoted] == ["ibrahim-traore"]
    for leader in quoted:
        words = leader.key_quote.strip('“”" ')
        assert words in cited_text(leader), leader.slug


def test_investigative_estimate_is_an_attributed_claim(imported):
    gold = KeyFigure.objects.filter(origin=Origin.PACK, value=Decimal("2500000000")).get()
    assert (gold.unit, gold.kind) == ("USD", StatementKind.CLAIM)


def test_all_three_kinds_of_statement_are_used(imported):
    kinds = set()
    for model in (TimelineEvent, KeyFigure, Concept, Takeaway, FaqEntry):
        kinds |= set(model.objects.values_list("kind", flat=True))
    assert kinds == {StatementKind.FACT, StatementKind.ANALYSIS, StatementKind.CLAIM}


def test_pack_content_is_published_and_plain_text(imported):
    for model in (Country, Actor, Leader, TimelineEvent, KeyFigure, Concept, Takeaway):
        for item in model.objects.filter(origin=Origin.PACK):
            assert item.status == Status.PUBLISHED
            for name in model.text_fields:
                assert "<" not in (getattr(item, name) or ""), (model.__name__, item.slug, name)
