"""Assignments in a browser: a trainer assigns a quiz to their class, the student sees it under "Assigned
to me" on their home page and takes it, the trainer sees "Done". axe-core on every assignment page at
1280 and 390 px, light and dark.

With ``SCREENSHOTS_DIR`` set, the pages are also saved there as assignments-*.png.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from sahel_learn.accounts.roles import STUDENTS, TRAINERS
from tests import factories


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


def test_a_trainer_assigns_a_quiz_the_student_takes_it_and_the_trainer_sees_done(browse, people):
    cohort = people["cohort"]
    teacher = browse.signed_in_page("fatou")
    teacher.goto(f"/classes/{cohort.pk}/")
    browse.assert_accessible_at_sizes(teacher, "class page")
    teacher.get_by_role("link", name="Assign a quiz").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Assign a quiz")
    browse.assert_accessible_at_sizes(teacher, "assign a quiz")
    browse.save_screenshots(teacher, "assignments-form")
    teacher.get_by_label("Title").fill("Check on the AES")
    teacher.get_by_label("Quiz", exact=True).select_option(label="AES check")
    due = timezone.localtime() + datetime.timedelta(days=3)
    teacher.get_by_label("Due").fill(due.strftime("%Y-%m-%dT%H:%M"))
    teacher.get_by_role("button", name="Assign").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Check on the AES")
    expect(teacher.locator(".status-table tbody tr")).to_have_count(1)
    expect(teacher.locator(".status-table tbody")).to_contain_text("Not yet due")
    browse.assert_accessible_at_sizes(teacher, "assignment page")
    teacher.get_by_text("Give an extension").click()
    browse.assert_accessible_at_sizes(teacher, "assignment page, extension form open")

    learner = browse.signed_in_page("awa")
    assigned = learner.locator(".assigned-to-me")
    expect(assigned).to_contain_text("Check on the AES")
    expect(assigned).to_contain_text("Not yet due")
    browse.assert_accessible_at_sizes(learner, "student home")
    learner.goto("/assignments/")
    expect(learner.get_by_role("heading", level=2)).to_have_text("Check on the AES")
    browse.assert_accessible_at_sizes(learner, "assigned to me")
    browse.save_screenshots(learner, "assignments-mine")
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
    browse.save_screenshots(teacher, "assignments-detail")
    teacher.goto(f"/classes/{cohort.pk}/")
    row = teacher.locator(".assignment-table tbody tr")
    expect(row).to_contain_text("Check on the AES")
    expect(row.locator("td").nth(2)).to_have_text("1")  # the "Done" column


@pytest.mark.parametrize("kind", ["reading", "study_goal"])
def test_the_reading_and_study_goal_forms_are_accessible(browse, people, kind):
    teacher = browse.signed_in_page("fatou")
    teacher.goto(f"/classes/{people['cohort'].pk}/assignments/new/?kind={kind}")
    heading = {"reading": "Assign a reading", "study_goal": "Set a study goal"}[kind]
    expect(teacher.get_by_role("heading", level=1)).to_have_text(heading)
    if kind == "reading":
        expect(teacher.locator(".choice-fieldset").first.get_by_role("checkbox")).not_to_have_count(0)
    else:
        expect(teacher.get_by_label("Deck")).to_contain_text("Topic: Timeline")
    browse.assert_accessible_at_sizes(teacher, f"assign: {kind}")
    browse.save_screenshots(teacher, f"assignments-form-{kind}")
