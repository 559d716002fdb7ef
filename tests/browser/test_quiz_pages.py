"""The quiz pages in a browser: a student takes a quiz to the end with the keyboard only, then reviews it;
immediate feedback with certainty; answering without JavaScript; axe-core on every page at both widths.

The questions are the real ones (``import_questions`` publishes the reviewed bank made from the article);
the quizzes are made here. With ``SCREENSHOTS_DIR`` set, the pages are also saved there as quiz-*.png.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import expect

from quizzes.models import Attempt, FeedbackMode, Navigation, QuestionType, Quiz, QuizRule
from sahel_learn.accounts.roles import STUDENTS
from tests.factories import QuizFactory, QuizRuleFactory, student
from tests.quizzes.attempt_helpers import right_answer, slots_of

TYPES = [
    QuestionType.SINGLE,
    QuestionType.STATEMENT_KIND,
    QuestionType.MULTIPLE,
    QuestionType.TRUE_FALSE,
    QuestionType.NUMERIC,
    QuestionType.ORDERING,
    QuestionType.MATCHING,
    QuestionType.SHORT_ANSWER,
]


@pytest.fixture(scope="module")
def quizzes(site, django_db_blocker):
    """The reviewed questions published, two quizzes and three students, committed for the server thread."""
    with django_db_blocker.unblock():
        call_command("import_questions", "quizzes/content/questions.yaml", verbosity=0)
        Group.objects.get_or_create(name=STUDENTS)
        tour = QuizFactory(
            slug="sahel-tour",
            title="A tour of the Sahel briefing",
            description="One question of each kind, drawn from the whole briefing.",
            time_limit=datetime.timedelta(minutes=20),
            attempts_allowed=3,
            pass_mark=50,
            shuffle_options=True,
        )
        for position, qtype in enumerate(TYPES, start=1):
            QuizRuleFactory(quiz=tour, qtype=qtype, position=position)
        sure = QuizFactory(
            slug="how-sure",
            title="How sure are you?",
            description="Three questions on the leaders, with feedback as you go and certainty-based marking.",
            feedback_mode=FeedbackMode.IMMEDIATE,
            certainty_based=True,
        )
        QuizRule.objects.create(quiz=sure, qtype=QuestionType.SINGLE, topic="leaders", count=3)
        in_order = QuizFactory(
            slug="in-order",
            title="In order",
            description="Two questions on the leaders, one after the other, with no going back.",
            navigation=Navigation.SEQUENTIAL,
        )
        QuizRule.objects.create(quiz=in_order, qtype=QuestionType.SINGLE, topic="leaders", count=2)
        users = {name: student(username=name) for name in ("keyboard", "nojs", "certain", "sequential", "flagger")}
        return {"tour": tour, "sure": sure, "in_order": in_order, **users}


def _tab_to(page, locator, limit=80):
    """Press Tab until ``locator`` has the focus (the way a keyboard user gets there)."""
    for _ in range(limit):
        if locator.evaluate("(element) => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


def _answer_with_the_keyboard(page, slot):
    """Give ``slot``'s right answer with number keys, typing, Tab and Enter only."""
    qtype = slot.question.qtype
    right = right_answer(slot)
    shown = [row.pk for row in slot.items()]
    if qtype in (QuestionType.SINGLE, QuestionType.TRUE_FALSE, QuestionType.STATEMENT_KIND, QuestionType.MULTIPLE):
        for pk in right:
            page.keyboard.press(str(shown.index(pk) + 1))
        expect(page.locator("input[name=answer]:checked")).to_have_count(len(right))
    elif qtype in (QuestionType.NUMERIC, QuestionType.SHORT_ANSWER):
        box = page.get_by_label("Your answer")
        _tab_to(page, box)
        page.keyboard.type(right)
    elif qtype == QuestionType.ORDERING:
        for pk in shown:
            select = page.locator(f"select[name=place-{pk}]")
            _tab_to(page, select)
            page.keyboard.type(str(right.index(pk) + 1))
            expect(select).to_have_value(str(right.index(pk) + 1))
    elif qtype == QuestionType.MATCHING:
        labels = {row.pk: row.label for row in slot.match_choices()}
        for pk, match in right.items():
            select = page.locator(f"select[name=match-{pk}]")
            _tab_to(page, select)
            page.keyboard.type(labels[match])
            expect(select).to_have_value(str(match))
    page.keyboard.press("Enter")


def test_the_quiz_pages_for_anybody(browse, quizzes):
    for path in ("/quizzes/", "/quizzes/sahel-tour/", "/quizzes/how-sure/", "/help/scoring/"):
        browse.check_page(path)
    page = browse.open("/quizzes/")
    expect(page.locator(".site-nav a[aria-current=page]")).to_have_text("Quizzes")
    expect(
        page.get_by_role("link", name=re.compile(r"^Sign in to take it\W+A tour of the Sahel briefing$"))
    ).to_be_visible()
    browse.save_screenshots(page, "quiz-list-anonymous")
    page = browse.open("/help/scoring/")
    browse.save_screenshots(page, "quiz-scoring-help")


def test_a_student_takes_a_quiz_to_the_end_with_the_keyboard(browse, quizzes):
    page = browse.signed_in_page("keyboard", next_path="/quizzes/")
    browse.assert_accessible_at_sizes(page, "list, signed in")

    link = page.get_by_role("link", name=re.compile(r"^Rules and start\W+A tour of the Sahel briefing$"))
    _tab_to(page, link)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("A tour of the Sahel briefing")
    expect(page.locator(".quiz-rules")).to_contain_text("You may take this quiz 3 times.")
    expect(page.locator(".quiz-rules")).to_contain_text("20 minutes from when you start")
    browse.assert_accessible_at_sizes(page, "quiz page")
    browse.save_screenshots(page, "quiz-detail")

    _tab_to(page, page.get_by_role("button", name="Start the quiz"))
    page.keyboard.press("Enter")
    expect(page.locator("#progress-label")).to_contain_text("Question 1 of 8")
    attempt = Attempt.objects.get(user=quizzes["keyboard"], quiz=quizzes["tour"])
    slots = slots_of(attempt)
    assert [slot.question.qtype for slot in slots] == TYPES
    expect(page.locator(".countdown-clock")).to_have_text(re.compile(r"^(20:00|19:5\d)$"))

    for slot in slots:
        expect(page.locator("#progress-label")).to_contain_text(f"Question {slot.position} of 8")
        expect(page.locator("#question-title")).to_have_text(slot.question.prompt)
        browse.assert_accessible_at_sizes(page, f"question {slot.position}, {slot.question.qtype}")
        browse.save_screenshots(page, f"quiz-question-{slot.question.qtype}")
        _answer_with_the_keyboard(page, slot)
        if slot.position < len(slots):
            expect(page.locator("#progress-label")).to_contain_text(f"{slot.position} answered")
            expect(page.locator("#question-title")).to_be_focused()

    expect(page).to_have_url(f"{browse.base_url}/attempts/{attempt.pk}/summary/")
    expect(page.locator(".summary-counts")).to_contain_text("Answered8")
    browse.assert_accessible_at_sizes(page, "summary")
    browse.save_screenshots(page, "quiz-summary")

    _tab_to(page, page.get_by_role("button", name="Submit my attempt"))
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{browse.base_url}/attempts/{attempt.pk}/review/")
    expect(page.locator(".score-percent")).to_have_text("100 %")
    expect(page.locator(".pass-line")).to_contain_text("Passed")
    expect(page.locator(".review-item .outcome")).to_have_count(8)
    expect(page.locator(".review-item .outcome", has_text="Right")).to_have_count(8)
    browse.assert_accessible_at_sizes(page, "review")
    browse.save_screenshots(page, "quiz-review")


def test_immediate_feedback_with_certainty_then_the_calibration(browse, quizzes):
    page = browse.signed_in_page("certain", next_path="/quizzes/how-sure/")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.locator("#progress-label")).to_contain_text("Question 1 of 3")
    attempt = Attempt.objects.get(user=quizzes["certain"])
    slots = slots_of(attempt)

    for slot in slots:
        expect(page.locator("#question-title")).to_have_text(slot.question.prompt)
        wrong = slot.position == 2
        labels = [row.label for row in slot.items() if row.option.is_correct != wrong]
        page.locator(".choices").first.get_by_label(labels[0], exact=True).check()
        page.get_by_label("Quite sure (right 3, wrong −6)").check()
        page.get_by_role("button", name="Check my answer").click()
        expect(page.locator(".result .outcome")).to_contain_text("Wrong" if wrong else "Right")
        expect(page.locator(".closed-note")).to_be_visible()
        if slot.position == 2:
            browse.assert_accessible_at_sizes(page, "immediate feedback")
            browse.save_screenshots(page, "quiz-immediate-feedback")
        if slot.position < len(slots):
            page.get_by_role("link", name=f"Next Question {slot.position + 1}").click()

    page.get_by_role("link", name="Summary and submit").first.click()
    stale = browse.new_page()  # the summary open in another tab, to submit again from
    stale.context.add_cookies(page.context.cookies())
    stale.goto(f"/attempts/{attempt.pk}/summary/")
    page.get_by_role("button", name="Submit my attempt").click()
    expect(page.locator(".calibration")).to_contain_text("How sure were you?")
    expect(page.locator(".calibration dd").first).to_have_text("66.67 %")
    browse.assert_accessible_at_sizes(page, "review with calibration")
    browse.save_screenshots(page, "quiz-review-calibration")

    browse.expect_error(f"/attempts/{attempt.pk}/submit/", 409)
    stale.get_by_role("button", name="Submit my attempt").click()
    expect(stale.get_by_role("alert")).to_contain_text("This attempt has been submitted already.")
    expect(stale.get_by_role("link", name="See the review")).to_be_visible()
    browse.assert_accessible_at_sizes(stale, "refused")
    browse.save_screenshots(stale, "quiz-refused")


def test_answering_a_question_without_javascript(browse, quizzes):
    page = browse.signed_in_page("nojs", next_path="/quizzes/sahel-tour/", javascript=False)
    page.get_by_role("button", name="Start the quiz").click()
    attempt = Attempt.objects.get(user=quizzes["nojs"])
    slot = slots_of(attempt)[0]
    expect(page).to_have_url(f"{browse.base_url}/attempts/{attempt.pk}/")
    expect(page.locator(".countdown")).to_contain_text(re.compile(r"Time left\s+(20:00|19:5\d)"))

    right = next(row for row in slot.items() if row.pk in right_answer(slot))
    page.get_by_label(right.label, exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and next").click()

    expect(page).to_have_url(f"{browse.base_url}/attempts/{attempt.pk}/?q=2")
    expect(page.locator("#progress-label")).to_contain_text("Question 2 of 8 · 1 answered")
    assert attempt.slots.get(position=1).responses.get().fraction == 1

    page.get_by_role("link", name="Previous Question 1").click()
    expect(page.get_by_label(right.label, exact=True)).to_be_checked()

    page.get_by_role("button", name="Flag to come back to").click()
    expect(page.get_by_role("button", name="Flag to come back to")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#progress-label")).to_contain_text("1 flagged")
    assert list(Quiz.objects.get(slug="sahel-tour").attempts.get(pk=attempt.pk).slots.filter(flagged=True)) == [
        attempt.slots.get(position=1)
    ]


def test_a_sequential_quiz_moves_on_with_no_going_back(browse, quizzes):
    page = browse.signed_in_page("sequential", next_path="/quizzes/in-order/")
    page.get_by_role("button", name="Start the quiz").click()
    attempt = Attempt.objects.get(user=quizzes["sequential"])
    expect(page.locator("#progress-label")).to_contain_text("Question 1 of 2")
    expect(page.get_by_role("link", name=re.compile("^Previous"))).to_have_count(0)
    browse.assert_accessible_at_sizes(page, "sequential question")

    page.get_by_role("button", name="Next, no going back Question 2").click()
    expect(page.locator("#progress-label")).to_contain_text("Question 2 of 2")
    page.goto(f"/attempts/{attempt.pk}/?q=1")
    expect(page.get_by_text("This quiz goes in order: this question is closed.")).to_be_visible()


def test_flagging_keeps_an_answer_picked_but_not_saved(browse, quizzes):
    page = browse.signed_in_page("flagger", next_path="/quizzes/how-sure/")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.locator("#progress-label")).to_contain_text("Question 1 of 3")
    option = page.locator("[data-number-keys] input[type=radio]").first
    option.check()

    page.get_by_role("button", name="Flag to come back to").click()

    expect(page.get_by_role("button", name="Flag to come back to")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#progress-label")).to_contain_text("1 flagged")
    expect(page.locator("#question-map a[aria-current=step]")).to_have_class(re.compile("flagged"))
    expect(option).to_be_checked()
    expect(page.get_by_role("button", name="Flag to come back to")).to_be_focused()
