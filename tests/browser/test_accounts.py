"""Signing up, in and out, the profile, password change and reset, and the lockout, in a browser."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from sahel_learn.accounts.roles import STUDENTS
from tests.factories import PASSWORD, student


@pytest.fixture(scope="module")
def amina(site, django_db_blocker):
    """A student, committed so that the server thread sees her on PostgreSQL too (flushed with the module)."""
    with django_db_blocker.unblock():
        # The roles migration creates the group; a transactional test that ran earlier may have flushed it.
        Group.objects.get_or_create(name=STUDENTS)
        return student(username="amina", email="amina@example.org")


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


def test_a_new_student_signs_up_lands_on_their_home_and_names_themselves(browse, site, django_db_blocker):
    page = browse.open("/")
    page.locator(".site-header").get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")

    page.get_by_label("Username").fill("ousmane")
    page.get_by_label("Password", exact=True).fill("ousmane")
    page.get_by_label("Password confirmation").fill("ousmane")
    browse.expect_error("/accounts/signup/", 400)
    page.get_by_role("button", name="Create account").click()
    confirmation = page.get_by_label("Password confirmation")
    expect(confirmation).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_password2_error")).to_contain_text("This password is too short.")
    browse.assert_accessible_at_sizes(page, "sign-up errors")

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(f"{browse.base_url}/")
    expect(page.locator(".site-header .account-name")).to_have_text("Signed in as ousmane")
    expect(page.get_by_role("status")).to_have_text("Welcome to Sahel Learn, ousmane. Your account is ready.")
    expect(page.locator("#role-home-title")).to_have_text("Your next steps, ousmane (Student)")
    browse.assert_accessible_at_sizes(page, "student home")

    page.locator(".site-header").get_by_role("link", name="Profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    browse.assert_accessible_at_sizes(page, "profile")
    page.get_by_label("Display name").fill("Ousmane Diallo")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".site-header .account-name")).to_have_text("Signed in as Ousmane Diallo")

    page.get_by_role("link", name="Change your password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    browse.assert_accessible_at_sizes(page, "password change")
    page.get_by_label("Old password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("a new and long passphrase 42")
    page.get_by_label("New password confirmation").fill("a new and long passphrase 42")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is changed")
    browse.assert_accessible_at_sizes(page, "password changed")
    with django_db_blocker.unblock():
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(username="ousmane")
        assert list(user.groups.values_list("name", flat=True)) == [STUDENTS]
        user.delete()


PAGES = {
    "signup": "/accounts/signup/",
    "password-reset": "/accounts/password_reset/",
    "password-reset-done": "/accounts/password_reset/done/",
    "password-reset-bad-link": "/accounts/reset/MQ/bad-token/",
    "password-reset-complete": "/accounts/reset/done/",
}


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_page(browse, path):
    browse.check_page(path)


def test_password_reset_request_lands_on_the_neutral_page(browse, amina):
    page = browse.open("/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("Email").fill("amina@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")


def test_throttled_password_reset_page(browse, settings):
    settings.PASSWORD_RESET_RATE = (0, 3600)
    page = browse.open("/accounts/password_reset/")
    browse.expect_error("/accounts/password_reset/", 429)
    page.get_by_label("Email").fill("someone@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many reset requests")
    browse.assert_accessible_at_sizes(page, "reset throttled")


def test_five_wrong_passwords_pause_signing_in(browse, amina):
    page = browse.open("/accounts/login/")
    browse.expect_error("/accounts/login/", 429)
    for attempt in range(5):
        page.get_by_label("Username").fill("amina")
        page.get_by_label("Password").fill(f"guess {attempt}")
        page.get_by_role("button", name="Sign in").click()
        if attempt < 4:
            expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username and password.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in paused")
    expect(page.get_by_role("alert")).to_contain_text("signing in with it from here is paused for 15 minutes")
    browse.assert_accessible_at_sizes(page, "lockout")
