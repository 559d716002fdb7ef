"""The class gradebook's computation (``quizzes.gradebook``), worked by hand on a small class: three students,
two quizzes (one graded by the highest grade, taken twice by one student and late by another; one set to
two students only, with an extension), a reading of two sections and a study goal; the CSV writer and its
guard against formulas; a query count that does not grow with students or assignments."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.paginator import InvalidPage
from fsrs import Card, Scheduler, State

from quizzes.gradebook import Gradebook, assignment_sort, csv_safe, gradebook_filename, write_csv
from quizzes.models import AssignmentKind, AssignmentStatus, AttemptState, CardState, GradingMethod
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 5, 4, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)

DONE, LATE, MISSING, NOT_YET_DUE = (
    AssignmentStatus.DONE,
    AssignmentStatus.LATE,
    AssignmentStatus.MISSING,
    AssignmentStatus.NOT_YET_DUE,
)


def _attempt(quiz, user, number, score, max_score, submitted_at, state=AttemptState.SUBMITTED):
    return factories.AttemptFactory(
        quiz=quiz,
        user=user,
        number=number,
        score=score,
        max_score=max_score,
        started_at=submitted_at - HOUR,
        submitted_at=submitted_at,
        state=state,
    )


@pytest.fixture
def klass():
    trainer = factories.trainer(username="fatou")
    awa = factories.student(username="awa", first_name="Awa", last_name="Keita")
    binta = factories.student(username="binta", first_name="Binta", last_name="Diallo")
    chaka = factories.student(username="chaka", first_name="Chaka", last_name="Traoré")
    cohort = factories.cohort_of(trainer, name="Form 3B", students=[awa, binta, chaka])

    # A quiz graded by the highest grade, due two days ago: Awa took it twice (25 %, then 75 %) in time,
    # Binta once (50 %), a day late; Chaka not at all.
    highest = factories.QuizFactory(grading_method=GradingMethod.HIGHEST)
    leaders = factories.AssignmentFactory(cohort=cohort, quiz=highest, title="Leaders", due_at=NOW - 2 * DAY)
    _attempt(highest, awa, 1, Decimal(1), Decimal(4), NOW - 3 * DAY)
    awa_best = _attempt(highest, awa, 2, Decimal(3), Decimal(4), NOW - 2 * DAY - 12 * HOUR)
    binta_late = _attempt(highest, binta, 1, Decimal(2), Decimal(4), NOW - DAY)

    # A quiz graded by the average, due yesterday, set to Awa and Chaka only; Chaka has an extension to
    # the day after tomorrow and an attempt in progress.
    average = factories.QuizFactory(grading_method=GradingMethod.AVERAGE)
    some = factories.AssignmentFactory(cohort=cohort, quiz=average, title="Some", due_at=NOW - DAY)
    for student in (awa, chaka):
        factories.AssignmentTargetFactory(assignment=some, student=student)
    factories.AssignmentOverrideFactory(assignment=some, student=chaka, due_at=NOW + 2 * DAY)
    awa_average = _attempt(average, awa, 1, Decimal(2), Decimal(2), NOW - 2 * DAY)
    factories.AttemptFactory(
        quiz=average, user=chaka, number=1, started_at=NOW - HOUR, submitted_at=None, state=AttemptState.IN_PROGRESS
    )

    # A reading of two sections, due yesterday: Awa opened both in time, Binta one, Chaka none.
    one, two = factories.SectionFactory(), factories.SectionFactory()
    reading = factories.AssignmentFactory(
        cohort=cohort, kind=AssignmentKind.READING, quiz=None, title="Read", due_at=NOW - DAY + HOUR
    )
    reading.sections.set([one, two])
    for section in (one, two):
        factories.SectionVisitFactory(student=awa, section=section, first_opened_at=NOW - 3 * DAY)
    factories.SectionVisitFactory(student=binta, section=one, first_opened_at=NOW - 3 * DAY)

    # A study goal, 80 % on the timeline in three days: Awa studied its one card (a long memory), nobody else.
    card = factories.QuestionFactory(topic="timeline")
    goal = factories.AssignmentFactory(
        cohort=cohort,
        kind=AssignmentKind.STUDY_GOAL,
        quiz=None,
        title="Timeline",
        deck="topic:timeline",
        target_recall="0.80",
        due_at=NOW + 3 * DAY,
    )
    factories.ReviewStateFactory(
        user=awa,
        question=card,
        state=CardState.REVIEW,
        step=None,
        stability=60.0,
        difficulty=5.0,
        due=NOW + 59 * DAY,
        last_review=NOW - DAY,
        reps=3,
    )
    return {
        "cohort": cohort,
        "students": (awa, binta, chaka),
        "assignments": (leaders, some, reading, goal),
        "attempts": {"awa_best": awa_best, "binta_late": binta_late, "awa_average": awa_average},
    }


def _recall_at(due):
    card = Card(state=State.Review, stability=60.0, difficulty=5.0, due=NOW, last_review=NOW - DAY)
    return Scheduler().get_card_retrievability(card, due)


def _cells(row):
    return [
        (cell.status, cell.score, cell.attempts, cell.attempt_id, cell.sections_opened, cell.recall, cell.late)
        for cell in row.cells
    ]


def test_each_cell_worked_by_hand(klass):
    gradebook = Gradebook.of(klass["cohort"], NOW)
    attempts = klass["attempts"]
    recall = _recall_at(NOW + 3 * DAY)
    assert recall > 0.8

    assert [assignment.title for assignment in gradebook.assignments] == ["Leaders", "Some", "Read", "Timeline"]
    assert [row.name for row in gradebook.rows] == ["Awa Keita", "Binta Diallo", "Chaka Traoré"]
    awa, binta, chaka = gradebook.rows
    assert _cells(awa)[:3] == [
        (DONE, Decimal("75.00"), 2, attempts["awa_best"].pk, None, None, False),  # the highest of 25 and 75
        (DONE, Decimal("100.00"), 1, attempts["awa_average"].pk, None, None, False),  # average: the latest
        (DONE, None, 0, None, 2, None, False),
    ]
    assert awa.cells[3].status == DONE
    assert awa.cells[3].recall == pytest.approx(recall)
    assert _cells(binta) == [
        (LATE, Decimal("50.00"), 1, attempts["binta_late"].pk, None, None, True),
        (None, None, 0, None, None, None, False),  # not assigned
        (MISSING, None, 0, None, 1, None, False),
        (NOT_YET_DUE, None, 0, None, None, 0.0, False),
    ]
    assert _cells(chaka) == [
        (MISSING, None, 0, None, None, None, False),
        (NOT_YET_DUE, None, 1, None, None, None, False),  # extended: not yet due; one attempt in progress
        (MISSING, None, 0, None, 0, None, False),
        (NOT_YET_DUE, None, 0, None, None, 0.0, False),
    ]
    assert chaka.cells[1].due_at == NOW + 2 * DAY
    assert binta.cells[1].status_label == "Not assigned"
    assert binta.cells[0].status_label == "Done late"
    assert [(row.overall, row.missing, row.late) for row in gradebook.rows] == [
        (Decimal("87.50"), 0, 0),  # (75 + 100) / 2
        (Decimal("50.00"), 1, 1),
        (None, 2, 0),
    ]
    assert gradebook.section_totals == {klass["assignments"][2].pk: 2}


def test_the_statuses_are_the_assignment_pages(klass):
    gradebook = Gradebook.of(klass["cohort"], NOW)
    for index, assignment in enumerate(gradebook.assignments):
        page = {row.student.pk: row.status for row in assignment.statuses(NOW)}
        book = {row.student.pk: row.cells[index].status for row in gradebook.rows if row.cells[index].assigned}
        assert book == page


@pytest.mark.parametrize(
    ("sort", "descending", "expected"),
    [
        ("name", False, ["awa", "binta", "chaka"]),
        ("name", True, ["chaka", "binta", "awa"]),
        ("username", True, ["chaka", "binta", "awa"]),
        ("overall", True, ["awa", "binta", "chaka"]),  # no grade: last either way
        ("overall", False, ["binta", "awa", "chaka"]),
        ("reading", True, ["awa", "binta", "chaka"]),
    ],
)
def test_sorting(klass, sort, descending, expected):
    if sort == "reading":
        sort = assignment_sort(klass["assignments"][2])
    gradebook = Gradebook.of(klass["cohort"], NOW, sort=sort, descending=descending)
    assert [row.student.username for row in gradebook.rows] == expected


@pytest.mark.parametrize(
    ("status", "search", "expected"),
    [("missing", "", ["binta", "chaka"]), ("late", "", ["binta"]), ("", "trao", ["chaka"]), ("missing", "aw", [])],
)
def test_filtering_by_status_and_searching_names(klass, status, search, expected):
    gradebook = Gradebook.of(klass["cohort"], NOW, status=status, search=search, page=1)
    assert [row.student.username for row in gradebook.rows] == expected
    assert gradebook.page.paginator.count == len(expected)


@pytest.mark.parametrize(
    ("sort", "expected"), [("name", ["awa", "binta", "chaka"]), ("overall", ["binta", "awa", "chaka"])]
)
def test_pages_of_students(klass, sort, expected):
    first = Gradebook.of(klass["cohort"], NOW, sort=sort, page=1, per_page=2)
    second = Gradebook.of(klass["cohort"], NOW, sort=sort, page=2, per_page=2)
    assert [row.student.username for row in first.rows + second.rows] == expected
    assert (first.page.paginator.num_pages, first.page.has_next(), second.page.has_next()) == (2, True, False)
    with pytest.raises(InvalidPage):
        Gradebook.of(klass["cohort"], NOW, sort=sort, page=3, per_page=2)


def _class_of(students, quizzes):
    """A class of ``students``, each with a submitted attempt at each of ``quizzes`` quiz assignments, a reading and
    a study goal; the last student is given an extension on everything."""
    cohort = factories.cohort_of(factories.trainer())
    users = [factories.student() for _ in range(students)]
    for user in users:
        factories.CohortMembershipFactory(cohort=cohort, student=user)
    section = factories.SectionFactory()
    reading = factories.AssignmentFactory(cohort=cohort, kind=AssignmentKind.READING, quiz=None, due_at=NOW)
    reading.sections.set([section])
    factories.AssignmentFactory(
        cohort=cohort, kind=AssignmentKind.STUDY_GOAL, quiz=None, deck="topic:timeline", target_recall="0.5", due_at=NOW
    )
    card = factories.QuestionFactory(topic="timeline")
    for _ in range(quizzes):
        assignment = factories.AssignmentFactory(cohort=cohort, due_at=NOW)
        for user in users:
            _attempt(assignment.quiz, user, 1, Decimal(1), Decimal(2), NOW - DAY)
        factories.AssignmentOverrideFactory(assignment=assignment, student=users[-1], due_at=NOW + DAY)
    factories.AssignmentTargetFactory(assignment=assignment, student=users[0])
    for user in users:
        factories.SectionVisitFactory(student=user, section=section, first_opened_at=NOW - DAY)
        factories.ReviewStateFactory(
            user=user, question=card, state=CardState.REVIEW, step=None, stability=9.0, difficulty=5.0,
            due=NOW + 8 * DAY, last_review=NOW - DAY, reps=2,
        )  # fmt: skip
    return cohort


@pytest.mark.parametrize(("students", "quizzes"), [(1, 1), (6, 4)])
@pytest.mark.parametrize("sort", ["name", "overall"])
def test_a_fixed_number_of_queries_whatever_the_students_and_assignments(
    django_assert_num_queries, students, quizzes, sort
):
    cohort = _class_of(students, quizzes)
    # The assignments; the students (paged by name: their count and the page); the named students, the
    # extensions, the attempts, the reading's sections, the visits; the goal's cards, states and parameters.
    with django_assert_num_queries(11 if sort == "name" else 10):
        gradebook = Gradebook.of(cohort, NOW, sort=sort, page=1)
    assert len(gradebook.rows) == students
    assert len(gradebook.assignments) == quizzes + 2
    assert all(row.overall == Decimal("50.00") for row in gradebook.rows)


def test_the_csv_has_a_row_per_student_and_four_columns_per_assignment(klass):
    out = io.StringIO()
    write_csv(Gradebook.of(klass["cohort"], NOW), out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    recall = f"{_recall_at(NOW + 3 * DAY) * 100:.1f}"
    assert rows == [
        [
            "Name",
            "Username",
            "Leaders: score (%)",
            "Leaders: status",
            "Leaders: attempts",
            "Leaders: late",
            "Some: score (%)",
            "Some: status",
            "Some: attempts",
            "Some: late",
            "Read: sections opened of 2",
            "Read: status",
            "Read: attempts",
            "Read: late",
            "Timeline: predicted recall (%)",
            "Timeline: status",
            "Timeline: attempts",
            "Timeline: late",
            "Overall (%)",
        ],
        ["Awa Keita", "awa", "75.00", "Done", "2", "no", "100.00", "Done", "1", "no", "2", "Done", "", "no"]
        + [recall, "Done", "", "no", "87.50"],
        ["Binta Diallo", "binta", "50.00", "Done late", "1", "yes", "", "Not assigned", "", "", "1", "Missing", ""]
        + ["no", "0.0", "Not yet due", "", "no", "50.00"],
        ["Chaka Traoré", "chaka", "", "Missing", "0", "no", "", "Not yet due", "1", "no", "0", "Missing", "", "no"]
        + ["0.0", "Not yet due", "", "no", ""],
    ]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Awa = 1", "Awa = 1"),
        (Decimal("87.50"), "87.50"),
        (None, ""),
    ],
)
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_quoted(value, written):
    assert csv_safe(value) == written


def test_names_and_titles_are_guarded_in_the_csv(klass):
    awa = klass["students"][0]
    awa.first_name, awa.last_name = "=cmd|' /C calc'!A0", ""
    awa.save()
    klass["assignments"][0].title = "@risk"
    klass["assignments"][0].save()
    out = io.StringIO()
    write_csv(Gradebook.of(klass["cohort"], NOW), out)
    header, first, *_rest = csv.reader(io.StringIO(out.getvalue()))
    assert header[2] == "'@risk: score (%)"
    assert first[:2] == ["'=cmd|' /C calc'!A0", "awa"]


def test_the_file_is_named_after_the_class(klass):
    assert gradebook_filename(klass["cohort"]) == "form-3b-gradebook.csv"
