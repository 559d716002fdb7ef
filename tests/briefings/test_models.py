import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone

from briefings.models import (
    Actor,
    Briefing,
    DatePrecision,
    KeyFigure,
    Leader,
    LeaderRole,
    Paragraph,
    Section,
    SectionKind,
    Status,
    TimelineEvent,
    format_number,
    shows_drafts,
    strip_markup,
)
from tests.factories import (
    ActorFactory,
    BriefingFactory,
    ConceptFactory,
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


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("&lt;img src=x onerror=alert(1)&gt;Defined", "Defined"),
        ("&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;Defined", "Defined"),
        ("<<b>script>alert(1)<</b>/script>Defined", "Defined"),
        ("Q&amp;A and Q&A", "Q&A and Q&A"),
        ("20 < 25 and 30 > 10", "20 < 25 and 30 > 10"),
        ("x &lt; y and y &gt; z", "x < y and y > z"),
        ("Tom &amp; Jerry, caf&eacute;", "Tom & Jerry, café"),
    ],
)
def test_strip_markup_never_turns_entities_back_into_a_tag(text, plain):
    assert strip_markup(text) == plain
    # Plain text: stripping it again changes nothing, so no tag is left in it.
    assert strip_markup(plain) == plain


def test_clean_strips_a_tag_written_with_entities():
    concept = ConceptFactory(definition="Plain")
    concept.definition = "Sovereignty: &lt;img src=x onerror=alert(1)&gt;the state's Q&amp;A, 20 < 25."
    concept.full_clean()
    assert concept.definition == "Sovereignty: the state's Q&A, 20 < 25."


def test_clean_refuses_a_required_text_that_is_only_markup():
    concept = ConceptFactory(definition="Plain")
    concept.definition = "&lt;img src=x onerror=alert(1)&gt;"
    with pytest.raises(ValidationError) as error:
        concept.full_clean()
    assert error.value.message_dict == {
        "definition": ["This holds only markup, which is removed: write it as plain text."]
    }
    concept.in_the_article = "<b></b>"
    concept.definition = "Defined."
    concept.full_clean()
    assert concept.in_the_article == ""


def _request(user, **params):
    request = RequestFactory().get("/", params)
    request.user = user
    return request


def test_only_staff_who_ask_see_drafts():
    staff, student = UserFactory(is_staff=True), UserFactory()
    assert shows_drafts(_request(staff, status="draft")) is True
    assert shows_drafts(_request(staff)) is False
    assert shows_drafts(_request(staff, status="published")) is False
    assert shows_drafts(_request(student, status="draft")) is False
    assert shows_drafts(_request(AnonymousUser(), status="draft")) is False


def test_visible_rows_are_the_published_ones_or_every_one_for_drafts():
    published = LeaderFactory(slug="pub")
    draft = LeaderFactory(slug="draft", status=Status.DRAFT)
    assert list(Leader.objects.visible()) == [published]
    assert sorted(Leader.objects.visible(drafts=True), key=lambda leader: leader.slug) == [draft, published]


def test_sections_and_paragraphs_are_visible_when_their_briefing_is_published():
    shown = ParagraphFactory(section=SectionFactory(briefing=BriefingFactory(slug="shown")))
    hidden = ParagraphFactory(section=SectionFactory(briefing=BriefingFactory(slug="hidden", status=Status.DRAFT)))
    assert list(Paragraph.objects.visible()) == [shown]
    assert list(Section.objects.visible()) == [shown.section]
    assert set(Paragraph.objects.visible(drafts=True)) == {shown, hidden}


def test_the_current_briefing_is_the_visible_one_imported_last():
    now = timezone.now()
    BriefingFactory(slug="older", title="A first", imported_at=now - datetime.timedelta(days=2))
    newer = BriefingFactory(slug="newer", title="Z second", imported_at=now - datetime.timedelta(days=1))
    draft = BriefingFactory(slug="draft", title="B draft", imported_at=now, status=Status.DRAFT)
    assert Briefing.objects.current() == newer
    assert Briefing.objects.current(drafts=True) == draft


def test_a_draft_links_to_its_preview():
    leader = LeaderFactory(slug="goita")
    concept = ConceptFactory(slug="mirage", status=Status.DRAFT)
    assert leader.get_absolute_url() == "/leaders/goita/"
    assert concept.get_absolute_url() == "/glossary/?status=draft#mirage"
    assert BriefingFactory(slug="draft", status=Status.DRAFT).get_absolute_url() == "/briefing/?status=draft"


@pytest.mark.parametrize(("year", "valid"), [(1799, False), (1800, True), (2100, True), (2101, False), (99999, False)])
def test_years_are_bounded_on_the_models(year, valid):
    for item in (KeyFigureFactory(year=2020), LeaderFactory(power_year=2020)):
        field = "year" if isinstance(item, KeyFigure) else "power_year"
        setattr(item, field, year)
        if valid:
            item.full_clean()
        else:
            with pytest.raises(ValidationError) as caught:
                item.full_clean()
            assert list(caught.value.message_dict) == [field]


def test_heads_of_state_come_first_whatever_their_position():
    related = LeaderFactory(slug="a-related", role=LeaderRole.RELATED, position=0)
    head = LeaderFactory(slug="z-head", role=LeaderRole.HEAD_OF_STATE, position=5)
    assert list(Leader.objects.heads_first()) == [head, related]


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


def test_paragraph_label_and_link():
    section = SectionFactory(title="The Wagner Transition", slug="the-wagner-transition")
    paragraph = ParagraphFactory(section=section, number=3, anchor="wagner-3")
    assert str(paragraph.label) == "The Wagner Transition, paragraph 3"
    assert paragraph.get_absolute_url() == "/briefing/#wagner-3"


def test_leader_profile_fields_carry_their_kind_and_value():
    leader = LeaderFactory(path_to_power="A coup.", background="", outlook="Pragmatic.", key_quote="“Quote.”")
    assert [(f["name"], f["kind"], f["value"]) for f in leader.profile_fields()] == [
        ("path_to_power", "fact", "A coup."),
        ("background", "fact", ""),
        ("outlook", "analysis", "Pragmatic."),
        ("key_quote", "claim", "“Quote.”"),
    ]
    assert [str(f["label"]) for f in leader.profile_fields()] == [
        "how they came to power",
        "background",
        "outlook toward Russia and the West",
        "key quote",
    ]


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


def test_default_orderings_join_no_other_table():
    """Every citation prefetch and section list would otherwise join the parents just to sort."""
    for queryset in (Section.objects.all(), Paragraph.objects.all(), Leader.objects.all()):
        assert " JOIN " not in str(queryset.query), queryset.model


def test_citations_are_in_article_order():
    first = SectionFactory(number=1, slug="first")
    second = SectionFactory(briefing=first.briefing, number=2, slug="second")
    late = ParagraphFactory(section=second, number=1, anchor="second-1")
    early = ParagraphFactory(section=first, number=2, anchor="first-2")
    leader = LeaderFactory(citations=[late, early])
    assert [p.anchor for p in Leader.objects.with_citations().get(pk=leader.pk).citations.all()] == [
        "first-2",
        "second-1",
    ]


# --- Actors within larger groups (issue 6, section 4) ---------------------------------------------


def test_an_actor_cannot_contain_itself_directly_or_through_its_groups():
    russia = ActorFactory(name="Russia")
    wagner = ActorFactory(name="Wagner Group", part_of=russia)
    russia.part_of = russia
    with pytest.raises(ValidationError) as caught:
        russia.full_clean()
    assert caught.value.message_dict["part_of"] == [
        "“Russia” is already part of this actor; a group cannot contain itself."
    ]
    russia.part_of = wagner
    with pytest.raises(ValidationError) as caught:
        russia.full_clean()
    assert caught.value.message_dict["part_of"] == [
        "“Wagner Group” is already part of this actor; a group cannot contain itself."
    ]


def test_groups_nest_at_most_three_levels_deep():
    top = ActorFactory()
    chain = [top]
    for _ in range(3):
        chain.append(ActorFactory(part_of=chain[-1]))
    chain[-1].full_clean()  # three levels below the top: allowed
    too_deep = ActorFactory.build(name="Deeper", slug="deeper", actor_type=chain[-1].actor_type, part_of=chain[-1])
    with pytest.raises(ValidationError) as caught:
        too_deep.full_clean()
    assert caught.value.message_dict["part_of"] == ["Groups can be nested at most 3 levels deep."]
    # Putting the whole chain under another group is refused too.
    top.part_of = ActorFactory()
    with pytest.raises(ValidationError) as caught:
        top.full_clean()
    assert caught.value.message_dict["part_of"] == ["Groups can be nested at most 3 levels deep."]


def test_within_and_involving_follow_groups_to_any_allowed_depth():
    russia = ActorFactory(slug="russia")
    mod = ActorFactory(slug="mod", part_of=russia)
    corps = ActorFactory(slug="corps", part_of=mod)
    unit = ActorFactory(slug="unit", part_of=corps)
    ActorFactory(slug="france")
    assert set(Actor.objects.within(russia).values_list("slug", flat=True)) == {"russia", "mod", "corps", "unit"}
    assert set(Actor.objects.within(corps.pk).values_list("slug", flat=True)) == {"corps", "unit"}
    event = TimelineEventFactory(slug="deep")
    event.actors.set([unit, corps])
    assert list(TimelineEvent.objects.involving(russia)) == [event]  # once, though two of its actors match
    assert list(TimelineEvent.objects.involving(Actor.objects.get(slug="france"))) == []


def test_actors_in_the_timeline_count_their_groups_published_events_only():
    russia = ActorFactory(slug="russia")
    wagner = ActorFactory(slug="wagner", part_of=russia)
    lonely = ActorFactory(slug="lonely")
    TimelineEventFactory().actors.set([wagner])
    TimelineEventFactory(status=Status.DRAFT).actors.set([lonely])
    assert set(Actor.objects.in_timeline().values_list("slug", flat=True)) == {"russia", "wagner"}


def test_actors_by_shown_name():
    ActorFactory(name="Wagner Group", short_name="Wagner", slug="a")
    ActorFactory(name="Alliance of Sahel States", short_name="AES", slug="b")
    ActorFactory(name="africa Corps", short_name="", slug="c")
    assert [actor.shown_name for actor in Actor.objects.by_shown_name()] == ["AES", "africa Corps", "Wagner"]


def test_part_of_counts_in_the_fingerprint_only_when_set():
    russia = ActorFactory(slug="russia")
    wagner = ActorFactory(slug="wagner")
    before = wagner.content_fingerprint()
    wagner.part_of = None
    assert wagner.content_fingerprint() == before  # fingerprints stored before the field existed still match
    wagner.part_of = russia
    assert wagner.content_fingerprint() != before
