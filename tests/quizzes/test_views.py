"""The student's quiz pages: the list, a quiz's rules, taking an attempt, its summary, submit and review.

Permission matrix: anonymous, the owner (a student), another student, a trainer, an editor. Every
refused request answers a 4xx with its message and writes nothing; the answer key never reaches the
HTML before the quiz's review options allow it.
"""

import datetime
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from quizzes import actions
from quizzes.forms import (
    ChoiceAnswerForm,
    MatchingAnswerForm,
    MultipleAnswerForm,
    OrderingAnswerForm,
    TypedAnswerForm,
)
from quizzes.grading import OptionData, QuestionData, score
from quizzes.models import (
    Attempt,
    AttemptState,
    AttemptSummary,
    Navigation,
    QuestionType,
    QuizStatus,
    Response,
    ReviewVisibility,
)
from tests import factories

from .attempt_helpers import right_answer, slots_of, wrong_choice

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
MINUTE = datetime.timedelta(minutes=1)


def html_of(response):
    return response.content.decode()


def _single(prompt="Which town is in the south?", **kwargs):
    question = factories.QuestionFactory(prompt=prompt, explanation="Zinder, says the paragraph.", **kwargs)
    factories.AnswerOptionFactory(question=question, text="Zinder", is_correct=True, position=1)
    factories.AnswerOptionFactory(question=question, text="Agadez", position=2, feedback="Agadez is in the north.")
    return question


def _quiz(count=2, **kwargs):
    return factories.quiz_with([_single(prompt=f"Question number {n}?") for n in range(1, count + 1)], **kwargs)


def _start(quiz, user, now=None):
    return actions.start_attempt(quiz=quiz, user=user, now=now or timezone.now())


def _signed_in(client, user):
    client.force_login(user)
    return client


def _fixed_now(monkeypatch, moment):
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _rights(attempt):
    return {slot.position: right_answer(slot) for slot in slots_of(attempt)}


def _form_data(slot, answer):
    """POST data of the page's answer form giving ``answer`` (as ``right_answer`` makes it) to ``slot``."""
    qtype = slot.question.qtype
    if qtype == QuestionType.ORDERING:
        return {f"place-{pk}": place for place, pk in enumerate(answer, start=1)}
    if qtype == QuestionType.MATCHING:
        return {f"match-{item}": match for item, match in answer.items()}
    return {"answer": answer}


# -- the list of quizzes -----------------------------------------------------------------------------


def test_the_list_shows_published_quizzes_open_now_to_anybody(client):
    now = timezone.now()
    _quiz(slug="open", title="Open quiz", time_limit=datetime.timedelta(minutes=20), attempts_allowed=3)
    _quiz(slug="draft", status=QuizStatus.DRAFT)
    _quiz(slug="closed", closes_at=now - MINUTE)
    _quiz(slug="later", opens_at=now + MINUTE)

    response = client.get("/quizzes/")

    assert response.status_code == 200
    assert [row["quiz"].slug for row in response.context["rows"]] == ["open"]
    (row,) = response.context["rows"]
    assert row["quiz"].question_count == 2
    assert (row["standing"].used, row["standing"].left, row["standing"].best) == (0, 3, None)
    html = html_of(response)
    assert "20 minutes" in html
    assert 'href="/accounts/login/?next=/quizzes/open/"' in html
    assert "Your best grade" not in html


def test_the_list_shows_the_student_s_attempts_and_best_visible_grade(client):
    student = factories.student()
    quiz = _quiz(slug="niger", attempts_allowed=3)
    for answers in ("right", "wrong"):
        attempt = _start(quiz, student)
        for slot in slots_of(attempt):
            answer = right_answer(slot) if answers == "right" else wrong_choice(slot)
            actions.save_response(attempt=attempt, slot=slot, answer=answer, now=timezone.now())
        actions.submit_attempt(attempt=attempt, now=timezone.now())
    in_progress = _start(quiz, student)

    response = _signed_in(client, student).get("/quizzes/")

    standing = response.context["rows"][0]["standing"]
    assert (standing.used, standing.left, standing.best, standing.in_progress) == (3, 0, Decimal("100.00"), in_progress)
    html = html_of(response)
    assert "3 of 3 used" in html
    assert "100 %" in html
    assert f'href="/attempts/{in_progress.pk}/"' in html


def test_the_list_does_not_show_a_grade_the_quiz_hides(client):
    student = factories.student()
    quiz = _quiz(slug="hidden", review_immediately_score=False, review_later_score=False)
    attempt = _start(quiz, student)
    actions.submit_attempt(attempt=attempt, now=timezone.now())

    response = _signed_in(client, student).get("/quizzes/")

    assert response.context["rows"][0]["standing"].best is None
    assert response.context["rows"][0]["standing"].grade is None


def test_the_list_counts_only_the_user_s_own_attempts(client):
    quiz = _quiz(slug="niger")
    _start(quiz, factories.student())

    response = _signed_in(client, factories.student()).get("/quizzes/")

    assert response.context["rows"][0]["standing"].used == 0


@pytest.mark.parametrize("who", ["anonymous", "student"])
def test_the_list_has_a_fixed_query_count(client, django_assert_num_queries, who):
    user = factories.student() if who == "student" else None

    def add_quiz():
        quiz = _quiz(count=1, attempts_allowed=5)
        if user is not None:
            _start(quiz, user)

    # Anonymous: the quizzes with their counts. A student: the session, the user, whether any attempt
    # is overdue (to close it), the quizzes, the student's attempts.
    expected = 1 if user is None else 5
    if user is not None:
        client.force_login(user)
    add_quiz()
    with django_assert_num_queries(expected):
        assert len(client.get("/quizzes/").context["rows"]) == 1
    for _ in range(4):
        add_quiz()
    with django_assert_num_queries(expected):
        assert len(client.get("/quizzes/").context["rows"]) == 5


# -- a quiz's page ---------------------------------------------------------------------------------------


def test_a_quiz_page_gives_its_rules_in_plain_words(client):
    now = timezone.now()
    quiz = _quiz(
        slug="rules",
        description="Ten minutes on Niger.",
        attempts_allowed=2,
        time_limit=datetime.timedelta(minutes=10),
        pass_mark=Decimal("60"),
        navigation=Navigation.SEQUENTIAL,
        feedback_mode="immediate",
        allow_retry=True,
        certainty_based=True,
        grading_method="average",
        closes_at=now + datetime.timedelta(days=2),
    )

    response = client.get(f"/quizzes/{quiz.slug}/")

    assert response.status_code == 200
    html = html_of(response)
    for text in (
        "Ten minutes on Niger.",
        "2 questions.",
        "You may take this quiz 2 times.",
        "10 minutes from when you start",
        "When time runs out, what you have answered is submitted.",
        "The average of your attempts counts.",
        "You pass with 60 % or more.",
        "once you answer a question and move on, you cannot go back to it.",
        "You see how you did on each question as soon as you answer it.",
        "You may then try it again.",
        "a right answer scores 1, 2 or 3, a wrong one 0, −2 or −6",
        "Closes",
        'href="/help/scoring/"',
        "Sign in</a> to take this quiz",
    ):
        assert text in html, text
    assert response.context["can_start"] is False  # anonymous
    assert response.context["review_after"] == ReviewVisibility(score=True, answer=True, feedback=True)


def test_a_quiz_page_offers_start_then_continue_then_no_attempt_left(client):
    student = factories.student()
    quiz = _quiz(slug="once", attempts_allowed=1)
    _signed_in(client, student)

    response = client.get("/quizzes/once/")
    assert response.context["can_start"] is True
    assertContains(response, 'action="/quizzes/once/attempts/"')

    attempt = _start(quiz, student)
    response = client.get("/quizzes/once/")
    assert response.context["can_start"] is False
    assert response.context["standing"].in_progress == attempt
    assertContains(response, f'href="/attempts/{attempt.pk}/"')
    assertNotContains(response, 'action="/quizzes/once/attempts/"')

    actions.submit_attempt(attempt=attempt, now=timezone.now())
    response = client.get("/quizzes/once/")
    assert response.context["can_start"] is False
    assertContains(response, "You have used every attempt this quiz allows.")
    assert [row["attempt"] for row in response.context["past"]] == [attempt]
    assert response.context["past"][0]["percent"] == Decimal("0.00")
    assertContains(response, f'href="/attempts/{attempt.pk}/review/"')


def test_a_quiz_page_lists_past_attempts_with_grades_only_where_the_quiz_shows_them(client):
    student = factories.student()
    quiz = _quiz(slug="hidden", review_immediately_score=False, review_later_score=False)
    attempt = _start(quiz, student)
    actions.submit_attempt(attempt=attempt, now=timezone.now())

    response = _signed_in(client, student).get("/quizzes/hidden/")

    assert response.context["past"] == [{"attempt": attempt, "percent": None, "passed": None, "abandoned": False}]
    assertContains(response, "Not shown yet")
    assertNotContains(response, "0 %")


def test_a_quiz_not_open_yet_says_when_it_opens_and_offers_no_start(client):
    quiz = _quiz(slug="later", opens_at=timezone.now() + datetime.timedelta(days=1))

    response = _signed_in(client, factories.student()).get(f"/quizzes/{quiz.slug}/")

    assert response.context["can_start"] is False
    assertContains(response, "This quiz opens on")


@pytest.mark.parametrize(("who", "status"), [("anonymous", 404), ("student", 404), ("trainer", 404), ("editor", 200)])
def test_only_editors_see_a_draft_quiz(client, who, status):
    _quiz(slug="draft", status=QuizStatus.DRAFT)
    if who != "anonymous":
        client.force_login(getattr(factories, who)())

    response = client.get("/quizzes/draft/")

    assert response.status_code == status
    if status == 200:
        assert response.context["can_start"] is False
        assertContains(response, "Students cannot take a draft quiz")


def test_an_unknown_quiz_is_a_404(client):
    assert client.get("/quizzes/nothing-here/").status_code == 404


# -- starting ----------------------------------------------------------------------------------------------


def test_starting_opens_the_first_question(client):
    student = factories.student()
    _quiz(slug="niger")

    response = _signed_in(client, student).post("/quizzes/niger/attempts/")

    attempt = Attempt.objects.get()
    assert (attempt.user, attempt.state) == (student, AttemptState.IN_PROGRESS)
    assertRedirects(response, f"/attempts/{attempt.pk}/")


def test_anonymous_users_are_sent_to_sign_in_to_start(client):
    _quiz(slug="niger")

    response = client.post("/quizzes/niger/attempts/")

    assertRedirects(response, "/accounts/login/?next=/quizzes/niger/attempts/", fetch_redirect_response=False)
    assert not Attempt.objects.exists()


def test_starting_is_a_post(client):
    _quiz(slug="niger")
    assert _signed_in(client, factories.student()).get("/quizzes/niger/attempts/").status_code == 405
    assert not Attempt.objects.exists()


@pytest.mark.parametrize(
    ("setup", "status", "message"),
    [
        ("closed", 403, "This quiz closed on"),
        ("not_yet", 403, "This quiz opens on"),
        ("used_up", 403, "You have used every attempt this quiz allows."),
        ("in_progress", 409, "You already have an attempt in progress: continue it."),
        ("empty", 409, "This quiz has no questions to draw yet."),
    ],
)
def test_a_refused_start_says_why_with_its_status_and_starts_nothing(client, setup, status, message):
    student = factories.student()
    now = timezone.now()
    kwargs = {
        "closed": {"closes_at": now - MINUTE},
        "not_yet": {"opens_at": now + MINUTE},
        "used_up": {"attempts_allowed": 1},
    }.get(setup, {})
    quiz = factories.QuizFactory(slug="niger", **kwargs) if setup == "empty" else _quiz(slug="niger", **kwargs)
    existing = None
    if setup == "used_up":
        existing = _start(quiz, student)
        actions.submit_attempt(attempt=existing, now=now)
    elif setup == "in_progress":
        existing = _start(quiz, student)
    before = Attempt.objects.count()

    response = _signed_in(client, student).post("/quizzes/niger/attempts/")

    assert response.status_code == status
    assert response.context["message"].startswith(message)
    assertContains(response, message, status_code=status)
    assert Attempt.objects.count() == before
    if setup == "in_progress":
        assertContains(response, f'href="/attempts/{existing.pk}/"', status_code=status)


@pytest.mark.parametrize(("who", "status"), [("student", 404), ("editor", 403)])
def test_a_draft_quiz_cannot_be_started(client, who, status):
    _quiz(slug="draft", status=QuizStatus.DRAFT)

    response = _signed_in(client, getattr(factories, who)()).post("/quizzes/draft/attempts/")

    assert response.status_code == status
    assert not Attempt.objects.exists()


# -- taking an attempt: who may see it ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/attempts/{pk}/", "/attempts/{pk}/summary/", "/attempts/{pk}/review/"],
)
@pytest.mark.parametrize(("who", "status"), [("owner", 200), ("student", 404), ("trainer", 404), ("editor", 404)])
def test_only_the_owner_opens_an_attempt(client, path, who, status):
    owner = factories.student()
    attempt = _start(_quiz(slug="niger"), owner)
    if path.endswith("review/"):
        actions.submit_attempt(attempt=attempt, now=timezone.now())
    client.force_login(owner if who == "owner" else getattr(factories, who)())

    response = client.get(path.format(pk=attempt.pk))

    assert response.status_code == status


@pytest.mark.parametrize("path", ["/attempts/{pk}/", "/attempts/{pk}/summary/", "/attempts/{pk}/review/"])
def test_anonymous_users_are_sent_to_sign_in_for_an_attempt(client, path):
    attempt = _start(_quiz(slug="niger"), factories.student())

    response = client.get(path.format(pk=attempt.pk))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/attempts/{pk}/questions/1/", {"answer": "{option}"}),
        ("/attempts/{pk}/questions/1/flag/", {"flagged": "1"}),
        ("/attempts/{pk}/submit/", {}),
    ],
)
@pytest.mark.parametrize("who", ["student", "trainer", "editor"])
def test_nobody_but_the_owner_changes_an_attempt(client, path, data, who):
    attempt = _start(_quiz(slug="niger"), factories.student())
    option = slots_of(attempt)[0].shown_options.first().pk
    data = {key: value.format(option=option) for key, value in data.items()}

    response = _signed_in(client, getattr(factories, who)()).post(path.format(pk=attempt.pk), data)

    assert response.status_code == 404
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.IN_PROGRESS
    assert not Response.objects.exists()
    assert not attempt.slots.filter(flagged=True).exists()


# -- taking an attempt: the question screen ----------------------------------------------------------------


def test_the_question_screen_shows_one_question_with_its_context(client, monkeypatch):
    student = factories.student()
    started = timezone.now()
    quiz = _quiz(count=3, slug="niger", time_limit=datetime.timedelta(minutes=10))
    attempt = _start(quiz, student, now=started)
    _fixed_now(monkeypatch, started + datetime.timedelta(seconds=75))
    slots = slots_of(attempt)

    response = _signed_in(client, student).get(f"/attempts/{attempt.pk}/?q=2")

    assert response.status_code == 200
    context = response.context
    assert (context["position"], context["total"]) == (2, 3)
    assert context["current"].slot == slots[1]
    assert (context["previous"], context["next"]) == (slots[0], slots[2])
    assert context["summary"] == AttemptSummary(answered=0, unanswered=3, flagged=0)
    assert context["seconds_left"] == 525
    assert context["current"].can_answer is True
    assert context["current"].result is None
    assert context["error"] is None
    assert isinstance(context["form"], ChoiceAnswerForm)
    html = html_of(response)
    assert "<html" in html
    assert "Question number 2?" in html
    assert "Question number 1?" not in html
    assert 'data-countdown="525"' in html
    assert ">8:45<" in html
    assert f'action="/attempts/{attempt.pk}/questions/2/"' in html
    assert f'hx-post="/attempts/{attempt.pk}/questions/2/"' in html
    assert f'href="/attempts/{attempt.pk}/?q=1" hx-get="/attempts/{attempt.pk}/?q=1"' in html
    assert '<script src="/static/js/quiz.js" defer>' in html
    assert response["Vary"].count("HX-Request") == 1


def test_under_htmx_only_the_question_panel_comes_back(client):
    student = factories.student()
    attempt = _start(_quiz(slug="niger"), student)

    response = _signed_in(client, student).get(f"/attempts/{attempt.pk}/?q=2", **HTMX)

    html = html_of(response)
    assert response.status_code == 200
    assert "<html" not in html and "<h1" not in html
    assert 'id="question-panel"' not in html  # the inner content of the wrapper
    assert "Question number 2?" in html
    assert 'id="question-title"' in html


def test_without_a_question_number_the_student_resumes_at_the_first_unanswered(client):
    student = factories.student()
    attempt = _start(_quiz(count=3, slug="niger"), student)
    first = slots_of(attempt)[0]
    actions.save_response(attempt=attempt, slot=first, answer=right_answer(first), now=timezone.now())

    response = _signed_in(client, student).get(f"/attempts/{attempt.pk}/")

    assert response.context["position"] == 2
    assert response.context["summary"] == AttemptSummary(answered=1, unanswered=2, flagged=0)


def test_the_form_shows_the_answer_given_after_a_reload(client):
    student = factories.student()
    attempt = _start(_quiz(slug="niger"), student)
    slot = slots_of(attempt)[0]
    actions.save_response(attempt=attempt, slot=slot, answer=wrong_choice(slot), now=timezone.now())

    response = _signed_in(client, student).get(f"/attempts/{attempt.pk}/?q=1")

    assert response.context["form"].initial == {"answer": wrong_choice(slot)[0]}
    assert re.search(
        rf'<input type="radio" name="answer" value="{wrong_choice(slot)[0]}"[^>]* checked>', html_of(response)
    )


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("abc", 400, "“abc” is not a question number: give a whole number from 1 to 2."),
        ("", 400, "“” is not a question number: give a whole number from 1 to 2."),
        ("3", 404, "This attempt has no question 3: its questions are 1 to 2."),
        ("0", 404, "This attempt has no question 0: its questions are 1 to 2."),
    ],
)
def test_a_question_not_in_the_attempt_is_refused_with_a_message(client, query, status, message):
    student = factories.student()
    attempt = _start(_quiz(slug="niger"), student)

    response = _signed_in(client, student).get(f"/attempts/{attempt.pk}/?q={query}")

    assert response.status_code == status
    assert response.context["message"] == message
    assertContains(response, f'href="/attempts/{attempt.pk}/"', status_code=status)


def test_a_finished_attempt_opens_its_review(client):
    student = factories.student()
    attempt = _start(_quiz(slug="niger"), student)
    actions.submit_attempt(attempt=attempt, now=timezone.now())
    _signed_in(client, student)

    assertRedirects(client.get(f"/attempts/{attempt.pk}/"), f"/attempts/{attempt.pk}/review/")
    assertRedirects(client.get(f"/attempts/{attempt.pk}/summary/"), f"/attempts/{attempt.pk}/review/")


def test_an_attempt_whose_time_is_over_is_closed_before_it_is_shown(client):
    student = factories.student()
    quiz = _quiz(slug="niger", time_limit=MINUTE)
    attempt = _start(quiz, student, now=timezone.now() - 2 * MINUTE)

    response = _signed_in(client, student).get(f"/attempts/{attempt.pk}/")

    assertRedirects(response, f"/attempts/{attempt.pk}/review/")
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.SUBMITTED


def test_sequential_navigation_has_no_previous_and_closes_earlier_questions(client):
    student = factories.student()
    attempt = _start(_quiz(count=3, slug="seq", navigation=Navigation.SEQUENTIAL), student)
    slots = slots_of(attempt)
    actions.save_response(attempt=attempt, slot=slots[1], answer=right_answer(slots[1]), now=timezone.now())
    _signed_in(client, student)

    response = client.get(f"/attempts/{attempt.pk}/")
    assert response.context["position"] == 3
    assert response.context["previous"] is None
    assertNotContains(response, 'rel="prev"')
    assertNotContains(response, "All questions")

    response = client.get(f"/attempts/{attempt.pk}/?q=1")
    assert response.context["current"].can_answer is False
    assertContains(response, "This quiz goes in order: this question is closed.")
    assertContains(response, '<fieldset class="answer-fieldset" disabled>')


def test_in_a_sequential_quiz_save_and_next_and_skipping_close_the_question_behind(client):
    student = factories.student()
    attempt = _start(_quiz(count=3, slug="seq", navigation=Navigation.SEQUENTIAL), student)
    _signed_in(client, student)

    page = client.get(f"/attempts/{attempt.pk}/?q=1")
    assertContains(
        page, f'<form method="post" action="/attempts/{attempt.pk}/questions/1/next/" class="card-step-form">'
    )
    assertNotContains(page, 'rel="next"')

    response = client.post(f"/attempts/{attempt.pk}/questions/2/next/")  # skip the second question
    assertRedirects(response, f"/attempts/{attempt.pk}/?q=3", fetch_redirect_response=False)
    assert client.get(f"/attempts/{attempt.pk}/?q=2").context["current"].can_answer is False
    assert client.get(f"/attempts/{attempt.pk}/?q=1").context["current"].can_answer is False

    attempt.refresh_from_db()
    assert attempt.current_position == 3
    assertRedirects(
        client.post(f"/attempts/{attempt.pk}/questions/3/next/"),
        f"/attempts/{attempt.pk}/summary/",
        fetch_redirect_response=False,
    )
    assert client.post(f"/attempts/{attempt.pk}/questions/9/next/").status_code == 404


def test_in_a_sequential_quiz_an_answered_question_cannot_be_answered_again_from_its_address(client):
    student = factories.student()
    attempt = _start(_quiz(count=2, slug="seq2", navigation=Navigation.SEQUENTIAL), student)
    first = slots_of(attempt)[0]
    _signed_in(client, student)
    data = _form_data(first, right_answer(first))

    assertRedirects(client.post(f"/attempts/{attempt.pk}/questions/1/", data), f"/attempts/{attempt.pk}/?q=2")
    assert client.post(f"/attempts/{attempt.pk}/questions/1/", data).status_code == 409


def test_a_which_kind_question_shows_its_sentence_and_paragraph(client):
    student = factories.student()
    question = factories.question_of_each_type()["statement_kind"]
    attempt = _start(factories.quiz_with([question], slug="kinds"), student)
    paragraph = question.citations.get()

    response = _signed_in(client, student).get(f"/attempts/{attempt.pk}/?q=1")

    assert response.context["paragraph"] == paragraph
    html = html_of(response)
    assert "“Goïta seized power in Mali in 2020.”" in html
    assert paragraph.text in html
    assert f'href="{paragraph.get_absolute_url()}"' in html
    labels = re.findall(r'<span class="choice-label">([^<]+)</span>', html)
    assert labels == ["Reported fact", "Author&#x27;s analysis", "Attributed claim"]


def test_each_type_gets_its_own_form(client):
    student = factories.student()
    made = factories.question_of_each_type()
    attempt = _start(factories.quiz_with(list(made.values()), slug="all"), student)
    _signed_in(client, student)
    expected = {
        "single": ChoiceAnswerForm,
        "statement_kind": ChoiceAnswerForm,
        "true_false": ChoiceAnswerForm,
        "multiple": MultipleAnswerForm,
        "ordering": OrderingAnswerForm,
        "matching": MatchingAnswerForm,
        "numeric": TypedAnswerForm,
        "short_answer": TypedAnswerForm,
    }

    for slot in slots_of(attempt):
        response = client.get(f"/attempts/{attempt.pk}/?q={slot.position}")
        assert type(response.context["form"]) is expected[slot.question.qtype], slot.question.qtype
    response = client.get(
        f"/attempts/{attempt.pk}/?q={[s.question.qtype for s in slots_of(attempt)].index('numeric') + 1}"
    )
    assertContains(response, '<span class="unit">troops</span>')


# -- the answer key stays on the server ----------------------------------------------------------------------


def test_no_answer_key_in_the_html_before_the_review(client):
    student = factories.student()
    made = factories.question_of_each_type()
    for question in made.values():
        question.explanation = f"Explained: {question.prompt}"
        question.save()
    made["single"].options.filter(is_correct=True).update(feedback="Right, well done.")
    attempt = _start(factories.quiz_with(list(made.values()), slug="all", shuffle_options=True), student)
    _signed_in(client, student)

    for slot in slots_of(attempt):
        html = html_of(client.get(f"/attempts/{attempt.pk}/?q={slot.position}"))
        qtype = slot.question.qtype
        assert "correct" not in html.lower(), qtype
        assert "Explained:" not in html, qtype
        assert "He leads Burkina Faso." not in html and "Right, well done." not in html, qtype
        assert "1486" not in html, qtype
        if qtype == "short_answer":
            assert "Goïta" not in html
        if qtype in ("single", "multiple", "true_false", "statement_kind"):
            values = [int(value) for value in re.findall(r'name="answer" value="(\d+)"', html)]
            assert values == [row.pk for row in slot.items()], qtype


def test_ordering_items_are_shown_in_the_attempt_s_order_never_the_right_one(client):
    student = factories.student()
    ordering = factories.question_of_each_type()["ordering"]
    attempt = _start(factories.quiz_with([ordering], slug="order"), student)
    slot = slots_of(attempt)[0]

    html = html_of(_signed_in(client, student).get(f"/attempts/{attempt.pk}/?q=1"))

    labels = re.findall(r'<label for="id_place-\d+">([^<]+)</label>', html)
    assert labels == [row.label for row in sorted(slot.items(), key=lambda row: row.position)]
    assert labels != ["Coup in Mali", "Coup in Burkina Faso", "Coup in Niger"]


# -- answering ----------------------------------------------------------------------------------------------------


def test_an_answer_without_javascript_is_saved_then_the_next_question_opens(client):
    student = factories.student()
    attempt = _start(_quiz(slug="niger"), student)
    rights = _rights(attempt)

    response = _signed_in(client, student).post(f"/attempts/{attempt.pk}/questions/1/", {"answer": rights[1]})

    assertRedirects(response, f"/attempts/{attempt.pk}/?q=2")
    saved = Response.objects.get()
    assert (saved.slot.position, saved.fraction, saved.tries) == (1, Decimal("1.000000"), 1)

    response = client.post(f"/attempts/{attempt.pk}/questions/2/", {"answer": rights[2]})
    assertRedirects(response, f"/attempts/{attempt.pk}/summary/")


def test_an_answer_under_htmx_swaps_in_the_next_question(client):
    student = factories.student()
    attempt = _start(_quiz(slug="niger"), student)
    rights = _rights(attempt)
    _signed_in(client, student)

    response = client.post(f"/attempts/{attempt.pk}/questions/1/", {"answer": rights[1]}, **HTMX)

    assert response.status_code == 200
    assert response["HX-Push-Url"] == f"/attempts/{attempt.pk}/?q=2"
    assert response.context["position"] == 2
    assert response.context["summary"] == AttemptSummary(answered=1, unanswered=1, flagged=0)
    html = html_of(response)
    assert "<html" not in html and "Question number 2?" in html

    response = client.post(f"/attempts/{attempt.pk}/questions/2/", {"answer": rights[2]}, **HTMX)
    assert response["HX-Redirect"] == f"/attempts/{attempt.pk}/summary/"


def test_every_type_is_answered_right_through_its_form(client):
    student = factories.student()
    made = factories.question_of_each_type()
    quiz = factories.quiz_with(list(made.values()), slug="all", certainty_based=True)
    attempt = _start(quiz, student)
    _signed_in(client, student)

    for slot in slots_of(attempt):
        data = {**_form_data(slot, right_answer(slot)), "certainty": "3"}
        response = client.post(f"/attempts/{attempt.pk}/questions/{slot.position}/", data)
        assert response.status_code == 302, (slot.question.qtype, html_of(response))

    fractions = {
        row.slot.question.qtype: (row.fraction, row.certainty)
        for row in Response.objects.select_related("slot__question")
    }
    assert fractions == {qtype: (Decimal("1.000000"), 3) for qtype in made}


def test_immediate_feedback_shows_the_result_and_allows_no_second_try(client):
    student = factories.student()
    attempt = _start(_quiz(slug="now", feedback_mode="immediate"), student)
    slot = slots_of(attempt)[0]
    _signed_in(client, student)

    response = client.post(f"/attempts/{attempt.pk}/questions/1/", {"answer": wrong_choice(slot)})
    assertRedirects(response, f"/attempts/{attempt.pk}/?q=1")

    response = client.get(f"/attempts/{attempt.pk}/?q=1")
    current = response.context["current"]
    assert (current.can_answer, current.outcome, current.right) == (False, "wrong", ["Zinder"])
    assert current.result.feedback == ["Agadez is in the north."]
    html = html_of(response)
    for text in (
        "Wrong",
        "Agadez is in the north.",
        "Zinder, says the paragraph.",
        "this quiz gives one try per question",
    ):
        assert text in html, text

    response = client.post(f"/attempts/{attempt.pk}/questions/1/", {"answer": right_answer(slot)})
    assert response.status_code == 409
    assertContains(response, "this quiz allows no retry", status_code=409)
    assert Response.objects.get().fraction == 0


def test_immediate_feedback_with_a_retry_hides_the_right_answer_and_takes_a_new_try(client):
    student = factories.student()
    attempt = _start(_quiz(slug="retry", feedback_mode="immediate", allow_retry=True), student)
    slot = slots_of(attempt)[0]
    _signed_in(client, student)
    client.post(f"/attempts/{attempt.pk}/questions/1/", {"answer": wrong_choice(slot)})

    response = client.get(f"/attempts/{attempt.pk}/?q=1", **HTMX)
    current = response.context["current"]
    assert (current.can_answer, current.outcome, current.right) == (True, "wrong", None)
    assertContains(response, "Check my new answer")
    assertNotContains(response, "Right answer")

    response = client.post(f"/attempts/{attempt.pk}/questions/1/", {"answer": right_answer(slot)}, **HTMX)
    assert response.status_code == 200
    assert response.context["current"].outcome == "right"
    saved = Response.objects.get()
    assert (saved.fraction, saved.tries) == (Decimal("1.000000"), 2)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose an option."),
        ({"answer": "abc"}, "That option is not one of this question&#x27;s options."),
        ({"answer": "999999"}, "That option is not one of this question&#x27;s options."),
        ({"answer": ["{right}", "{wrong}"]}, "Choose only one option."),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_a_malformed_answer_is_a_400_with_its_message_and_nothing_is_written(client, data, message, htmx):
    student = factories.student()
    attempt = _start(_quiz(slug="niger"), student)
    slot = slots_of(attempt)[0]
    values = {"right": right_answer(slot)[0], "wrong": wrong_choice(slot)[0]}
    data = {
        key: [item.format(**values) for item in value] if isinstance(value, list) else value
        for key, value in data.items()
    }

    response = _signed_in(client, student).post(f"/attempts/{attempt.pk}/questions/1/", data, **(HTMX if htmx else {}))

    assert response.status_code == 400
    assert response.context["error"] == "Please check your answer."
    assertContains(response, message, status_code=400)
    assert ("<html" in html_of(response)) is not htmx
    assert not Response.objects.exists()


def test_another_attempt_s_option_is_not_an_answer(client):
    student = factories.student()
    quiz = _quiz(slug="niger")
    other = _start(quiz, factories.student())
    attempt = _start(quiz, student)
    foreign = right_answer(slots_of(other)[0])

    response = _signed_in(client, student).post(f"/attempts/{attempt.pk}/questions/1/", {"answer": foreign})

    assert response.status_code == 400
    assert not Response.objects.exists()


def test_answering_a_question_not_in_the_attempt_is_a_404(client):
    student = factories.student()
    attempt = _start(_quiz(slug="niger"), student)

    response = _signed_in(client, student).post(f"/attempts/{attempt.pk}/questions/3/", {"answer": "1"})

    assert response.status_code == 404
    assert response.context["message"] == "This attempt has no question 3: its questions are 1 to 2."
    assert not Response.objects.exists()


def test_answering_after_the_deadline_is_a_409(client, monkeypatch):
    student = factories.student()
    started = timezone.now()
    quiz = _quiz(slug="timed", time_limit=MINUTE, timeout_action="grace", grace_period=datetime.timedelta(minutes=5))
    attempt = _start(quiz, student, now=started)
    answer = right_answer(slots_of(attempt)[0])
    _fixed_now(monkeypatch, started + 2 * MINUTE)

    response = _signed_in(client, student).post(f"/attempts/{attempt.pk}/questions/1/", {"answer": answer}, **HTMX)

    assert response.status_code == 409
    assert response.context["error"] == "Time is up: no more answers can be given in this attempt."
    assert response.context["current"].can_answer is False
    assertContains(response, f'href="/attempts/{attempt.pk}/summary/"', status_code=409)
    assert not Response.objects.exists()


def test_answering_a_submitted_attempt_is_a_409(client):
    student = factories.student()
    attempt = _start(_quiz(slug="niger"), student)
    answer = right_answer(slots_of(attempt)[0])
    actions.submit_attempt(attempt=attempt, now=timezone.now())

    response = _signed_in(client, student).post(f"/attempts/{attempt.pk}/questions/1/", {"answer": answer})

    assert response.status_code == 409
    assert response.context["error"] == "This attempt is over: it can no longer be changed."
    assertContains(response, f'href="/attempts/{attempt.pk}/review/"', status_code=409)
    assert not Response.objects.exists()


def test_answering_is_a_post(client):
    student = factories.student()
    attempt = _start(_quiz(slug="niger"), student)
    assert _signed_in(client, student).get(f"/attempts/{attempt.pk}/questions/1/").status_code == 405


def test_a_bad_certainty_is_a_400(client):
    student = factories.student()
    attempt = _start(_quiz(slug="cbm", certainty_based=True), student)
    answer = right_answer(slots_of(attempt)[0])

    response = _signed_in(client, student).post(
        f"/attempts/{attempt.pk}/questions/1/", {"answer": answer, "certainty": "7"}
    )

    assert response.status_code == 400
    assertContains(response, "Certainty is 1, 2 or 3.", status_code=400)
    assert not Response.objects.exists()


def test_an_ordering_with_two_items_at_one_place_is_a_400(client):
    student = factories.student()
    attempt = _start(factories.quiz_with([factories.question_of_each_type()["ordering"]], slug="order"), student)
    items = slots_of(attempt)[0].items()
    data = {f"place-{row.pk}": 1 for row in items}

    response = _signed_in(client, student).post(f"/attempts/{attempt.pk}/questions/1/", data)

    assert response.status_code == 400
    assertContains(response, "Give each item its own place: place 1 is given more than once.", status_code=400)
    assert not Response.objects.exists()


# -- flagging ---------------------------------------------------------------------------------------------


def test_flagging_a_question_and_taking_the_flag_off(client):
    student = factories.student()
    attempt = _start(_quiz(slug="niger"), student)
    _signed_in(client, student)

    response = client.post(f"/attempts/{attempt.pk}/questions/2/flag/", {"flagged": "1"})
    assertRedirects(response, f"/attempts/{attempt.pk}/?q=2")
    assert list(attempt.slots.filter(flagged=True).values_list("position", flat=True)) == [2]

    response = client.get(f"/attempts/{attempt.pk}/?q=2")
    assertContains(response, 'aria-pressed="true"')
    assertContains(response, '<input type="hidden" name="flagged" value="0">')

    response = client.post(f"/attempts/{attempt.pk}/questions/2/flag/", {"flagged": "0"}, **HTMX)
    assert response.status_code == 200
    assert response.context["summary"] == AttemptSummary(answered=0, unanswered=2, flagged=0)
    assert not attempt.slots.filter(flagged=True).exists()


@pytest.mark.parametrize("value", ["", "yes", "2"])
def test_a_bad_flag_is_a_400(client, value):
    student = factories.student()
    attempt = _start(_quiz(slug="niger"), student)

    response = _signed_in(client, student).post(f"/attempts/{attempt.pk}/questions/1/flag/", {"flagged": value})

    assert response.status_code == 400
    assertContains(response, "Say whether to flag the question (1) or not (0).", status_code=400)
    assert not attempt.slots.filter(flagged=True).exists()


def test_flagging_a_submitted_attempt_is_a_409(client):
    student = factories.student()
    attempt = _start(_quiz(slug="niger"), student)
    actions.submit_attempt(attempt=attempt, now=timezone.now())

    response = _signed_in(client, student).post(f"/attempts/{attempt.pk}/questions/1/flag/", {"flagged": "1"})

    assert response.status_code == 409
    assert not attempt.slots.filter(flagged=True).exists()


# -- summary and submitting --------------------------------------------------------------------------------


def test_the_summary_counts_answered_unanswered_and_flagged_with_a_link_to_each(client):
    student = factories.student()
    attempt = _start(_quiz(count=3, slug="niger"), student)
    slots = slots_of(attempt)
    actions.save_response(attempt=attempt, slot=slots[0], answer=right_answer(slots[0]), now=timezone.now())
    actions.flag_question(attempt=attempt, slot=slots[2], now=timezone.now())

    response = _signed_in(client, student).get(f"/attempts/{attempt.pk}/summary/")

    assert response.status_code == 200
    assert response.context["summary"] == AttemptSummary(answered=1, unanswered=2, flagged=1)
    assert [view.slot for view in response.context["slots"]] == slots
    html = html_of(response)
    for position in (1, 2, 3):
        assert f'href="/attempts/{attempt.pk}/?q={position}"' in html
    assert "2 questions are not answered: they score 0." in html
    assert f'action="/attempts/{attempt.pk}/submit/"' in html


def test_submitting_scores_the_attempt_and_opens_its_review(client):
    student = factories.student()
    attempt = _start(_quiz(slug="niger", pass_mark=Decimal("50")), student)
    first = slots_of(attempt)[0]
    actions.save_response(attempt=attempt, slot=first, answer=right_answer(first), now=timezone.now())

    response = _signed_in(client, student).post(f"/attempts/{attempt.pk}/submit/")

    assertRedirects(response, f"/attempts/{attempt.pk}/review/")
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score) == (AttemptState.SUBMITTED, Decimal("1.0000"))


def test_a_replayed_submit_is_a_409_and_changes_nothing(client):
    student = factories.student()
    attempt = _start(_quiz(slug="niger"), student)
    _signed_in(client, student).post(f"/attempts/{attempt.pk}/submit/")
    attempt.refresh_from_db()
    submitted_at = attempt.submitted_at

    response = client.post(f"/attempts/{attempt.pk}/submit/")

    assert response.status_code == 409
    assert response.context["message"] == "This attempt has been submitted already."
    assertContains(response, f'href="/attempts/{attempt.pk}/review/"', status_code=409)
    attempt.refresh_from_db()
    assert attempt.submitted_at == submitted_at


def test_submitting_too_late_when_late_attempts_do_not_count_is_a_409(client, monkeypatch):
    student = factories.student()
    started = timezone.now()
    quiz = _quiz(slug="strict", time_limit=MINUTE, timeout_action="discard")
    attempt = _start(quiz, student, now=started)
    _fixed_now(monkeypatch, started + 2 * MINUTE)

    response = _signed_in(client, student).post(f"/attempts/{attempt.pk}/submit/")

    assert response.status_code == 409
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.ABANDONED  # closed by its rule before the submit was read


def test_submitting_is_a_post(client):
    student = factories.student()
    attempt = _start(_quiz(slug="niger"), student)
    assert _signed_in(client, student).get(f"/attempts/{attempt.pk}/submit/").status_code == 405
    attempt.refresh_from_db()
    assert attempt.is_in_progress()


# -- the review -----------------------------------------------------------------------------------------------


def test_the_review_shows_the_score_pass_and_each_question_s_answers(client):
    student = factories.student()
    attempt = _start(_quiz(slug="niger", pass_mark=Decimal("75")), student)
    slots = slots_of(attempt)
    now = timezone.now()
    actions.save_response(attempt=attempt, slot=slots[0], answer=right_answer(slots[0]), now=now)
    actions.save_response(attempt=attempt, slot=slots[1], answer=wrong_choice(slots[1]), now=now)
    actions.submit_attempt(attempt=attempt, now=now)

    response = _signed_in(client, student).get(f"/attempts/{attempt.pk}/review/")

    context = response.context
    assert (context["shows_score"], context["percent"], context["passed"]) == (True, Decimal("50.00"), False)
    assert [(view.outcome, view.given, view.right) for view in context["slots"]] == [
        ("right", ["Zinder"], ["Zinder"]),
        ("wrong", ["Agadez"], ["Zinder"]),
    ]
    assert context["slots"][1].result.feedback == ["Agadez is in the north."]
    html = html_of(response)
    assert "50 %" in html and "Not passed" in html and "the pass mark is 75 %" in html
    assert "1 of 2 marks" in html
    paragraph = slots[0].question.citations.get()
    assert f'href="{paragraph.get_absolute_url()}"' in html
    assert "Agadez is in the north." in html


def test_the_review_hides_what_the_quiz_does_not_show_yet(client):
    student = factories.student()
    quiz = _quiz(
        slug="hidden",
        review_immediately_score=False,
        review_immediately_answer=False,
        review_immediately_feedback=False,
    )
    attempt = _start(quiz, student)
    slot = slots_of(attempt)[0]
    actions.save_response(attempt=attempt, slot=slot, answer=wrong_choice(slot), now=timezone.now())
    actions.submit_attempt(attempt=attempt, now=timezone.now())

    response = _signed_in(client, student).get(f"/attempts/{attempt.pk}/review/")

    assert (response.context["shows_score"], response.context["percent"]) == (False, None)
    assert [(view.result, view.right, view.given) for view in response.context["slots"]] == [
        (None, None, ["Agadez"]),
        (None, None, []),
    ]
    html = html_of(response)
    assert "Zinder, says the paragraph." not in html
    assert "Agadez is in the north." not in html
    assert "Right answer" not in html and "0 %" not in html
    assert "does not show your score at this point" in html


def test_an_in_progress_attempt_has_no_review_yet(client):
    student = factories.student()
    attempt = _start(_quiz(slug="niger"), student)

    assertRedirects(_signed_in(client, student).get(f"/attempts/{attempt.pk}/review/"), f"/attempts/{attempt.pk}/")


def test_the_review_of_a_certainty_based_quiz_shows_accuracy_and_calibration(client):
    student = factories.student()
    attempt = _start(_quiz(slug="cbm", certainty_based=True), student)
    slots = slots_of(attempt)
    now = timezone.now()
    actions.save_response(attempt=attempt, slot=slots[0], answer=right_answer(slots[0]), certainty=3, now=now)
    actions.save_response(attempt=attempt, slot=slots[1], answer=wrong_choice(slots[1]), certainty=3, now=now)
    actions.submit_attempt(attempt=attempt, now=now)

    response = _signed_in(client, student).get(f"/attempts/{attempt.pk}/review/")

    calibration = response.context["calibration"]
    assert (calibration.accuracy, calibration.cbm_average) == (Decimal("0.5000"), Decimal("-1.5000"))
    level_3 = calibration.levels[2]
    assert (level_3.answered, level_3.accuracy, level_3.well_calibrated) == (2, Decimal("0.5000"), False)
    html = html_of(response)
    assert "How sure were you?" in html
    assert "-1.5 (from −6 to 3)" in html
    assert "No: less sure would have paid" in html


def test_an_abandoned_attempt_says_it_is_not_counted(client, monkeypatch):
    student = factories.student()
    started = timezone.now()
    attempt = _start(_quiz(slug="strict", time_limit=MINUTE, timeout_action="discard"), student, now=started)
    _fixed_now(monkeypatch, started + 2 * MINUTE)

    response = _signed_in(client, student).get(f"/attempts/{attempt.pk}/review/")

    assert response.context["abandoned"] is True
    assert response.context["shows_score"] is False
    assertContains(response, "Not submitted in time: this attempt is not counted.")


# -- query counts ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "finished", "queries"),
    [
        ("/attempts/{pk}/?q=1", False, 10),
        ("/attempts/{pk}/summary/", False, 10),
        # The review also asks the reader's role (a trainer reads their students' finished attempts).
        ("/attempts/{pk}/review/", True, 11),
    ],
)
def test_attempt_pages_have_a_fixed_query_count(client, django_assert_num_queries, path, finished, queries):
    student = factories.student()
    client.force_login(student)
    counts = []
    for count in (1, 6):
        attempt = _start(_quiz(count=count), student)
        for slot in slots_of(attempt):
            actions.save_response(attempt=attempt, slot=slot, answer=right_answer(slot), now=timezone.now())
        if finished:
            actions.submit_attempt(attempt=attempt, now=timezone.now())
        # The session, the user, whether it is overdue (to close it), the attempt and quiz, its slots
        # with their questions, options shown, the questions' options, citations, responses and their
        # choices.
        with django_assert_num_queries(queries) as captured:
            assert client.get(path.format(pk=attempt.pk)).status_code == 200
        counts.append(len(captured))
        if not finished:
            actions.submit_attempt(attempt=attempt, now=timezone.now())
    assert counts == [queries, queries]


def test_the_quiz_page_has_a_fixed_query_count(client, django_assert_num_queries):
    student = factories.student()
    client.force_login(student)
    quiz = _quiz(slug="niger", count=1)
    _start(quiz, student)
    # The session, the user, whether an attempt is overdue, the quiz, the student's attempts at it, their
    # rules (QuizRules: an assignment of it to them, with their extension).
    with django_assert_num_queries(6):
        client.get("/quizzes/niger/")
    for _ in range(4):
        actions.submit_attempt(attempt=Attempt.objects.in_progress().get(), now=timezone.now())
        _start(quiz, student)
    with django_assert_num_queries(6):
        assert len(client.get("/quizzes/niger/").context["past"]) == 4


# -- help, navigation -----------------------------------------------------------------------------------------


def test_the_scoring_help_states_what_the_grader_does(client):
    response = client.get("/help/scoring/")

    assert response.status_code == 200
    html = html_of(response)
    # Multiple answers: 2 right, 3 wrong; one right and one wrong ticked.
    multiple = QuestionData(qtype="multiple", options=tuple(OptionData(id=n, is_correct=n <= 2) for n in range(1, 6)))
    assert score(multiple, {1, 3}) == Fraction(1, 6)
    assert score(multiple, {1}) == Fraction(1, 2)
    assert score(multiple, {1, 2, 3, 4, 5}) == 0
    assert "½ − ⅓ = ⅙" in html and "one of the two right options scores ½" in html
    four = QuestionData(qtype="ordering", options=tuple(OptionData(id=n, position=n) for n in range(1, 5)))
    assert score(four, [2, 1, 3, 4]) == Fraction(5, 6)
    assert "(3 + 3 + 2 + 2) ÷ 12 = ⅚" in html
    three = QuestionData(qtype="ordering", options=tuple(OptionData(id=n, position=n) for n in range(1, 4)))
    assert score(three, [3, 2, 1]) == Fraction(1, 3)
    assert "2 ÷ 6 = ⅓" in html
    assert "costs 10 % of the marks" in html and "scores 90 %" in html
    assert re.search(r"<th scope=\"row\">3</th><td>3</td><td>-6</td><td>more than 80 % of the time</td>", html)
    assert re.search(r"<th scope=\"row\">1</th><td>1</td><td>0</td><td>less than 67 % of the time</td>", html)
    for method in ("Highest grade", "Average grade", "First attempt", "Last attempt"):
        assert f"<li>{method}</li>" in html


def test_quizzes_are_in_the_site_navigation(client):
    html = html_of(client.get("/"))
    assert '<li><a href="/quizzes/">Quizzes</a></li>' in html
    html = html_of(client.get("/help/scoring/"))
    assert '<li><a href="/quizzes/" aria-current="true">Quizzes</a></li>' in html
    html = html_of(client.get("/quizzes/"))
    assert '<li><a href="/quizzes/" aria-current="page">Quizzes</a></li>' in html


def test_a_409_is_swapped_into_the_page_by_htmx(client):
    html = html_of(client.get("/"))
    assert '{"code": "409", "swap": true, "error": false}' in html
