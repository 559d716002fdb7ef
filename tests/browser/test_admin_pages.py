"""The editors' admin as an editor sees it: every list, change and add form, a history page and the password
change, accessible in the light and the dark theme, with no CSP violation."""

import re

import pytest
from playwright.sync_api import expect

from briefings.models import Origin, Paragraph, Status
from tests.factories import KeyFigureFactory, TimelineEventFactory, editor

LISTS = [
    "briefing",
    "section",
    "paragraph",
    "country",
    "actor",
    "leader",
    "timelineevent",
    "keyfigure",
    "concept",
    "takeaway",
    "faqentry",
    "sourcereference",
]


@pytest.fixture(scope="module")
def ed(site, django_db_blocker):
    """An editor, committed so that the server thread sees him (flushed with the module)."""
    with django_db_blocker.unblock():
        return editor(username="ed")


@pytest.fixture(scope="module")
def proposals(site, django_db_blocker):
    """Draft events and figures as the importer proposes them (untouched since), committed for the server.

    The shipped article and pack leave the importer nothing to propose, so these stand in for what it
    proposes from an article without a pack: sentence-long titles, citing the article's paragraphs.
    """
    sentence = "The Global Terrorism Index documents that Mali experienced 1,486 civilian deaths from state actors"
    with django_db_blocker.unblock():
        paragraphs = list(Paragraph.objects.order_by("pk")[:2])
        made = [
            TimelineEventFactory(title=f"{sentence} in {year}", citations=paragraphs[:1]) for year in (2023, 2024)
        ] + [KeyFigureFactory(label=f"{sentence}, an estimate", citations=paragraphs) for _ in range(2)]
        for item in made:
            item.status, item.origin = Status.DRAFT, Origin.PROPOSED
            item.import_fingerprint = item.content_fingerprint()
            item.save()
    return made


@pytest.fixture
def signed_in(browse, ed):
    return browse.admin_page("ed")


def test_admin_index_and_every_list(browse, signed_in):
    page = signed_in
    browse.assert_accessible_light_and_dark(page, "admin index")
    page.emulate_media(color_scheme="light")
    for model in LISTS:
        response = page.goto(f"/admin/briefings/{model}/")
        assert response.status == 200, model
        expect(page.locator("#content h1")).to_be_visible()
        browse.assert_accessible_light_and_dark(page, f"admin {model} list")
        page.emulate_media(color_scheme="light")


# The change form of every model, reached from its list as an editor would.
CHANGE_FORMS = ["briefing", "section", *LISTS[2:]]
# What editors may add: every derived item (the article's structure comes from the importer).
ADD_FORMS = LISTS[3:]


@pytest.mark.parametrize("path", [f"/admin/briefings/{model}/" for model in CHANGE_FORMS])
def test_admin_change_forms(browse, signed_in, path):
    page = signed_in
    page.goto(path)
    page.locator("#result_list tbody tr th a").first.click()
    expect(page.locator("#content h1")).to_be_visible()
    browse.assert_accessible_light_and_dark(page, f"change form from {path}")


@pytest.mark.parametrize("path", [f"/admin/briefings/{model}/add/" for model in ADD_FORMS])
def test_admin_add_forms(browse, signed_in, path):
    page = signed_in
    response = page.goto(path)
    assert response.status == 200, path
    expect(page.locator("#content h1")).to_be_visible()
    browse.assert_accessible_light_and_dark(page, f"add form {path}")


def test_admin_history_page(browse, signed_in):
    page = signed_in
    page.goto("/admin/briefings/leader/")
    page.locator("#result_list tbody tr th a").first.click()
    page.locator(".object-tools a.historylink").click()
    expect(page.locator("#content h1")).to_contain_text("Change history")
    expect(page.locator("#change-history + .paginator")).to_be_visible()
    browse.assert_accessible_light_and_dark(page, "leader history")


def test_admin_password_change(browse, signed_in):
    page = signed_in
    page.locator("#user-tools").get_by_role("link", name="Change password").click()
    expect(page.locator("#content h1")).to_have_text("Password change")
    browse.assert_accessible_light_and_dark(page, "password change")


def test_single_choice_autocomplete_is_named_by_its_label_and_shows_its_choice(browse, signed_in):
    page = signed_in
    page.goto("/admin/briefings/keyfigure/add/")
    country = page.locator("#select2-id_country-container")
    expect(country).to_have_attribute("aria-labelledby", "id_country-label")
    expect(page.get_by_role("textbox", name="Country:", exact=True)).to_have_count(1)
    expect(page.get_by_role("combobox", name="Country:", exact=True)).to_have_count(1)

    page.goto("/admin/briefings/leader/")
    page.locator("#result_list tbody tr th a").first.click()
    chosen = page.locator("#id_country option:checked").inner_text()
    # Chromium also reads the "remove" × that select2 puts before the choice, aria-hidden as it is.
    expect(page.get_by_role("combobox", name=re.compile(rf"^Country: ×?{re.escape(chosen)}$"))).to_have_count(1)
    expect(page.get_by_role("textbox", name="Country:", exact=True)).to_have_count(1)


def test_tabular_inline_headers_are_named(browse, signed_in):
    """Django's tabular inline leaves its first and last header cells empty; admin.js names or drops them."""
    page = signed_in
    page.goto("/admin/briefings/section/")
    page.locator("#result_list tbody tr th a").first.click()
    table = page.locator("#paragraphs-group table")
    expect(table.get_by_role("columnheader", name="Paragraphs", exact=True)).to_have_count(1)
    expect(table.get_by_role("columnheader", name="Text", exact=True)).to_have_count(1)
    names = table.locator("thead tr > th").evaluate_all("(cells) => cells.map((cell) => cell.textContent.trim())")
    assert all(names), names


@pytest.mark.parametrize(
    "path",
    [
        "/admin/briefings/keyfigure/",
        "/admin/briefings/keyfigure/?origin__exact=proposed",
        "/admin/briefings/timelineevent/?origin__exact=proposed",
    ],
)
def test_key_figure_and_proposal_lists_fit_1280_pixels_with_the_sidebar_open(browse, signed_in, proposals, path):
    page = signed_in
    assert page.viewport_size["width"] == 1280
    page.goto(path)
    expect(page.locator("#nav-sidebar")).to_be_visible()
    expect(page.locator("#changelist-filter")).to_be_visible()
    widths = page.locator("#changelist .results").evaluate("(results) => [results.scrollWidth, results.clientWidth]")
    assert widths[0] <= widths[1], f"{path}: the list is {widths[0]}px wide in a {widths[1]}px box"
    browse.assert_fits_width(page)


def test_publishing_unedited_proposals_asks_for_a_confirmation(browse, signed_in, proposals):
    page = signed_in
    page.goto("/admin/briefings/keyfigure/?origin__exact=proposed&status__exact=draft")
    rows = page.locator("#result_list tbody tr")
    count = rows.count()
    assert count == 2
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("publish_selected")
    page.get_by_role("button", name="Go", exact=True).click()
    expect(page.locator("#content h1")).to_have_text("Publish unedited proposals?")
    expect(page.locator("ul.unedited-proposals > li")).to_have_count(count)
    browse.assert_accessible_light_and_dark(page, "publish confirmation")
    page.emulate_media(color_scheme="light")
    page.get_by_role("button", name="Yes, publish").click()
    expect(page.locator(".messagelist")).to_contain_text("Published 2 key figures; 0 already published.")
