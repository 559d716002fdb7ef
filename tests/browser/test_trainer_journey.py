"""A trainer's whole journey in a browser, end to end, as issue 10 asks: the trainer creates a class and reads
its code, a student joins with it, the trainer assigns a quiz, the student finds it under "Assigned to me"
and takes it through its pages, and the trainer sees the student done on the assignment page, reads their
review, finds their score and status in the class's gradebook (its cell leads to that review) and downloads
the gradebook as CSV. Two browser contexts, one per person; axe-core on every page visited, at 1280 and
390 px, light and dark.
"""

import csv
import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories

QUIZ = "Who rules where"
ASSIGNMENT = "Leaders check"


@pytest.fixture(scope="module")
def people(site, django_db_blocker):
    """A trainer, a student and a two-question quiz, committed for the server thread; no class yet."""
    with django_db_blocker.unblock():
        factories.trainer(username="tayo", first_name="Tayo Diallo")
        factories.student(username="bintou", first_name="Bintou Sanogo")
        mali = factories.QuestionFactory(qtype="single", prompt="Who led Mali's junta from 2021?")
        factories.AnswerOptionFactory(question=mali, text="Assimi Goïta", is_correct=True, position=1)
        factories.AnswerOptionFactory(question=mali, text="Abdourahamane Tiani", position=2)
        burkina = factories.QuestionFactory(qtype="single", prompt="Who leads Burkina Faso since 2022?")
        factories.AnswerOptionFactory(question=burkina, text="Ibrahim Traoré", is_correct=True, position=1)
        factories.AnswerOptionFactory(question=burkina, text="Mohamed Bazoum", position=2)
        factories.quiz_with([mali, burkina], slug="who-rules-where", title=QUIZ)


def test_a_trainer_runs_a_class_through_a_quiz_and_sees_the_result(browse, people):
    # The trainer creates a class through the form and reads its join code off the class page.
    teacher = browse.signed_in_page("tayo")
    browse.assert_accessible_at_sizes(teacher, "trainer home")
    teacher.locator(".role-home").get_by_role("link", name="Create a class").click()
    expect(teacher).to_have_url(f"{browse.base_url}/classes/new/")
    browse.assert_accessible_at_sizes(teacher, "create a class")
    teacher.get_by_label("Name").fill("Form 4A")
    teacher.get_by_label("Term").fill("2026-27")
    teacher.get_by_role("button", name="Create the class").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Form 4A")
    class_url = teacher.url
    assert re.fullmatch(rf"{re.escape(browse.base_url)}/classes/\d+/", class_url), class_url
    code = teacher.get_by_label("Class code").input_value()
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{6}", code), code
    expect(teacher.get_by_role("heading", name="0 students")).to_be_visible()
    browse.assert_accessible_at_sizes(teacher, "a new class")

    # The student, in a browser of their own, joins with the code.
    learner = browse.signed_in_page("bintou")
    browse.assert_accessible_at_sizes(learner, "student home")
    learner.locator(".role-home").get_by_role("link", name="Join a class with a code").click()
    expect(learner).to_have_url(f"{browse.base_url}/classes/join/")
    browse.assert_accessible_at_sizes(learner, "join a class")
    learner.get_by_label("Class code").fill(code)
    learner.get_by_role("button", name="Join").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("My classes")
    expect(learner.locator(".messages")).to_have_text("You have joined the class “Form 4A”.")
    browse.assert_accessible_at_sizes(learner, "my classes")

    # The trainer sees the student and assigns the quiz to the class through the assignment form.
    teacher.reload()
    expect(teacher.get_by_role("heading", name="1 student")).to_be_visible()
    expect(teacher.locator(".member-table tbody tr")).to_have_count(1)
    expect(teacher.locator(".member-table tbody tr")).to_contain_text("Bintou Sanogo")
    teacher.get_by_role("link", name="Assign a quiz").click()
    expect(teacher).to_have_url(f"{class_url}assignments/new/?kind=quiz")
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Assign a quiz")
    browse.assert_accessible_at_sizes(teacher, "assign a quiz")
    teacher.get_by_label("Title").fill(ASSIGNMENT)
    teacher.get_by_label("Quiz", exact=True).select_option(label=QUIZ)
    due = timezone.localtime() + datetime.timedelta(days=3)
    teacher.get_by_label("Due").fill(due.strftime("%Y-%m-%dT%H:%M"))
    teacher.get_by_role("button", name="Assign").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text(ASSIGNMENT)
    assignment_url = teacher.url
    assert re.fullmatch(rf"{re.escape(browse.base_url)}/assignments/\d+/", assignment_url), assignment_url
    student_row = teacher.locator(".status-table tbody tr")
    expect(student_row).to_have_count(1)
    expect(student_row.locator("th")).to_have_text("Bintou Sanogo")
    expect(student_row.locator(".assignment-status")).to_have_text("Not yet due")
    expect(student_row.locator("td").nth(2)).to_have_text("—")  # "Submitted": nothing yet
    browse.assert_accessible_at_sizes(teacher, "assignment page")

    # The student finds it under "Assigned to me" on their home page and follows its link into the quiz.
    learner.goto("/")
    assigned = learner.locator(".assigned-to-me li")
    expect(assigned).to_have_count(1)
    expect(assigned).to_contain_text(ASSIGNMENT)
    expect(assigned.locator(".assignment-status")).to_have_text("Not yet due")
    browse.assert_accessible_at_sizes(learner, "student home, assigned")
    assigned.get_by_role("link", name=f"Take the quiz “{QUIZ}”").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text(QUIZ)
    expect(learner.locator(".quiz-rules")).to_contain_text(f"Assigned to you (“{ASSIGNMENT}”): due")
    browse.assert_accessible_at_sizes(learner, "quiz page")

    # ... and answers every question on its page: the first one right, the second one wrong.
    learner.get_by_role("button", name="Start the quiz").click()
    expect(learner.locator("#progress-label")).to_have_text("Question 1 of 2 · 0 answered")
    expect(learner.locator("main")).to_contain_text("Who led Mali's junta from 2021?")
    browse.assert_accessible_at_sizes(learner, "question")
    learner.get_by_label("Assimi Goïta", exact=True).check()
    learner.get_by_role("button", name="Save and next").click()
    expect(learner.locator("#progress-label")).to_have_text("Question 2 of 2 · 1 answered")
    expect(learner.locator("main")).to_contain_text("Who leads Burkina Faso since 2022?")
    learner.get_by_label("Mohamed Bazoum", exact=True).check()
    learner.get_by_role("button", name="Save and see the summary").click()
    expect(learner.locator(".summary-counts dd")).to_have_text(["2", "0", "0"])  # answered, not, flagged
    browse.assert_accessible_at_sizes(learner, "summary")
    learner.get_by_role("button", name="Submit my attempt").click()
    expect(learner.locator(".score-line")).to_have_text("50 % 1 of 2 marks")
    browse.assert_accessible_at_sizes(learner, "review")
    review_url = learner.url

    # The trainer opens the assignment page: the student is done, submitted just now.
    teacher.goto(assignment_url)
    expect(student_row.locator("th")).to_have_text("Bintou Sanogo")
    expect(student_row.locator(".assignment-status")).to_have_text("Done")
    expect(student_row.locator("td").nth(2).locator("time")).to_have_count(1)  # "Submitted": when
    expect(teacher.locator("#students-title + p")).to_have_text("Done: 1 · Done late: 0 · Missing: 0 · Not yet due: 0")
    browse.assert_accessible_at_sizes(teacher, "assignment page, done")

    # ... and reads the student's review, read-only and in full.
    teacher.goto(review_url)
    expect(teacher.locator(".reviewing-note")).to_contain_text("Reviewing Bintou Sanogo’s attempt.")
    expect(teacher.locator(".score-line")).to_have_text("50 % 1 of 2 marks")
    expect(teacher.locator(".review-item .outcome")).to_have_count(2)
    expect(teacher.locator("main form")).to_have_count(0)  # nothing to answer, flag or submit
    browse.assert_accessible_at_sizes(teacher, "a student's review, by the trainer")

    # The trainer opens the class's gradebook: the student's score (the quiz's grade) and status in the table.
    teacher.goto(class_url)
    teacher.get_by_role("link", name="Gradebook").click()
    expect(teacher).to_have_url(f"{class_url}gradebook/")
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Gradebook: Form 4A")
    row = teacher.locator(".gradebook-table tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("th a")).to_have_text("Bintou Sanogo")
    cell = row.locator("td").first
    expect(cell.locator(".assignment-status")).to_have_text("Done")
    expect(cell.get_by_role("link")).to_contain_text("50 %")
    expect(cell).to_contain_text("1 attempt")
    expect(row.locator("td").nth(1)).to_have_text("50 %")  # overall
    browse.assert_accessible_at_sizes(teacher, "gradebook")
    browse.save_screenshots(teacher, "trainer-gradebook")

    # Sorting through the form swaps the table in place (htmx) and keeps the address.
    teacher.get_by_label("Sort by").select_option(label="Overall")
    teacher.get_by_label("Order").select_option(label="Descending")
    teacher.get_by_role("button", name="Show").click()
    expect(teacher).to_have_url(re.compile(r"gradebook/\?sort=overall&direction=desc"))
    expect(teacher.locator('.gradebook-table th[aria-sort="descending"]')).to_have_text("Overall")
    expect(row).to_have_count(1)

    # The cell links to the attempt's review, the one the trainer has read above.
    cell.get_by_role("link").click()
    expect(teacher).to_have_url(review_url)
    expect(teacher.locator(".reviewing-note")).to_contain_text("Reviewing Bintou Sanogo’s attempt.")
    teacher.go_back()

    # ... and downloads the gradebook as CSV: one row per student, as the table.
    with teacher.expect_download() as download_info:
        teacher.get_by_role("link", name="Download as CSV").click()
    download = download_info.value
    assert download.suggested_filename == "form-4a-gradebook.csv"
    with open(download.path(), encoding="utf-8", newline="") as exported:
        rows = list(csv.reader(exported))
    assert rows == [
        [
            "Name",
            "Username",
            f"{ASSIGNMENT}: score (%)",
            f"{ASSIGNMENT}: status",
            f"{ASSIGNMENT}: attempts",
            f"{ASSIGNMENT}: late",
            "Overall (%)",
        ],
        ["Bintou Sanogo", "bintou", "50.00", "Done", "1", "no", "50.00"],
    ]
