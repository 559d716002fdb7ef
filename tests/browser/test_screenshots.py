"""Screenshots for the README: ``SCREENSHOTS_DIR=docs/screenshots pytest tests/browser/test_screenshots.py``.

Skipped unless SCREENSHOTS_DIR is set. Each page is shot at a desktop size (1280 × 900, the first screen
only) and a phone size (390 × 844), in the light colour scheme, named like home-desktop.png.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from quizzes.actions import import_quizzes, publish_reviewed_questions, record_review, save_response
from quizzes.models import Attempt, Question, ReviewLog, ReviewState, StudyRating
from tests.factories import cohort_of, editor, student, trainer
from tests.quizzes.attempt_helpers import right_answer, slots_of

from .conftest import DESKTOP, PHONE, SCREENSHOTS_DIR

PAGES = {
    "home": "/",
    "reader": "/briefing/",
    "section-card": "/briefing/the-wagner-transition/",
    "leader": "/leaders/ibrahim-traore/",
    "leader-comparison": "/leaders/compare/",
    "timeline": "/timeline/",
    "search": "/search/?q=gold",
    "faq": "/faq/",
}


@pytest.mark.skipif(not SCREENSHOTS_DIR, reason="set SCREENSHOTS_DIR to write the README screenshots")
def test_readme_screenshots(browse):
    folder = Path(SCREENSHOTS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    for size, options in {"desktop": {"viewport": DESKTOP}, "phone": {"viewport": PHONE, "phone": True}}.items():
        page = browse.new_page(**options)
        for name, path in PAGES.items():
            response = page.goto(path)
            assert response.status == 200, f"{path} answered {response.status}"
            expect(page.locator("h1")).to_be_visible()
            page.screenshot(path=folder / f"{name}-{size}.png", animations="disabled", caret="initial")
    for name in PAGES:
        for size, viewport in {"desktop": DESKTOP, "phone": PHONE}.items():
            header = (folder / f"{name}-{size}.png").read_bytes()[:24]
            assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{name}-{size}.png is not a PNG"
            width, height = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
            assert (width, height) == (viewport["width"], viewport["height"]), f"{name}-{size}.png is {width}x{height}"


@pytest.fixture(scope="module")
def edna(site, django_db_blocker):
    """An editor, committed so that the server thread sees her (flushed with the module)."""
    with django_db_blocker.unblock():
        return editor(username="edna")


@pytest.mark.skipif(not SCREENSHOTS_DIR, reason="set SCREENSHOTS_DIR to write the README screenshots")
def test_readme_admin_screenshots(browse, edna):
    """The editors' view: an item with the paragraph it cites (the shipped pack leaves the importer nothing to propose)."""
    folder = Path(SCREENSHOTS_DIR)
    page = browse.admin_page("edna", viewport=DESKTOP)
    page.goto("/admin/briefings/keyfigure/?q=gold")
    page.locator("#result_list tbody tr a").first.click()
    expect(page.locator("h1")).to_be_visible()
    page.screenshot(path=folder / "admin-figure-desktop.png", animations="disabled", caret="initial", full_page=True)


@pytest.fixture(scope="module")
def shipped_quizzes(site, django_db_blocker):
    """The shipped questions and quizzes, as `make run` installs them, and one account per role."""
    with django_db_blocker.unblock():
        publish_reviewed_questions(path=settings.BASE_DIR / "quizzes" / "content" / "questions.yaml")
        import_quizzes(path=settings.BASE_DIR / "quizzes" / "content" / "quizzes.yaml")
        return {
            "student": student(username="sadia"),
            "trainer": trainer(username="tomas"),
            "editor": editor(username="edwin"),
        }


def _study_history(user):
    """Three weeks of study of the first 40 cards, once (the stats page's screenshot needs a history)."""
    if ReviewLog.objects.filter(user=user).count() > 5:
        return
    start = timezone.now() - datetime.timedelta(days=21)
    for number, question in enumerate(Question.objects.usable().order_by("pk")[:40]):
        moment = start + datetime.timedelta(days=number % 7, minutes=number)
        for step in range(12):
            state = ReviewState.objects.filter(user=user, question=question).first()
            rating = StudyRating.AGAIN if (number + step) % 5 == 0 else StudyRating.GOOD
            record_review(
                user=user,
                question=question,
                rating=rating,
                now=moment,
                version=state.version if state else 0,
                request_key=f"shot-{question.pk}-{step}",
            )
            moment = max(
                moment + datetime.timedelta(minutes=15), ReviewState.objects.get(user=user, question=question).due
            )
            if moment > timezone.now():
                break


def _shoot(page, folder, name, **options):
    expect(page.locator("h1")).to_be_visible()
    page.screenshot(path=folder / f"{name}.png", animations="disabled", caret="initial", **options)


@pytest.mark.skipif(not SCREENSHOTS_DIR, reason="set SCREENSHOTS_DIR to write the README screenshots")
def test_readme_screenshots_of_each_role(browse, shipped_quizzes, django_db_blocker):
    """A student's home and a shipped quiz taken to its review; a trainer's home; the editors' question bank."""
    folder = Path(SCREENSHOTS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    for size, options in {"desktop": {"viewport": DESKTOP}, "phone": {"viewport": PHONE, "phone": True}}.items():
        page = browse.signed_in_page("sadia", **options)
        page.goto("/")
        _shoot(page, folder, f"student-home-{size}")
        page.goto("/quizzes/")
        _shoot(page, folder, f"quiz-list-{size}")
        page.goto("/quizzes/fact-or-analysis/")
        _shoot(page, folder, f"quiz-detail-{size}")
        page.get_by_role("button", name=re.compile("^Start (the quiz|a new attempt)$")).click()
        expect(page.get_by_text("Question 1 of")).to_be_visible()
        _shoot(page, folder, f"quiz-question-{size}")
        with django_db_blocker.unblock():
            attempt = Attempt.objects.filter(user__username="sadia").order_by("-pk").first()
            for slot in slots_of(attempt)[:-1]:
                save_response(attempt=attempt, slot=slot, answer=right_answer(slot), now=timezone.now(), certainty=3)
        page.goto(f"/attempts/{attempt.pk}/summary/")
        page.get_by_role("button", name="Submit my attempt").click()
        _shoot(page, folder, f"quiz-review-{size}")
        page.goto("/study/")
        _shoot(page, folder, f"study-home-{size}")
        page.goto("/study/session/?deck=section:the-wagner-transition")
        expect(page.locator("#question-title")).to_be_visible()
        _shoot(page, folder, f"study-card-{size}")
        page.keyboard.press("Space")
        expect(page.locator("[data-study-rating]")).to_be_visible()
        _shoot(page, folder, f"study-reveal-{size}", full_page=True)
        with django_db_blocker.unblock():
            _study_history(shipped_quizzes["student"])
        page.goto("/study/stats/")
        _shoot(page, folder, f"study-stats-{size}")
    with django_db_blocker.unblock():
        cohort_of(shipped_quizzes["trainer"], students=[shipped_quizzes["student"]], name="Sahel politics, spring term")
    page = browse.signed_in_page("tomas", viewport=DESKTOP)
    page.goto("/")
    _shoot(page, folder, "trainer-home-desktop")
    page.get_by_role("link", name="Sahel politics, spring term").first.click()
    _shoot(page, folder, "trainer-class-desktop")
    page.goto("/quizzes/fact-or-analysis/analysis/")
    _shoot(page, folder, "trainer-item-analysis-desktop")
    page = browse.admin_page("edwin", viewport=DESKTOP)
    page.goto("/admin/quizzes/question/?topic__exact=leaders")
    expect(page.locator("#result_list")).to_be_visible()
    _shoot(page, folder, "admin-questions-desktop")
    page.goto("/admin/quizzes/quiz/")
    page.locator("#result_list tbody tr a").first.click()
    _shoot(page, folder, "admin-quiz-desktop")
