"""Assignment workflows: assign (each kind, its checks), update, delete, extensions, section visits; and the
attempt rules honouring them: an extension lets its student start after the quiz closes, take an extra
attempt, have a longer time limit, while everybody else is still refused."""

import datetime
from decimal import Decimal

import pytest

from quizzes import actions
from quizzes.models import Assignment, AssignmentKind, AssignmentOverride, SectionVisit
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 5, 4, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def klass():
    trainer = factories.trainer(username="fatou")
    awa, binta = factories.student(username="awa"), factories.student(username="binta")
    return factories.cohort_of(trainer, students=[awa, binta]), trainer, awa, binta


def _quiz(**kwargs):
    question = factories.QuestionFactory()
    factories.AnswerOptionFactory(question=question, text="Right", is_correct=True, position=1)
    factories.AnswerOptionFactory(question=question, text="Wrong", position=2)
    return factories.quiz_with([question], **kwargs)


def _assign(cohort, trainer, **values):
    values.setdefault("kind", AssignmentKind.QUIZ)
    values.setdefault("title", "Homework")
    values.setdefault("due_at", NOW + 2 * DAY)
    return actions.assign(cohort=cohort, created_by=trainer, now=NOW, **values)


def test_assign_a_quiz_with_its_own_settings(klass):
    cohort, trainer, _awa, binta = klass
    quiz = _quiz()
    made = _assign(cohort, trainer, quiz=quiz, attempts_allowed=2, time_limit=20 * MINUTE, students=[binta])
    assert (made.cohort, made.quiz, made.attempts_allowed, made.time_limit, made.created_at) == (
        cohort,
        quiz,
        2,
        20 * MINUTE,
        NOW,
    )
    assert [target.student for target in made.targets.all()] == [binta]


def test_assign_a_reading_and_a_study_goal(klass):
    cohort, trainer, *_ = klass
    one, two = factories.SectionFactory(), factories.SectionFactory()
    reading = _assign(cohort, trainer, kind=AssignmentKind.READING, sections=[one, two], quiz=_quiz())
    assert set(reading.sections.all()) == {one, two}
    assert reading.quiz is None  # another kind's fields are cleared
    goal = _assign(cohort, trainer, kind=AssignmentKind.STUDY_GOAL, deck="topic:timeline", target_recall=Decimal("0.9"))
    assert (goal.deck, goal.target_recall) == ("topic:timeline", Decimal("0.90"))


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"title": " "}, "title", "Give the assignment a title."),
        ({"opens_at": NOW + 3 * DAY}, "due_at", "The due date must come after the opening time."),
        ({"quiz": None}, "quiz", "Choose the quiz."),
        ({"quiz": "draft"}, "quiz", "“Draft quiz” is not published: students cannot take it."),
        ({"time_limit": datetime.timedelta(0)}, "time_limit", "The time limit must be longer than zero."),
        ({"kind": "essay"}, "kind", "Choose a quiz, a reading or a study goal."),
        ({"kind": AssignmentKind.READING, "sections": []}, "sections", "Choose at least one section to read."),
        ({"kind": AssignmentKind.READING, "sections": "old"}, "sections", "Only the sections of the current briefing"),
        ({"kind": AssignmentKind.STUDY_GOAL, "deck": "topic:nope"}, "deck", "There is no topic “nope”."),
        ({"kind": AssignmentKind.STUDY_GOAL, "deck": "leeches"}, "deck", "A study goal is on the whole briefing"),
        ({"kind": AssignmentKind.STUDY_GOAL, "deck": "all", "target_recall": 2}, "target_recall", "between 0 and 1"),
        ({"students": "outsider"}, "students", "issa is not a student of this class."),
    ],
)
def test_assign_refuses_what_makes_no_assignment(klass, values, field, message):
    cohort, trainer, *_ = klass
    values = dict(values)
    if values.get("quiz") == "draft":
        values["quiz"] = _quiz(title="Draft quiz", status="draft")
    elif "quiz" not in values and values.get("kind", AssignmentKind.QUIZ) == AssignmentKind.QUIZ:
        values["quiz"] = _quiz()
    if values.get("sections") == "old":
        old = factories.BriefingFactory(slug="an-older-briefing", status="draft")
        values["sections"] = [factories.SectionFactory(briefing=old, title="Old section")]
    if values.get("students") == "outsider":
        values["students"] = [factories.student(username="issa")]
    with pytest.raises(actions.AssignmentError) as refused:
        _assign(cohort, trainer, **values)
    assert refused.value.field == field
    assert message in refused.value.message
    assert refused.value.http_status == 400
    assert not Assignment.objects.exists()


def test_update_and_delete(klass):
    cohort, trainer, awa, _binta = klass
    made = _assign(cohort, trainer, quiz=_quiz(), students=[awa])
    actions.update_assignment(assignment=made, title="Renamed", due_at=NOW + 5 * DAY, students=[])
    made.refresh_from_db()
    assert (made.title, made.due_at, made.targets.count()) == ("Renamed", NOW + 5 * DAY, 0)
    with pytest.raises(actions.AssignmentError):
        actions.update_assignment(assignment=made, opens_at=NOW + 6 * DAY)
    made.refresh_from_db()
    assert made.opens_at is None
    actions.delete_assignment(assignment=made)
    assert not Assignment.objects.exists()


def test_grant_override_replaces_the_previous_one_and_checks_its_values(klass):
    cohort, trainer, awa, _binta = klass
    made = _assign(cohort, trainer, quiz=_quiz())
    actions.grant_override(assignment=made, student=awa, granted_by=trainer, extra_attempts=1)
    actions.grant_override(assignment=made, student=awa, granted_by=trainer, due_at=made.due_at + DAY)
    override = AssignmentOverride.objects.get()
    assert (override.due_at, override.extra_attempts) == (made.due_at + DAY, 0)
    for kwargs, message in [
        ({"due_at": made.due_at}, "An extension's due date must be later than the assignment's."),
        ({}, "Give a later due date, a later closing time, extra attempts or a time limit."),
        ({"time_limit": datetime.timedelta(0)}, "The time limit must be longer than zero."),
    ]:
        with pytest.raises(actions.AssignmentError, match=message):
            actions.grant_override(assignment=made, student=awa, granted_by=trainer, **kwargs)
    with pytest.raises(actions.AssignmentError, match="issa is not set this assignment."):
        actions.grant_override(
            assignment=made, student=factories.student(username="issa"), granted_by=trainer, extra_attempts=1
        )


def test_a_reading_has_no_quiz_extension(klass):
    cohort, trainer, awa, _binta = klass
    reading = _assign(cohort, trainer, kind=AssignmentKind.READING, sections=[factories.SectionFactory()])
    with pytest.raises(actions.AssignmentError, match="Only a quiz has"):
        actions.grant_override(assignment=reading, student=awa, granted_by=trainer, extra_attempts=1)


def test_record_section_visit_keeps_the_first_time():
    student, section = factories.student(), factories.SectionFactory()
    actions.record_section_visit(student=student, section=section, now=NOW)
    actions.record_section_visit(student=student, section=section, now=NOW + DAY)
    assert list(SectionVisit.objects.values_list("first_opened_at", flat=True)) == [NOW]


# -- the attempt rules honour the assignment and the extension ----------------------------------------------


def test_an_extension_lets_its_student_start_after_the_quiz_closes(klass):
    cohort, trainer, awa, binta = klass
    quiz = _quiz(closes_at=NOW + DAY)
    made = _assign(cohort, trainer, quiz=quiz, due_at=NOW + DAY)
    actions.grant_override(assignment=made, student=binta, granted_by=trainer, closes_at=NOW + 3 * DAY)
    later = NOW + 2 * DAY
    attempt = actions.start_attempt(quiz=quiz, user=binta, now=later)
    assert attempt.deadline == NOW + 3 * DAY
    with pytest.raises(actions.QuizNotOpen):
        actions.start_attempt(quiz=quiz, user=awa, now=later)
    with pytest.raises(actions.QuizNotOpen):
        actions.start_attempt(quiz=quiz, user=factories.student(), now=later)


def test_a_quiz_cannot_be_due_after_it_closes(klass):
    # Else it would stay open for the class after its review has shown everybody else the answers.
    cohort, trainer, *_ = klass
    quiz = _quiz(title="Closing", closes_at=NOW + DAY)
    with pytest.raises(actions.AssignmentError, match="“Closing” closes on .*: choose a due date by then") as refused:
        _assign(cohort, trainer, quiz=quiz, due_at=NOW + 3 * DAY)
    assert refused.value.field == "due_at"
    assert _assign(cohort, trainer, quiz=quiz, due_at=NOW + DAY).due_at == NOW + DAY


def test_an_extension_due_after_the_quiz_closes_lets_its_student_start_then(klass):
    cohort, trainer, awa, binta = klass
    quiz = _quiz(closes_at=NOW + DAY)
    made = _assign(cohort, trainer, quiz=quiz, due_at=NOW + DAY)
    actions.grant_override(assignment=made, student=binta, granted_by=trainer, due_at=NOW + 3 * DAY)
    assert actions.start_attempt(quiz=quiz, user=binta, now=NOW + 2 * DAY).deadline == NOW + 3 * DAY
    with pytest.raises(actions.QuizNotOpen):
        actions.start_attempt(quiz=quiz, user=awa, now=NOW + 2 * DAY)


def test_an_extension_gives_a_longer_time_limit(klass):
    cohort, trainer, awa, binta = klass
    quiz = _quiz(time_limit=10 * MINUTE)
    made = _assign(cohort, trainer, quiz=quiz, time_limit=20 * MINUTE)
    actions.grant_override(assignment=made, student=binta, granted_by=trainer, time_limit=45 * MINUTE)
    assert actions.start_attempt(quiz=quiz, user=binta, now=NOW).deadline == NOW + 45 * MINUTE
    assert actions.start_attempt(quiz=quiz, user=awa, now=NOW).deadline == NOW + 20 * MINUTE
    assert actions.start_attempt(quiz=quiz, user=factories.student(), now=NOW).deadline == NOW + 10 * MINUTE


def test_an_extension_gives_an_extra_attempt(klass):
    cohort, trainer, awa, binta = klass
    quiz = _quiz(attempts_allowed=1)
    made = _assign(cohort, trainer, quiz=quiz)
    actions.grant_override(assignment=made, student=binta, granted_by=trainer, extra_attempts=1)
    for student in (awa, binta):
        attempt = actions.start_attempt(quiz=quiz, user=student, now=NOW)
        actions.submit_attempt(attempt=attempt, now=NOW + MINUTE)
    second = actions.start_attempt(quiz=quiz, user=binta, now=NOW + 2 * MINUTE)
    assert second.number == 2
    with pytest.raises(actions.NoAttemptsLeft):
        actions.start_attempt(quiz=quiz, user=awa, now=NOW + 2 * MINUTE)


def test_an_assignment_opening_later_refuses_an_early_start(klass):
    cohort, trainer, awa, _binta = klass
    quiz = _quiz()
    _assign(cohort, trainer, quiz=quiz, opens_at=NOW + DAY, due_at=NOW + 2 * DAY)
    with pytest.raises(actions.QuizNotOpen, match="This quiz opens on"):
        actions.start_attempt(quiz=quiz, user=awa, now=NOW)
