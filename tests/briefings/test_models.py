import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from briefings.models import (
    DatePrecision,
    KeyFigure,
    Leader,
    SectionKind,
    Status,
    TimelineEvent,
    format_number,
    strip_markup,
)
from tests.factories import (
    KeyFigureFactory,
    LeaderFactory,
    ParagraphFactory,
    SectionFactory,
    TimelineEventFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1486"), "1,486"),
        (Decimal("2500000000"), "2.5 billion"),
        (Decimal("70000000"), "70 million"),
        (Decimal("1750000"), "1.75 million"),
        (Decimal("17.0000"), "17"),
        (Decimal("0.5"), "0.5"),
    ],
)
def test_format_number(value, expected):
    assert format_number(value) == expected


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"value": Decimal("2500000000"), "unit": "USD", "qualifier": "about"}, "about $2.5 billion"),
        ({"value": Decimal("20"), "value_high": Decimal("62"), "unit": "%"}, "20–62%"),
        ({"value": Decimal("5100"), "unit": "troops"}, "5,100 troops"),
        ({"value": Decimal("1400000"), "value_high": Decimal("1750000"), "unit": ""}, "1.4 million–1.75 million"),
    ],
)
def test_key_figure_display_value(fields, expected):
    assert KeyFigure(**fields).display_value == expected


def test_timeline_date_labels_follow_precision():
    assert TimelineEvent(date=datetime.date(2023, 9, 16), precision=DatePrecision.DAY).date_label == "16 September 2023"
    assert TimelineEvent(date=datetime.date(2023, 8, 1), precision=DatePrecision.MONTH).date_label == "August 2023"
    span = TimelineEvent(
        date=datetime.date(2014, 1, 1), precision="year", end_date=datetime.date(2022, 1, 1), end_precision="year"
    )
    assert (span.date_label, span.is_span) == ("2014–2022", True)


def test_timeline_end_before_start_is_invalid():
    event = TimelineEventFactory(date=datetime.date(2020, 1, 1))
    event.end_date = datetime.date(2019, 1, 1)
    with pytest.raises(ValidationError) as caught:
        event.full_clean()
    assert caught.value.message_dict["end_date"] == ["The end date cannot be before the start date."]


def test_in_years_counts_a_span_for_every_year_it_covers():
    barkhane = TimelineEventFactory(
        slug="barkhane", date=datetime.date(2014, 1, 1), precision="year", end_date=datetime.date(2022, 1, 1)
    )
    coup = TimelineEventFactory(slug="coup", date=datetime.date(2023, 7, 1), precision="month")
    assert list(TimelineEvent.objects.in_years(2018, 2019)) == [barkhane]
    assert list(TimelineEvent.objects.in_years(2022, 2023).chronological()) == [barkhane, coup]
    assert list(TimelineEvent.objects.in_years(2023, None)) == [coup]
    assert list(TimelineEvent.objects.in_years(None, 2013)) == []


def test_strip_markup_keeps_words_and_drops_tags():
    assert strip_markup('<script>alert("x")</script>Goïta <b>said</b> 5 < 6 & more') == "Goïta said 5 < 6 & more"


def test_clean_strips_markup_from_text_fields():
    leader = LeaderFactory(summary="Plain")
    leader.summary = '<img src=x onerror="alert(1)">A <em>pragmatic</em> colonel'
    leader.full_clean()
    assert leader.summary == "A pragmatic colonel"


def test_visible_to_shows_drafts_only_to_staff_who_ask():
    published = LeaderFactory(slug="pub")
    draft = LeaderFactory(slug="draft", status=Status.DRAFT)
    staff = UserFactory(is_staff=True)
    student = UserFactory()
    assert list(Leader.objects.visible_to(student, "draft")) == [published]
    assert list(Leader.objects.visible_to(staff, None)) == [published]
    assert list(Leader.objects.visible_to(staff, "draft")) == [draft]


def test_publish_and_unpublish_record_history():
    leader = LeaderFactory(status=Status.DRAFT)
    assert Leader.objects.filter(pk=leader.pk).publish() == 1
    assert Leader.objects.filter(pk=leader.pk).publish() == 0
    leader.refresh_from_db()
    assert leader.status == Status.PUBLISHED
    assert [h.status for h in leader.history.order_by("history_id")] == ["draft", "published"]
    assert Leader.objects.all().unpublish() == 1
    assert leader.history.count() == 3


def test_fingerprint_tracks_content_and_citations():
    paragraph = ParagraphFactory()
    figure = KeyFigureFactory(citations=[paragraph])
    figure.import_fingerprint = figure.content_fingerprint()
    figure.save()
    assert figure.is_edited_since_import() is False
    figure.citations.add(ParagraphFactory())
    assert figure.is_edited_since_import() is True
    figure.citations.set([paragraph])
    figure.value = Decimal("5000")
    figure.save()
    assert figure.is_edited_since_import() is True


def test_paragraph_label_anchor_and_link(client):
    section = SectionFactory(title="The Wagner Transition", slug="the-wagner-transition")
    paragraph = ParagraphFactory(section=section, number=3)
    assert paragraph.anchor == "the-wagner-transition-p3"
    assert str(paragraph.label) == "The Wagner Transition, paragraph 3"
    assert paragraph.get_absolute_url().endswith("#the-wagner-transition-p3")


def test_leader_field_kinds_are_fixed():
    assert {name: str(kind) for name, kind in Leader.FIELD_KINDS.items()} == {
        "path_to_power": "fact",
        "background": "fact",
        "outlook": "analysis",
        "key_quote": "claim",
    }


def test_a_leader_cannot_take_the_comparison_pages_slug():
    leader = LeaderFactory()
    leader.slug = "compare"
    with pytest.raises(ValidationError) as caught:
        leader.full_clean()
    assert caught.value.message_dict["slug"] == ["“compare” is the address of another page; choose another slug."]


def test_a_paragraph_links_to_the_page_that_shows_it():
    faq = ParagraphFactory(section=SectionFactory(slug="frequently-asked-questions", kind=SectionKind.FAQ), number=2)
    source = ParagraphFactory(
        section=SectionFactory(slug="sources-further-reading", kind=SectionKind.SOURCES), number=1
    )
    body = ParagraphFactory(section=SectionFactory(slug="the-wagner-transition"), number=3)
    assert [p.get_absolute_url() for p in (faq, source, body)] == [
        "/faq/#frequently-asked-questions-p2",
        "/sources/#sources-further-reading-p1",
        "/briefing/#the-wagner-transition-p3",
    ]
