"""The study settings page in a browser: axe-core at desktop and phone width, light and dark; a mistake shown
at its field, corrected and saved; "Optimize my parameters" disabled, with the reason, until there are enough
reviews. With ``SCREENSHOTS_DIR`` set, the pages are also saved there as study-settings-*.png.
"""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from quizzes.actions import MIN_REVIEWS_TO_OPTIMIZE
from quizzes.models import StepKind, StudySettings
from sahel_learn.accounts.roles import STUDENTS
from tests.factories import student
from tests.quizzes.study_helpers import review_history

URL = "/study/settings/"


@pytest.fixture(scope="module")
def students(site, django_db_blocker):
    with django_db_blocker.unblock():
        Group.objects.get_or_create(name=STUDENTS)
        users = {name: student(username=name) for name in ("settler", "looker", "fitter")}
        review_history(users["fitter"], MIN_REVIEWS_TO_OPTIMIZE)
        return users


def test_a_student_corrects_a_mistake_and_saves_their_settings(browse, students):
    page = browse.signed_in_page("settler", next_path=URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Study settings")
    expect(page.locator("#workload-note")).to_have_text("At 0.90, your setting: about as many reviews as at 0.90.")
    expect(page.get_by_label("Learning steps", exact=True)).to_have_value("1m 10m")
    expect(page.get_by_role("button", name="Optimize my parameters")).to_be_disabled()
    expect(page.locator("#optimize-needs")).to_contain_text("You have 0 reviews; fitting needs at least 400.")
    browse.assert_accessible_at_sizes(page, "settings")
    browse.save_screenshots(page, "study-settings-page")

    page.get_by_label("Desired retention").fill("0.99")
    page.get_by_label("Learning steps", exact=True).fill("1m soon")
    browse.expect_error(URL, 400)
    page.get_by_role("button", name="Save my settings").click()
    expect(page.locator("#id_desired_retention_error")).to_have_text("Ensure this value is less than or equal to 0.97.")
    expect(page.locator("#id_learning_steps_error")).to_contain_text("“soon” is not a step")
    expect(page.get_by_role("alert").first).to_contain_text("Please correct the fields marked below:")
    expect(page.get_by_label("Desired retention")).to_have_attribute("aria-invalid", "true")
    browse.assert_accessible_at_sizes(page, "settings with errors")
    browse.save_screenshots(page, "study-settings-errors")

    page.get_by_label("Desired retention").fill("0.85")
    page.get_by_label("Learning steps", exact=True).fill("1m 10m 1h")
    page.get_by_label("Time zone").select_option("Africa/Bamako")
    page.get_by_label("Spread due dates").uncheck()
    page.get_by_role("button", name="Save my settings").click()
    expect(page.locator(".messages")).to_have_text("Your study settings are saved.")
    expect(page.locator("#workload-note")).to_have_text("At 0.85, your setting: about 20% fewer reviews than at 0.90.")
    expect(page.get_by_label("Learning steps", exact=True)).to_have_value("1m 10m 1h")
    saved = StudySettings.objects.for_user(students["settler"])
    assert (str(saved.desired_retention), saved.time_zone, saved.spread_due_dates) == ("0.85", "Africa/Bamako", False)
    assert saved.step_minutes(StepKind.LEARNING) == (1, 10, 60)
    browse.save_screenshots(page, "study-settings-saved")


def test_the_settings_page_without_javascript(browse, students):
    page = browse.signed_in_page("looker", next_path=URL, javascript=False)
    page.get_by_label("New cards per day").fill("12")
    page.get_by_role("button", name="Save my settings").click()
    expect(page.locator(".messages")).to_have_text("Your study settings are saved.")
    expect(page.get_by_label("New cards per day")).to_have_value("12")


def test_a_student_with_enough_reviews_optimizes_and_sees_how_the_fit_compares(browse, students):
    page = browse.signed_in_page("fitter", next_path=URL)
    expect(page.locator("#optimize-needs")).to_have_text("You have 400 reviews; fitting needs at least 400.")
    page.get_by_role("button", name="Optimize my parameters").click()
    expect(page).to_have_url(re.compile(r"/study/settings/#optimize$"))
    expect(page.locator(".messages")).to_contain_text("Your parameters are fitted")
    table = page.get_by_role("table", name=re.compile(r"^Your last fit .* from 400 reviews\): lower is better$"))
    expect(table.get_by_role("row")).to_have_count(3)
    expect(page.locator(".fit-verdict")).to_have_text(re.compile(r"^(In use|Not in use): "))
    browse.assert_accessible_at_sizes(page, "after optimizing")
    browse.save_screenshots(page, "study-settings-optimized")
