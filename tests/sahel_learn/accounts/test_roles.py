"""Each role's home panel (``role_home``): a student's quizzes to take."""

import datetime

import pytest

from quizzes import actions
from quizzes.models import AttemptState, Question, QuizStatus, TimeoutAction
from sahel_learn.accounts.roles import STUDENTS, role_home
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def _quiz(title, **kwargs):
    return factories.quiz_with([factories.QuestionFactory()], title=title, **kwargs)


def _submitted(quiz, user):
    attempt = actions.start_attempt(quiz=quiz, user=user, now=NOW - DAY)
    return actions.submit_attempt(attempt=attempt, now=NOW - DAY)


def test_a_student_s_home_lists_the_open_quizzes_they_can_still_take_the_one_in_progress_first():
    student, other = factories.student(), factories.student()
    unlimited = _quiz("Anytime")
    three = _quiz("Three tries", attempts_allowed=3)
    _submitted(three, student)
    used_up = _quiz("Used up", attempts_allowed=1)
    _submitted(used_up, student)
    going = _quiz("Zinder, going on", attempts_allowed=1)
    actions.start_attempt(quiz=going, user=student, now=NOW - DAY)
    others = _quiz("Another's", attempts_allowed=1)
    _submitted(others, other)
    _quiz("Draft", status=QuizStatus.DRAFT)
    _quiz("Closed", closes_at=NOW - DAY)
    _quiz("Later", opens_at=NOW + DAY)

    home = role_home(student, NOW)

    study = home.pop("study")
    assert home.pop("assigned") == []  # in tests/quizzes/test_assignment_views.py
    # Every published question is a new card, none studied yet.
    assert study.new_left == Question.objects.usable().count() == 8
    assert (study.learning, study.review, study.done_today) == (0, 0, 0)
    assert home == {
        "role": STUDENTS,
        "label": "Student",
        "quizzes": [
            {"quiz": going, "attempts_left": 0, "in_progress": True},
            {"quiz": others, "attempts_left": 1, "in_progress": False},
            {"quiz": unlimited, "attempts_left": None, "in_progress": False},
            {"quiz": three, "attempts_left": 2, "in_progress": False},
        ],
    }


def test_an_attempt_whose_time_is_over_is_closed_before_the_home_lists_the_quiz():
    student = factories.student()
    timed = _quiz("Timed", attempts_allowed=2, time_limit=datetime.timedelta(minutes=5))
    timed.timeout_action = TimeoutAction.DISCARD
    timed.save()
    attempt = actions.start_attempt(quiz=timed, user=student, now=NOW - DAY)

    home = role_home(student, NOW)

    assert home["quizzes"] == [{"quiz": timed, "attempts_left": 1, "in_progress": False}]
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.ABANDONED


def test_a_student_s_home_takes_a_fixed_number_of_queries(django_assert_num_queries):
    student = factories.student()

    def add_quizzes(n):
        for number in range(n):
            quiz = _quiz(f"Quiz {number}", attempts_allowed=3)
            _submitted(quiz, student)
            actions.start_attempt(quiz=_quiz(f"Going {number}"), user=student, now=NOW - DAY)

    add_quizzes(1)
    role_home(student, NOW)  # the first visit makes the student's study settings
    # The role, whether any attempt of theirs is overdue (none), the quizzes; then today's study
    # (settings with their steps, every count in one SELECT; no card due: learning ahead, the next due date);
    # the assignments set to them.
    with django_assert_num_queries(8) as one:
        assert len(role_home(student, NOW)["quizzes"]) == 2
    add_quizzes(3)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(role_home(student, NOW)["quizzes"]) == 8


def test_a_student_s_home_shows_today_s_study_and_a_start_button(client):
    student = factories.student()
    question = factories.QuestionFactory()
    factories.AnswerOptionFactory(question=question, text="Zinder", is_correct=True)
    factories.ReviewStateFactory(user=student, question=question, reps=3, state=2, due=NOW - DAY)
    client.force_login(student)
    response = client.get("/")
    study = response.context["role_home"]["study"]
    assert (study.review, study.new_left) == (1, 0)
    html = response.content.decode()
    assert "1 card to review, 0 new cards." in html
    assert 'href="/study/session/?deck=all">Start studying</a>' in html
