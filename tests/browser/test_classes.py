"""Classes in a browser: a trainer creates a class and copies its code, a student joins with it, the
trainer sees the student; students added in bulk, their printable password sheet, and a first sign-in
with a one-time password. axe-core on every class page at 1280 and 390 px, light and dark.

With ``SCREENSHOTS_DIR`` set, the pages are also saved there as classes-*.png.
"""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from sahel_learn.accounts.roles import STUDENTS, TRAINERS
from tests.factories import student, trainer

from .conftest import PHONE

NEW_PASSWORD = "a new and long passphrase 42"


@pytest.fixture(scope="module")
def people(site, django_db_blocker):
    """A trainer and a student, committed so that the server thread sees them (flushed with the module)."""
    with django_db_blocker.unblock():
        for name in (STUDENTS, TRAINERS):
            Group.objects.get_or_create(name=name)
        return {
            "trainer": trainer(username="fatou", first_name="Fatou Sow"),
            "student": student(username="awa", first_name="Awa Keita"),
        }


def test_a_trainer_creates_a_class_a_student_joins_with_its_code_and_the_trainer_sees_them(browse, people):
    teacher = browse.signed_in_page("fatou")
    teacher.locator(".role-home").get_by_role("link", name="Create a class").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Create a class")
    browse.assert_accessible_at_sizes(teacher, "create a class")
    teacher.get_by_label("Name").fill("Form 3B")
    teacher.get_by_label("Term").fill("2026-27")
    teacher.get_by_role("button", name="Create the class").click()

    expect(teacher.get_by_role("heading", level=1)).to_have_text("Form 3B")
    code = teacher.get_by_label("Class code").input_value()
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{6}", code), code
    expect(teacher.get_by_label("Join link")).to_have_value(f"{browse.base_url}/classes/join/{code}/")
    teacher.context.grant_permissions(["clipboard-read", "clipboard-write"])
    teacher.get_by_role("button", name="Copy the code").click()
    expect(teacher.locator("[data-copy-status]")).to_have_text(f"Copied: {code}")
    assert teacher.evaluate("() => navigator.clipboard.readText()") == code
    expect(teacher.get_by_role("heading", name="0 students")).to_be_visible()
    browse.assert_accessible_at_sizes(teacher, "a new class")

    learner = browse.signed_in_page("awa", viewport=PHONE, phone=True)
    learner.locator(".role-home").get_by_role("link", name="Join a class with a code").click()
    browse.assert_accessible_at_sizes(learner, "join a class")
    learner.get_by_label("Class code").fill(code.lower())
    learner.get_by_role("button", name="Join").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("My classes")
    expect(learner.locator(".messages")).to_have_text("You have joined the class “Form 3B”.")
    expect(learner.get_by_role("heading", level=2, name="Form 3B")).to_be_visible()
    expect(learner.locator(".cohort-card")).to_contain_text("Trainers: Fatou Sow")
    browse.assert_accessible_at_sizes(learner, "my classes")
    browse.save_screenshots(learner, "classes-mine")

    teacher.reload()
    expect(teacher.get_by_role("heading", name="1 student")).to_be_visible()
    expect(teacher.locator(".member-table tbody tr")).to_have_count(1)
    expect(teacher.locator(".member-table tbody tr").first).to_contain_text("Awa Keita")
    browse.assert_accessible_at_sizes(teacher, "a class with a student")
    browse.save_screenshots(teacher, "classes-detail")

    teacher.goto("/classes/")
    expect(teacher.locator(".cohort-table tbody tr")).to_contain_text(["Form 3B 2026-27 1 " + code + " Open"])
    browse.assert_accessible_at_sizes(teacher, "your classes")
    browse.save_screenshots(teacher, "classes-list")


def test_students_without_e_mail_get_a_printable_sheet_and_choose_a_password_at_first_sign_in(browse, people):
    teacher = browse.signed_in_page("fatou")
    teacher.goto("/classes/new/")
    teacher.get_by_label("Name").fill("Evening class")
    teacher.get_by_role("button", name="Create the class").click()
    teacher.get_by_role("link", name="Add students without e-mail").click()
    browse.assert_accessible_at_sizes(teacher, "add students")
    teacher.get_by_label("Names, one per line").fill("Aïssata Traoré\nIssa Maïga")
    teacher.get_by_role("button", name="Make the accounts").click()

    expect(teacher.get_by_role("heading", level=1)).to_have_text("One-time passwords for Evening class")
    expect(teacher.get_by_role("button", name="Print this sheet")).to_be_visible()
    rows = teacher.locator(".sheet-table tbody tr")
    expect(rows).to_have_count(2)
    username = rows.first.locator("td").nth(0).inner_text()
    password = rows.first.locator("td").nth(1).inner_text()
    assert (username, len(password)) == ("aissata.traore", 11)
    browse.assert_accessible_at_sizes(teacher, "password sheet")
    browse.save_screenshots(teacher, "classes-sheet")
    teacher.emulate_media(media="print")
    expect(teacher.locator(".site-header")).to_be_hidden()
    expect(teacher.locator(".no-print").first).to_be_hidden()
    expect(rows.first).to_be_visible()
    browse.save_screenshots(teacher, "classes-sheet-print")
    teacher.emulate_media(media="screen")
    teacher.reload()
    expect(teacher.locator("main")).to_contain_text("The passwords were shown once and are not kept.")
    expect(teacher.locator(".sheet-table")).to_have_count(0)

    newcomer = browse.signed_in_page(username, password=password, viewport=PHONE, phone=True)
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Change your password")
    expect(newcomer.locator("main .alert")).to_contain_text("Your trainer made your password for you.")
    newcomer.goto("/")
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Change your password")
    newcomer.get_by_label("Old password").fill(password)
    newcomer.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    newcomer.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name="Change password").click()
    newcomer.goto("/classes/mine/")
    expect(newcomer.get_by_role("heading", level=2, name="Evening class")).to_be_visible()


def test_without_javascript_the_code_and_link_are_there_to_copy_by_hand(browse, people):
    teacher = browse.signed_in_page("fatou", javascript=False)
    teacher.goto("/classes/new/")
    teacher.get_by_label("Name").fill("No script")
    teacher.get_by_role("button", name="Create the class").click()
    expect(teacher.get_by_label("Class code")).to_have_attribute("readonly", "")
    expect(teacher.get_by_role("button", name="Copy the code")).to_be_hidden()
    teacher.get_by_role("button", name="Close joining").click()
    expect(teacher.locator(".messages")).to_have_text(
        "Joining is closed: the code and the link no longer let anybody in."
    )
    expect(teacher.get_by_role("button", name="Open joining")).to_be_visible()
