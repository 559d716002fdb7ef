"""Studying in a browser: from a briefing card's "Study this section" through a whole session with the
keyboard only (show, rate, take the suggestion, undo, suspend) to the end of the day's new cards;
without JavaScript the same session posts and redirects; axe-core on every state at both widths.

The cards are the real questions (``import_questions`` publishes the reviewed bank made from the article).
With ``SCREENSHOTS_DIR`` set, the pages are also saved there as study-*.png.
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import expect

from quizzes.models import ReviewLog, ReviewState, StudySettings
from sahel_learn.accounts.roles import STUDENTS
from tests.factories import student


@pytest.fixture(scope="module")
def students(site, django_db_blocker):
    """The reviewed questions published and two students allowed three new cards a day."""
    with django_db_blocker.unblock():
        call_command("import_questions", "quizzes/content/questions.yaml", verbosity=0)
        Group.objects.get_or_create(name=STUDENTS)
        made = {name: student(username=name) for name in ("keys", "nojs")}
        for user in made.values():
            settings = StudySettings.objects.for_user(user)
            settings.new_cards_per_day = 3
            settings.save()
        return made


def _prompt(page):
    return page.locator("#question-title").inner_text()


def test_a_whole_session_with_the_keyboard_only(browse, students):
    user = students["keys"]
    page = browse.signed_in_page("keys", next_path="/briefing/")
    study = page.get_by_role("link", name=re.compile(r"^Study this section")).first
    href = study.get_attribute("href")
    assert href.startswith("/study/session/?deck=section:")
    study.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#question-title")).to_be_visible()
    browse.assert_accessible_at_sizes(page, "question")
    browse.save_screenshots(page, "study-question")
    first = _prompt(page)
    expect(page.locator(".study-counts .count-new .count")).to_have_text("3")

    page.keyboard.press("Space")  # show the answer
    expect(page.locator("[data-study-rating]")).to_be_visible()
    expect(page.locator("[data-study-suggested]")).to_be_focused()
    expect(page.locator("[data-study-suggested]")).to_contain_text("Good")
    browse.assert_accessible_at_sizes(page, "answer")
    browse.save_screenshots(page, "study-answer")
    page.keyboard.press("3")  # Good
    expect(page.locator("#question-title")).not_to_have_text(first)
    second = _prompt(page)
    assert ReviewLog.objects.filter(user=user).count() == 1

    page.keyboard.press("u")  # undo: the first card is back, its review gone
    expect(page.locator("#question-title")).to_have_text(first)
    assert ReviewLog.objects.filter(user=user).count() == 0

    page.keyboard.press("Space")
    expect(page.locator("[data-study-suggested]")).to_be_focused()
    page.keyboard.press("Enter")  # takes the suggestion (Good)
    expect(page.locator("#question-title")).to_have_text(second)
    log = ReviewLog.objects.get(user=user)
    assert (log.question.prompt, log.rating) == (first, 3)

    page.keyboard.press("s")  # suspend the second card
    expect(page.locator("#question-title")).not_to_have_text(second)
    assert ReviewState.objects.get(user=user, question__prompt=second).suspended is True

    page.keyboard.press("Space")
    expect(page.locator("[data-study-rating]")).to_be_visible()
    expect(page.locator(".study-counts .count-new .count")).to_have_text("2")  # a suspension is no review
    page.keyboard.press("4")  # Easy: out for days
    expect(page.locator(".study-counts .count-new .count")).to_have_text("1")
    page.keyboard.press("Space")
    expect(page.locator("[data-study-rating]")).to_be_visible()
    page.keyboard.press("4")  # Easy: the third new card of the day
    # No new card is left today; the first, rated Good, is due in 10 minutes: with nothing else to do it
    # is shown ahead (Anki's 20-minute learn-ahead).
    expect(page.locator("#question-title")).to_have_text(first)
    expect(page.locator(".study-counts .count-new .count")).to_have_text("0")
    page.keyboard.press("Space")
    expect(page.locator("[data-study-rating]")).to_be_visible()
    page.keyboard.press("4")
    expect(page.locator("#study-empty-title")).to_have_text("You have reached today’s limit")
    assert ReviewLog.objects.filter(user=user).count() == 4
    assert ReviewLog.objects.filter(user=user, before_reps=0).count() == 3
    browse.assert_accessible_at_sizes(page, "done")
    browse.save_screenshots(page, "study-done")


def test_answering_first_and_rating_without_javascript(browse, students):
    user = students["nojs"]
    page = browse.signed_in_page("nojs", next_path="/study/", javascript=False)
    page.get_by_role("link", name="Study the whole briefing").click()
    expect(page).to_have_url(re.compile(r"/study/session/\?deck=all$"))
    first = _prompt(page)
    browse.expect_error("/study/session/reveal/", 400)
    page.get_by_role("button", name="Check my answer").click()  # nothing chosen or typed
    expect(page.locator("#answer-error")).to_be_visible()
    page.get_by_role("button", name="Show the answer").click()
    expect(page.locator("#study-result")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"Again")).click()
    expect(page).to_have_url(re.compile(r"/study/session/\?deck=all$"))
    assert _prompt(page) != first
    assert ReviewLog.objects.get(user=user).rating == 1
    page.get_by_role("button", name=re.compile("Undo it")).click()
    expect(page.locator("#question-title")).to_have_text(first)
    assert not ReviewLog.objects.filter(user=user).exists()
