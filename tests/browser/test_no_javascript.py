"""Without JavaScript the filters and the search are plain GET forms: submitting them loads the filtered page."""

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from briefings.models import Country, FaqEntry, TimelineEvent
from briefings.search import search


def query_of(url):
    return parse_qs(urlsplit(url).query)


def test_timeline_filter_form_submits(browse):
    mali = Country.objects.get(slug="mali")
    expected = list(
        TimelineEvent.objects.published()
        .chronological()
        .matching(country=mali, year_from=2021, year_to=2023)
        .values_list("title", flat=True)
    )
    assert "Second coup in Mali" in expected
    assert "Coup in Mali" not in expected  # 2020
    page = browse.open("/timeline/", javascript=False)

    page.get_by_label("Country").select_option(label="Mali")
    page.get_by_label("From year").fill("2021")
    page.get_by_label("To year").fill("2023")
    with page.expect_navigation():
        page.get_by_role("button", name="Show events").click()

    assert query_of(page.url) == {"country": ["mali"], "year_from": ["2021"], "year_to": ["2023"]}
    expect(page.locator("#timeline-results h2")).to_have_text(f"{len(expected)} events")
    expect(page.locator("#timeline-results ol.timeline > li.event h3")).to_have_text(expected)
    expect(page.get_by_label("Country")).to_have_value("mali")


def test_faq_filter_form_submits(browse):
    expected = list(
        FaqEntry.objects.published().containing("ECOWAS", "question", "answer").values_list("question", flat=True)
    )
    assert 0 < len(expected) < FaqEntry.objects.published().count()
    page = browse.open("/faq/", javascript=False)

    page.get_by_label("Filter the questions").fill("ECOWAS")
    with page.expect_navigation():
        page.get_by_label("Filter the questions").press("Enter")

    assert query_of(page.url) == {"q": ["ECOWAS"]}
    expect(page.locator("#faq-results details > summary")).to_have_text(expected)


def test_search_form_submits(browse):
    groups = search("gold")
    total, shown = sum(group.total for group in groups), sum(len(group.hits) for group in groups)
    assert shown > 1
    page = browse.open("/search/", javascript=False)

    page.get_by_label("Search everything").fill("gold")
    with page.expect_navigation():
        page.get_by_role("button", name="Search", exact=True).click()

    assert query_of(page.url) == {"q": ["gold"]}
    expect(page.locator("#search-results .result-count")).to_have_text(f"{total} results for “gold”.")
    expect(page.locator("#search-results li.hit")).to_have_count(shown)
    expect(page).to_have_title("Search: gold · Sahel Learn")
