"""The study statistics page and a card's history in a browser: axe-core at 1280 and 390 px, light and dark.

The questions are the real ones (``import_questions``); one student's history is made by rating them
through ``quizzes.actions.record_review`` over the last 200 days, as the study pages would. With
``SCREENSHOTS_DIR`` set, the pages are also saved there as study-stats-*.png.
"""

import datetime
import os
import random
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from quizzes import actions
from quizzes.models import Question, ReviewState, StudyRating
from tests.factories import PASSWORD, student

from .conftest import DESKTOP, PHONE

SCREENSHOTS_DIR = os.environ.get("SCREENSHOTS_DIR", "")


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


def _sign_in(page, username, next_path):
    page.goto(f"/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


def _accessible(browse, page, label):
    """axe-core at 1280 and 390 px, light and dark; no sideways scrolling on the phone."""
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        if size == "phone":
            browse.assert_fits_width(page)
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            browse.assert_accessible(page, f"({label}, {size}, {scheme})")
    page.emulate_media(color_scheme="light")
    page.set_viewport_size(DESKTOP)


def _screenshot(page, name):
    if not SCREENSHOTS_DIR:
        return
    folder = Path(SCREENSHOTS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        # caret="initial": Playwright's default hides the caret with a <style> that the page's CSP refuses.
        page.screenshot(path=folder / f"study-stats-{name}-desktop-{scheme}.png", full_page=True, caret="initial")
        page.set_viewport_size(PHONE)
        page.screenshot(path=folder / f"study-stats-{name}-phone-{scheme}.png", full_page=True, caret="initial")
        page.set_viewport_size(DESKTOP)
    page.emulate_media(color_scheme="light")


def test_the_stats_page_of_a_student_with_a_history(browse, history):
    page = browse.new_page()
    _sign_in(page, "learner", "/study/stats/")

    expect(page.locator("h1")).to_have_text("Your study statistics")
    expect(page.locator("svg[role=img]")).to_have_count(9)
    expect(page.get_by_role("img", name=re.compile("^Cards due per study day"))).to_be_visible()
    expect(page.locator(".heatmap-svg rect[class^=heat-]")).to_have_count(365)
    # Every chart's numbers are in a table under it, one click away.
    page.get_by_text("The numbers: Cards due per study day").click()
    expect(page.get_by_role("region", name="Cards due per study day").locator("tbody tr")).to_have_count(30)
    expect(page.get_by_role("table").filter(has_text="By topic")).to_be_visible()
    _accessible(browse, page, "stats")
    _screenshot(page, "learner")
    if SCREENSHOTS_DIR:
        for viewport, size in ((DESKTOP, "desktop"), (PHONE, "phone")):
            page.set_viewport_size(viewport)
            for number, figure in enumerate(page.locator("figure.chart").all()[:4]):
                figure.screenshot(
                    path=Path(SCREENSHOTS_DIR) / f"study-stats-chart-{number}-{size}.png", caret="initial"
                )


def test_the_stats_page_before_any_study(browse, history):
    page = browse.new_page()
    _sign_in(page, "newcomer", "/study/stats/")

    expect(page.get_by_text("You have not studied any card yet")).to_be_visible()
    expect(page.locator("svg[role=img]")).to_have_count(0)
    _accessible(browse, page, "stats, empty")
    _screenshot(page, "empty")


def test_a_card_history(browse, history):
    question = history["question"]
    state = ReviewState.objects.get(user=history["learner"], question=question)
    path = f"/study/cards/{question.pk}/"
    page = browse.new_page()
    _sign_in(page, "learner", path)

    expect(page.locator("h1")).to_have_text("Card history")
    expect(page.get_by_role("heading", name=question.prompt)).to_be_visible()
    expect(page.get_by_role("table", name="Every review").locator("tbody tr")).to_have_count(state.reps)
    page.get_by_text("The answer").click()
    expect(page.get_by_text(question.explanation)).to_be_visible()
    _accessible(browse, page, "card history")
    _screenshot(page, "card")


def test_a_card_not_studied_yet(browse, history):
    question = history["question"]
    page = browse.new_page()
    _sign_in(page, "newcomer", f"/study/cards/{question.pk}/")

    expect(page.get_by_text("Not studied yet")).to_be_visible()
    expect(page.get_by_text("The answer")).to_have_count(0)
    _accessible(browse, page, "card not studied")
