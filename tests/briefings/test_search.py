"""Search: what it finds, what it never shows, how it counts and cites; on SQLite (FTS5) and PostgreSQL."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from briefings.actions import import_briefing
from briefings.models import Briefing, Concept, Leader, Paragraph, Status
from briefings.search import (
    START,
    STOP,
    install_search_index,
    parse_query,
    search,
    search_group,
    split_matches,
)
from tests.factories import (
    BriefingFactory,
    ConceptFactory,
    CountryFactory,
    LeaderFactory,
    ParagraphFactory,
    SectionFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def imported(article_path, pack_dir):
    import_briefing(article_path=article_path, pack_dir=pack_dir, publish=True)


def found(query, key=None):
    """Titles found for ``query``: of one group, or ``{group: titles}``."""
    groups = {group.key: [hit.title for hit in group.hits] for group in search(query)}
    return groups.get(key, []) if key else groups


def html_of(response):
    return response.content.decode()


# --- What matches -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "name"), [("Goita", "Assimi Goïta"), ("traore", "Ibrahim Traoré"), ("TCHIANI", "Abdourahamane Tchiani")]
)
def test_accents_and_case_are_folded(query, name):
    LeaderFactory(name=name, summary="A head of state.")
    LeaderFactory(name="Someone Else", summary="Another head of state.")
    assert found(query) == {"leaders": [name]}


def test_accents_are_folded_in_the_text_too():
    ConceptFactory(term="Sovereignty", definition="What Goïta promised.")
    assert found("goita", "concepts") == ["Sovereignty"]
    assert found("GOÏTA", "concepts") == ["Sovereignty"]


def test_whole_words_only():
    ConceptFactory(term="Trade-off", definition="It rewards coup-makers.")
    assert found("war") == {}
    assert found("rewards", "concepts") == ["Trade-off"]


def test_word_forms_are_stemmed():
    ConceptFactory(term="Extraction", definition="Security in exchange for mining concessions.")
    assert found("mines", "concepts") == ["Extraction"]
    assert found("concession", "concepts") == ["Extraction"]


@pytest.mark.parametrize("query", ["1486", "1,486"])
def test_numbers_match_however_their_thousands_are_written(query):
    ConceptFactory(term="Deaths", definition="Mali counted 1,486 civilian deaths.")
    ConceptFactory(term="Year", definition="A date: 1486.")
    ConceptFactory(term="Other", definition="Counted 1 or 486 of them.")
    assert sorted(found(query, "concepts")) == ["Deaths", "Year"]


def test_the_query_is_parsed_into_phrases_and_number_forms():
    assert parse_query("Goïta  Wagner-linked 1486 1,486 2.5") == [
        (("goïta",),),
        (("wagner", "linked"),),
        (("1486",), ("1", "486")),
        (("1486",), ("1", "486")),
        (("2.5",), ("2", "5")),
    ]


def test_every_word_must_match_in_some_field():
    ConceptFactory(term="Legitimacy trap", definition="Juntas and sovereignty.")
    ConceptFactory(term="Legitimacy", definition="Elections.")
    assert found("legitimacy sovereignty", "concepts") == ["Legitimacy trap"]


@pytest.mark.parametrize(
    "query", ['"', "AND", "OR NOT", "(", "NEAR(a b)", "a*", "-x", "col:value", "'", "\\", "!", "x & y | z", "1,,2"]
)
def test_no_query_is_a_syntax_error(query):
    ConceptFactory(term="Plain", definition="Nothing special.")
    assert isinstance(search(query), list)


def test_a_blank_query_finds_nothing_without_querying(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert search("   ") == []
        assert search("—") == []


# --- Kept current -----------------------------------------------------------------------------


def test_a_save_is_found_at_once_and_the_old_words_are_gone():
    leader = LeaderFactory(name="Assimi Goïta", summary="Ruthless.")
    leader.summary = "Transactional."
    leader.save()
    assert found("transactional", "leaders") == ["Assimi Goïta"]
    assert found("ruthless", "leaders") == []


def test_bulk_updates_are_seen():
    LeaderFactory(name="Assimi Goïta", summary="Ruthless.")
    Leader.objects.update(summary="Ideological.")
    assert found("ideological", "leaders") == ["Assimi Goïta"]
    assert found("ruthless", "leaders") == []


def test_bulk_unpublish_and_publish_through_history_hide_and_show_at_once():
    LeaderFactory(name="Assimi Goïta")
    assert Leader.objects.unpublish() == 1
    assert found("goita") == {}
    assert Leader.objects.publish() == 1
    assert found("goita") == {"leaders": ["Assimi Goïta"]}


def test_a_corrected_paragraph_is_found_by_its_new_words():
    paragraph = ParagraphFactory(text="Wagner arived in Mali.")
    Paragraph.objects.filter(pk=paragraph.pk).update(text="Wagner arrived in Mali.")
    assert found("arrived", "paragraphs") == [str(paragraph.label)]
    assert found("arived") == {}


def test_a_deleted_item_is_gone():
    ConceptFactory(term="Fleeting", definition="Soon deleted.")
    Concept.objects.all().delete()
    assert found("fleeting") == {}


def test_the_importer_fills_the_index(imported):
    assert "Assimi Goïta" in found("Goita", "leaders")
    assert "1,486" in search("1486")[-1].hits[0].plain_snippet


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps an FTS5 index with triggers")
def test_sqlite_index_is_remade_after_a_migration_drops_its_triggers():
    ConceptFactory(term="Before", definition="Indexed by the trigger.")
    with connection.cursor() as cursor:
        # What Django's SQLite schema editor does when a migration rebuilds the table.
        cursor.execute('DROP TRIGGER "briefings_concept_search_after_insert"')
        cursor.execute('DELETE FROM "briefings_concept_search"')
    install_search_index(connection)
    ConceptFactory(term="After", definition="Indexed by the trigger again.")
    assert sorted(found("indexed", "concepts")) == ["After", "Before"]


# --- Only what is published -------------------------------------------------------------------


def test_drafts_are_never_found():
    LeaderFactory(name="Hidden Draftperson", status=Status.DRAFT)
    LeaderFactory(name="Visible Person")
    assert found("Draftperson") == {}
    assert found("Visible Person") == {"leaders": ["Visible Person"]}


def test_an_unpublished_briefing_shows_neither_its_paragraphs_nor_their_excerpts(client):
    paragraph = ParagraphFactory(text="Wagner arrived in Mali in 2021.")
    CountryFactory(name="Mali", summary="Where Wagner arrived.", citations=[paragraph])
    assert found("wagner") == {"countries": ["Mali"], "paragraphs": [str(paragraph.label)]}

    Briefing.objects.unpublish()

    body = client.get("/api/v1/search/", {"q": "wagner"}).json()
    assert [group["key"] for group in body["groups"]] == ["countries"]
    assert body["groups"][0]["hits"][0]["citation"] is None
    assert "arrived in Mali in 2021" not in str(body)
    assert "arrived in Mali in 2021" not in html_of(client.get("/search/", {"q": "wagner"}))


def test_an_item_cites_only_published_paragraphs():
    hidden = ParagraphFactory(section=SectionFactory(briefing=BriefingFactory(slug="other", status=Status.DRAFT)))
    shown = ParagraphFactory()
    CountryFactory(name="Mali", citations=[hidden, shown])
    [group] = search("Mali")
    assert group.hits[0].citation == shown


# --- The right citation, the label once -------------------------------------------------------


def test_a_hit_cites_the_paragraph_that_matched():
    section = SectionFactory(title="The Resource Curse")
    first = ParagraphFactory(section=section, number=1, text="Prices have reached historic highs.")
    gold = ParagraphFactory(section=section, number=2, text="The country holds gold in every region.")
    CountryFactory(name="Burkina Faso", summary="It holds gold reserves.", citations=[first, gold])
    assert search("gold")[0].hits[0].citation == gold
    assert search("Burkina")[0].hits[0].citation == first


def test_a_paragraph_hit_prints_its_label_once(client):
    paragraph = ParagraphFactory(
        section=SectionFactory(title="The Wagner Transition"), number=3, text="Wagner arrived in Mali."
    )
    html = html_of(client.get("/search/", {"q": "arrived"}))
    assert html.count("The Wagner Transition, paragraph 3") == 1
    assert f'<h3><a href="/briefing/#{paragraph.anchor}">The Wagner Transition, paragraph 3</a></h3>' in html


# --- Snippets ---------------------------------------------------------------------------------


def test_the_snippet_marks_the_stemmed_and_unaccented_matches():
    ConceptFactory(term="Deal", definition="Security services in exchange for mining concessions by Goïta.")
    [group] = search("mines goita")
    assert [text for text, is_match in group.hits[0].snippet_parts if is_match] == ["mining", "Goïta"]


def test_a_long_snippet_is_a_window_with_ellipses():
    ConceptFactory(term="Long", definition="word " * 80 + "Prigozhin died in August 2023. " + "tail " * 80)
    snippet = search("prigozhin")[0].hits[0]
    assert snippet.plain_snippet.startswith("…") and snippet.plain_snippet.endswith("…")
    assert "Prigozhin died in August 2023" in snippet.plain_snippet
    assert len(snippet.plain_snippet) < 300


def test_split_matches_reads_the_markers():
    assert split_matches(f"{START}Wagner{STOP} and {START}wagner{STOP}.") == [
        ("Wagner", True),
        (" and ", False),
        ("wagner", True),
        (".", False),
    ]


# --- Truthful counts --------------------------------------------------------------------------


def test_a_group_says_how_many_it_shows_of_how_many():
    TimelineEventFactory.create_batch(17, summary="Wagner arrived.")
    [group] = search("wagner")
    assert (len(group.hits), group.total, group.is_partial) == (8, 17, True)


def test_the_page_says_8_of_17_and_links_to_all_of_them(client):
    TimelineEventFactory.create_batch(17, summary="Wagner arrived.")
    html = html_of(client.get("/search/", {"q": "wagner"}))
    assert '<p class="result-count">17 results for “wagner”.</p>' in html
    assert '<h2 id="results-events">Timeline events <span class="count">(8 of 17)</span></h2>' in html
    assert html.count('<li class="card hit">') == 8
    assert (
        '<p class="more"><a href="/search/?q=wagner&amp;group=events">All 17 results in Timeline events</a></p>'
    ) in html


def test_a_group_page_shows_all_its_hits_a_page_at_a_time(client):
    TimelineEventFactory.create_batch(25, summary="Wagner arrived.")
    response = client.get("/search/", {"q": "wagner", "group": "events"})
    html = html_of(response)
    assert response.status_code == 200
    assert response.context["group"].total == 25
    assert len(response.context["group"].hits) == 20
    assert '<h2 id="results-events">Timeline events <span class="count">(1–20 of 25)</span></h2>' in html
    assert (
        '<a href="/search/?q=wagner&amp;group=events&amp;page=2" hx-get="/search/?q=wagner&amp;group=events&amp;page=2" rel="next">Next page</a>'
        in html
    )
    assert '<option value="events" selected>Timeline events</option>' in html

    second = client.get("/search/", {"q": "wagner", "group": "events", "page": 2})
    assert len(second.context["group"].hits) == 5
    assert "<span>Page 2 of 2</span>" in html_of(second)
    assert "Next page" not in html_of(second)
    # Past the last page is the last page.
    assert len(client.get("/search/", {"q": "wagner", "group": "events", "page": 9}).context["group"].hits) == 5


def test_search_group_pages_through_every_hit():
    TimelineEventFactory.create_batch(7, summary="Wagner arrived.")
    group, page = search_group("wagner", "events", page=2, per_page=5)
    assert (group.total, len(group.hits), page.number, page.paginator.num_pages) == (7, 2, 2, 2)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"q": "x", "group": "nonsense"},
            "There is no kind of content “nonsense” to search. Choose one from the list.",
        ),
        ({"q": "x", "group": "events", "page": "two"}, "The page must be a number, such as 2."),
        ({"q": "x", "group": "events", "page": "0"}, "The page must be 1 or more."),
    ],
)
def test_a_bad_group_or_page_is_a_400_with_a_message(client, params, message):
    response = client.get("/search/", params)
    assert response.status_code == 400
    assert f"<li>{message}</li>" in html_of(response)


def test_the_api_reports_the_true_totals(client):
    TimelineEventFactory.create_batch(17, summary="Wagner arrived.")
    body = client.get("/api/v1/search/", {"q": "wagner"}).json()
    assert body["count"] == 17
    assert [(group["key"], group["total"], len(group["hits"])) for group in body["groups"]] == [("events", 17, 8)]


# --- Query counts, htmx and no JavaScript ------------------------------------------------------


def _queries(callable_):
    with CaptureQueriesContext(connection) as context:
        callable_()
    return len(context.captured_queries)


def test_query_count_is_fixed_whatever_the_data(client):
    section = SectionFactory()
    LeaderFactory(summary="Gold.", citations=[ParagraphFactory(section=section, text="Gold.")])
    ConceptFactory(definition="Gold.")
    one_search, one_page = _queries(lambda: search("gold")), _queries(lambda: client.get("/search/", {"q": "gold"}))
    one_group = _queries(lambda: client.get("/search/", {"q": "gold", "group": "leaders"}))

    for _ in range(12):
        LeaderFactory(summary="Gold.", citations=ParagraphFactory.create_batch(2, section=section, text="Gold."))
        ConceptFactory(definition="Gold.", citations=[ParagraphFactory(section=section)])
    assert _queries(lambda: search("gold")) == one_search == 8 + 2
    assert _queries(lambda: client.get("/search/", {"q": "gold"})) == one_page
    assert _queries(lambda: client.get("/search/", {"q": "gold", "group": "leaders"})) == one_group
    assert _queries(lambda: client.get("/search/", {"q": "gold", "group": "leaders", "page": 2})) == one_group


def test_the_page_without_javascript_and_its_partial_under_htmx(client):
    ConceptFactory(term="Gold rush", definition="Gold.")
    page = html_of(client.get("/search/", {"q": "gold"}))
    assert '<form class="filters card" method="get" action="/search/" role="search"' in page
    assert 'hx-include="closest form"' in page
    assert '<select name="group" id="id_group" hx-get="/search/" hx-trigger="change" hx-include="closest form">' in page
    assert '<h3><a href="/glossary/#' in page

    partial = html_of(client.get("/search/", {"q": "gold"}, **HTMX))
    assert "<html" not in partial and "<form" not in partial
    assert partial.strip().startswith('<p class="result-count">1 result for “gold”.</p>')
    assert re.search(r"<mark>Gold</mark>", partial)
