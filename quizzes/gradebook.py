"""The class gradebook (issue 10): a class's students × its assignments at a moment, as Moodle's grader report.

``Gradebook.of(cohort, now)`` reads the class's assignments in due order (the columns) and its students
by name (the rows). Each cell is one student on one assignment:

- **not assigned** when the assignment names some students of the class and not this one
  (``AssignmentTarget``);
- its **status** (done / done late / missing / not yet due) by ``progress_status``, the one rule
  ``Assignment.statuses`` follows, at the student's own due date (their extension's, else the
  assignment's); **late** is the status "done late";
- a **quiz**: the score is the grade by the quiz's grading method over the student's submitted attempts
  (``grade_by_method`` over ``score_percent``, as ``Attempt.objects.grades``), the attempts used are all
  they started (as the quiz page counts them), and the attempt to link to is the one the grade comes from
  (``graded_attempt``: the highest, the first or the last), or the latest submitted (an average);
- a **reading**: the sections opened of the reading's sections;
- a **study goal**: the mean predicted recall of the deck's cards at the student's due date
  (``goal_recalls``, py-fsrs with their own parameters).

Each row also has the **overall** grade, the mean of the student's quiz scores (a quiz not assigned or
not taken is left out, as Moodle's "exclude empty grades"), and how many of its cells are missing and late.

**Cost.** A fixed number of queries whatever the number of students and assignments: the assignments,
the students (under pagination their count and one page), the named students, the extensions'
due dates, every attempt of the students at the quizzes, the readings' sections and the students'
visits of them, and for study goals ``goal_recalls``' three; then one pass over those rows.

**Sorting, filtering, pages.** By name or username without a status filter, the students are sorted,
searched and paged in the database and only the page's students are computed, so a page of 100
costs the same in a class of 500 as in one of 100. Sorting by the overall grade or an assignment's
score, or keeping only students missing or late with something, computes every student (the same
queries) and sorts in one pass; an empty score sorts last either way.
"""

import contextlib
import csv
import datetime
import gc
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from .assignments import (
    AssignmentKind,
    AssignmentOverride,
    AssignmentStatus,
    AssignmentTarget,
    SectionVisit,
    goal_recalls,
    progress_status,
)
from .models import Assignment, Attempt, AttemptState, grade_by_method, graded_attempt, score_percent
from .stats import as_text, parse_moment, raw_rows

PAGE_SIZE = 100  # students per page, as Moodle's grader report

SORT_NAME, SORT_USERNAME, SORT_OVERALL = "name", "username", "overall"
STUDENT_SORTS = (SORT_NAME, SORT_USERNAME)
ASSIGNMENT_SORT_PREFIX = "a"  # a<assignment id>: by that assignment's score
FILTER_MISSING, FILTER_LATE = "missing", "late"
STATUS_FILTERS = (
    (FILTER_MISSING, _lazy("Missing anything")),
    (FILTER_LATE, _lazy("Late with anything")),
)
CENT = Decimal("0.01")


def assignment_sort(assignment):
    return f"{ASSIGNMENT_SORT_PREFIX}{assignment.pk}"


@dataclass(slots=True)
class Cell:
    """One student on one assignment (not frozen: ten thousand of them are made for a class of 500)."""

    assignment: Assignment
    status: str | None = None  # None: not assigned to the student
    due_at: datetime.datetime | None = None
    score: Decimal | None = None  # quiz: the grade, in percent
    attempts: int = 0  # quiz: attempts started
    attempt_id: int | None = None  # quiz: the attempt to link to
    review_url: str = ""  # quiz: that attempt's review
    sections_opened: int | None = None  # reading
    section_total: int | None = None  # reading
    recall: float | None = None  # study goal: mean predicted recall at the due date, 0 to 1

    @property
    def assigned(self):
        return self.status is not None

    @property
    def late(self):
        return self.status == AssignmentStatus.LATE

    @property
    def status_label(self):
        return AssignmentStatus(self.status).label if self.assigned else _("Not assigned")

    @property
    def attempts_label(self):
        return ngettext("%(count)d attempt", "%(count)d attempts", self.attempts) % {"count": self.attempts}

    @property
    def value(self):
        """What sorting by this assignment reads: the score, the sections opened or the recall."""
        if self.assignment.kind == AssignmentKind.QUIZ:
            return self.score
        if self.assignment.kind == AssignmentKind.READING:
            return self.sections_opened
        return self.recall


@dataclass
class Row:
    student: object
    cells: list
    overall: Decimal | None
    missing: int
    late: int

    @property
    def name(self):
        return self.student.get_full_name() or self.student.get_username()

    def has(self, status_filter):
        return bool(self.missing if status_filter == FILTER_MISSING else self.late)


@dataclass
class Gradebook:
    cohort: object
    now: datetime.datetime
    assignments: list
    rows: list  # the page's rows (every row without pagination)
    sort: str = SORT_NAME
    descending: bool = False
    page: object = None  # django.core.paginator.Page, under pagination
    section_totals: dict = field(default_factory=dict)  # {reading id: its sections}

    @property
    def columns(self):
        """(assignment, whether the rows are sorted by it), in due order."""
        return [(assignment, self.sort == assignment_sort(assignment)) for assignment in self.assignments]

    @classmethod
    def of(
        cls,
        cohort,
        now,
        *,
        sort=SORT_NAME,
        descending=False,
        status="",
        search="",
        page=None,
        per_page=PAGE_SIZE,
        assignments=None,
    ):
        """The gradebook of ``cohort`` at ``now``, its rows sorted by ``sort`` (``name``, ``username``,
        ``overall`` or ``a<assignment id>``), only students missing or late with something (``status``),
        whose name or username holds ``search``; page ``page`` of ``per_page`` students (None: every student).

        ``assignments``: the class's ``columns_of(cohort)`` if already read. A page that does not exist raises
        ``django.core.paginator.InvalidPage``.
        """
        if assignments is None:
            assignments = columns_of(cohort)
        students = cohort.students.all()
        if search:
            students = students.filter(
                Q(first_name__icontains=search) | Q(last_name__icontains=search) | Q(username__icontains=search)
            )
        if sort in STUDENT_SORTS:
            order = ("first_name", "last_name", "username", "pk") if sort == SORT_NAME else ("username", "pk")
            students = students.order_by(*(f"-{name}" if descending else name for name in order))
        else:
            students = students.order_by("first_name", "last_name", "username", "pk")
        paged = None
        if sort in STUDENT_SORTS and not status:  # sorted and paged in the database: only the page is computed
            if page is not None:
                paged = Paginator(students, per_page).page(page)
                students = paged.object_list
            with _collector_paused():
                rows, totals = _rows(assignments, list(students), now)
        else:
            with _collector_paused():
                rows, totals = _rows(assignments, list(students), now)
            if status:
                rows = [row for row in rows if row.has(status)]
            if sort not in STUDENT_SORTS:
                rows = _sorted(rows, sort, descending, assignments)
            if page is not None:
                paged = Paginator(rows, per_page).page(page)
                rows = list(paged.object_list)
        return cls(
            cohort=cohort,
            now=now,
            assignments=assignments,
            rows=rows,
            sort=sort,
            descending=descending,
            page=paged,
            section_totals=totals,
        )


@contextlib.contextmanager
def _collector_paused():
    """Python's cycle collector off while the cells are made. They hold no reference cycles, but the ~100,000
    short-lived objects a class of 500 makes triggered full collections over the whole process's heap: 40%
    of the CSV's time at 500 students, and what made 10× the students cost 10.7× the time (docs/performance.md)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def columns_of(cohort):
    """The gradebook's columns: the class's assignments, in due order, with their quizzes (one query)."""
    return list(cohort.assignments.select_related("quiz").order_by("due_at", "pk"))


def _sorted(rows, sort, descending, assignments):
    """``rows`` (in name order) by the overall grade or an assignment's value, empty values last, ties by name."""
    if sort == SORT_OVERALL:

        def key(row):
            return row.overall
    else:
        index = [assignment_sort(assignment) for assignment in assignments].index(sort)

        def key(row):
            return row.cells[index].value

    valued = [row for row in rows if key(row) is not None]
    empty = [row for row in rows if key(row) is None]
    return sorted(valued, key=key, reverse=descending) + empty


@dataclass
class _QuizWork:
    """One student's attempts at one quiz, in number order."""

    used: int = 0
    graded: list = field(default_factory=list)  # the ids of the submitted attempts with marks
    percents: list = field(default_factory=list)  # and their percents
    first_submitted: datetime.datetime | None = None  # as text until every row is read
    latest_submitted: int | None = None


_NO_WORK = _QuizWork()


def _rows(assignments, students, now):
    """Each student's row over ``assignments``, and each reading's number of sections: a fixed number of queries."""
    ids = [student.pk for student in students]
    assignment_ids = [assignment.pk for assignment in assignments]
    if not ids or not assignments:
        return [Row(student, [], None, 0, 0) for student in students], {}
    targets = {}
    named = AssignmentTarget.objects.filter(assignment_id__in=assignment_ids).order_by()
    for assignment_id, student_id in named.values_list("assignment_id", "student_id"):
        targets.setdefault(assignment_id, set()).add(student_id)
    extended = AssignmentOverride.objects.filter(
        assignment_id__in=assignment_ids, student_id__in=ids, due_at__isnull=False
    ).order_by()
    dues = {
        (assignment, student): due
        for assignment, student, due in extended.values_list("assignment_id", "student_id", "due_at")
    }

    def assigned(assignment, student_id):
        return assignment.pk not in targets or student_id in targets[assignment.pk]

    def due_of(assignment, student_id):
        return dues.get((assignment.pk, student_id), assignment.due_at)

    work = _quiz_work(assignments, ids)
    sections, visits = _reading_work(assignments, ids)
    goals = [assignment for assignment in assignments if assignment.kind == AssignmentKind.STUDY_GOAL]
    recalls = goal_recalls(
        goals,
        {(goal.pk, pk): due_of(goal, pk) for goal in goals for pk in ids if assigned(goal, pk)},
        now,
    )
    totals = {assignment_id: len(found) for assignment_id, found in sections.items()}

    # One reversal, not one per cell: the review's address with a placeholder id, filled in per attempt.
    review_pattern = reverse("quizzes:attempt-review", args=[_PLACEHOLDER_ID])
    columns = [
        (
            assignment,
            assignment.kind,
            assignment.quiz.grading_method if assignment.kind == AssignmentKind.QUIZ else None,
            targets.get(assignment.pk),
        )
        for assignment in assignments
    ]
    rows = []
    for student in students:
        student_pk = student.pk
        cells, scores, missing, late = [], [], 0, 0
        opened_by_student = visits.get(student_pk, {})
        for assignment, kind, method, named_students in columns:
            if named_students is not None and student_pk not in named_students:
                cells.append(Cell(assignment))
                continue
            due = dues.get((assignment.pk, student_pk), assignment.due_at) if dues else assignment.due_at
            if kind == AssignmentKind.QUIZ:
                cell = _quiz_cell(
                    assignment, method, work.get((student_pk, assignment.quiz_id)), due, now, review_pattern
                )
                if cell.score is not None:
                    scores.append(cell.score)
            elif kind == AssignmentKind.READING:
                opened = [opened_by_student[pk] for pk in sections[assignment.pk] if pk in opened_by_student]
                status, _done_at = progress_status(
                    assignment,
                    due=due,
                    now=now,
                    sections_opened=len(opened),
                    section_total=len(sections[assignment.pk]),
                    last_opened=max(opened, default=None),
                )
                cell = Cell(
                    assignment, status, due, sections_opened=len(opened), section_total=len(sections[assignment.pk])
                )
            else:
                recall = recalls[(assignment.pk, student_pk)]
                status, _done_at = progress_status(assignment, due=due, now=now, recall=recall)
                cell = Cell(assignment, status, due, recall=recall[0])
            if cell.status == AssignmentStatus.MISSING:
                missing += 1
            elif cell.status == AssignmentStatus.LATE:
                late += 1
            cells.append(cell)
        overall = (sum(scores) / len(scores)).quantize(CENT) if scores else None
        rows.append(Row(student, cells, overall, missing, late))
    return rows, totals


def _quiz_work(assignments, student_ids):
    """{(student id, quiz id): _QuizWork}: every attempt of the students at the assigned quizzes, one query."""
    quiz_ids = {assignment.quiz_id for assignment in assignments if assignment.kind == AssignmentKind.QUIZ}
    if not quiz_ids:
        return {}
    rows = (
        Attempt.objects.filter(quiz_id__in=quiz_ids, user_id__in=student_ids)
        .order_by("quiz_id", "user_id", "number")  # the order of the unique index: no sorting
        # Marks and times as text, read without the ORM's converters (ten thousand rows for a class of 500):
        # the marks are exact decimals either way, and times in one database's format sort as text.
        .values_list(
            "user_id", "quiz_id", "pk", "state", as_text("score"), as_text("max_score"), as_text("submitted_at")
        )
    )
    work, percents = {}, {}  # percents: {(score, maximum): percent}, a few distinct marks over many attempts
    for user_id, quiz_id, pk, state, score, max_score, submitted_at in raw_rows(rows):
        found = work.get((user_id, quiz_id))
        if found is None:
            found = work[(user_id, quiz_id)] = _QuizWork()
        found.used += 1
        if state != AttemptState.SUBMITTED:
            continue
        found.latest_submitted = pk
        if found.first_submitted is None or submitted_at < found.first_submitted:
            found.first_submitted = submitted_at
        if score is None:
            continue
        percent = percents.get((score, max_score))
        if percent is None:
            maximum = Decimal(max_score)
            percent = percents[(score, max_score)] = score_percent(Decimal(score), maximum) if maximum else False
        if percent is not False:
            found.graded.append(pk)
            found.percents.append(percent)
    for found in work.values():
        found.first_submitted = parse_moment(found.first_submitted)
    return work


_PLACEHOLDER_ID = 987654321


def _quiz_cell(assignment, method, work, due, now, review_pattern):
    work = work or _NO_WORK
    percents = work.percents
    index = graded_attempt(method, percents)
    status, _done_at = progress_status(assignment, due=due, now=now, first_submitted=work.first_submitted)
    attempt_id = work.graded[index] if index is not None else work.latest_submitted
    return Cell(
        assignment,
        status,
        due,
        score=grade_by_method(method, percents),
        attempts=work.used,
        attempt_id=attempt_id,
        review_url=review_pattern.replace(str(_PLACEHOLDER_ID), str(attempt_id)) if attempt_id else "",
    )


def _reading_work(assignments, student_ids):
    """({reading id: [section ids]}, {student id: {section id: first opened}}): two queries."""
    reading_ids = [assignment.pk for assignment in assignments if assignment.kind == AssignmentKind.READING]
    if not reading_ids:
        return {}, {}
    sections = {pk: [] for pk in reading_ids}
    through = Assignment.sections.through.objects.filter(assignment_id__in=reading_ids).order_by()
    for assignment_id, section_id in through.values_list("assignment_id", "section_id"):
        sections[assignment_id].append(section_id)
    visits = {}
    section_ids = {pk for found in sections.values() for pk in found}
    opened = SectionVisit.objects.filter(student_id__in=student_ids, section_id__in=section_ids).order_by()
    for student_id, section_id, first_opened_at in opened.values_list("student_id", "section_id", "first_opened_at"):
        visits.setdefault(student_id, {})[section_id] = first_opened_at
    return sections, visits


# -- CSV ----------------------------------------------------------------------------------------------


def gradebook_filename(cohort):
    """``<the class's name as a slug>-gradebook.csv``."""
    return f"{slugify(cohort.name) or 'class'}-gradebook.csv"


# A spreadsheet reads a cell starting with one of these as a formula (OWASP's "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """``value`` as CSV text, with a leading ' when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_header(gradebook):
    header = [_("Name"), _("Username")]
    for assignment in gradebook.assignments:
        if assignment.kind == AssignmentKind.QUIZ:
            score = _("%(title)s: score (%%)") % {"title": assignment.title}
        elif assignment.kind == AssignmentKind.READING:
            score = _("%(title)s: sections opened of %(total)d") % {
                "title": assignment.title,
                "total": gradebook.section_totals.get(assignment.pk, 0),
            }
        else:
            score = _("%(title)s: predicted recall (%%)") % {"title": assignment.title}
        header += [
            score,
            _("%(title)s: status") % {"title": assignment.title},
            _("%(title)s: attempts") % {"title": assignment.title},
            _("%(title)s: late") % {"title": assignment.title},
        ]
    header.append(_("Overall (%)"))
    return header


def _csv_score(cell):
    if cell.assignment.kind == AssignmentKind.QUIZ:
        return "" if cell.score is None else cell.score
    if cell.assignment.kind == AssignmentKind.READING:
        return cell.sections_opened
    return f"{cell.recall * 100:.1f}"


def write_csv(gradebook, out):
    """Write ``gradebook``'s rows to the text file ``out``: name, username, then each assignment's score, status,
    attempts (quizzes) and late (yes or no), then the overall grade. The one writer of the page's export and
    the API's CSV."""
    writer = csv.writer(out)
    writer.writerow([csv_safe(value) for value in csv_header(gradebook)])
    yes, no = _("yes"), _("no")
    labels = {status: str(label) for status, label in AssignmentStatus.choices}  # translated once, not per cell
    not_assigned = _("Not assigned")
    for row in gradebook.rows:
        line = [csv_safe(row.name), csv_safe(row.student.get_username())]
        for cell in row.cells:
            if not cell.assigned:
                line += ["", not_assigned, "", ""]
                continue
            attempts = cell.attempts if cell.assignment.kind == AssignmentKind.QUIZ else ""
            line += [csv_safe(_csv_score(cell)), labels[cell.status], attempts, yes if cell.late else no]
        line.append("" if row.overall is None else csv_safe(row.overall))
        writer.writerow(line)
