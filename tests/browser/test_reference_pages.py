"""Actors, countries, the glossary, FAQ, sources, search and sign-in: each checked like the study pages.

A separate module from test_pages.py so that ``--dist loadfile`` can run the two halves in parallel.
"""

import pytest
from playwright.sync_api import expect

PAGES = {
    "actors": "/actors/",
    "actor-alliance-of-sahel-states": "/actors/alliance-of-sahel-states/",
    "country-mali": "/countries/mali/",
    "glossary": "/glossary/",
    "faq": "/faq/",
    "sources": "/sources/",
    "search": "/search/",
    "search-wagner": "/search/?q=Wagner",
    "login": "/accounts/login/",
    "labels-help": "/help/labels/",
    "leader-bazoum": "/leaders/bazoum/",
}


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_page(browse, path):
    browse.check_page(path)


def test_missing_page_is_a_404_page_of_the_site(browse):
    page = browse.open("/leaders/nobody/", status=404)
    expect(page.locator("h1")).to_have_count(1)
    assert page.title().endswith(" · Sahel Learn"), page.title()
    browse.assert_accessible(page, "(light)")
    page.emulate_media(color_scheme="dark")
    browse.assert_accessible(page, "(dark)")


def test_bad_timeline_filter_is_a_400_with_the_reason(browse):
    page = browse.open("/timeline/?year_from=abc", status=400)
    expect(page.locator("h1")).to_have_text("Timeline")
    expect(page.locator("#timeline-results")).to_contain_text(
        "“From year” must be a year written in digits, such as 2014."
    )
    browse.assert_accessible(page, "(light)")
    page.emulate_media(color_scheme="dark")
    browse.assert_accessible(page, "(dark)")
