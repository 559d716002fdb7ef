"""The study statistics page and a card's history in a browser: axe-core at 1280 and 390 px, light and dark.

The questions are the real ones (``import_questions``); one student's history is made by rating them
through ``quizzes.actions.record_review`` over the last 200 days, as the study pages would. With
``SCREENSHOTS_DIR`` set, the pages are also saved there as study-stats-*.png.
"""

import datetime
import random
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from quizzes import actions
from quizzes.models import Question, ReviewState, StudyRating
from tests.factories import student

from .conftest import DESKTOP, PHONE, SCREENSHOTS_DIR


def _study(user, questions, now):
    """Each question first seen on a different day, then rated when due until now: mostly Good, some Again."""
    draw = random.Random(7)  # noqa: S311 - test data
    for number, question in enumerate(questions):
        moment, version, reps = now - datetime.timedelta(days=200 - number * 4), 0, 0
        while moment < now:
            rating = StudyRating.AGAIN if draw.random() < 0.15 else StudyRating.GOOD
            rated = actions.record_review(
                user=user,
                question=question,
                rating=rating,
                now=moment,
                version=version,
                request_key=f"{question.pk}-{reps}",
                duration_ms=draw.randint(2000, 20000),
            )
            version, reps = rated.state.version, reps + 1
            if rated.state.suspended:
                break
            moment = max(rated.state.due, moment + datetime.timedelta(minutes=1))


@pytest.fixture(scope="module")
def history(site, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("import_questions", "quizzes/content/questions.yaml", verbosity=0)
        learner, newcomer = student(username="learner"), student(username="newcomer")
        questions = list(Question.objects.usable().order_by("pk")[:40])
        _study(learner, questions, timezone.now())
        return {"learner": learner, "newcomer": newcomer, "question": questions[0]}


def test_the_stats_page_of_a_student_with_a_history(browse, history):
    page = browse.signed_in_page("learner", next_path="/study/stats/")

    expect(page.locator("h1")).to_have_text("Your study statistics")
    expect(page.locator("svg[role=img]")).to_have_count(9)
    expect(page.get_by_role("img", name=re.compile("^Cards due per study day"))).to_be_visible()
    expect(page.locator(".heatmap-svg rect[class^=heat-]")).to_have_count(365)
    # Every chart's numbers are in a table under it, one click away.
    page.get_by_text("The numbers: Cards due per study day").click()
    expect(page.get_by_role("region", name="Cards due per study day").locator("tbody tr")).to_have_count(30)
    expect(page.get_by_role("table").filter(has_text="By topic")).to_be_visible()
    browse.assert_accessible_at_sizes(page, "stats")
    browse.save_screenshots(page, "study-stats-learner", dark=True)
    if SCREENSHOTS_DIR:
        for viewport, size in ((DESKTOP, "desktop"), (PHONE, "phone")):
            page.set_viewport_size(viewport)
            for number, figure in enumerate(page.locator("figure.chart").all()[:4]):
                figure.screenshot(
                    path=Path(SCREENSHOTS_DIR) / f"study-stats-chart-{number}-{size}.png", caret="initial"
                )


def test_the_stats_page_before_any_study(browse, history):
    page = browse.signed_in_page("newcomer", next_path="/study/stats/")

    expect(page.get_by_text("You have not studied any card yet")).to_be_visible()
    expect(page.locator("svg[role=img]")).to_have_count(0)
    browse.assert_accessible_at_sizes(page, "stats, empty")
    browse.save_screenshots(page, "study-stats-empty", dark=True)


def test_a_card_history(browse, history):
    question = history["question"]
    state = ReviewState.objects.get(user=history["learner"], question=question)
    path = f"/study/cards/{question.pk}/"
    page = browse.signed_in_page("learner", next_path=path)

    expect(page.locator("h1")).to_have_text("Card history")
    expect(page.get_by_role("heading", name=question.prompt)).to_be_visible()
    expect(page.get_by_role("table", name="Every review").locator("tbody tr")).to_have_count(state.reps)
    page.get_by_text("The answer").click()
    expect(page.get_by_text(question.explanation)).to_be_visible()
    browse.assert_accessible_at_sizes(page, "card history")
    browse.save_screenshots(page, "study-stats-card", dark=True)


def test_a_card_not_studied_yet(browse, history):
    question = history["question"]
    page = browse.signed_in_page("newcomer", next_path=f"/study/cards/{question.pk}/")

    expect(page.get_by_text("Not studied yet")).to_be_visible()
    expect(page.get_by_text("The answer")).to_have_count(0)
    browse.assert_accessible_at_sizes(page, "card not studied")
