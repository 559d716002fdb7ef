"""Signing in through the header link and signing out again."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from sahel_learn.accounts.roles import STUDENTS
from tests.factories import student

PASSWORD = "correct horse battery staple"  # tests/factories.py UserFactory's password


@pytest.fixture(scope="module")
def amina(site, django_db_blocker):
    """A student, committed so that the server thread sees her on PostgreSQL too (flushed with the module)."""
    with django_db_blocker.unblock():
        # The roles migration creates the group; a transactional test that ran earlier may have flushed it.
        Group.objects.get_or_create(name=STUDENTS)
        return student(username="amina")


def test_sign_in_from_the_header_and_sign_out(browse, amina):
    page = browse.open("/timeline/")
    page.locator(".site-header").get_by_role("link", name="Sign in").click()
    expect(page).to_have_url(f"{browse.base_url}/accounts/login/?next=/timeline/")

    page.get_by_label("Username").fill("amina")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username and password.")
    browse.assert_accessible(page, "(sign-in error)")

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{browse.base_url}/timeline/")
    expect(page.locator(".site-header .account-name")).to_have_text("Signed in as amina")
    browse.assert_accessible(page, "(signed in)")

    page.locator(".site-header").get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    expect(page.locator(".site-header .account-name")).to_have_count(0)
    expect(page.locator(".site-header").get_by_role("link", name="Sign in")).to_be_visible()
    browse.assert_accessible(page, "(signed out)")
