"""The student pages: full pages, htmx partials, filters, provenance, security headers and the size budget."""

import datetime
import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone
from django.views import defaults
from pytest_django.asserts import assertInHTML

from briefings.actions import import_briefing
from briefings.models import (
    Actor,
    ActorType,
    Briefing,
    Country,
    DatePrecision,
    LeaderRole,
    SectionKind,
    StatementKind,
    Status,
)
from tests.factories import (
    ActorFactory,
    BriefingFactory,
    ConceptFactory,
    CountryFactory,
    FaqEntryFactory,
    KeyFigureFactory,
    LeaderFactory,
    ParagraphFactory,
    SectionFactory,
    SourceReferenceFactory,
    TakeawayFactory,
    TimelineEventFactory,
    editor,
    student,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _numbers_clear_of_explicit_ones():
    """Sections made on the side (for citations) get numbers far from the ones tests set."""
    SectionFactory.reset_sequence(1000)


def html_of(response):
    return response.content.decode()


def get(client, url, *, htmx=False, status=200, **params):
    response = client.get(url, params, **(HTMX if htmx else {}))
    assert response.status_code == status, html_of(response)[:2000]
    return response


def assert_partial(html, opening):
    """An htmx partial: no page around it, and it starts where the partial starts."""
    assert "<html" not in html
    assert "<!doctype" not in html.lower()
    assert 'class="site-header"' not in html
    assert html.strip().startswith(opening), html.strip()[:200]


@pytest.fixture
def paragraph():
    section = SectionFactory(number=3, title="The Wagner Transition", slug="the-wagner-transition")
    return ParagraphFactory(section=section, number=3, anchor="the-wagner-transition-p3", text="Wagner arrived.")


CITATION = '<a href="/briefing/#the-wagner-transition-p3">The Wagner Transition, paragraph 3</a>'


def kind_label(kind, label):
    """A kind label: a link to what the label means on the labels help page."""
    return (
        f'<a class="kind kind-{kind}" href="/help/labels/#kind-{kind}"><span class="visually-hidden">Kind of statement: '
        f'</span>{label}<span class="visually-hidden"> (what does this label mean?)</span></a>'
    )


FACT = kind_label("fact", "Reported fact")
ANALYSIS = kind_label("analysis", "Author&#x27;s analysis")
CLAIM = kind_label("claim", "Attributed claim")


# --- Home ---------------------------------------------------------------------------------------


def test_home_links_to_every_section_and_country(client):
    BriefingFactory(title="The Sahel's Sovereignty Mirage", standfirst="Three juntas, one alliance.")
    CountryFactory(name="Mali", slug="mali")
    CountryFactory(name="Hidden", slug="hidden", status=Status.DRAFT)
    response = get(client, "/")
    html = html_of(response)
    assert [country.slug for country in response.context["countries"]] == ["mali"]
    assertInHTML("<h1>Sahel Learn</h1>", html)
    assertInHTML('<h2 id="start-reading"><a href="/briefing/">The Sahel&#x27;s Sovereignty Mirage</a></h2>', html)
    for url in ("/leaders/", "/timeline/", "/figures/", "/actors/", "/glossary/", "/faq/", "/sources/", "/search/"):
        assert f'<a href="{url}">' in html
    assertInHTML('<a href="/countries/mali/">Mali</a>', html)
    assert "Hidden" not in html


def test_header_shows_the_signed_in_user_and_a_sign_out_form(client):
    client.force_login(student(username="amina"))
    html = html_of(get(client, "/"))
    assert "Signed in as <strong>amina</strong>" in html
    assert re.search(
        r'<form method="post" action="/accounts/logout/" class="inline-form">'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]+">'
        r'<button type="submit" class="button-link">Sign out</button></form>',
        html,
    )
    assert "Sign in</a>" not in html


def test_header_offers_sign_in_to_visitors(client):
    html = html_of(get(client, "/timeline/"))
    assert '<a href="/accounts/login/?next=/timeline/">Sign in</a>' in html


# --- Reader -------------------------------------------------------------------------------------


def test_reader_shows_body_sections_as_cards_with_takeaways_and_anchored_paragraphs(client, paragraph):
    section = paragraph.section
    ParagraphFactory(section=section, number=4, anchor="the-wagner-transition-p4", text="Then Africa Corps.")
    TakeawayFactory(section=section, slug="wagner-stays", text="Wagner stayed as Africa Corps.", citations=[paragraph])
    TakeawayFactory(
        section=section, slug="draft-takeaway", text="Not ready yet.", status=Status.DRAFT, citations=[paragraph]
    )
    faq = SectionFactory(number=11, title="Frequently Asked Questions", slug="faq-section", kind=SectionKind.FAQ)
    ParagraphFactory(section=faq, number=1, anchor="faq-section-p1", text="Q: Hidden from the reader?")

    response = get(client, "/briefing/")
    html = html_of(response)
    sections = list(response.context["sections"])
    assert [s.slug for s in sections] == ["the-wagner-transition"]
    assert [t.slug for t in sections[0].takeaways.all()] == ["wagner-stays"]
    assert [p.anchor for p in sections[0].paragraphs.all()] == ["the-wagner-transition-p3", "the-wagner-transition-p4"]
    assertInHTML('<li><a href="#the-wagner-transition">The Wagner Transition</a></li>', html)
    assert (
        '<section class="card briefing-card" id="the-wagner-transition" aria-labelledby="the-wagner-transition-title">'
        in html
    )
    assertInHTML(
        '<h2 id="the-wagner-transition-title"><span class="section-number">3.</span> The Wagner Transition</h2>', html
    )
    assertInHTML(
        '<li class="takeaway" id="wagner-stays"><p>Wagner stayed as Africa Corps.</p><div class="provenance">'
        f'{FACT}<p class="cite">From: {CITATION}</p></div></li>',
        html,
    )
    assertInHTML(
        '<p class="paragraph" id="the-wagner-transition-p3"><a class="paragraph-link" href="#the-wagner-transition-p3">'
        '<span class="visually-hidden">Paragraph </span>3</a> Wagner arrived.</p>',
        html,
    )
    assert html.index('id="the-wagner-transition-p3"') < html.index('id="the-wagner-transition-p4"')
    assert "Not ready yet." not in html
    assert "Hidden from the reader?" not in html
    assert 'href="#faq-section"' not in html


def test_reader_says_the_article_names_no_author_outlet_or_date(client, paragraph):
    assert (paragraph.section.briefing.author, paragraph.section.briefing.outlet) == ("", "")
    assert paragraph.section.briefing.published_on is None
    html = html_of(get(client, "/briefing/"))
    assert '<p class="byline">The article does not name its author, outlet or date.</p>' in html


def test_reader_shows_what_an_editor_recorded_of_author_outlet_and_date(client, paragraph):
    briefing = paragraph.section.briefing
    briefing.author, briefing.outlet, briefing.published_on = "A. Writer", "Sahel Review", datetime.date(2025, 3, 4)
    briefing.save()
    html = html_of(get(client, "/briefing/"))
    assert '<p class="byline">By A. Writer · Sahel Review · <time datetime="2025-03-04">4 March 2025</time></p>' in html
    assert "does not name its author" not in html


def test_reader_shows_only_the_origin_fields_that_are_known(client, paragraph):
    briefing = paragraph.section.briefing
    briefing.outlet = "Sahel Review"
    briefing.save()
    assert '<p class="byline">Sahel Review</p>' in html_of(get(client, "/briefing/"))


def test_reader_links_the_first_takeaways_to_what_the_labels_mean(client, paragraph):
    TakeawayFactory(section=paragraph.section, slug="wagner-stays", citations=[paragraph])
    html = html_of(get(client, "/briefing/"))
    assert (
        '<h3>Key takeaways</h3>\n        <p class="help-link"><a href="/help/labels/">What do these labels mean?</a></p>'
        in html
    )


def test_reader_is_404_until_a_briefing_is_published(client):
    BriefingFactory(status=Status.DRAFT)
    html = html_of(get(client, "/briefing/", status=404))
    assert "<h1>We can't find that page</h1>" in html


# --- Leaders ------------------------------------------------------------------------------------


@pytest.fixture
def heads(paragraph):
    mali = CountryFactory(name="Mali", slug="mali")
    leaders = {
        "goita": LeaderFactory(
            name="Assimi Goïta",
            slug="assimi-goita",
            position=1,
            rank="Colonel",
            country=mali,
            office="Leader of Mali's junta",
            power_year=2021,
            path_to_power="Led the coups of 2020 and 2021.",
            background="Trained by American special forces.",
            outlook="Pragmatic, transactional.",
            key_quote="",
            citations=[paragraph],
        ),
        "traore": LeaderFactory(
            name="Ibrahim Traoré",
            slug="ibrahim-traore",
            position=2,
            rank="Captain",
            country=CountryFactory(name="Burkina Faso", slug="burkina-faso"),
            office="President of Burkina Faso",
            path_to_power="Seized power in 2022.",
            background="Frontline combat in northern Mali.",
            outlook="Sincerely anti-Western.",
            key_quote="“Western influence in Africa is fundamentally exploitative.”",
            citations=[paragraph],
        ),
        "tchiani": LeaderFactory(
            name="Abdourahamane Tchiani", slug="abdourahamane-tchiani", position=3, rank="General"
        ),
        "sankara": LeaderFactory(
            name="Thomas Sankara", slug="thomas-sankara", role=LeaderRole.RELATED, country=None, rank=""
        ),
        "draft": LeaderFactory(name="Draft Person", slug="draft-person", status=Status.DRAFT),
    }
    leaders["traore"].related.set([leaders["sankara"], leaders["goita"], leaders["draft"]])
    return leaders


def test_leader_list_groups_heads_of_state_and_related_figures(client, heads):
    response = get(client, "/leaders/")
    html = html_of(response)
    assert [leader.slug for leader in response.context["leaders"]] == [
        "assimi-goita",
        "ibrahim-traore",
        "abdourahamane-tchiani",
        "thomas-sankara",
    ]
    assertInHTML('<h2 id="leaders-1">Head of state</h2>', html)
    assertInHTML('<h2 id="leaders-2">Related figure</h2>', html)
    assert html.index("Assimi Goïta") < html.index('id="leaders-2"') < html.index("Thomas Sankara")
    assertInHTML('<h3><a href="/leaders/ibrahim-traore/">Ibrahim Traoré</a></h3>', html)
    assertInHTML(
        '<p class="meta">Captain · President of Burkina Faso · <a href="/countries/burkina-faso/">Burkina Faso</a></p>',
        html,
    )
    assertInHTML(f'<div class="provenance">{FACT}<p class="cite">From: {CITATION}</p></div>', html, count=2)
    assertInHTML('<a class="button" href="/leaders/compare/">Compare the three heads of state</a>', html)


def test_leader_profile_shows_each_field_with_its_kind_and_the_quote_as_a_quote(client, heads):
    response = get(client, "/leaders/ibrahim-traore/")
    html = html_of(response)
    assert sorted(person.slug for person in response.context["leader"].related.all()) == [
        "assimi-goita",
        "thomas-sankara",
    ]
    assertInHTML('<h1 id="leader-name">Ibrahim Traoré</h1>', html)
    assertInHTML("<div><dt>Rank or title</dt><dd>Captain</dd></div>", html)
    assertInHTML('<div><dt>Country</dt><dd><a href="/countries/burkina-faso/">Burkina Faso</a></dd></div>', html)
    assert re.search(r'<h2 id="field-path_to_power">How they came to power</h2>\s*' + re.escape(FACT), html)
    assert re.search(r'<h2 id="field-background">Background</h2>\s*' + re.escape(FACT), html)
    assert re.search(r'<h2 id="field-outlook">Outlook toward Russia and the West</h2>\s*' + re.escape(ANALYSIS), html)
    assert re.search(r'<h2 id="field-key_quote">Key quote</h2>\s*' + re.escape(CLAIM), html)
    assert re.search(
        r"<blockquote><p>“Western influence in Africa is fundamentally exploitative.”</p></blockquote>\s*"
        r"<figcaption>— Ibrahim Traoré</figcaption>",
        html,
    )
    assertInHTML('<a href="/leaders/thomas-sankara/">Thomas Sankara</a>', html)
    assertInHTML('<a href="/leaders/assimi-goita/">Assimi Goïta</a>', html)
    assert "Draft Person" not in html
    assertInHTML(f'<p class="cite">From: {CITATION}</p>', html)


def test_leader_profile_leaves_out_empty_fields(client, heads):
    html = html_of(get(client, "/leaders/assimi-goita/"))
    assertInHTML('<h2 id="field-outlook">Outlook toward Russia and the West</h2>', html)
    assertInHTML('<h2 id="field-key_quote">Key quote</h2>', html, count=0)
    assert "<blockquote>" not in html


def test_draft_and_unknown_leaders_are_404(client, heads):
    get(client, "/leaders/draft-person/", status=404)
    get(client, "/leaders/nobody/", status=404)


def test_comparison_is_a_table_of_the_heads_of_state_row_by_row(client, heads):
    response = get(client, "/leaders/compare/")
    html = html_of(response)
    assert [leader.slug for leader in response.context["leaders"]] == [
        "assimi-goita",
        "ibrahim-traore",
        "abdourahamane-tchiani",
    ]
    assert [(row["name"], row["kind"]) for row in response.context["rows"]] == [
        ("path_to_power", "fact"),
        ("background", "fact"),
        ("outlook", "analysis"),
        ("key_quote", "claim"),
    ]
    assert '<div class="table-scroll" role="region" aria-labelledby="comparison-caption" tabindex="0">' in html
    header = re.search(r"<thead>\s*<tr>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r'<th scope="col" id="([\w-]+)">', header) == [
        "assimi-goita",
        "ibrahim-traore",
        "abdourahamane-tchiani",
    ]
    assert "Thomas Sankara" not in html and "Draft Person" not in html
    leader = '<span class="compare-leader">{}</span>'.format
    goita, traore, tchiani = (leader(name) for name in ("Assimi Goïta", "Ibrahim Traoré", "Abdourahamane Tchiani"))
    assertInHTML(
        f'<tr><th scope="row">Rank or title</th><td>{goita}Colonel</td><td>{traore}Captain</td>'
        f"<td>{tchiani}General</td></tr>",
        html,
    )
    assertInHTML(
        f'<tr><th scope="row">Came to power</th><td>{goita}2021</td><td>{traore}2021</td><td>{tchiani}2021</td></tr>',
        html,
    )
    assert re.search(r'<th scope="row">Outlook toward Russia and the West ' + re.escape(ANALYSIS) + "</th>", html)
    assert re.search(r'<th scope="row">Key quote ' + re.escape(CLAIM) + "</th>", html)
    assertInHTML(
        f'<td>{traore}<figure class="quote"><blockquote><p>“Western influence in Africa is fundamentally exploitative.”</p>'
        "</blockquote><figcaption>— Ibrahim Traoré</figcaption></figure></td>",
        html,
    )
    assertInHTML(f"<td>{traore}<p>Sincerely anti-Western.</p></td>", html)
    assert html.count('<th scope="row">') == 9


def test_bazoums_old_address_redirects_to_the_one_without_the_first_name_the_article_never_gives(client):
    LeaderFactory(name="Bazoum", slug="bazoum", role=LeaderRole.RELATED)
    response = client.get("/leaders/mohamed-bazoum/")
    assert (response.status_code, response["Location"]) == (301, "/leaders/bazoum/")
    assert get(client, "/leaders/bazoum/").context["leader"].name == "Bazoum"


# --- Timeline -----------------------------------------------------------------------------------


@pytest.fixture
def events(paragraph):
    mali = Country.objects.filter(slug="mali").first() or CountryFactory(name="Mali", slug="mali")
    niger = CountryFactory(name="Niger", slug="niger")
    wagner = ActorFactory(name="Wagner Group", short_name="Wagner", slug="wagner", actor_type=ActorType.MERCENARY)
    barkhane_force = ActorFactory(name="Operation Barkhane", short_name="Barkhane", slug="operation-barkhane")
    made = {
        "barkhane": TimelineEventFactory(
            title="Operation Barkhane",
            slug="operation-barkhane",
            date=datetime.date(2014, 1, 1),
            precision=DatePrecision.YEAR,
            end_date=datetime.date(2022, 1, 1),
            end_precision=DatePrecision.YEAR,
            citations=[paragraph],
        ),
        "coup": TimelineEventFactory(
            title="Coup in Mali", slug="mali-coup", date=datetime.date(2020, 1, 1), precision=DatePrecision.YEAR
        ),
        "wagner": TimelineEventFactory(
            title="Wagner arrives",
            slug="wagner-arrives",
            date=datetime.date(2021, 12, 1),
            precision=DatePrecision.MONTH,
        ),
        "niger": TimelineEventFactory(title="Coup in Niger", slug="niger-coup", date=datetime.date(2023, 7, 26)),
        "draft": TimelineEventFactory(
            title="Draft event", slug="draft-event", date=datetime.date(2021, 1, 1), status=Status.DRAFT
        ),
    }
    made["barkhane"].actors.set([barkhane_force])
    made["coup"].countries.set([mali])
    made["wagner"].countries.set([mali])
    made["wagner"].actors.set([wagner])
    made["niger"].countries.set([niger])
    made["draft"].countries.set([mali])
    return made


def titles(html):
    return re.findall(
        r'<li class="event[^"]*" id="[^"]+">\s*<p class="event-date">.*?</p>\s*<div class="card">\s*<h3>(.*?)</h3>',
        html,
        re.S,
    )


def test_timeline_lists_published_events_in_order_and_draws_spans(client, events):
    response = get(client, "/timeline/")
    html = html_of(response)
    assert [event.slug for event in response.context["events"]] == [
        "operation-barkhane",
        "mali-coup",
        "wagner-arrives",
        "niger-coup",
    ]
    assert titles(html) == ["Operation Barkhane", "Coup in Mali", "Wagner arrives", "Coup in Niger"]
    assert (
        '<li class="event event-span" id="operation-barkhane">\n'
        '  <p class="event-date"><span class="span-tag">Period</span> 2014–2022</p>'
    ) in html
    assert '<li class="event" id="wagner-arrives">\n  <p class="event-date">December 2021</p>' in html
    assertInHTML('<p class="event-date">26 July 2023</p>', html)
    assertInHTML(f'<div class="provenance">{FACT}<p class="cite">From: {CITATION}</p></div>', html)
    assertInHTML('<a class="tag" href="/actors/wagner/">Wagner</a>', html)
    assertInHTML("<h2>4 events</h2>", html)


def test_timeline_form_works_without_javascript_and_with_htmx(client, events):
    html = html_of(get(client, "/timeline/"))
    assert (
        '<form class="filters card" method="get" action="/timeline/" hx-get="/timeline/" hx-trigger="submit, change" '
        'hx-target="#timeline-results" hx-push-url="true" hx-indicator="#timeline-loading"'
    ) in html
    assert '<button type="submit">Show events</button>' in html
    assert '<label for="id_country">Country</label><select name="country" id="id_country">' in html
    assertInHTML('<option value="" selected>All countries</option>', html)
    assertInHTML('<option value="mali">Mali</option>', html)
    assertInHTML('<option value="wagner">Wagner</option>', html)
    assertInHTML(
        '<input type="number" name="year_from" inputmode="numeric" placeholder="any" min="1800" max="2100" '
        'id="id_year_from">',
        html,
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "mali"}, ["Coup in Mali", "Wagner arrives"]),
        ({"actor": "wagner"}, ["Wagner arrives"]),
        ({"country": "mali", "actor": "wagner"}, ["Wagner arrives"]),
        ({"year_from": "2021", "year_to": "2022"}, ["Operation Barkhane", "Wagner arrives"]),
        ({"year_from": "2022"}, ["Operation Barkhane", "Coup in Niger"]),
        ({"year_to": "2013"}, []),
        ({"year_from": "2015", "year_to": "2016"}, ["Operation Barkhane"]),
        (
            {"country": "", "actor": "", "year_from": "", "year_to": ""},
            ["Operation Barkhane", "Coup in Mali", "Wagner arrives", "Coup in Niger"],
        ),
    ],
)
def test_timeline_filters(client, events, params, expected):
    response = get(client, "/timeline/", **params)
    html = html_of(response)
    assert [event.title for event in response.context["events"]] == expected
    assert titles(html) == expected
    if not expected:
        assert "No published event matches these filters." in html


def test_timeline_filter_keeps_its_values_in_the_form(client, events):
    html = html_of(get(client, "/timeline/", country="mali", year_from="2020"))
    assertInHTML('<option value="mali" selected>Mali</option>', html)
    assert 'name="year_from" value="2020"' in html


def test_timeline_partial_under_htmx(client, events):
    response = get(client, "/timeline/", htmx=True, country="niger")
    html = html_of(response)
    assert_partial(html, "<h2>1 event</h2>")
    assert titles(html) == ["Coup in Niger"]
    assert "<form" not in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year_from": "abc"}, "“From year” must be a year written in digits, such as 2014."),
        ({"year_to": "20x2"}, "“To year” must be a year written in digits, such as 2022."),
        ({"year_from": "1066"}, "“From year” must be 1800 or later."),
        ({"year_to": "3000"}, "“To year” must be 2100 or earlier."),
        ({"country": "atlantis"}, "No event in the timeline is about a country “atlantis”."),
        ({"actor": "nobody"}, "No event in the timeline involves an actor “nobody”."),
        ({"country": "not a slug"}, "No event in the timeline is about a country “not a slug”."),
        (
            {"country": "x" * 500},
            "No event in the timeline is about a country “xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…”.",
        ),
        ({"kind": "rumour"}, "Select a valid choice. rumour is not one of the available choices."),
        (
            {"contry": "mali"},
            "There is no filter “contry”. The filters here are: actor, country, kind, year_from, year_to.",
        ),
        ({"year_from": "2022", "year_to": "2014"}, "The “from” year (2022) must not be after the “to” year (2014)."),
    ],
)
def test_bad_timeline_filters_are_a_400_with_a_clear_message(client, events, params, message):
    html = html_of(get(client, "/timeline/", status=400, **params))
    assert '<div class="alert" role="alert"><p><strong>Please check the filters:</strong></p>' in html
    assert f"<li>{message}</li>" in html.replace("&#x27;", "'").replace("&quot;", '"')
    assert '<a href="/timeline/">Show the whole timeline</a>' in html
    assert titles(html) == []

    partial = html_of(get(client, "/timeline/", htmx=True, status=400, **params))
    assert_partial(partial, '<div class="alert" role="alert">')
    assert f"<li>{message}</li>" in partial


def test_a_draft_country_is_not_a_timeline_filter(client, events):
    CountryFactory(name="Draftland", slug="draftland", status=Status.DRAFT)
    html = html_of(get(client, "/timeline/", status=400, country="draftland"))
    assert "<li>No event in the timeline is about a country “draftland”.</li>" in html
    assert "Draftland" not in html


# --- Figures, actors, countries, glossary, sources ------------------------------------------------


def test_figure_list(client, paragraph):
    mali = CountryFactory(name="Mali", slug="mali")
    KeyFigureFactory(
        label="Wagner personnel in Mali",
        slug="wagner-personnel",
        value=1000,
        unit="personnel",
        qualifier="approximately",
        context="Stayed on as Africa Corps.",
        year=2021,
        country=mali,
        kind=StatementKind.CLAIM,
        citations=[paragraph],
    )
    KeyFigureFactory(label="Draft figure", status=Status.DRAFT)
    response = get(client, "/figures/")
    html = html_of(response)
    assert [figure.slug for figure in response.context["figures"]] == ["wagner-personnel"]
    assert '<li class="card figure" id="wagner-personnel">' in html
    assertInHTML('<p class="figure-value">approximately 1,000 personnel</p>', html)
    assertInHTML("<h2>Wagner personnel in Mali</h2>", html)
    assertInHTML(
        '<p class="tags"><span class="tag">2021</span> <a class="tag" href="/countries/mali/">Mali</a></p>', html
    )
    assertInHTML(f'<div class="provenance">{CLAIM}<p class="cite">From: {CITATION}</p></div>', html)


def test_actor_list_and_detail(client, events, paragraph):
    html = html_of(get(client, "/actors/"))
    assertInHTML('<h2><a href="/actors/wagner/">Wagner Group</a> <span class="abbr">(Wagner)</span></h2>', html)
    assertInHTML('<p class="meta">Mercenary or paramilitary group</p>', html)

    ActorFactory(name="Draft actor", slug="draft-actor", status=Status.DRAFT)
    assert [actor.slug for actor in get(client, "/actors/").context["actors"]] == ["operation-barkhane", "wagner"]
    get(client, "/actors/draft-actor/", status=404)

    KeyFigureFactory(
        label="Wagner gold", slug="wagner-gold", actor=events["wagner"].actors.get(), citations=[paragraph]
    )
    response = get(client, "/actors/wagner/")
    detail = html_of(response)
    assert [figure.slug for figure in response.context["actor"].figures.all()] == ["wagner-gold"]
    assertInHTML('<h1 id="actor-name">Wagner Group <span class="abbr">(Wagner)</span></h1>', detail)
    assert titles(detail) == ["Wagner arrives"]
    assertInHTML("<h3>Wagner gold</h3>", detail)
    assert '<a class="tag" href="/countries/mali/">Mali</a>' not in detail.split('id="actor-events"')[0]


def test_country_page_gathers_its_leaders_figures_events_and_actors(client, events, paragraph):
    mali = events["coup"].countries.get()
    LeaderFactory(name="Assimi Goïta", slug="assimi-goita", country=mali, citations=[paragraph])
    LeaderFactory(name="Hidden Leader", slug="hidden-leader", country=mali, status=Status.DRAFT)
    KeyFigureFactory(label="Civilian deaths", slug="civilian-deaths", country=mali)
    actor = ActorFactory(name="FAMa", slug="fama")
    actor.countries.set([mali])
    response = get(client, "/countries/mali/")
    html = html_of(response)
    country = response.context["country"]
    assert [leader.slug for leader in country.leaders.all()] == ["assimi-goita"]
    assert [event.slug for event in country.events.all()] == ["mali-coup", "wagner-arrives"]
    assert [actor.slug for actor in country.actors.all()] == ["fama"]
    assertInHTML('<h1 id="country-name">Mali</h1>', html)
    assertInHTML('<h3><a href="/leaders/assimi-goita/">Assimi Goïta</a></h3>', html)
    assertInHTML("<h3>Civilian deaths</h3>", html)
    assert titles(html) == ["Coup in Mali", "Wagner arrives"]
    assertInHTML('<h3><a href="/actors/fama/">FAMa</a></h3>', html)
    assertInHTML('<a href="/timeline/?country=mali">Mali on the timeline</a>', html)
    get(client, "/countries/atlantis/", status=404)


def test_glossary(client, paragraph):
    ConceptFactory(
        term="Sovereignty mirage",
        slug="sovereignty-mirage",
        definition="Independence that depends on someone else.",
        in_the_article="The title's thesis.",
        citations=[paragraph],
    )
    ConceptFactory(term="Draft concept", status=Status.DRAFT)
    response = get(client, "/glossary/")
    html = html_of(response)
    assert [concept.slug for concept in response.context["concepts"]] == ["sovereignty-mirage"]
    assertInHTML('<li><a href="#sovereignty-mirage">Sovereignty mirage</a></li>', html)
    assert '<div class="card" id="sovereignty-mirage">\n      <dt>Sovereignty mirage</dt>' in html
    assertInHTML("<p><strong>In the article:</strong> The title&#x27;s thesis.</p>", html)
    assertInHTML(f'<div class="provenance">{ANALYSIS}<p class="cite">From: {CITATION}</p></div>', html)


def test_background_is_labelled_and_claims_no_citation(client, paragraph):
    ConceptFactory(
        term="Equilibrium (game theory)",
        slug="game-theory-equilibrium",
        definition="A state in which no player gains by changing strategy alone.",
        kind=StatementKind.BACKGROUND,
        citations=[],
    )
    html = html_of(get(client, "/glossary/"))
    background = kind_label("background", "Background, not from the article")
    assert f'{background}<p class="cite">Not from the article: no paragraph to cite.</p>' in html
    assert "no paragraph cited yet" not in html


def test_labels_help_explains_every_kind_and_the_editors_rules(client):
    response = get(client, "/help/labels/")
    html = html_of(response)
    assert response.templates[0].name == "briefings/labels_help.html"
    assert '<h1 id="help-title">What the labels mean</h1>' in html
    for kind in StatementKind.values:
        bare = f'<span class="kind kind-{kind}"><span class="visually-hidden">Kind of statement: </span>'
        assert f'<div id="kind-{kind}">\n        <dt>{bare}' in html, kind
        assert f'href="/help/labels/#kind-{kind}"' in html  # the footer's legend still links to each
    for rule in ("rule-one-kind", "rule-hedges", "rule-named-sources", "rule-same-label", "rule-background"):
        assert f'<li id="{rule}">' in html
    assert "Global Terrorism Index 2024" in html


def test_every_page_footer_links_to_what_the_labels_mean(client):
    html = html_of(get(client, "/timeline/"))
    assert '<a href="/help/labels/">What do these labels mean?</a>' in html


def test_the_admin_links_to_the_labelling_rules(admin_client):
    html = html_of(get(admin_client, "/admin/"))
    assert '<a href="/help/labels/">Labelling rules</a> /' in html


def test_sources_link_out_and_carry_the_anchor_of_their_paragraph(client):
    section = SectionFactory(number=12, title="Sources & Further Reading", slug="sources", kind=SectionKind.SOURCES)
    cited = ParagraphFactory(section=section, number=2, anchor="sources-p2", text="- ACLED - conflict data")
    SourceReferenceFactory(
        title="ACLED", slug="acled", description="conflict data", url="https://acleddata.com/", citations=[cited]
    )
    SourceReferenceFactory(title="Draft source", status=Status.DRAFT)
    response = get(client, "/sources/")
    html = html_of(response)
    assert [source.slug for source in response.context["sources"]] == ["acled"]
    assert (
        '<li class="card" id="acled">\n      <span class="anchor" id="sources-p2"></span>\n'
        '      <h2><a href="https://acleddata.com/" rel="external noopener noreferrer">ACLED</a></h2>'
    ) in html
    assertInHTML('<a href="/sources/#sources-p2">Sources &amp; Further Reading, paragraph 2</a>', html)


# --- FAQ ------------------------------------------------------------------------------------------


@pytest.fixture
def faqs():
    section = SectionFactory(number=11, title="Frequently Asked Questions", slug="faq", kind=SectionKind.FAQ)
    first = ParagraphFactory(section=section, number=1, anchor="faq-p1", text="Q: What is the AES?")
    second = ParagraphFactory(section=section, number=2, anchor="faq-p2", text="Q: What happened to Wagner?")
    FaqEntryFactory(
        question="What is the Alliance of Sahel States?", slug="what-is-the-aes", answer="A pact.", citations=[first]
    )
    FaqEntryFactory(
        question="What happened to the Wagner Group?",
        slug="wagner-after-prigozhin",
        answer="It became Africa Corps.",
        citations=[second],
    )
    FaqEntryFactory(question="Draft question?", slug="draft-question", status=Status.DRAFT, citations=[second])


def test_faq_is_an_accordion_whose_citations_land_on_the_page(client, faqs):
    response = get(client, "/faq/")
    html = html_of(response)
    assert [entry.slug for entry in response.context["entries"]] == ["wagner-after-prigozhin", "what-is-the-aes"]
    assert re.search(
        r'<details class="card" id="what-is-the-aes">\s*<summary>What is the Alliance of Sahel States\?</summary>\s*'
        r'<div class="answer">\s*<span class="anchor" id="faq-p1"></span>\s*<p>A pact.</p>',
        html,
    )
    assertInHTML('<a href="/faq/#faq-p1">Frequently Asked Questions, paragraph 1</a>', html)
    assert html.count('id="faq-p2"') == 1


def test_faq_filter_form_is_live_under_htmx_and_works_without_it(client, faqs):
    html = html_of(get(client, "/faq/"))
    assert (
        '<form class="filters card" method="get" action="/faq/" role="search" hx-get="/faq/" hx-target="#faq-results" '
        'hx-push-url="true" hx-indicator="#faq-loading">'
    ) in html
    assert (
        '<label for="id_q">Filter the questions</label><input type="search" name="q" id="id_q" value="" maxlength="200" '
        'autocomplete="off" spellcheck="false" hx-get="/faq/" hx-trigger="input changed delay:300ms, search" '
        'hx-sync="closest form:replace">'
    ) in html
    assert '<div id="faq-results" class="results" aria-live="polite">' in html
    assert '<button type="submit">Filter</button>' in html


def test_faq_filter(client, faqs):
    response = get(client, "/faq/", q="wagner")
    html = html_of(response)
    assert [entry.slug for entry in response.context["entries"]] == ["wagner-after-prigozhin"]
    assertInHTML('<p class="result-count">1 question matches “wagner”.</p>', html)
    assert '<details class="card" id="wagner-after-prigozhin" open>' in html
    assert 'value="wagner"' in html

    partial = html_of(get(client, "/faq/", htmx=True, q="africa corps"))
    assert_partial(partial, '<p class="result-count">1 question matches “africa corps”.</p>')
    assert "It became Africa Corps." in partial

    none = html_of(get(client, "/faq/", htmx=True, q="zebra"))
    assertInHTML('<p class="result-count">0 questions match “zebra”.</p>', none)
    assertInHTML("<p>No question matches. Try fewer or different words.</p>", none)


def test_faq_with_an_unknown_parameter_is_a_400_naming_it(client, faqs):
    response = get(client, "/faq/", status=400, q="wagner", question="wagner")
    assert response.context["form"].errors == {"question": ["There is no filter “question”. The filters here are: q."]}
    assertInHTML("<li>There is no filter “question”. The filters here are: q.</li>", html_of(response))
    assert response.context["entries"] == []


def test_faq_filter_that_is_too_long_is_a_400(client, faqs):
    html = html_of(get(client, "/faq/", status=400, q="x" * 201))
    assertInHTML("<li>Keep the search to 200 characters or fewer.</li>", html)
    assert "<details" not in html


# --- Search ---------------------------------------------------------------------------------------


def test_search_page_without_a_query(client):
    html = html_of(get(client, "/search/"))
    assert (
        '<div id="search-results" class="results" aria-live="polite" hx-target="#search-results" hx-push-url="true">'
    ) in html
    assert "Type a name, a place, an idea or a number: results appear as you type." in html
    assert (
        '<input type="search" name="q" id="id_q" value="" maxlength="200" autocomplete="off" spellcheck="false" '
        'hx-get="/search/" hx-trigger="input changed delay:300ms, search" hx-sync="closest form:replace" '
        'hx-include="closest form">'
    ) in html


def test_search_finds_published_content_with_kind_and_citation(client, paragraph):
    LeaderFactory(
        name="Ibrahim Traoré", slug="ibrahim-traore", summary="Models himself on Sankara.", citations=[paragraph]
    )
    LeaderFactory(name="Sankara Draft", slug="sankara-draft", summary="Sankara hidden.", status=Status.DRAFT)
    html = html_of(get(client, "/search/", q="Sankara"))
    assert "<title>Search: Sankara · Sahel Learn</title>" in html
    assert '<p class="result-count">1 result for “Sankara”.</p>' in html
    assert '<h2 id="results-leaders">Leaders <span class="count">(1)</span></h2>' in html
    assert '<h3><a href="/leaders/ibrahim-traore/">Ibrahim Traoré</a></h3>' in html
    assert "<p>Models himself on <mark>Sankara</mark>.</p>" in html
    assert f'<div class="provenance">{FACT}<p class="cite">From: {CITATION}</p></div>' in html
    assert "Sankara Draft" not in html


def test_search_partial_under_htmx(client, paragraph):
    html = html_of(get(client, "/search/", htmx=True, q="Wagner arrived"))
    assert_partial(html, '<p class="result-count">1 result for “Wagner arrived”.</p>')
    assert '<h2 id="results-paragraphs">Article paragraphs <span class="count">(1)</span></h2>' in html
    assert '<h3><a href="/briefing/#the-wagner-transition-p3">The Wagner Transition, paragraph 3</a></h3>' in html
    # A paragraph hit is its own citation: its label is printed once.
    assert html.count("The Wagner Transition, paragraph 3") == 1


def test_search_with_no_match_and_with_a_bad_query(client):
    assert "Nothing matches. Try fewer words, or another spelling." in html_of(get(client, "/search/", q="zzzz"))
    html = html_of(get(client, "/search/", htmx=True, status=400, q="y" * 300))
    assert_partial(html, '<div class="alert" role="alert"><p><strong>Please check your search:</strong></p>')
    assert "<li>Keep the search to 200 characters or fewer.</li>" in html


# --- Drafts: one rule for every page, and staff previews -------------------------------------------

BANNER = (
    '<div class="draft-banner" role="status"><p><strong>Draft preview: not visible to students.</strong> '
    "This page shows drafts beside the published content; each draft is marked “Draft”.</p></div>"
)


def test_an_unpublished_country_or_actor_vanishes_from_every_page(client):
    import_briefing(article_path=settings.BRIEFING_SOURCE, pack_dir=settings.BRIEFING_PACK, publish=True)
    pages = ["/leaders/", "/leaders/compare/", "/leaders/assimi-goita/", "/figures/", "/timeline/"]
    before = {url: html_of(get(client, url)) for url in pages}
    for url in pages:
        assert 'href="/countries/mali/"' in before[url], url
    assert 'href="/actors/wagner-group/"' in before["/figures/"]

    Country.objects.filter(slug="mali").unpublish()
    Actor.objects.filter(slug="wagner-group").unpublish()

    for url in [*pages, "/actors/", "/countries/niger/"]:
        html = html_of(get(client, url))
        assert 'href="/countries/mali/"' not in html, url
        assert 'href="/actors/wagner-group/"' not in html, url
    profile = get(client, "/leaders/assimi-goita/")
    assert profile.context["leader"].country is None
    assertInHTML("<dt>Country</dt>", html_of(profile), count=0)
    compare = get(client, "/leaders/compare/")
    assert {leader.slug: leader.country for leader in compare.context["leaders"]}["assimi-goita"] is None
    figures = get(client, "/figures/").context["figures"]
    assert [f for f in figures if f.actor and f.actor.slug == "wagner-group"] == []
    get(client, "/countries/mali/", status=404)
    get(client, "/actors/wagner-group/", status=404)


def test_an_unpublished_briefing_is_cited_by_no_page(client, paragraph):
    LeaderFactory(name="Assimi Goïta", slug="assimi-goita", citations=[paragraph])
    ConceptFactory(term="Mirage", slug="mirage", citations=[paragraph])
    Briefing.objects.update(status=Status.DRAFT)

    for url, name in (("/leaders/", "leaders"), ("/glossary/", "concepts")):
        response = get(client, url)
        assert [list(item.citations.all()) for item in response.context[name]] == [[]], url
        assertInHTML(CITATION, html_of(response), count=0)
        assertInHTML('<p class="cite">From: no paragraph cited yet</p>', html_of(response))
    get(client, "/briefing/", status=404)


def test_the_reader_shows_the_briefing_imported_last_not_the_first_by_title(client):
    now = timezone.now()
    BriefingFactory(slug="older", title="A is first by title", imported_at=now - datetime.timedelta(days=1))
    newer = BriefingFactory(slug="newer", title="Z is imported last", imported_at=now)
    BriefingFactory(
        slug="draft", title="B is a draft", imported_at=now + datetime.timedelta(days=1), status=Status.DRAFT
    )

    assert get(client, "/briefing/").context["briefing"] == newer
    assert get(client, "/").context["briefing"] == newer


@pytest.fixture
def drafts(paragraph):
    return {
        "leader": LeaderFactory(name="Draft Leader", slug="draft-leader", status=Status.DRAFT, citations=[paragraph]),
        "concept": ConceptFactory(term="Draft concept", slug="draft-concept", status=Status.DRAFT),
        "published": ConceptFactory(term="Published concept", slug="published-concept"),
    }


def test_view_on_site_of_a_draft_gives_staff_a_preview_under_a_banner(client, drafts):
    client.force_login(editor())
    leader_url = drafts["leader"].get_absolute_url()
    assert leader_url == "/leaders/draft-leader/?status=draft"

    html = html_of(get(client, leader_url))
    assertInHTML(BANNER, html)
    assertInHTML('<h1 id="leader-name">Draft Leader</h1>', html)
    assertInHTML('<span class="draft-tag">Draft</span>', html)

    glossary = get(client, drafts["concept"].get_absolute_url().split("#")[0])
    assert [concept.slug for concept in glossary.context["concepts"]] == ["draft-concept", "published-concept"]
    assertInHTML(BANNER, html_of(glossary))
    assertInHTML('<span class="draft-tag">Draft</span>', html_of(glossary), count=1)


def test_only_staff_who_ask_see_a_draft(client, drafts):
    def preview(url):
        return client.get(url, {"status": "draft"})

    def glossary_slugs(response):
        assert response.status_code == 200
        assertInHTML(BANNER, html_of(response), count=0)
        return [concept.slug for concept in response.context["concepts"]]

    for who in (None, student()):
        if who:
            client.force_login(who)
        assert preview("/leaders/draft-leader/").status_code == 404
        assert glossary_slugs(preview("/glossary/")) == ["published-concept"]

    client.force_login(editor())
    assert client.get("/leaders/draft-leader/").status_code == 404
    assert glossary_slugs(client.get("/glossary/")) == ["published-concept"]


# --- Query counts: the same for one row as for many -----------------------------------------------


def _count(client, django_assert_num_queries, url, expected, **params):
    with django_assert_num_queries(expected):
        get(client, url, **params)


@pytest.mark.parametrize(
    ("url", "factory", "expected"),
    [
        # The leaders, their citations, their visible countries.
        ("/leaders/", lambda: LeaderFactory(), 3),
        ("/leaders/compare/", lambda: LeaderFactory(), 3),
        ("/timeline/", lambda: TimelineEventFactory(), 6),
        # The figures, their citations, their visible countries and actors.
        ("/figures/", lambda: KeyFigureFactory(country=CountryFactory(), actor=ActorFactory()), 4),
        ("/actors/", lambda: ActorFactory(), 3),
        ("/glossary/", lambda: ConceptFactory(), 2),
        ("/faq/", lambda: FaqEntryFactory(), 2),
        ("/sources/", lambda: SourceReferenceFactory(), 2),
        # The briefing with where reading by card starts, the countries.
        ("/", lambda: CountryFactory(), 2),
    ],
)
def test_list_pages_have_a_fixed_query_count(client, django_assert_num_queries, url, factory, expected):
    factory()
    _count(client, django_assert_num_queries, url, expected)
    for _ in range(4):
        factory()
    _count(client, django_assert_num_queries, url, expected)


def test_timeline_with_filters_has_a_fixed_query_count(client, django_assert_num_queries, events):
    mali = events["coup"].countries.get()
    params = {"country": "mali", "actor": "wagner", "year_from": "2014", "year_to": "2024"}
    # The select's countries and actors are read once each, for the check of the value and the options.
    _count(client, django_assert_num_queries, "/timeline/", 6, **params)
    for number in range(4):
        event = TimelineEventFactory(date=datetime.date(2021, 1, number + 1))
        event.countries.set([mali])
        event.actors.set(events["wagner"].actors.all())
    _count(client, django_assert_num_queries, "/timeline/", 6, **params)


def test_reader_has_a_fixed_query_count(client, django_assert_num_queries, paragraph):
    TakeawayFactory(section=paragraph.section)
    _count(client, django_assert_num_queries, "/briefing/", 5)
    for number in range(4):
        section = SectionFactory(number=20 + number, slug=f"more-{number}")
        ParagraphFactory.create_batch(3, section=section)
        TakeawayFactory.create_batch(2, section=section)
    _count(client, django_assert_num_queries, "/briefing/", 5)


def test_detail_pages_have_a_fixed_query_count(client, django_assert_num_queries, events, paragraph):
    mali = events["coup"].countries.get()
    wagner = events["wagner"].actors.get()
    leader = LeaderFactory(slug="goita", country=mali)
    leader.related.set([LeaderFactory()])
    KeyFigureFactory(country=mali, actor=wagner)
    ActorFactory().countries.set([mali])
    # A figure's country and actor, and a leader's, are prefetched (visible ones only): one query each.
    _count(client, django_assert_num_queries, "/leaders/goita/", 4)
    _count(client, django_assert_num_queries, "/countries/mali/", 14)
    _count(client, django_assert_num_queries, "/actors/wagner/", 12)  # 13 for an actor part of a group
    leader.related.set(LeaderFactory.create_batch(3))
    for _ in range(3):
        LeaderFactory(country=mali)
        KeyFigureFactory(country=mali, actor=wagner)
        event = TimelineEventFactory()
        event.countries.set([mali])
        event.actors.set([wagner])
        ActorFactory().countries.set([mali])
    _count(client, django_assert_num_queries, "/leaders/goita/", 4)
    _count(client, django_assert_num_queries, "/countries/mali/", 14)
    _count(client, django_assert_num_queries, "/actors/wagner/", 12)  # 13 for an actor part of a group


def test_search_has_a_fixed_query_count(client, django_assert_num_queries):
    # One per kind of content, then the hits' citation links and their paragraphs (once for all groups).
    ConceptFactory(term="Legitimacy one")
    _count(client, django_assert_num_queries, "/search/", 8 + 2, q="legitimacy")
    ConceptFactory.create_batch(4, definition="More legitimacy.")
    _count(client, django_assert_num_queries, "/search/", 8 + 2, q="legitimacy")


# --- htmx switching, history, Vary ----------------------------------------------------------------


def test_htmx_history_restore_gets_the_whole_page(client, events):
    response = client.get(
        "/timeline/", {"country": "mali"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    html = html_of(response)
    assert html.startswith("<!doctype html>")
    assert '<div id="timeline-results" class="results">' in html


@pytest.mark.parametrize("url", ["/timeline/", "/faq/", "/search/"])
def test_pages_that_htmx_swaps_vary_on_hx_request(client, url, paragraph):
    response = get(client, url)
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/briefing/",
        "/leaders/",
        "/leaders/compare/",
        "/leaders/ibrahim-traore/",
        "/figures/",
        "/actors/",
        "/actors/wagner/",
        "/countries/mali/",
        "/glossary/",
        "/sources/",
    ],
)
def test_pages_that_nothing_swaps_have_no_partial_and_no_vary(client, everything, url):
    response = get(client, url, htmx=True)
    assert html_of(response).startswith("<!doctype html>")
    assert "HX-Request" not in response.get("Vary", "")


@pytest.mark.parametrize("url", ["/", "/briefing/", "/leaders/ibrahim-traore/", "/timeline/", "/search/?q=wagner"])
def test_reading_pages_answer_head_as_get_and_refuse_post(client, everything, url):
    get_response, head_response = client.get(url), client.head(url)
    assert (head_response.status_code, head_response.content) == (200, b"")
    assert head_response["Content-Type"] == get_response["Content-Type"]
    assert client.post(url).status_code == 405


# --- Security, markup hygiene, assets ---------------------------------------------------------------


@pytest.fixture
def everything(paragraph, heads, events, faqs):
    KeyFigureFactory(label="Troops", slug="troops")
    ConceptFactory(term="Mirage", slug="mirage")
    SourceReferenceFactory(title="ACLED", slug="acled", url="https://acleddata.com/")
    TakeawayFactory(section=paragraph.section, slug="one-takeaway")


ALL_PAGES = [
    "/",
    "/briefing/",
    "/leaders/",
    "/leaders/compare/",
    "/leaders/ibrahim-traore/",
    "/timeline/",
    "/timeline/?year_from=abc",
    "/figures/",
    "/actors/",
    "/actors/wagner/",
    "/countries/mali/",
    "/glossary/",
    "/faq/",
    "/faq/?q=wagner",
    "/sources/",
    "/search/",
    "/search/?q=wagner",
    "/accounts/login/",
    "/no-such-page/",
]


def assert_no_inline_code(html, url):
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
    assert "<style" not in html, url
    assert not re.search(r"\sstyle=", html), url
    assert not re.search(r"\son[a-z]+=", html), url
    assert "hx-on" not in html, url
    assert "javascript:" not in html, url


def test_pages_have_no_inline_scripts_styles_or_handlers(client, everything):
    for url in ALL_PAGES:
        response = client.get(url)
        assert response.status_code in (200, 400, 404), url
        assert_no_inline_code(html_of(response), url)
        partial = client.get(url, **HTMX)
        assert_no_inline_code(html_of(partial), url)


def test_pages_send_a_strict_content_security_policy(client, everything):
    for url in ALL_PAGES:
        policy = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in policy, url
        assert "script-src 'self'" in policy, url
        assert "style-src 'self'" in policy, url
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url


def test_htmx_comes_bundled_and_is_configured_for_the_policy(client):
    html = html_of(get(client, "/"))
    assert re.findall(r"<script[^>]*>", html) == [
        '<script src="/static/js/htmx-swaps.js" defer>',
        '<script src="/static/django_htmx/htmx-2.min.js" defer>',
    ]
    assert (
        '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false, "allowEval": false, '
        '"allowScriptTags": false, "refreshOnHistoryMiss": true, "responseHandling": ['
    ) in html
    assert '{"code": "400", "swap": true, "error": false}' in html
    assert '<link rel="stylesheet" href="/static/css/sahel.css">' in html
    assert re.search(r'<body hx-headers=\'\{"X-CSRFToken": "[A-Za-z0-9]+"\}\'>', html)
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in html
    assert '<main id="main" class="wrap" tabindex="-1">' in html


@override_settings(DEBUG=True)
def test_in_debug_django_htmx_adds_its_error_helper_script(client):
    scripts = re.findall(r"<script[^>]*>", html_of(get(client, "/")))
    assert scripts == [
        '<script src="/static/js/htmx-swaps.js" defer>',
        '<script src="/static/django_htmx/htmx-2.min.js" defer>',
        '<script src="/static/django_htmx/django-htmx.js" data-debug="True" defer>',
    ]


def test_first_load_of_the_heaviest_page_fits_the_budget(client):
    import_briefing(article_path=settings.BRIEFING_SOURCE, pack_dir=settings.BRIEFING_PACK, publish=True)
    assets = 0
    for name in ("css/sahel.css", "js/htmx-swaps.js", "django_htmx/htmx-2.min.js"):
        assets += len(gzip.compress(Path(finders.find(name)).read_bytes()))
    pages = [
        "/",
        "/briefing/",
        "/leaders/",
        "/leaders/compare/",
        "/leaders/ibrahim-traore/",
        "/timeline/",
        "/figures/",
        "/actors/",
        "/glossary/",
        "/faq/",
        "/sources/",
        "/search/?q=russia",
    ]
    pages += [reverse("briefings:country-detail", args=[slug]) for slug in ("mali", "burkina-faso", "niger")]
    sizes = {url: len(gzip.compress(get(client, url).content)) for url in pages}
    heaviest = max(sizes, key=sizes.get)
    assert sizes[heaviest] + assets < 60 * 1024, (heaviest, sizes[heaviest], assets)


def test_every_citation_of_the_real_content_lands_on_an_element_of_its_page(client):
    import_briefing(article_path=settings.BRIEFING_SOURCE, pack_dir=settings.BRIEFING_PACK, publish=True)
    pages = {url: html_of(get(client, url)) for url in ("/briefing/", "/faq/", "/sources/")}
    for url in ("/timeline/", "/figures/", "/glossary/", "/actors/", "/leaders/", "/faq/", "/sources/", "/briefing/"):
        html = pages.get(url) or html_of(get(client, url))
        links = re.findall(r'<a href="(/briefing/|/faq/|/sources/)#([\w-]+)">[^<]+, paragraph \d+</a>', html)
        assert links, url
        for page, anchor in links:
            assert f'id="{anchor}"' in pages[page], (url, page, anchor)


# --- Accounts and error pages ---------------------------------------------------------------------


def test_sign_in_and_out(client):
    student(username="amina")
    login = html_of(get(client, "/accounts/login/"))
    assert '<label for="id_username">Username</label>' in login
    assert '<label for="id_password">Password</label>' in login
    response = client.post("/accounts/login/", {"username": "amina", "password": "correct horse battery staple"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Signed in as <strong>amina</strong>" in html_of(get(client, "/"))
    logged_out = client.post("/accounts/logout/")
    assert logged_out.status_code == 200
    assert "<h1>You have signed out</h1>" in html_of(logged_out)
    assert '<a class="button" href="/accounts/login/">Sign in again</a>' in html_of(logged_out)
    assert "Signed in as" not in html_of(get(client, "/"))


def test_a_wrong_password_is_explained(client):
    student(username="amina")
    response = client.post("/accounts/login/", {"username": "amina", "password": "nope"})
    assert response.status_code == 200
    assert '<div class="alert" role="alert"><p>Please enter a correct username and password.' in html_of(response)


def test_friendly_error_pages():
    request = RequestFactory().get("/somewhere/")
    request.user = None
    not_found = defaults.page_not_found(request, Exception("nope")).content.decode()
    assert "<h1>We can't find that page</h1>" in not_found
    denied = defaults.permission_denied(request, PermissionDenied()).content.decode()
    assert "<h1>You can't open this page</h1>" in denied
    bad = defaults.bad_request(request, SuspiciousOperation()).content.decode()
    assert "<h1>We couldn't understand that request</h1>" in bad
    broken = defaults.server_error(request)
    assert broken.status_code == 500
    assert "<h1>Something went wrong on our side</h1>" in broken.content.decode()
    assert_no_inline_code(broken.content.decode(), "500")


def test_an_unknown_address_gets_the_sites_404_page(client):
    html = html_of(get(client, "/no-such-page/", status=404))
    assert "<h1>We can't find that page</h1>" in html
    assert '<link rel="stylesheet" href="/static/css/sahel.css">' in html
    assert "URLconf" not in html


def test_csrf_failure_page_is_ours_and_has_no_inline_styles():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "a", "password": "b"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>This form has expired</h1>" in html
    assert "style=" not in html and "<style" not in html


def test_favicon_is_served_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"


# === Briefing cards, the countries list, breadcrumbs, the comparison on phones, the timeline's choices ===
# (issue 6, section 4; kept together so that the rewrites of the assertions above do not collide with it)


@pytest.fixture
def article():
    """A published briefing of three body sections, then its FAQ and Sources."""
    briefing = BriefingFactory()
    sections = {
        slug: SectionFactory(briefing=briefing, number=number, title=title, slug=slug, kind=kind)
        for number, (slug, title, kind) in enumerate(
            [
                ("the-sovereignty-mirage", "The Sovereignty Mirage", SectionKind.BODY),
                ("the-wagner-transition", "The Wagner Transition", SectionKind.BODY),
                ("the-honest-assessment", "The Honest Assessment", SectionKind.BODY),
                ("frequently-asked-questions", "Frequently Asked Questions", SectionKind.FAQ),
                ("sources-further-reading", "Sources & Further Reading", SectionKind.SOURCES),
            ],
            start=1,
        )
    }
    paragraphs = {
        f"{slug}-p{number}": ParagraphFactory(section=section, number=number, anchor=f"{slug}-p{number}")
        for slug, section in sections.items()
        for number in (1, 2)
    }
    return sections, paragraphs


def test_section_card_shows_takeaways_paragraphs_and_what_cites_it(client, article):
    sections, paragraphs = article
    wagner_p1, wagner_p2 = paragraphs["the-wagner-transition-p1"], paragraphs["the-wagner-transition-p2"]
    faq_p1 = paragraphs["frequently-asked-questions-p1"]
    TakeawayFactory(
        section=sections["the-wagner-transition"],
        slug="only-the-letterhead",
        text="Only the letterhead changed.",
        kind=StatementKind.ANALYSIS,
        citations=[wagner_p1, faq_p1],
    )
    TakeawayFactory(section=sections["the-wagner-transition"], slug="draft", text="Not yet.", status=Status.DRAFT)
    leader = LeaderFactory(name="Yevgeny Prigozhin", rank="", slug="yevgeny-prigozhin", citations=[wagner_p1])
    event = TimelineEventFactory(
        title="Prigozhin dies",
        slug="prigozhin-death",
        date=datetime.date(2023, 8, 1),
        precision=DatePrecision.MONTH,
        citations=[wagner_p1, wagner_p2, paragraphs["the-honest-assessment-p1"]],
    )
    figure = KeyFigureFactory(
        label="Wagner personnel", value=1000, qualifier="about", slug="wagner-personnel", citations=[wagner_p2]
    )
    concept = ConceptFactory(term="Security service", slug="security-service", citations=[wagner_p2])
    actor = ActorFactory(name="Wagner Group", slug="wagner-group", citations=[wagner_p1])
    country = CountryFactory(name="Mali", slug="mali", citations=[wagner_p1])
    ActorFactory(name="Draft actor", status=Status.DRAFT, citations=[wagner_p1])
    ConceptFactory(term="Elsewhere", citations=[paragraphs["the-honest-assessment-p2"]])

    response = get(client, "/briefing/the-wagner-transition/")
    html = html_of(response)

    assert response.context["section"] == sections["the-wagner-transition"]
    assert response.context["position"] == 2
    assert response.context["previous"] == sections["the-sovereignty-mirage"]
    assert response.context["next"] == sections["the-honest-assessment"]
    assert response.context["sections"][:3] == [
        sections[slug] for slug in ("the-sovereignty-mirage", "the-wagner-transition", "the-honest-assessment")
    ]
    assert "<title>The Wagner Transition · Sahel Learn</title>" in html
    assert html.count("<h1") == 1
    assert '<h1 id="section-title"><span class="section-number">2.</span> The Wagner Transition</h1>' in html
    # A takeaway's citation of a paragraph on this card stays on the card; one elsewhere goes to its page.
    assert (
        '<li class="takeaway" id="only-the-letterhead"><p>Only the letterhead changed.</p><div class="provenance">'
        f'{ANALYSIS}<p class="cite">From: <a href="#the-wagner-transition-p1">The Wagner Transition, paragraph 1</a>; '
        '<a href="/faq/#frequently-asked-questions-p1">Frequently Asked Questions, paragraph 1</a></p></div></li>'
    ) in html
    assert "Not yet." not in html
    assert (
        f'<p class="paragraph" id="the-wagner-transition-p2"><a class="paragraph-link" href="#the-wagner-transition-p2">'
        f'<span class="visually-hidden">Paragraph </span>2</a> {wagner_p2.text}</p>'
    ) in html
    assert paragraphs["the-honest-assessment-p1"].text not in html
    assert [(group["id"], group["items"]) for group in response.context["groups"]] == [
        ("cited-by-leaders", [leader]),
        ("cited-by-events", [event]),
        ("cited-by-figures", [figure]),
        ("cited-by-concepts", [concept]),
        ("cited-by-actors", [actor]),
        ("cited-by-countries", [country]),
    ]
    assert [p.anchor for p in response.context["groups"][1]["items"][0].cited_here] == [
        "the-wagner-transition-p1",
        "the-wagner-transition-p2",
    ]
    for url, label in [
        ("/leaders/yevgeny-prigozhin/", "Yevgeny Prigozhin"),
        ("/timeline/#prigozhin-death", "August 2023: Prigozhin dies"),
        ("/figures/#wagner-personnel", "about 1,000 troops — Wagner personnel"),
        ("/glossary/#security-service", "Security service"),
        ("/actors/wagner-group/", "Wagner Group"),
        ("/countries/mali/", "Mali"),
    ]:
        assert f'<a href="{url}">{label}</a>' in html
    assert (
        '<span class="cited-here">from ¶<a href="#the-wagner-transition-p1"><span class="visually-hidden">paragraph </span>1</a>, '
        '<a href="#the-wagner-transition-p2"><span class="visually-hidden">paragraph </span>2</a></span>'
    ) in html
    assert "Draft actor" not in html
    assert "Elsewhere" not in html
    assert "Nothing in the study material cites this section yet." not in html


def test_section_card_leads_on_and_has_a_menu_of_every_body_section(client, article):
    html = html_of(get(client, "/briefing/the-wagner-transition/"))
    assert "<summary>Section 2 of 3</summary>" in html
    assert (
        '<li><a href="/briefing/the-sovereignty-mirage/">The Sovereignty Mirage</a></li>'
        '<li><a href="/briefing/the-wagner-transition/" aria-current="page">The Wagner Transition</a></li>'
        '<li><a href="/briefing/the-honest-assessment/">The Honest Assessment</a></li>'
    ) in html
    assert "/briefing/frequently-asked-questions/" not in html
    assert '<a href="/briefing/#the-wagner-transition">The whole article</a>' in html
    assert (
        '<a class="card-step card-step-previous" href="/briefing/the-sovereignty-mirage/" rel="prev">'
        '<span class="card-step-label">Previous</span> The Sovereignty Mirage</a>'
    ) in html
    assert (
        '<a class="card-step card-step-next" href="/briefing/the-honest-assessment/" rel="next">'
        '<span class="card-step-label">Next</span> The Honest Assessment</a>'
    ) in html
    assert 'aria-label="Breadcrumb"' in html
    assert '<li><a href="/briefing/">Briefing</a></li>' in html


def test_first_and_last_section_cards(client, article):
    first = html_of(get(client, "/briefing/the-sovereignty-mirage/"))
    assert 'rel="prev"' not in first
    assert "<summary>Section 1 of 3</summary>" in first
    assert "Nothing in the study material cites this section yet." in first
    last = html_of(get(client, "/briefing/the-honest-assessment/"))
    assert 'rel="next"' not in last
    assert (
        '<a class="card-step card-step-next" href="/faq/"><span class="card-step-label">Next</span> '
        "Frequently asked questions</a>"
    ) in last


def test_faq_and_sources_are_not_cards_but_their_own_pages(client, article):
    assert get(client, "/briefing/frequently-asked-questions/", status=302)["Location"] == "/faq/"
    assert get(client, "/briefing/sources-further-reading/", status=302)["Location"] == "/sources/"


def test_the_standfirst_is_not_a_card_but_the_whole_articles_lede(client, article):
    SectionFactory(
        briefing=article[0]["the-wagner-transition"].briefing, number=0, slug="standfirst", kind=SectionKind.STANDFIRST
    )
    assert get(client, "/briefing/standfirst/", status=302)["Location"] == "/briefing/"
    assert "/briefing/standfirst/" not in html_of(get(client, "/briefing/the-wagner-transition/"))


def test_unknown_section_and_unpublished_briefing_are_404(client, article):
    get(client, "/briefing/atlantis/", status=404)
    Briefing = article[0]["the-wagner-transition"].briefing
    Briefing.status = Status.DRAFT
    Briefing.save()
    get(client, "/briefing/the-wagner-transition/", status=404)


def test_section_card_has_a_fixed_query_count(client, django_assert_num_queries, article):
    sections, paragraphs = article
    here = [paragraphs["the-wagner-transition-p1"], paragraphs["the-wagner-transition-p2"]]
    factories = (LeaderFactory, TimelineEventFactory, KeyFigureFactory, ConceptFactory, ActorFactory, CountryFactory)

    def add_citing_items():
        TakeawayFactory(section=sections["the-wagner-transition"], citations=here)
        for make in factories:
            make(citations=here)

    add_citing_items()
    _count(client, django_assert_num_queries, "/briefing/the-wagner-transition/", 17)
    for _ in range(4):
        add_citing_items()
    _count(client, django_assert_num_queries, "/briefing/the-wagner-transition/", 17)


def test_reader_links_each_section_to_its_card(client, article):
    html = html_of(get(client, "/briefing/"))
    assert (
        '<p class="card-link"><a href="/briefing/the-wagner-transition/">'
        "“The Wagner Transition” as a card, with what is built on it</a></p>"
    ) in html


def test_home_offers_reading_by_card_and_the_whole_article(client, article):
    response = get(client, "/")
    html = html_of(response)
    assert response.context["first_section_slug"] == article[0]["the-sovereignty-mirage"].slug
    assert (
        '<p class="read-choices"><a class="button" href="/briefing/the-sovereignty-mirage/">Read by card</a> '
        '<a class="button button-secondary" href="/briefing/">Read the whole article</a></p>'
    ) in html
    assert '<h2><a href="/countries/">Countries</a></h2>' not in html  # no published country yet
    CountryFactory(name="Mali", slug="mali")
    assert '<h2><a href="/countries/">Countries</a></h2>' in html_of(get(client, "/"))


def test_country_list_shows_each_country_with_its_head_of_state_and_counts(client):
    mali = CountryFactory(name="Mali", slug="mali", regime="Military junta", coup_years="2020, 2021")
    niger = CountryFactory(name="Niger", slug="niger")
    CountryFactory(name="Hidden", slug="hidden", status=Status.DRAFT)
    LeaderFactory(name="Assimi Goïta", rank="Colonel", slug="assimi-goita", country=mali)
    LeaderFactory(name="Choguel Maïga", slug="choguel", country=mali, role=LeaderRole.RELATED)
    for status in (Status.PUBLISHED, Status.PUBLISHED, Status.DRAFT):
        TimelineEventFactory(status=status).countries.set([mali])
    KeyFigureFactory(country=mali)
    ActorFactory().countries.set([mali, niger])
    ActorFactory(status=Status.DRAFT).countries.set([mali])

    response = get(client, "/countries/")
    html = html_of(response)
    assert list(response.context["countries"]) == [mali, niger]
    assert [(c.event_count, c.figure_count, c.actor_count) for c in response.context["countries"]] == [
        (2, 1, 1),
        (0, 0, 1),
    ]
    assert "<h1>Countries</h1>" in html
    assert '<h2><a href="/countries/mali/">Mali</a></h2>' in html
    assert "<div><dt>Regime</dt><dd>Military junta</dd></div>" in html
    assert "<div><dt>Coups</dt><dd>2020, 2021</dd></div>" in html
    assert '<div><dt>Head of state</dt><dd><a href="/leaders/assimi-goita/">Colonel Assimi Goïta</a></dd></div>' in html
    assert "Choguel" not in html
    assert '<p class="meta">2 events · 1 key figure · 1 actor</p>' in html
    assert "Hidden" not in html


def test_country_list_has_a_fixed_query_count(client, django_assert_num_queries):
    def add_country():
        country = CountryFactory()
        LeaderFactory(country=country)
        TimelineEventFactory().countries.set([country])

    add_country()
    _count(client, django_assert_num_queries, "/countries/", 2)
    for _ in range(4):
        add_country()
    _count(client, django_assert_num_queries, "/countries/", 2)


def test_country_page_has_breadcrumbs(client):
    CountryFactory(name="Mali", slug="mali")
    html = html_of(get(client, "/countries/mali/"))
    assert (
        re.sub(r">\s+<", "><", html).count(
            '<nav class="breadcrumbs" aria-label="Breadcrumb"><ol><li><a href="/">Home</a></li>'
            '<li><a href="/countries/">Countries</a></li><li><span aria-current="page">Mali</span></li></ol></nav>'
        )
        == 1
    )


def test_comparison_names_the_leader_in_every_cell_for_phones(client, heads):
    html = html_of(get(client, "/leaders/compare/"))
    cells = re.findall(r"<td>(.*?)</td>", html, flags=re.S)[1:]  # after the empty corner cell
    names = [re.match(r'<span class="compare-leader">([^<]+)</span>', cell).group(1) for cell in cells]
    assert names == ["Assimi Goïta", "Ibrahim Traoré", "Abdourahamane Tchiani"] * 9


@pytest.fixture
def groups():
    """Russia, Wagner (part of Russia), Africa Corps (part of the Russian MoD, part of Russia), and events."""
    mali = CountryFactory(name="Mali", slug="mali")
    CountryFactory(name="Niger", slug="niger")  # no event is about Niger
    russia = ActorFactory(name="Russia", slug="russia")
    mod = ActorFactory(name="Russian Ministry of Defense", slug="russian-mod", part_of=russia)
    wagner = ActorFactory(name="Wagner Group", short_name="Wagner", slug="wagner-group", part_of=russia)
    corps = ActorFactory(name="Africa Corps", slug="africa-corps", part_of=mod)
    ActorFactory(name="Jama'at Nusrat al-Islam wal-Muslimin", short_name="JNIM", slug="jnim")  # no event
    ActorFactory(name="Alliance of Sahel States", short_name="AES", slug="aes")
    events = {
        "arrival": TimelineEventFactory(slug="wagner-arrives", date=datetime.date(2021, 1, 1)),
        "rebrand": TimelineEventFactory(slug="africa-corps-under-mod", date=datetime.date(2024, 1, 1)),
        "charter": TimelineEventFactory(slug="charter", date=datetime.date(2023, 9, 16)),
        "draft": TimelineEventFactory(slug="draft-event", status=Status.DRAFT, date=datetime.date(2022, 1, 1)),
    }
    events["arrival"].actors.set([wagner])
    events["arrival"].countries.set([mali])
    events["rebrand"].actors.set([corps])
    events["charter"].actors.set([Actor.objects.get(slug="aes")])
    events["draft"].actors.set([Actor.objects.get(slug="jnim")])
    return events


def event_slugs(response):
    return [event.slug for event in response.context["events"]]


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("russia", ["wagner-arrives", "africa-corps-under-mod"]),
        ("russian-mod", ["africa-corps-under-mod"]),
        ("wagner-group", ["wagner-arrives"]),
        ("africa-corps", ["africa-corps-under-mod"]),
        ("aes", ["charter"]),
    ],
)
def test_timeline_actor_filter_finds_the_events_of_the_groups_within_it(client, groups, actor, expected):
    assert event_slugs(get(client, "/timeline/", actor=actor)) == expected


def test_timeline_filters_offer_only_choices_that_find_events_actors_by_their_shown_name(client, groups):
    form = get(client, "/timeline/").context["form"]
    assert [label for value, label in form.fields["actor"].choices] == [
        "All actors",
        "AES",
        "Africa Corps",
        "Russia",
        "Russian Ministry of Defense",
        "Wagner",
    ]
    assert [label for value, label in form.fields["country"].choices] == ["All countries", "Mali"]
    response = get(client, "/timeline/", actor="jnim", status=400)
    assert "No event in the timeline involves an actor “jnim”." in html_of(response)  # not a choice


def test_timeline_country_filter_finds_the_events_about_it(client, groups):
    assert event_slugs(get(client, "/timeline/", country="mali")) == ["wagner-arrives"]
    assert event_slugs(get(client, "/timeline/", country="mali", actor="russia")) == ["wagner-arrives"]


def test_timeline_filter_for_a_group_has_a_fixed_query_count(client, django_assert_num_queries, groups):
    _count(client, django_assert_num_queries, "/timeline/", 6, actor="russia")
    for number in range(4):
        TimelineEventFactory(date=datetime.date(2022, 1, number + 1)).actors.set(
            [Actor.objects.get(slug="africa-corps"), Actor.objects.get(slug="wagner-group")]
        )
    _count(client, django_assert_num_queries, "/timeline/", 6, actor="russia")
    assert len(get(client, "/timeline/", actor="russia").context["events"]) == 6


def test_an_actor_page_names_its_group_and_the_groups_within_it(client, groups):
    russia = html_of(get(client, "/actors/russia/"))
    assert (
        '<p class="meta">Within it: <a href="/actors/russian-mod/">Russian Ministry of Defense</a>, '
        '<a href="/actors/wagner-group/">Wagner Group</a></p>'
    ) in russia
    wagner = html_of(get(client, "/actors/wagner-group/"))
    assert '· part of <a href="/actors/russia/">Russia</a></p>' in wagner
    assert '<p><a href="/timeline/?actor=wagner-group">Wagner Group on the timeline</a></p>' in wagner
    Actor.objects.filter(slug="russian-mod").unpublish()
    corps_page = html_of(get(client, "/actors/africa-corps/"))
    assert "part of" not in corps_page and "Russian Ministry of Defense" not in corps_page
    assert "Russian Ministry of Defense" not in html_of(get(client, "/actors/russia/"))
