"""The read API under /api/v1/: published content for everyone, drafts for staff who ask."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from briefings.models import ActorType, LeaderRole, SectionKind, StatementKind, Status
from tests import factories

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
READER = f"{BASE}/briefing/"


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture
def staff_client(client):
    client.force_login(factories.editor(username="edna"))
    return client


def slugs(response):
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def cite(paragraph):
    return {
        "anchor": paragraph.anchor,
        "section": paragraph.section.slug,
        "paragraph": paragraph.number,
        "label": f"{paragraph.section.title}, paragraph {paragraph.number}",
        "url": f"{READER}#{paragraph.anchor}",
        "excerpt": paragraph.text,
    }


@pytest.fixture
def wagner_paragraph():
    section = factories.SectionFactory(number=3, title="The Wagner Transition", slug="the-wagner-transition")
    return factories.ParagraphFactory(
        section=section, number=2, anchor="the-wagner-transition-p2", text="Wagner arrived in Mali in 2021."
    )


# --- Each endpoint, list and detail --------------------------------------------------------


def test_api_root_lists_every_endpoint(client):
    response = client.get("/api/v1/")

    assert response.status_code == 200
    assert response.json() == {
        name: f"{BASE}/api/v1/{name}/"
        for name in (
            "sections",
            "countries",
            "actors",
            "leaders",
            "timeline",
            "figures",
            "concepts",
            "faq",
            "sources",
            "questions",
            "quizzes",
            "attempts",
            "cohorts",
            "assignments",
        )
    }


def test_section_list_and_detail_carry_their_paragraphs_in_order(client, wagner_paragraph):
    section = wagner_paragraph.section
    first = factories.ParagraphFactory(section=section, number=1, anchor="the-wagner-transition-p1", text="First.")
    factories.SectionFactory(briefing=section.briefing, number=11, title="FAQ", slug="faq", kind=SectionKind.FAQ)
    expected = {
        "slug": "the-wagner-transition",
        "number": 3,
        "title": "The Wagner Transition",
        "kind": "body",
        "kind_label": "Body",
        "url": f"{READER}#the-wagner-transition",
        "api_url": f"{BASE}/api/v1/sections/the-wagner-transition/",
        "paragraphs": [
            {"anchor": first.anchor, "number": 1, "text": "First.", "url": f"{READER}#the-wagner-transition-p1"},
            {
                "anchor": wagner_paragraph.anchor,
                "number": 2,
                "text": "Wagner arrived in Mali in 2021.",
                "url": f"{READER}#the-wagner-transition-p2",
            },
        ],
    }

    listing = client.get("/api/v1/sections/")
    detail = client.get("/api/v1/sections/the-wagner-transition/")

    assert listing.status_code == 200
    assert listing.json()["count"] == 2
    assert listing.json()["results"][0] == expected
    assert [row["slug"] for row in listing.json()["results"]] == ["the-wagner-transition", "faq"]
    assert detail.status_code == 200
    assert detail.json() == expected


def test_leader_detail_has_country_related_people_field_kinds_and_citations(client, wagner_paragraph):
    mali = factories.CountryFactory(name="Mali", slug="mali")
    tiani = factories.LeaderFactory(name="Abdourahamane Tiani", slug="tiani", country=None)
    goita = factories.LeaderFactory(
        name="Assimi Goïta",
        slug="goita",
        rank="Colonel",
        country=mali,
        office="President of the transition",
        path_to_power="Led the coups of 2020 and 2021.",
        power_year=2021,
        background="Special forces officer.",
        outlook="Turned to Russia.",
        key_quote="“We will never go back.”",
        summary="Mali's leader.",
        kind=StatementKind.ANALYSIS,
        citations=[wagner_paragraph],
    )
    goita.related.set([tiani])

    response = client.get("/api/v1/leaders/goita/")

    assert response.status_code == 200
    assert response.json() == {
        "slug": "goita",
        "url": f"{BASE}/leaders/goita/",
        "api_url": f"{BASE}/api/v1/leaders/goita/",
        "status": "published",
        "kind": "analysis",
        "kind_label": "Author's analysis",
        "position": 0,
        "citations": [cite(wagner_paragraph)],
        "name": "Assimi Goïta",
        "rank": "Colonel",
        "role": "head",
        "role_label": "Head of state",
        "country": {"slug": "mali", "name": "Mali"},
        "office": "President of the transition",
        "path_to_power": "Led the coups of 2020 and 2021.",
        "power_year": 2021,
        "background": "Special forces officer.",
        "outlook": "Turned to Russia.",
        "key_quote": "“We will never go back.”",
        "summary": "Mali's leader.",
        "related": [{"slug": "tiani", "name": "Abdourahamane Tiani"}],
        "field_kinds": {
            "path_to_power": {"kind": "fact", "kind_label": "Reported fact"},
            "background": {"kind": "fact", "kind_label": "Reported fact"},
            "outlook": {"kind": "analysis", "kind_label": "Author's analysis"},
            "key_quote": {"kind": "claim", "kind_label": "Attributed claim"},
        },
    }


def test_leader_list_puts_heads_of_state_first_then_follows_position_and_slug(client):
    factories.LeaderFactory(slug="prigozhin", role=LeaderRole.RELATED, position=0)
    factories.LeaderFactory(slug="traore", position=1)
    factories.LeaderFactory(slug="tiani", position=2)
    factories.LeaderFactory(slug="goita", position=1)

    assert slugs(client.get("/api/v1/leaders/")) == ["goita", "traore", "tiani", "prigozhin"]


def test_timeline_event_detail_has_its_dates_countries_and_actors(client, wagner_paragraph):
    niger = factories.CountryFactory(name="Niger", slug="niger")
    aes = factories.ActorFactory(name="Alliance of Sahel States", slug="aes")
    event = factories.TimelineEventFactory(
        slug="barkhane",
        title="Operation Barkhane",
        date=datetime.date(2014, 8, 1),
        precision="month",
        end_date=datetime.date(2022, 1, 1),
        end_precision="year",
        summary="France's counter-terrorism operation.",
        citations=[wagner_paragraph],
    )
    event.countries.set([niger])
    event.actors.set([aes])

    response = client.get("/api/v1/timeline/barkhane/")

    assert response.status_code == 200
    assert response.json() == {
        "slug": "barkhane",
        "url": f"{BASE}/timeline/#barkhane",
        "api_url": f"{BASE}/api/v1/timeline/barkhane/",
        "status": "published",
        "kind": "fact",
        "kind_label": "Reported fact",
        "position": 0,
        "citations": [cite(wagner_paragraph)],
        "title": "Operation Barkhane",
        "date": "2014-08-01",
        "precision": "month",
        "end_date": "2022-01-01",
        "end_precision": "year",
        "date_label": "August 2014–2022",
        "is_span": True,
        "summary": "France's counter-terrorism operation.",
        "countries": [{"slug": "niger", "name": "Niger"}],
        "actors": [{"slug": "aes", "name": "Alliance of Sahel States"}],
    }


def test_timeline_event_that_is_not_a_span_has_no_end_precision(client):
    factories.TimelineEventFactory(slug="charter", date=datetime.date(2023, 9, 16))

    row = client.get("/api/v1/timeline/charter/").json()

    assert (row["date"], row["end_date"], row["end_precision"], row["is_span"], row["date_label"]) == (
        "2023-09-16",
        None,
        None,
        False,
        "16 September 2023",
    )


def test_timeline_lists_events_oldest_first(client):
    factories.TimelineEventFactory(slug="late", date=datetime.date(2023, 9, 16))
    factories.TimelineEventFactory(slug="early-b", date=datetime.date(2012, 1, 1), position=2)
    factories.TimelineEventFactory(slug="early-a", date=datetime.date(2012, 1, 1), position=2)
    factories.TimelineEventFactory(slug="early-first", date=datetime.date(2012, 1, 1), position=1)

    assert slugs(client.get("/api/v1/timeline/")) == ["early-first", "early-a", "early-b", "late"]


def test_key_figure_detail_has_its_display_value_country_and_actor(client, wagner_paragraph):
    mali = factories.CountryFactory(name="Mali", slug="mali")
    wagner = factories.ActorFactory(name="Wagner Group", slug="wagner", actor_type=ActorType.MERCENARY)
    factories.KeyFigureFactory(
        slug="wagner-troops",
        label="Wagner personnel in Mali",
        value=Decimal("1000"),
        unit="troops",
        qualifier="about",
        context="From 2021.",
        year=2021,
        country=mali,
        actor=wagner,
        citations=[wagner_paragraph],
    )

    response = client.get("/api/v1/figures/wagner-troops/")

    assert response.status_code == 200
    assert response.json() == {
        "slug": "wagner-troops",
        "url": f"{BASE}/figures/#wagner-troops",
        "api_url": f"{BASE}/api/v1/figures/wagner-troops/",
        "status": "published",
        "kind": "fact",
        "kind_label": "Reported fact",
        "position": 0,
        "citations": [cite(wagner_paragraph)],
        "label": "Wagner personnel in Mali",
        "value": "1000.0000",
        "value_high": None,
        "unit": "troops",
        "qualifier": "about",
        "display_value": "about 1,000 troops",
        "context": "From 2021.",
        "year": 2021,
        "country": {"slug": "mali", "name": "Mali"},
        "actor": {"slug": "wagner", "name": "Wagner Group"},
    }


def test_country_actor_concept_faq_and_source_details(client, wagner_paragraph):
    mali = factories.CountryFactory(
        name="Mali", slug="mali", regime="Military junta", coup_years="2020, 2021", summary="Founding member."
    )
    russia = factories.ActorFactory(name="Russia", slug="russia")
    actor = factories.ActorFactory(
        name="Africa Corps",
        slug="africa-corps",
        short_name="AC",
        actor_type=ActorType.ARMED_FORCE,
        summary="Russia's.",
        part_of=russia,
    )
    actor.countries.set([mali])
    factories.ConceptFactory(term="Sovereignty", slug="sovereignty", definition="Rule.", in_the_article="A mirage.")
    factories.FaqEntryFactory(question="What is the AES?", slug="what-is-the-aes", answer="A confederation.")
    factories.SourceReferenceFactory(
        title="ACLED", slug="acled", description="Conflict data.", url="https://acleddata.com/", citations=[]
    )

    country = client.get("/api/v1/countries/mali/").json()
    actor_row = client.get("/api/v1/actors/africa-corps/").json()
    concept = client.get("/api/v1/concepts/sovereignty/").json()
    faq = client.get("/api/v1/faq/what-is-the-aes/").json()
    source = client.get("/api/v1/sources/acled/").json()

    assert {key: country[key] for key in ("name", "regime", "coup_years", "summary", "url", "api_url")} == {
        "name": "Mali",
        "regime": "Military junta",
        "coup_years": "2020, 2021",
        "summary": "Founding member.",
        "url": f"{BASE}/countries/mali/",
        "api_url": f"{BASE}/api/v1/countries/mali/",
    }
    fields = ("name", "short_name", "actor_type", "actor_type_label", "countries", "part_of")
    assert {key: actor_row[key] for key in fields} == {
        "name": "Africa Corps",
        "short_name": "AC",
        "actor_type": "force",
        "actor_type_label": "Military force or operation",
        "countries": [{"slug": "mali", "name": "Mali"}],
        "part_of": {"slug": "russia", "name": "Russia"},
    }
    russia.status = Status.DRAFT
    russia.save()
    assert client.get("/api/v1/actors/africa-corps/").json()["part_of"] is None
    assert {key: concept[key] for key in ("term", "definition", "in_the_article", "kind", "kind_label", "url")} == {
        "term": "Sovereignty",
        "definition": "Rule.",
        "in_the_article": "A mirage.",
        "kind": "analysis",
        "kind_label": "Author's analysis",
        "url": f"{BASE}/glossary/#sovereignty",
    }
    assert {key: faq[key] for key in ("question", "answer", "url")} == {
        "question": "What is the AES?",
        "answer": "A confederation.",
        "url": f"{BASE}/faq/#what-is-the-aes",
    }
    assert {key: source[key] for key in ("title", "description", "link", "url", "citations")} == {
        "title": "ACLED",
        "description": "Conflict data.",
        "link": "https://acleddata.com/",
        "url": f"{BASE}/sources/#acled",
        "citations": [],
    }


@pytest.mark.parametrize(
    ("path", "factory"),
    [
        ("countries", factories.CountryFactory),
        ("actors", factories.ActorFactory),
        ("timeline", factories.TimelineEventFactory),
        ("figures", factories.KeyFigureFactory),
        ("concepts", factories.ConceptFactory),
        ("faq", factories.FaqEntryFactory),
        ("sources", factories.SourceReferenceFactory),
    ],
)
def test_lists_are_ordered_by_position_then_slug(client, path, factory):
    for slug, position in (("b-item", 1), ("c-item", 0), ("a-item", 1)):
        factory(slug=slug, position=position)

    assert slugs(client.get(f"/api/v1/{path}/")) == ["c-item", "a-item", "b-item"]


def test_citations_link_each_cited_paragraph_to_the_reader(client, wagner_paragraph):
    other = factories.ParagraphFactory(section=wagner_paragraph.section, number=5, anchor="the-wagner-transition-p5")
    factories.ConceptFactory(slug="extraction", citations=[other, wagner_paragraph])

    citations = client.get("/api/v1/concepts/extraction/").json()["citations"]

    assert [(c["anchor"], c["url"]) for c in citations] == [
        ("the-wagner-transition-p2", "http://testserver/briefing/#the-wagner-transition-p2"),
        ("the-wagner-transition-p5", "http://testserver/briefing/#the-wagner-transition-p5"),
    ]
    assert citations[0]["label"] == "The Wagner Transition, paragraph 2"


def test_citation_excerpt_is_the_start_of_a_long_paragraph(client):
    paragraph = factories.ParagraphFactory(text="word " * 60)
    factories.FaqEntryFactory(slug="long", citations=[paragraph])

    excerpt = client.get("/api/v1/faq/long/").json()["citations"][0]["excerpt"]

    assert excerpt == paragraph.excerpt
    assert excerpt.endswith("…")
    assert len(excerpt) < 160


def test_citations_to_an_unpublished_briefing_are_left_out(client):
    draft_briefing = factories.BriefingFactory(slug="next-article", status=Status.DRAFT)
    hidden = factories.ParagraphFactory(section=factories.SectionFactory(briefing=draft_briefing))
    shown = factories.ParagraphFactory()
    factories.ConceptFactory(slug="both", citations=[hidden, shown])

    citations = client.get("/api/v1/concepts/both/").json()["citations"]

    assert [c["anchor"] for c in citations] == [shown.anchor]


# --- Filters -------------------------------------------------------------------------------


@pytest.fixture
def sahel():
    """Two countries, two actors, and items linked to them."""
    mali = factories.CountryFactory(name="Mali", slug="mali")
    niger = factories.CountryFactory(name="Niger", slug="niger", kind=StatementKind.ANALYSIS)
    wagner = factories.ActorFactory(name="Wagner", slug="wagner", actor_type=ActorType.MERCENARY)
    ecowas = factories.ActorFactory(name="ECOWAS", slug="ecowas", actor_type=ActorType.REGIONAL_BODY)
    wagner.countries.set([mali])
    ecowas.countries.set([mali, niger])
    events = {
        "serval": factories.TimelineEventFactory(slug="serval", date=datetime.date(2013, 1, 11)),
        "barkhane": factories.TimelineEventFactory(
            slug="barkhane", date=datetime.date(2014, 8, 1), end_date=datetime.date(2022, 11, 9)
        ),
        "wagner-arrives": factories.TimelineEventFactory(
            slug="wagner-arrives", date=datetime.date(2021, 12, 1), kind=StatementKind.CLAIM
        ),
        "charter": factories.TimelineEventFactory(slug="charter", date=datetime.date(2023, 9, 16)),
    }
    events["serval"].countries.set([mali])
    events["barkhane"].countries.set([mali, niger])
    events["wagner-arrives"].countries.set([mali])
    events["wagner-arrives"].actors.set([wagner])
    events["charter"].actors.set([ecowas])
    factories.LeaderFactory(slug="goita", country=mali)
    factories.LeaderFactory(slug="tiani", country=niger, kind=StatementKind.CLAIM)
    factories.LeaderFactory(slug="prigozhin", country=None, role=LeaderRole.RELATED)
    factories.KeyFigureFactory(slug="troops", country=mali, actor=wagner)
    factories.KeyFigureFactory(slug="gold", country=mali, kind=StatementKind.CLAIM)
    factories.KeyFigureFactory(slug="sanctions", actor=ecowas)
    return {"mali": mali, "niger": niger, "wagner": wagner, "ecowas": ecowas, **events}


@pytest.mark.parametrize(
    ("path", "params", "expected"),
    [
        ("timeline", {"country": "mali"}, ["serval", "barkhane", "wagner-arrives"]),
        ("timeline", {"country": "niger"}, ["barkhane"]),
        ("timeline", {"actor": "wagner"}, ["wagner-arrives"]),
        ("timeline", {"country": "mali", "actor": "wagner"}, ["wagner-arrives"]),
        ("timeline", {"year_from": "2021"}, ["barkhane", "wagner-arrives", "charter"]),
        ("timeline", {"year_to": "2013"}, ["serval"]),
        ("timeline", {"year_from": "2015", "year_to": "2020"}, ["barkhane"]),
        ("timeline", {"year_from": "2023", "year_to": "2023"}, ["charter"]),
        ("timeline", {"kind": "claim"}, ["wagner-arrives"]),
        ("leaders", {"country": "niger"}, ["tiani"]),
        ("leaders", {"role": "related"}, ["prigozhin"]),
        ("leaders", {"role": "head"}, ["goita", "tiani"]),
        ("leaders", {"kind": "claim"}, ["tiani"]),
        ("actors", {"actor_type": "mercenary"}, ["wagner"]),
        ("actors", {"country": "niger"}, ["ecowas"]),
        ("actors", {"country": "mali"}, ["ecowas", "wagner"]),
        ("figures", {"country": "mali"}, ["gold", "troops"]),
        ("figures", {"actor": "ecowas"}, ["sanctions"]),
        ("figures", {"country": "mali", "kind": "claim"}, ["gold"]),
        ("countries", {"kind": "analysis"}, ["niger"]),
    ],
)
def test_filters(client, sahel, path, params, expected):
    assert slugs(client.get(f"/api/v1/{path}/", params)) == expected


@pytest.mark.parametrize(
    ("path", "factory"),
    [
        ("concepts", factories.ConceptFactory),
        ("faq", factories.FaqEntryFactory),
        ("sources", factories.SourceReferenceFactory),
    ],
)
def test_kind_filter(client, path, factory):
    factory(slug="a-fact", kind=StatementKind.FACT)
    factory(slug="a-claim", kind=StatementKind.CLAIM)
    factory(slug="an-analysis", kind=StatementKind.ANALYSIS)

    assert slugs(client.get(f"/api/v1/{path}/", {"kind": "claim"})) == ["a-claim"]


def test_section_kind_filter(client):
    body = factories.SectionFactory(slug="body-section", kind=SectionKind.BODY)
    factories.SectionFactory(briefing=body.briefing, slug="sources-section", kind=SectionKind.SOURCES)

    assert slugs(client.get("/api/v1/sections/", {"kind": "sources"})) == ["sources-section"]


def test_a_draft_country_is_no_filter_for_the_public_and_one_for_staff_reading_drafts(client, staff_client):
    hidden = factories.CountryFactory(slug="hidden", status=Status.DRAFT)
    factories.TimelineEventFactory(slug="linked").countries.set([hidden])
    factories.TimelineEventFactory(slug="linked-draft", status=Status.DRAFT).countries.set([hidden])

    response = APIClient().get("/api/v1/timeline/", {"country": "hidden"})
    assert (response.status_code, response.json()) == (
        400,
        {"country": ["No event in the timeline is about a country “hidden”."]},
    )
    assert slugs(staff_client.get("/api/v1/timeline/", {"country": "hidden", "status": "draft"})) == ["linked-draft"]


def test_filters_do_not_apply_to_a_detail(client):
    factories.ConceptFactory(slug="fact-concept", kind=StatementKind.FACT)

    assert client.get("/api/v1/concepts/fact-concept/", {"kind": "claim"}).status_code == 200


@pytest.mark.parametrize(
    ("url", "params", "errors"),
    [
        (
            "/api/v1/timeline/",
            {"year_from": "abc"},
            {"year_from": ["“From year” must be a year written in digits, such as 2014."]},
        ),
        (
            "/api/v1/timeline/",
            {"year_to": "2020.5"},
            {"year_to": ["“To year” must be a year written in digits, such as 2022."]},
        ),
        ("/api/v1/timeline/", {"year_from": "0"}, {"year_from": ["“From year” must be 1800 or later."]}),
        (
            "/api/v1/timeline/",
            {"year_to": "99999999999999999999"},
            {"year_to": ["“To year” must be 2100 or earlier."]},
        ),
        (
            "/api/v1/timeline/",
            {"year_from": "2022", "year_to": "2020"},
            {"year_to": ["The “from” year (2022) must not be after the “to” year (2020)."]},
        ),
        (
            "/api/v1/timeline/",
            {"country": "atlantis"},
            {"country": ["No event in the timeline is about a country “atlantis”."]},
        ),
        (
            "/api/v1/timeline/",
            {"contry": "mali"},
            {
                "contry": [
                    "There is no filter “contry”. The filters here are: actor, country, kind, year_from, year_to."
                ]
            },
        ),
        (
            "/api/v1/concepts/",
            {"kind": "fact", "sort": "term"},
            {"sort": ["There is no filter “sort”. The filters here are: kind."]},
        ),
        (
            "/api/v1/timeline/",
            {"kind": "rumour"},
            {"kind": ["Select a valid choice. rumour is not one of the available choices."]},
        ),
        (
            "/api/v1/timeline/",
            {"country": "not a slug"},
            {"country": ["No event in the timeline is about a country “not a slug”."]},
        ),
        (
            "/api/v1/figures/",
            {"actor": "wagner/group"},
            {"actor": ["There is no actor “wagner/group”."]},
        ),
        (
            "/api/v1/leaders/",
            {"role": "king"},
            {"role": ["Select a valid choice. king is not one of the available choices."]},
        ),
        (
            "/api/v1/actors/",
            {"actor_type": "club"},
            {"actor_type": ["Select a valid choice. club is not one of the available choices."]},
        ),
        (
            "/api/v1/sections/",
            {"kind": "appendix"},
            {"kind": ["Select a valid choice. appendix is not one of the available choices."]},
        ),
        ("/api/v1/faq/", {"status": "secret"}, {"status": ["Status must be “published” or “draft”, not “secret”."]}),
        (
            "/api/v1/faq/nope/",
            {"status": "secret"},
            {"status": ["Status must be “published” or “draft”, not “secret”."]},
        ),
    ],
)
def test_bad_filter_values_are_a_400_naming_the_parameter(client, url, params, errors):
    response = client.get(url, params)

    assert response.status_code == 400
    assert response.json() == errors


@pytest.mark.parametrize(
    "params",
    [
        {"country": "atlantis"},
        {"actor": "nobody"},
        {"contry": "mali"},
        {"year_from": "99999"},
        {"year_to": "twenty"},
        {"year_from": "2022", "year_to": "2014"},
        {"kind": "rumour"},
    ],
)
def test_the_timeline_page_and_the_api_refuse_the_same_input_with_the_same_message(client, params):
    api, page = client.get("/api/v1/timeline/", params), client.get("/timeline/", params)

    assert (api.status_code, page.status_code) == (400, 400)
    assert api.json() == {name: list(errors) for name, errors in page.context["form"].errors.items()}


def test_paging_format_and_status_are_not_unknown_parameters(client):
    factories.TimelineEventFactory(slug="one")
    params = {"page": "1", "format": "json", "status": "published", "country": "", "year_from": ""}

    assert slugs(client.get("/api/v1/timeline/", params)) == ["one"]
    assert client.get("/timeline/", params).status_code == 200


# --- Drafts --------------------------------------------------------------------------------


@pytest.fixture
def drafts():
    """One published and one draft item of every kind, and a draft briefing's section."""
    for factory in (
        factories.CountryFactory,
        factories.ActorFactory,
        factories.LeaderFactory,
        factories.TimelineEventFactory,
        factories.KeyFigureFactory,
        factories.ConceptFactory,
        factories.FaqEntryFactory,
        factories.SourceReferenceFactory,
    ):
        extra = {"country": None} if factory is factories.LeaderFactory else {}
        factory(slug="shown", citations=[], **extra)
        factory(slug="draft", status=Status.DRAFT, citations=[], **extra)
    factories.SectionFactory(slug="shown")
    draft_briefing = factories.BriefingFactory(slug="draft-briefing", status=Status.DRAFT)
    factories.SectionFactory(briefing=draft_briefing, slug="draft")


ENDPOINTS = ["sections", "countries", "actors", "leaders", "timeline", "figures", "concepts", "faq", "sources"]


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("who", ["anonymous", "student", "trainer"])
def test_drafts_are_hidden_from_everyone_but_staff(client, drafts, path, who):
    if who == "student":
        client.force_login(factories.student())
    elif who == "trainer":
        client.force_login(factories.trainer())

    assert slugs(client.get(f"/api/v1/{path}/")) == ["shown"]
    assert slugs(client.get(f"/api/v1/{path}/", {"status": "draft"})) == ["shown"]
    assert client.get(f"/api/v1/{path}/draft/").status_code == 404
    assert client.get(f"/api/v1/{path}/draft/", {"status": "draft"}).status_code == 404
    assert client.get(f"/api/v1/{path}/shown/").status_code == 200


@pytest.mark.parametrize("path", ENDPOINTS)
def test_staff_read_drafts_when_they_ask(staff_client, drafts, path):
    assert slugs(staff_client.get(f"/api/v1/{path}/")) == ["shown"]
    assert slugs(staff_client.get(f"/api/v1/{path}/", {"status": "draft"})) == ["draft"]
    assert slugs(staff_client.get(f"/api/v1/{path}/", {"status": "published"})) == ["shown"]
    assert staff_client.get(f"/api/v1/{path}/draft/", {"status": "draft"}).json()["slug"] == "draft"
    assert staff_client.get(f"/api/v1/{path}/draft/").status_code == 404


def test_draft_related_items_are_hidden_from_the_public_and_shown_to_staff_reading_drafts(client, staff_client):
    hidden_country = factories.CountryFactory(name="Atlantis", slug="atlantis", status=Status.DRAFT)
    hidden_actor = factories.ActorFactory(name="Shadow", slug="shadow", status=Status.DRAFT)
    hidden_leader = factories.LeaderFactory(name="Ghost", slug="ghost", status=Status.DRAFT)
    leader = factories.LeaderFactory(slug="shown-leader", country=hidden_country)
    leader.related.set([hidden_leader])
    factories.KeyFigureFactory(slug="shown-figure", country=hidden_country, actor=hidden_actor)
    event = factories.TimelineEventFactory(slug="shown-event")
    event.countries.set([hidden_country])
    event.actors.set([hidden_actor])
    draft_event = factories.TimelineEventFactory(slug="draft-event", status=Status.DRAFT)
    draft_event.countries.set([hidden_country])

    public_leader = client.get("/api/v1/leaders/shown-leader/").json()
    public_figure = client.get("/api/v1/figures/shown-figure/").json()
    public_event = client.get("/api/v1/timeline/shown-event/").json()
    staff_event = staff_client.get("/api/v1/timeline/draft-event/", {"status": "draft"}).json()

    assert (public_leader["country"], public_leader["related"]) == (None, [])
    assert (public_figure["country"], public_figure["actor"]) == (None, None)
    assert (public_event["countries"], public_event["actors"]) == ([], [])
    assert staff_event["countries"] == [{"slug": "atlantis", "name": "Atlantis"}]


# --- Not found, pagination -----------------------------------------------------------------


@pytest.mark.parametrize("path", ENDPOINTS)
def test_unknown_slug_is_a_404_with_a_message(client, path):
    response = client.get(f"/api/v1/{path}/no-such-thing/")

    assert response.status_code == 404
    assert set(response.json()) == {"detail"}
    assert response.json()["detail"].startswith("There is no ")
    assert response.json()["detail"].endswith(" with the slug “no-such-thing”.")


def test_404_names_the_kind_of_item(client):
    assert client.get("/api/v1/leaders/nobody/").json() == {"detail": "There is no leader with the slug “nobody”."}
    assert client.get("/api/v1/leaders/a.b/").json() == {"detail": "There is no leader with the slug “a.b”."}


def test_draft_slug_is_the_same_404_as_an_unknown_one(client):
    factories.LeaderFactory(slug="secret", status=Status.DRAFT)

    response = client.get("/api/v1/leaders/secret/")

    assert response.status_code == 404
    assert response.json() == {"detail": "There is no leader with the slug “secret”."}


def test_lists_are_paginated_fifty_to_a_page(client):
    factories.FaqEntryFactory.create_batch(51, citations=[])

    first = client.get("/api/v1/faq/").json()
    second = client.get("/api/v1/faq/", {"page": 2}).json()

    assert (first["count"], first["next"], first["previous"], len(first["results"])) == (
        51,
        f"{BASE}/api/v1/faq/?page=2",
        None,
        50,
    )
    assert (second["count"], second["next"], second["previous"], len(second["results"])) == (
        51,
        None,
        f"{BASE}/api/v1/faq/",
        1,
    )


@pytest.mark.parametrize("page", ["3", "0", "last-but-one"])
def test_a_page_that_does_not_exist_is_a_404(client, page):
    factories.FaqEntryFactory.create_batch(2, citations=[])

    response = client.get("/api/v1/faq/", {"page": page})

    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


# --- Query counts --------------------------------------------------------------------------


def _sections(n):
    briefing = factories.BriefingFactory()
    for _ in range(n):
        factories.ParagraphFactory.create_batch(2, section=factories.SectionFactory(briefing=briefing))


def _actors(n):
    for _ in range(n):
        group = factories.ActorFactory()
        factories.ActorFactory(part_of=group).countries.set([factories.CountryFactory(), factories.CountryFactory()])


def _leaders(n):
    for _ in range(n):
        factories.LeaderFactory().related.set([factories.LeaderFactory()])


def _events(n):
    for _ in range(n):
        event = factories.TimelineEventFactory()
        event.countries.set([factories.CountryFactory()])
        event.actors.set([factories.ActorFactory()])


def _figures(n):
    for _ in range(n):
        factories.KeyFigureFactory(country=factories.CountryFactory(), actor=factories.ActorFactory())


def _batch(factory):
    return lambda n: factory.create_batch(n, citations=[factories.ParagraphFactory(), factories.ParagraphFactory()])


# Per list: the count, the page of rows, then one query per prefetched relation.
QUERY_COUNTS = [
    ("sections", _sections, 3),
    ("countries", _batch(factories.CountryFactory), 3),
    ("actors", _actors, 5),
    ("leaders", _leaders, 5),
    ("timeline", _events, 5),
    ("figures", _figures, 5),
    ("concepts", _batch(factories.ConceptFactory), 3),
    ("faq", _batch(factories.FaqEntryFactory), 3),
    ("sources", _batch(factories.SourceReferenceFactory), 3),
]


@pytest.mark.parametrize(("path", "make", "queries"), QUERY_COUNTS)
@pytest.mark.parametrize("rows", [1, 6])
def test_list_query_count_does_not_grow_with_rows(client, django_assert_num_queries, path, make, queries, rows):
    make(rows)

    with django_assert_num_queries(queries):
        response = client.get(f"/api/v1/{path}/")

    assert response.status_code == 200
    assert response.json()["count"] >= rows


# --- Authentication ------------------------------------------------------------------------


def test_token_user_sees_what_the_same_user_sees_with_a_session(drafts):
    user = factories.editor(username="tokened")
    token = Token.objects.create(user=user)
    by_session, by_token = APIClient(), APIClient()
    by_session.force_login(user)
    by_token.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    for path in ENDPOINTS:
        for params in ({}, {"status": "draft"}):
            session_response = by_session.get(f"/api/v1/{path}/", params)
            token_response = by_token.get(f"/api/v1/{path}/", params)
            assert token_response.status_code == 200
            assert token_response.json() == session_response.json()
    assert slugs(by_token.get("/api/v1/leaders/", {"status": "draft"})) == ["draft"]


def test_a_student_token_does_not_unlock_drafts(drafts):
    token = Token.objects.create(user=factories.student())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    assert slugs(client.get("/api/v1/leaders/", {"status": "draft"})) == ["shown"]


def test_an_invalid_token_is_a_401_with_a_challenge(client):
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = client.get("/api/v1/leaders/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Invalid token."}


def test_the_api_only_reads(staff_client):
    factories.ConceptFactory(slug="fixed")

    assert staff_client.post("/api/v1/concepts/", {"slug": "new"}).status_code == 405
    assert staff_client.delete("/api/v1/concepts/fixed/").status_code == 405
    assert staff_client.patch("/api/v1/concepts/fixed/", {"term": "x"}).status_code == 405


# --- Search --------------------------------------------------------------------------------


def test_search_groups_published_hits_with_links_to_the_reader(client, wagner_paragraph):
    factories.LeaderFactory(
        name="Assimi Goïta", slug="goita", summary="Invited the mercenaries in.", citations=[wagner_paragraph]
    )
    factories.LeaderFactory(name="Hidden", slug="hidden", summary="Mercenaries everywhere.", status=Status.DRAFT)

    response = client.get("/api/v1/search/", {"q": "mercenaries"})

    assert response.status_code == 200
    assert response.json() == {
        "query": "mercenaries",
        "count": 1,
        "groups": [
            {
                "key": "leaders",
                "label": "Leaders",
                "total": 1,
                "hits": [
                    {
                        "title": "Assimi Goïta",
                        "snippet": "Invited the mercenaries in.",
                        "url": f"{BASE}/leaders/goita/",
                        "kind_label": "Reported fact",
                        "citation": cite(wagner_paragraph),
                    }
                ],
            }
        ],
    }


def test_search_finds_article_paragraphs(client, wagner_paragraph):
    response = client.get("/api/v1/search/", {"q": "Wagner"})

    assert response.json()["groups"] == [
        {
            "key": "paragraphs",
            "label": "Article paragraphs",
            "total": 1,
            "hits": [
                {
                    "title": "The Wagner Transition, paragraph 2",
                    "snippet": "Wagner arrived in Mali in 2021.",
                    "url": f"{READER}#the-wagner-transition-p2",
                    "kind_label": "",
                    "citation": cite(wagner_paragraph),
                }
            ],
        }
    ]


def test_search_without_a_match_is_empty(client):
    assert client.get("/api/v1/search/", {"q": "zanzibar"}).json() == {"query": "zanzibar", "count": 0, "groups": []}


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({}, {"q": ["This field is required."]}),
        ({"q": ""}, {"q": ["This field may not be blank."]}),
        ({"q": "   "}, {"q": ["Type at least one word to search for."]}),
        ({"q": "x" * 201}, {"q": ["Ensure this field has no more than 200 characters."]}),
        ({"q": "nul\x00byte"}, {"q": ["Null characters are not allowed."]}),
    ],
)
def test_search_refuses_a_missing_blank_or_too_long_query(client, params, errors):
    response = client.get("/api/v1/search/", params)

    assert response.status_code == 400
    assert response.json() == errors


def test_search_accepts_a_query_of_exactly_200_characters(client):
    response = client.get("/api/v1/search/", {"q": "y" * 200})

    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_a_faq_entry_cites_its_line_on_the_faq_page_not_in_the_reader(client):
    section = factories.SectionFactory(
        title="Frequently Asked Questions", slug="frequently-asked-questions", kind=SectionKind.FAQ
    )
    line = factories.ParagraphFactory(section=section, number=1, text="Q: What is the AES? A: A confederation.")
    factories.FaqEntryFactory(slug="what-is-the-aes", citations=[line])

    citation = client.get("/api/v1/faq/what-is-the-aes/").json()["citations"][0]

    assert (citation["anchor"], citation["url"]) == (
        "frequently-asked-questions-p1",
        f"{BASE}/faq/#frequently-asked-questions-p1",
    )
