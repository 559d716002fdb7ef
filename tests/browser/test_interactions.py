"""With JavaScript: the htmx filters update the page in place, citations land on their paragraph, and the skip link works."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from briefings.models import Country, FaqEntry, TimelineEvent
from briefings.search import search

EVENT_TITLES = "#timeline-results ol.timeline > li.event h3"


def query_of(url):
    return parse_qs(urlsplit(url).query)


def mark_document(page):
    """Tag the current document, so that a later full page load (which would lose the tag) is noticed."""
    page.evaluate("() => { window.sahelTestDocument = 'before'; }")


def assert_same_document(page):
    assert page.evaluate("() => window.sahelTestDocument") == "before", "the page was reloaded, not updated in place"


def event_titles(**filters):
    return list(TimelineEvent.objects.published().chronological().matching(**filters).values_list("title", flat=True))


def test_timeline_country_filter_updates_the_list_in_place(browse):
    mali = Country.objects.get(slug="mali")
    expected = event_titles(country=mali)
    assert "Coup in Mali" in expected
    assert "Coup in Niger" not in expected
    page = browse.open("/timeline/")
    expect(page.locator(EVENT_TITLES)).to_have_count(TimelineEvent.objects.published().count())
    mark_document(page)

    page.get_by_label("Country").select_option(label="Mali")

    page.wait_for_url(lambda url: query_of(url) == {"country": ["mali"]})
    expect(page.locator("#timeline-results h2")).to_have_text(f"{len(expected)} events")
    expect(page.locator(EVENT_TITLES)).to_have_text(expected)
    # Every event shown is tagged with Mali.
    expect(page.locator("#timeline-results li.event:not(:has(a.tag[href='/countries/mali/']))")).to_have_count(0)
    assert_same_document(page)


def test_timeline_year_range_keeps_the_periods_that_overlap_it(browse):
    expected = event_titles(year_from=2015, year_to=2016)
    barkhane = TimelineEvent.objects.get(slug="operation-barkhane")
    assert barkhane.title in expected  # 2014–2022 starts before the range and ends after it
    assert "Coup in Mali" not in expected
    page = browse.open("/timeline/")
    mark_document(page)

    page.get_by_label("From year").fill("2015")
    page.get_by_label("To year").fill("2016")
    page.get_by_label("To year").press("Enter")

    page.wait_for_url(lambda url: query_of(url) == {"year_from": ["2015"], "year_to": ["2016"]})
    expect(page.locator(EVENT_TITLES)).to_have_text(expected)
    expect(page.locator("#operation-barkhane .event-date")).to_contain_text("2014–2022")
    assert_same_document(page)


YEARS_OUT_OF_ORDER = "The “from” year (2025) must not be after the “to” year (2020)."


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_timeline_years_out_of_order_answer_400_with_the_form_and_message_in_place(browse, settings, debug):
    """With DEBUG on, django-htmx's debug script would replace the whole page with the 400's fragment."""
    settings.DEBUG = debug
    page = browse.open("/timeline/")
    mark_document(page)
    browse.expect_error("/timeline/?country=&actor=&year_from=2025&year_to=2020", 400)

    page.get_by_label("From year").fill("2025")
    page.get_by_label("To year").fill("2020")
    with page.expect_response(lambda response: "year_to=2020" in response.url) as answer:
        page.get_by_label("To year").press("Enter")

    assert answer.value.status == 400
    expect(page.locator("#timeline-results [role=alert]")).to_contain_text(YEARS_OUT_OF_ORDER)
    expect(page.locator("h1")).to_have_text("Timeline")
    expect(page.get_by_label("From year")).to_have_value("2025")
    expect(page.get_by_label("To year")).to_have_value("2020")
    expect(page.locator(EVENT_TITLES)).to_have_count(0)
    assert_same_document(page)
    browse.assert_accessible(page)


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_timeline_years_out_of_order_answer_400_with_the_form_and_message_without_javascript(browse, settings, debug):
    settings.DEBUG = debug
    page = browse.open("/timeline/?year_from=2025&year_to=2020", status=400, javascript=False)
    expect(page.locator("#timeline-results [role=alert]")).to_contain_text(YEARS_OUT_OF_ORDER)
    expect(page.locator("h1")).to_have_text("Timeline")
    expect(page.get_by_label("From year")).to_have_value("2025")
    expect(page.get_by_label("To year")).to_have_value("2020")


def test_faq_filter_narrows_the_questions_as_you_type(browse):
    published = FaqEntry.objects.published()
    expected = list(published.containing("Wagner", "question", "answer").values_list("question", flat=True))
    assert 0 < len(expected) < published.count()
    page = browse.open("/faq/")
    questions = page.locator("#faq-results details > summary")
    expect(questions).to_have_count(published.count())
    mark_document(page)

    page.get_by_label("Filter the questions").press_sequentially("Wagner", delay=30)

    page.wait_for_url(lambda url: query_of(url) == {"q": ["Wagner"]})
    expect(questions).to_have_text(expected)
    assert_same_document(page)


def test_search_shows_results_as_you_type(browse):
    groups = search("Wagner")
    total, shown = sum(group.total for group in groups), sum(len(group.hits) for group in groups)
    assert shown > 1
    page = browse.open("/search/")
    mark_document(page)

    page.get_by_label("Search everything").press_sequentially("Wagner", delay=30)

    expect(page.locator("#search-results .result-count")).to_have_text(f"{total} results for “Wagner”.")
    expect(page.locator("#search-results h2")).to_have_count(len(groups))
    expect(page.locator("#search-results li.hit")).to_have_count(shown)
    expect(page.locator("#search-results li.hit h3 a[href='/actors/wagner-group/']")).to_have_count(1)
    page.wait_for_url(lambda url: query_of(url) == {"q": ["Wagner"]})
    assert_same_document(page)


def test_search_opens_all_hits_of_a_group_and_keeps_it_while_typing(browse):
    partial = next(group for group in search("juntas") if group.is_partial)
    page = browse.open("/search/?q=juntas")

    with page.expect_navigation():
        page.get_by_role("link", name=f"All {partial.total} results in {partial.label}").click()

    assert query_of(page.url) == {"q": ["juntas"], "group": [partial.key]}
    expect(page.locator("#search-results li.hit")).to_have_count(min(partial.total, 20))
    expect(page.get_by_label("Look in")).to_have_value(partial.key)
    mark_document(page)
    page.get_by_label("Search everything").press("End")
    page.get_by_label("Search everything").press_sequentially(" Mali", delay=30)
    page.wait_for_url(lambda url: query_of(url) == {"q": ["juntas Mali"], "group": [partial.key]})
    expect(page.locator("#search-results .result-count")).to_contain_text(f"in {partial.label}.")
    page.get_by_label("Look in").select_option(label="Everything")
    page.wait_for_url(lambda url: query_of(url) == {"q": ["juntas Mali"]})
    expect(page.locator("#search-results h2")).not_to_have_count(1)
    assert_same_document(page)


def test_citation_link_opens_the_reader_at_the_highlighted_paragraph(browse):
    paragraph = TimelineEvent.objects.get(slug="operation-barkhane").citations.select_related("section").first()
    page = browse.open("/timeline/")
    cite = page.locator("#operation-barkhane .cite")
    expect(cite).to_have_text(re.compile(r"^From: "))
    citation = cite.get_by_role("link", name=paragraph.label, exact=True)

    citation.click()

    expect(page).to_have_url(f"{browse.base_url}/briefing/#{paragraph.anchor}")
    target = page.locator(f"#{paragraph.anchor}")
    expect(target).to_be_in_viewport()
    assert target.evaluate("element => element.matches(':target')")
    other = page.locator("p.paragraph:not(:target)").first
    highlight = "element => getComputedStyle(element).backgroundColor"
    assert target.evaluate(highlight) != other.evaluate(highlight), "the cited paragraph is not highlighted"
    browse.assert_accessible(page, "(reader at a cited paragraph)")


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_main_content(browse):
    page = browse.open("/timeline/")

    page.keyboard.press("Tab")

    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    assert urlsplit(page.url).fragment == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.getElementById('main').contains(document.activeElement)")
