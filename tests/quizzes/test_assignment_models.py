"""Assignments' models: who is set one, a quiz's rules for one student (``QuizRules``), and each student's
status (done / late / missing / not yet due) worked by hand, the study goal's against py-fsrs itself."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fsrs import Card, Scheduler, State

from quizzes.models import AssignmentKind, AssignmentStatus, CardState, QuizRules
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 5, 4, 9, 0, tzinfo=datetime.UTC)
DUE = NOW + datetime.timedelta(days=3)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def klass():
    trainer = factories.trainer(username="fatou")
    students = [factories.student(username=name, first_name=name.title()) for name in ("awa", "binta", "chaka")]
    return factories.cohort_of(trainer, students=students), students


def _statuses(assignment, now=NOW):
    return {row.student.username: row.status for row in assignment.statuses(now)}


def test_set_to_the_whole_class_or_to_the_students_named(klass):
    cohort, (awa, binta, chaka) = klass
    whole = factories.AssignmentFactory(cohort=cohort, due_at=DUE)
    some = factories.AssignmentFactory(cohort=cohort, due_at=DUE)
    factories.AssignmentTargetFactory(assignment=some, student=binta)
    outsider = factories.student(username="issa")
    assert [s.username for s in whole.students()] == ["awa", "binta", "chaka"]
    assert [s.username for s in some.students()] == ["binta"]
    assert set(type(whole).objects.for_student(binta)) == {whole, some}
    assert list(type(whole).objects.for_student(awa)) == [whole]
    assert list(type(whole).objects.for_student(outsider)) == []


def test_quiz_rules_are_the_quiz_own_without_an_assignment():
    quiz = factories.QuizFactory(attempts_allowed=2, time_limit=datetime.timedelta(minutes=20), closes_at=DUE)
    rules = quiz.rules_for(factories.student())
    assert rules == QuizRules(
        opens_at=None, closes_at=DUE, time_limit=datetime.timedelta(minutes=20), attempts_allowed=2
    )


def test_quiz_rules_take_the_assignment_then_the_extension(klass):
    cohort, (awa, binta, _chaka) = klass
    quiz = factories.QuizFactory(attempts_allowed=1, time_limit=datetime.timedelta(minutes=20), closes_at=DUE + DAY)
    assignment = factories.AssignmentFactory(
        cohort=cohort, quiz=quiz, due_at=DUE, attempts_allowed=2, time_limit=datetime.timedelta(minutes=30)
    )
    factories.AssignmentOverrideFactory(
        assignment=assignment,
        student=binta,
        due_at=DUE + DAY,
        closes_at=DUE + 2 * DAY,
        extra_attempts=1,
        time_limit=datetime.timedelta(minutes=45),
    )
    awa_rules = quiz.rules_for(awa)
    assert (awa_rules.closes_at, awa_rules.attempts_allowed, awa_rules.time_limit, awa_rules.due_at) == (
        DUE + DAY,
        2,
        datetime.timedelta(minutes=30),
        DUE,
    )
    binta_rules = quiz.rules_for(binta)
    assert (binta_rules.closes_at, binta_rules.attempts_allowed, binta_rules.time_limit, binta_rules.due_at) == (
        DUE + 2 * DAY,
        3,
        datetime.timedelta(minutes=45),
        DUE + DAY,
    )
    assert binta_rules.deadline_for(DUE + 2 * DAY - datetime.timedelta(minutes=10)) == DUE + 2 * DAY
    assert quiz.rules_for(factories.student()).closes_at == DUE + DAY


def test_an_extension_due_after_the_quiz_closes_keeps_it_open_for_that_student(klass):
    cohort, (awa, binta, _chaka) = klass
    quiz = factories.QuizFactory(closes_at=DUE)
    assignment = factories.AssignmentFactory(cohort=cohort, quiz=quiz, due_at=DUE)
    factories.AssignmentOverrideFactory(assignment=assignment, student=binta, due_at=DUE + 2 * DAY)
    assert (quiz.rules_for(binta).closes_at, quiz.rules_for(awa).closes_at) == (DUE + 2 * DAY, DUE)


def test_unlimited_attempts_stay_unlimited_with_extra_attempts(klass):
    cohort, (awa, *_rest) = klass
    assignment = factories.AssignmentFactory(cohort=cohort, due_at=DUE)
    factories.AssignmentOverrideFactory(assignment=assignment, student=awa, extra_attempts=2)
    assert assignment.quiz.rules_for(awa).attempts_left(5) is None


def test_quiz_status_done_late_missing_not_yet_due(klass):
    cohort, (awa, binta, chaka) = klass
    assignment = factories.AssignmentFactory(cohort=cohort, due_at=DUE)
    factories.AttemptFactory(quiz=assignment.quiz, user=awa, started_at=DUE - DAY, submitted_at=DUE - DAY)
    factories.AttemptFactory(quiz=assignment.quiz, user=binta, started_at=DUE + DAY, submitted_at=DUE + DAY)
    factories.AttemptFactory(  # in progress: not done
        quiz=assignment.quiz, user=chaka, started_at=DUE - DAY, submitted_at=None, state="in_progress"
    )
    assert _statuses(assignment, NOW) == {
        "awa": AssignmentStatus.DONE,
        "binta": AssignmentStatus.LATE,
        "chaka": AssignmentStatus.NOT_YET_DUE,
    }
    assert _statuses(assignment, DUE + 2 * DAY)["chaka"] == AssignmentStatus.MISSING


def test_an_extension_moves_the_student_due_date(klass):
    cohort, (awa, binta, _chaka) = klass
    assignment = factories.AssignmentFactory(cohort=cohort, due_at=DUE)
    factories.AssignmentOverrideFactory(assignment=assignment, student=binta, due_at=DUE + 2 * DAY)
    factories.AttemptFactory(quiz=assignment.quiz, user=binta, started_at=DUE + DAY, submitted_at=DUE + DAY)
    rows = {row.student.username: row for row in assignment.statuses(DUE + DAY)}
    assert rows["binta"].status == AssignmentStatus.DONE
    assert rows["binta"].due_at == DUE + 2 * DAY
    assert rows["awa"].status == AssignmentStatus.MISSING


def test_reading_status_needs_every_section_opened(klass):
    cohort, (awa, binta, chaka) = klass
    one, two = factories.SectionFactory(), factories.SectionFactory()
    assignment = factories.AssignmentFactory(cohort=cohort, kind=AssignmentKind.READING, quiz=None, due_at=DUE)
    assignment.sections.set([one, two])
    for section in (one, two):
        factories.SectionVisitFactory(student=awa, section=section, first_opened_at=DUE - DAY)
    factories.SectionVisitFactory(student=binta, section=one, first_opened_at=DUE - DAY)
    factories.SectionVisitFactory(student=binta, section=two, first_opened_at=DUE + DAY)
    factories.SectionVisitFactory(student=chaka, section=one, first_opened_at=DUE - DAY)
    factories.SectionVisitFactory(student=chaka, section=factories.SectionFactory())  # not in the reading
    rows = {row.student.username: row for row in assignment.statuses(DUE + 2 * DAY)}
    assert {name: row.status for name, row in rows.items()} == {
        "awa": AssignmentStatus.DONE,
        "binta": AssignmentStatus.LATE,
        "chaka": AssignmentStatus.MISSING,
    }
    assert [rows[name].sections_opened for name in ("awa", "binta", "chaka")] == [2, 2, 1]


def _studied(user, question, *, stability, last_review):
    return factories.ReviewStateFactory(
        user=user,
        question=question,
        state=CardState.REVIEW,
        step=None,
        stability=stability,
        difficulty=5.0,
        due=last_review + datetime.timedelta(days=stability),
        last_review=last_review,
        reps=3,
    )


def test_study_goal_is_the_mean_predicted_recall_at_the_due_date_by_py_fsrs(klass):
    cohort, (awa, binta, chaka) = klass
    cards = [factories.QuestionFactory(topic="timeline") for _ in range(2)]
    factories.QuestionFactory(topic="actors")  # another deck
    assignment = factories.AssignmentFactory(
        cohort=cohort,
        kind=AssignmentKind.STUDY_GOAL,
        quiz=None,
        deck="topic:timeline",
        target_recall="0.80",
        due_at=DUE,
    )
    for card in cards:
        _studied(awa, card, stability=60.0, last_review=NOW - DAY)  # long memory: high recall at the due date
    _studied(binta, cards[0], stability=60.0, last_review=NOW - DAY)  # the other card unstudied: counts 0
    scheduler = Scheduler()
    fsrs_card = Card(state=State.Review, stability=60.0, difficulty=5.0, due=NOW, last_review=NOW - DAY)
    expected = scheduler.get_card_retrievability(fsrs_card, DUE)
    rows = {row.student.username: row for row in assignment.statuses(NOW)}
    assert rows["awa"].recall == pytest.approx(expected)
    assert rows["binta"].recall == pytest.approx(expected / 2)
    assert rows["chaka"].recall == 0
    assert expected > 0.8 > expected / 2
    assert {name: row.status for name, row in rows.items()} == {
        "awa": AssignmentStatus.DONE,
        "binta": AssignmentStatus.NOT_YET_DUE,
        "chaka": AssignmentStatus.NOT_YET_DUE,
    }


def test_study_goal_reached_only_by_reviews_after_the_due_date_is_late(klass):
    cohort, (awa, binta, _chaka) = klass
    card = factories.QuestionFactory(topic="timeline")
    assignment = factories.AssignmentFactory(
        cohort=cohort,
        kind=AssignmentKind.STUDY_GOAL,
        quiz=None,
        deck="topic:timeline",
        target_recall="0.80",
        due_at=DUE,
    )
    _studied(awa, card, stability=60.0, last_review=DUE + DAY)
    statuses = _statuses(assignment, DUE + 2 * DAY)
    assert (statuses["awa"], statuses["binta"]) == (AssignmentStatus.LATE, AssignmentStatus.MISSING)


@pytest.mark.parametrize("kind", ["quiz", "reading", "study_goal"])
def test_statuses_take_the_same_queries_for_one_and_many_students(kind):
    def count(students):
        trainer = factories.trainer()
        cohort = factories.cohort_of(trainer, students=[factories.student() for _ in range(students)])
        extra = {"quiz": None, "deck": "all", "target_recall": "0.5"} if kind == "study_goal" else {}
        if kind == "reading":
            extra = {"quiz": None}
        assignment = factories.AssignmentFactory(cohort=cohort, kind=kind, due_at=DUE, **extra)
        if kind == "reading":
            assignment.sections.set([factories.SectionFactory()])
        card = factories.QuestionFactory()
        for student in cohort.students.all():
            _studied(student, card, stability=10.0, last_review=NOW - DAY)
            factories.AttemptFactory(quiz=factories.QuizFactory(), user=student)
        with CaptureQueriesContext(connection) as queries:
            rows = assignment.statuses(NOW)
        assert len(rows) == students
        return len(queries)

    assert count(1) == count(12)
