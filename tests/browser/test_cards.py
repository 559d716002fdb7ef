"""Briefing cards, the countries list, the comparison on a phone and the timeline's groups (issue 6, section 4).

The new pages are checked like the study pages (desktop and phones, light and dark, axe-core, no sideways
scrolling, without JavaScript); then what a reader does on them.
"""

import pytest
from playwright.sync_api import expect

from briefings.models import Actor, Section, SectionKind, TimelineEvent

from .conftest import DESKTOP, PHONE

PAGES = {
    "card-first": "/briefing/the-sovereignty-mirage/",
    "card-wagner": "/briefing/the-wagner-transition/",
    "card-last": "/briefing/the-honest-assessment/",
    "countries": "/countries/",
}


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_page(browse, path):
    browse.check_page(path)


def body_titles():
    return list(Section.objects.filter(kind=SectionKind.BODY).order_by("number").values_list("title", flat=True))


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_the_section_menu_stays_in_reach_on_a_phone_and_leads_to_any_section(browse, javascript):
    titles = body_titles()
    page = browse.open("/briefing/the-wagner-transition/", viewport=PHONE, phone=True, javascript=javascript)
    bar = page.locator(".card-bar")
    page.locator("#the-wagner-transition-p5").scroll_into_view_if_needed()
    expect(bar).to_be_in_viewport()
    assert bar.bounding_box()["y"] == 0  # stuck to the top of the screen
    menu = page.locator(".section-menu")
    expect(menu.locator("summary")).to_have_text(f"Section 3 of {len(titles)}")
    menu.locator("summary").click()
    expect(menu.locator("ol a")).to_have_text(titles)
    expect(menu.locator("a[aria-current=page]")).to_have_text("The Wagner Transition")
    menu.get_by_role("link", name=titles[-1]).click()
    expect(page.locator("h1")).to_have_text(f"{len(titles)}. {titles[-1]}")


def test_previous_and_next_walk_through_the_sections(browse):
    titles = body_titles()
    page = browse.open("/briefing/the-sovereignty-mirage/", viewport=PHONE, phone=True)
    seen = [page.locator("h1").inner_text()]
    for _ in titles[1:]:
        page.locator(".card-steps a[rel=next]").click()
        seen.append(page.locator("h1").inner_text())
    assert seen == [f"{number}. {title}" for number, title in enumerate(titles, start=1)]
    page.locator(".card-steps .card-step-next").click()
    expect(page).to_have_url(f"{browse.base_url}/faq/")


def test_a_takeaways_citation_lands_on_the_paragraph_of_the_card(browse):
    page = browse.open("/briefing/the-wagner-transition/", viewport=PHONE, phone=True)
    page.locator(".takeaway .cite a[href='#the-wagner-transition-p1']").first.click()
    expect(page).to_have_url(f"{browse.base_url}/briefing/the-wagner-transition/#the-wagner-transition-p1")
    paragraph = page.locator("#the-wagner-transition-p1")
    expect(paragraph).to_be_in_viewport()
    # Not hidden under the sticky bar.
    assert paragraph.bounding_box()["y"] >= page.locator(".card-bar").bounding_box()["height"]


def test_what_cites_the_section_links_to_its_pages(browse):
    page = browse.open("/briefing/the-wagner-transition/")
    aside = page.locator(".cited-by")
    expect(aside.get_by_role("heading", level=3)).to_have_text(
        ["Leaders", "Events", "Key figures", "Concepts", "Actors", "Countries"]
    )
    aside.get_by_role("link", name="Wagner Group", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Wagner Group")


def test_home_offers_both_ways_of_reading(browse):
    page = browse.open("/")
    page.get_by_role("link", name="Read by card").click()
    expect(page).to_have_url(f"{browse.base_url}/briefing/the-sovereignty-mirage/")
    page.go_back()
    page.get_by_role("link", name="Read the whole article").click()
    expect(page).to_have_url(f"{browse.base_url}/briefing/")


def test_the_comparison_is_stacked_cards_on_a_phone_and_a_table_on_a_desktop(browse):
    phone = browse.open("/leaders/compare/", viewport=PHONE, phone=True)
    box = phone.locator(".table-scroll")
    assert box.evaluate("(element) => element.scrollWidth <= element.clientWidth"), "the comparison scrolls sideways"
    first_row = phone.locator(".compare tbody tr").first
    expect(first_row.locator(".compare-leader")).to_have_text(
        ["Ibrahim Traoré", "Assimi Goïta", "Abdourahamane Tchiani"]
    )
    expect(first_row.locator(".compare-leader").first).to_be_visible()
    desktop = browse.open("/leaders/compare/", viewport=DESKTOP)
    expect(desktop.locator(".compare-leader").first).to_be_hidden()
    assert desktop.locator(".compare").evaluate("(table) => getComputedStyle(table).display") == "table"


def test_country_pages_have_breadcrumbs_back_to_the_countries(browse):
    page = browse.open("/countries/mali/", viewport=PHONE, phone=True)
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(crumbs.get_by_role("listitem")).to_have_text(["Home", "Countries", "Mali"])
    expect(crumbs.locator("[aria-current=page]")).to_have_text("Mali")
    crumbs.get_by_role("link", name="Countries").click()
    expect(page.locator("h1")).to_have_text("Countries")
    expect(page.locator(".country-list h2")).to_have_text(["Burkina Faso", "Mali", "Niger"])


def test_choosing_russia_on_the_timeline_shows_wagner_and_africa_corps_events(browse):
    events = TimelineEvent.objects.published().chronological().involving(Actor.objects.get(slug="russia"))
    assert {"wagner-arrives-in-mali", "prigozhin-death", "africa-corps-under-mod"} <= {e.slug for e in events}
    expected = [event.title for event in events]
    page = browse.open("/timeline/")
    options = page.get_by_label("Actor").locator("option").all_inner_texts()
    assert options[1:] == sorted(options[1:], key=str.lower)
    page.get_by_label("Actor").select_option(label="Russia")
    expect(page.locator("#timeline-results ol.timeline > li.event h3")).to_have_text(expected)
