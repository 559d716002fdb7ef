"""Quizzes and attempts as models: rules, deadlines, review options, constraints, grades."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from quizzes import actions
from quizzes.models import (
    Attempt,
    AttemptState,
    FeedbackMode,
    GradingMethod,
    Quiz,
    ReviewVisibility,
    TimeoutAction,
    grade_by_method,
)
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)


def _question():
    question = factories.QuestionFactory()
    factories.AnswerOptionFactory(question=question, text="Right", is_correct=True, position=1)
    factories.AnswerOptionFactory(question=question, text="Wrong", position=2)
    return question


# -- Quiz ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "deadline"),
    [
        ({}, None),
        ({"time_limit": 30 * MINUTE}, NOW + 30 * MINUTE),
        ({"closes_at": NOW + 10 * MINUTE}, NOW + 10 * MINUTE),
        ({"time_limit": 5 * MINUTE, "closes_at": NOW + 10 * MINUTE}, NOW + 5 * MINUTE),
    ],
)
def test_the_deadline_is_the_sooner_of_the_time_limit_and_the_closing_time(kwargs, deadline):
    assert Quiz(**kwargs).deadline_for(NOW) == deadline


def test_open_between_its_opening_and_closing_times():
    quiz = Quiz(opens_at=NOW, closes_at=NOW + MINUTE)

    assert [quiz.is_open(NOW - MINUTE), quiz.is_open(NOW), quiz.is_open(NOW + MINUTE)] == [False, True, False]


def test_quiz_rules_checked_in_clean():
    quiz = factories.QuizFactory.build(
        opens_at=NOW,
        closes_at=NOW,
        timeout_action=TimeoutAction.GRACE,
        time_limit=datetime.timedelta(0),
        allow_retry=True,
    )

    with pytest.raises(ValidationError) as raised:
        quiz.full_clean()

    assert raised.value.message_dict == {
        "closes_at": ["The quiz must close after it opens."],
        "grace_period": ["Give the grace period, or choose another rule for when time runs out."],
        "time_limit": ["The time limit must be longer than zero."],
        "allow_retry": ["A retry needs immediate feedback."],
    }


@pytest.mark.parametrize(
    "kwargs",
    [
        {"opens_at": NOW, "closes_at": NOW - MINUTE},
        {"pass_mark": Decimal(101)},
        {"timeout_action": TimeoutAction.GRACE},
    ],
)
def test_quiz_constraints_in_the_database(kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.QuizFactory(**kwargs)


def test_published_and_visible_to():
    published = factories.QuizFactory()
    draft = factories.QuizFactory(status="draft")

    assert list(Quiz.objects.published()) == [published]
    assert set(Quiz.objects.visible_to(factories.editor())) == {published, draft}
    assert list(Quiz.objects.visible_to(factories.student())) == [published]


def test_passes_by_pass_mark():
    assert [Quiz(pass_mark=Decimal(60)).passes(p) for p in (Decimal(59), Decimal(60))] == [False, True]
    assert Quiz().passes(Decimal(100)) is None


# -- review options ---------------------------------------------------------------------------------


def _attempt(**quiz_kwargs):
    quiz = factories.quiz_with([_question()], **quiz_kwargs)
    return actions.start_attempt(quiz=quiz, user=factories.student(), now=NOW)


def test_nothing_shown_during_a_deferred_feedback_attempt():
    attempt = _attempt()

    assert attempt.visibility(NOW) == ReviewVisibility(score=False, answer=False, feedback=False)


def test_during_an_immediate_feedback_attempt_the_during_column_applies():
    attempt = _attempt(feedback_mode=FeedbackMode.IMMEDIATE, review_during_answer=False)

    assert attempt.visibility(NOW) == ReviewVisibility(score=True, answer=False, feedback=True)


def test_each_moment_after_the_attempt_reads_its_own_column():
    attempt = _attempt(
        closes_at=NOW + 60 * MINUTE,
        review_immediately_answer=False,
        review_later_feedback=False,
        review_after_close_score=False,
    )
    attempt = actions.submit_attempt(attempt=attempt, now=NOW)

    assert [attempt.review_moment(moment) for moment in (NOW + MINUTE, NOW + 3 * MINUTE, NOW + 60 * MINUTE)] == [
        "immediately",
        "later",
        "after_close",
    ]
    assert attempt.visibility(NOW + MINUTE) == ReviewVisibility(score=True, answer=False, feedback=True)
    assert attempt.visibility(NOW + 3 * MINUTE) == ReviewVisibility(score=True, answer=True, feedback=False)
    assert attempt.visibility(NOW + 60 * MINUTE) == ReviewVisibility(score=False, answer=True, feedback=True)


def test_an_attempt_not_counted_shows_no_score():
    attempt = _attempt(time_limit=MINUTE, timeout_action=TimeoutAction.DISCARD)
    actions.finish_overdue_attempts(now=NOW + 5 * MINUTE)
    attempt.refresh_from_db()

    assert attempt.state == AttemptState.ABANDONED
    assert attempt.visibility(NOW + 10 * MINUTE) == ReviewVisibility(score=False, answer=True, feedback=True)


# -- Attempt ---------------------------------------------------------------------------------------


def test_one_attempt_in_progress_per_student_and_quiz_in_the_database():
    attempt = _attempt()

    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(quiz=attempt.quiz, user=attempt.user, number=2, started_at=NOW)


def test_attempt_numbers_unique_per_student_and_quiz_in_the_database():
    attempt = _attempt()
    actions.submit_attempt(attempt=attempt, now=NOW)

    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(
            quiz=attempt.quiz, user=attempt.user, number=1, started_at=NOW, state="submitted", submitted_at=NOW
        )


def test_time_left_and_overdue():
    attempt = _attempt(time_limit=10 * MINUTE, timeout_action=TimeoutAction.GRACE, grace_period=2 * MINUTE)

    assert attempt.seconds_left(NOW + MINUTE) == 540
    assert attempt.seconds_left(NOW + 11 * MINUTE) == 0
    assert [attempt.can_answer(NOW + 9 * MINUTE), attempt.can_answer(NOW + 10 * MINUTE)] == [True, False]
    assert [attempt.is_overdue(NOW + 11 * MINUTE), attempt.is_overdue(NOW + 12 * MINUTE)] == [False, True]
    assert list(Attempt.objects.overdue(NOW + 11 * MINUTE)) == []
    assert list(Attempt.objects.overdue(NOW + 12 * MINUTE)) == [attempt]


def test_for_student_is_only_their_own():
    mine, _theirs = _attempt(), _attempt()

    assert list(Attempt.objects.for_student(mine.user)) == [mine]


# -- grades ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "grade"),
    [
        (GradingMethod.HIGHEST, Decimal("80.00")),
        (GradingMethod.AVERAGE, Decimal("53.33")),
        (GradingMethod.FIRST, Decimal("50.00")),
        (GradingMethod.LAST, Decimal("30.00")),
    ],
)
def test_grade_by_method(method, grade):
    assert grade_by_method(method, [Decimal(50), Decimal(80), Decimal(30)]) == grade


def test_grade_of_no_attempt_is_none():
    assert grade_by_method(GradingMethod.HIGHEST, []) is None


def test_grades_per_student_from_submitted_attempts_in_one_query():
    questions = [_question(), _question()]
    quiz = factories.quiz_with(questions, grading_method=GradingMethod.LAST, pass_mark=Decimal(50))
    good, poor, idle = factories.student(), factories.student(), factories.student()
    for user, rights in ((good, [0, 2]), (poor, [1])):
        for right in rights:
            attempt = actions.start_attempt(quiz=quiz, user=user, now=NOW)
            for slot in attempt.slots.prefetch_related("shown_options__option")[:right]:
                correct = next(row.pk for row in slot.shown_options.all() if row.option.is_correct)
                actions.save_response(attempt=attempt, slot=slot, answer=[correct], now=NOW)
            actions.submit_attempt(attempt=attempt, now=NOW)
    actions.start_attempt(quiz=quiz, user=idle, now=NOW)  # in progress: no grade

    with CaptureQueriesContext(connection) as queries:
        grades = {grade.user_id: grade for grade in Attempt.objects.grades(quiz)}

    assert len(queries) == 1
    assert {user_id: (g.percent, g.attempts, g.passed) for user_id, g in grades.items()} == {
        good.pk: (Decimal("100.00"), 2, True),
        poor.pk: (Decimal("50.00"), 1, True),
    }
