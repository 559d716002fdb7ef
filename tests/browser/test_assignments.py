"""Assignments in a browser: a trainer assigns a quiz to their class, the student sees it under "Assigned
to me" on their home page and takes it, the trainer sees "Done". axe-core on every assignment page at
1280 and 390 px, light and dark.

With ``SCREENSHOTS_DIR`` set, the pages are also saved there as assignments-*.png.
"""

import datetime
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from sahel_learn.accounts.roles import STUDENTS, TRAINERS
from tests import factories
from tests.factories import PASSWORD

from .conftest import DESKTOP, PHONE

SCREENSHOTS_DIR = os.environ.get("SCREENSHOTS_DIR", "")


@pytest.fixture(scope="module")
def people(site, django_db_blocker):
    """A trainer's class with one student, a one-question quiz, committed for the server thread."""
    with django_db_blocker.unblock():
        for name in (STUDENTS, TRAINERS):
            Group.objects.get_or_create(name=name)
        teacher = factories.trainer(username="fatou", first_name="Fatou Sow")
        awa = factories.student(username="awa", first_name="Awa Keita")
        cohort = factories.cohort_of(teacher, name="Demo-like class", students=[awa])
        question = factories.QuestionFactory(qtype="single", prompt="Which country left ECOWAS with Mali?")
        factories.AnswerOptionFactory(question=question, text="Niger", is_correct=True, position=1)
        factories.AnswerOptionFactory(question=question, text="Senegal", position=2)
        factories.quiz_with([question], slug="aes-check", title="AES check")
        return {"cohort": cohort}


def _sign_in(browse, username, **options):
    page = browse.open("/accounts/login/", **options)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def _screenshot(page, name):
    if SCREENSHOTS_DIR:
        folder = Path(SCREENSHOTS_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            page.screenshot(path=folder / f"assignments-{name}-{label}.png", full_page=True, caret="initial")
        page.set_viewport_size(DESKTOP)


def _accessible(browse, page, label):
    for size, viewport in (("1280 px", DESKTOP), ("390 px", PHONE)):
        page.set_viewport_size(viewport)
        if viewport == PHONE:
            browse.assert_fits_width(page)
        browse.assert_accessible_light_and_dark(page, f"{label}, {size}")
    page.set_viewport_size(DESKTOP)


def test_a_trainer_assigns_a_quiz_the_student_takes_it_and_the_trainer_sees_done(browse, people):
    cohort = people["cohort"]
    teacher = _sign_in(browse, "fatou")
    teacher.goto(f"/classes/{cohort.pk}/")
    _accessible(browse, teacher, "class page")
    teacher.get_by_role("link", name="Assign a quiz").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Assign a quiz")
    _accessible(browse, teacher, "assign a quiz")
    _screenshot(teacher, "form")
    teacher.get_by_label("Title").fill("Check on the AES")
    teacher.get_by_label("Quiz", exact=True).select_option(label="AES check")
    due = timezone.localtime() + datetime.timedelta(days=3)
    teacher.get_by_label("Due").fill(due.strftime("%Y-%m-%dT%H:%M"))
    teacher.get_by_role("button", name="Assign").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Check on the AES")
    expect(teacher.locator(".status-table tbody tr")).to_have_count(1)
    expect(teacher.locator(".status-table tbody")).to_contain_text("Not yet due")
    _accessible(browse, teacher, "assignment page")
    teacher.get_by_text("Give an extension").click()
    _accessible(browse, teacher, "assignment page, extension form open")

    learner = _sign_in(browse, "awa")
    assigned = learner.locator(".assigned-to-me")
    expect(assigned).to_contain_text("Check on the AES")
    expect(assigned).to_contain_text("Not yet due")
    _accessible(browse, learner, "student home")
    learner.goto("/assignments/")
    expect(learner.get_by_role("heading", level=2)).to_have_text("Check on the AES")
    _accessible(browse, learner, "assigned to me")
    _screenshot(learner, "mine")
    learner.get_by_role("link", name="Take the quiz “AES check”").click()
    expect(learner.locator(".quiz-rules")).to_contain_text("Assigned to you (“Check on the AES”): due")
    learner.get_by_role("button", name="Start the quiz").click()
    learner.get_by_label("Niger", exact=True).check()
    learner.get_by_role("button", name="Save and see the summary").click()
    learner.get_by_role("button", name="Submit my attempt").click()
    learner.goto("/assignments/")
    expect(learner.locator(".assignment-status")).to_have_text("Done")

    teacher.reload()
    expect(teacher.locator(".status-table tbody")).to_contain_text("Done")
    _screenshot(teacher, "detail")
    teacher.goto(f"/classes/{cohort.pk}/")
    row = teacher.locator(".assignment-table tbody tr")
    expect(row).to_contain_text("Check on the AES")
    expect(row.locator("td").nth(2)).to_have_text("1")  # the "Done" column


@pytest.mark.parametrize("kind", ["reading", "study_goal"])
def test_the_reading_and_study_goal_forms_are_accessible(browse, people, kind):
    teacher = _sign_in(browse, "fatou")
    teacher.goto(f"/classes/{people['cohort'].pk}/assignments/new/?kind={kind}")
    heading = {"reading": "Assign a reading", "study_goal": "Set a study goal"}[kind]
    expect(teacher.get_by_role("heading", level=1)).to_have_text(heading)
    if kind == "reading":
        expect(teacher.locator(".choice-fieldset").first.get_by_role("checkbox")).not_to_have_count(0)
    else:
        expect(teacher.get_by_label("Deck")).to_contain_text("Topic: Timeline")
    _accessible(browse, teacher, f"assign: {kind}")
    _screenshot(teacher, f"form-{kind}")
