"""Assignments: a quiz, a reading or a study goal set to a class (or to some of its students) by a due date.

- **Who is assigned**: the class's students, or only those named in ``AssignmentTarget`` rows (no row:
  the whole class). ``Assignment.objects.for_student(user)`` is a student's own; ``of_cohorts`` scopes a
  trainer's by ``Cohort.objects.taught_by``.
- **A quiz's rules for one student** are decided once, by ``QuizRules.of(quiz, user)`` (``Quiz.rules_for``):
  the quiz's own settings, replaced by those of the assignment that gives the student the latest due
  date (its opening time, attempts allowed, time limit), then by the student's ``AssignmentOverride``
  (a later due date and closing time, extra attempts, a longer time limit, as Moodle's user overrides).
  A quiz assignment is due by the quiz's closing time at the latest (``actions.assign`` refuses
  later), so the quiz never stays open for a whole class after it closes for everybody else (its
  review after closing would show them the answers); an extension's due date after the closing time
  keeps the quiz open for that student until then. ``start_attempt``, the quiz page and the API read these.
- **Status** per student (``Assignment.statuses(now)``), in a fixed number of queries whatever the
  class size:
  - quiz: *done* with a submitted attempt by the student's due date, *late* when the first one came after;
  - reading: *done* when the student has opened every section's card (``SectionVisit``) by the due
    date, *late* when the last of them was opened after;
  - study goal: the mean predicted recall of the deck's cards at the due date (py-fsrs's
    retrievability with the student's own parameters, assuming no more study; an unstudied card counts
    0). *Done* when it reaches the target; after the due date a card last reviewed after it counts 0
    (it was not studied in time), and the goal reached only with those reviews (measured now) is *late*.
  - otherwise *not yet due* before the due date, *missing* after it.

The models live here and are imported by ``quizzes.models``; the workflows are in ``quizzes.actions``
(under "assignments").
"""

import datetime
import functools
import operator
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AssignmentKind(models.TextChoices):
    QUIZ = "quiz", _("Quiz")
    READING = "reading", _("Reading")
    STUDY_GOAL = "study_goal", _("Study goal")


class AssignmentStatus(models.TextChoices):
    DONE = "done", _("Done")
    LATE = "late", _("Done late")
    MISSING = "missing", _("Missing")
    NOT_YET_DUE = "not_yet_due", _("Not yet due")


# The decks a study goal may name (a quiz's or one's leeches are not a class's material).
STUDY_GOAL_DECKS = ("all", "section", "topic", "country")


class AssignmentQuerySet(models.QuerySet):
    def of_cohorts(self, cohorts):
        return self.filter(cohort__in=cohorts)

    def for_student(self, user):
        """The assignments set to ``user``: of a class they are in, to the whole class or to them by name."""
        if not user.is_authenticated:
            return self.none()
        from .cohorts import CohortMembership

        member = CohortMembership.objects.filter(cohort=OuterRef("cohort"), student=user)
        targeted = AssignmentTarget.objects.filter(assignment=OuterRef("pk"))
        return self.filter(Exists(member)).filter(~Exists(targeted) | Exists(targeted.filter(student=user)))

    def open_at(self, now):
        return self.filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))

    def with_progress_of(self, user):
        """Annotate ``user``'s due date (``student_due``), first submission of the quiz (``first_submitted``),
        and the reading's sections (``section_total``), those they opened (``sections_opened``) and when
        they opened the last (``last_opened``): one query for every assignment (see ``status_of``)."""
        from .models import Attempt, AttemptState

        override = AssignmentOverride.objects.filter(assignment=OuterRef("pk"), student=user)
        submitted = Attempt.objects.filter(quiz=OuterRef("quiz"), user=user, state=AttemptState.SUBMITTED).order_by()
        through = Assignment.sections.through.objects.filter(assignment=OuterRef("pk")).order_by()
        visits = SectionVisit.objects.filter(
            student=user,
            section__in=Assignment.sections.through.objects.filter(assignment=OuterRef(OuterRef("pk"))).values(
                "section"
            ),
        ).order_by()
        return self.annotate(
            student_due=Coalesce(Subquery(override.values("due_at")[:1]), F("due_at")),
            first_submitted=Subquery(submitted.values("user").annotate(first=Min("submitted_at")).values("first")),
            section_total=Coalesce(Subquery(through.values("assignment").annotate(n=Count("pk")).values("n")), 0),
            sections_opened=Coalesce(Subquery(visits.values("student").annotate(n=Count("pk")).values("n")), 0),
            last_opened=Subquery(visits.values("student").annotate(last=Max("first_opened_at")).values("last")),
        )


class Assignment(models.Model):
    cohort = models.ForeignKey(
        "quizzes.Cohort", on_delete=models.CASCADE, related_name="assignments", verbose_name=_("class")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=AssignmentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True, help_text=_("Empty: open at once."))
    due_at = models.DateTimeField(_("due"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # A quiz
    quiz = models.ForeignKey(
        "quizzes.Quiz",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("quiz"),
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), null=True, blank=True, help_text=_("Empty: the quiz's own; 0 for unlimited.")
    )
    time_limit = models.DurationField(_("time limit"), null=True, blank=True, help_text=_("Empty: the quiz's own."))
    # A reading
    sections = models.ManyToManyField(
        "briefings.Section", blank=True, related_name="assignments", verbose_name=_("sections")
    )
    # A study goal
    deck = models.CharField(
        _("deck"), max_length=130, blank=True, help_text=_("all, topic:<topic>, section:<slug> or country:<slug>.")
    )
    target_recall = models.DecimalField(
        _("target predicted recall"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("From 0 to 1: 0.90 is 90% predicted recall at the due date."),
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(due_at__gt=F("opens_at")), name="assignment_due_after_open"
            ),
            models.CheckConstraint(
                condition=~Q(kind=AssignmentKind.QUIZ) | Q(quiz__isnull=False), name="assignment_quiz_has_quiz"
            ),
            models.CheckConstraint(
                condition=~Q(kind=AssignmentKind.STUDY_GOAL) | (Q(target_recall__gt=0) & Q(target_recall__lte=1)),
                name="assignment_goal_has_target",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("quizzes:assignment-detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        if self.opens_at and self.due_at and self.due_at <= self.opens_at:
            errors["due_at"] = _("The due date must come after the opening time.")
        if self.time_limit is not None and self.time_limit.total_seconds() <= 0:
            errors["time_limit"] = _("The time limit must be longer than zero.")
        if errors:
            raise ValidationError(errors)

    def is_open(self, now):
        return self.opens_at is None or self.opens_at <= now

    def deck_value(self):
        from .models import Deck

        return Deck.parse(self.deck)

    def students(self):
        """The students this is set to: the named ones, else the whole class, by name."""
        users = get_user_model().objects.filter(cohort_memberships__cohort_id=self.cohort_id)
        if AssignmentTarget.objects.filter(assignment=self).exists():
            users = users.filter(assignment_targets__assignment=self)
        return users.order_by("first_name", "username", "pk")

    def status_of(self, user, now):
        """``user``'s ``StudentStatus`` on this assignment, from ``with_progress_of(user)``'s annotations
        (a study goal reads their review states: three queries)."""
        due = self.student_due
        recall = (0.0, 0.0)
        if self.kind == AssignmentKind.STUDY_GOAL:
            user.student_due = due
            recall = predicted_recalls(self, [user], now)[user.pk]
        status, done_at = progress_status(
            self,
            due=due,
            now=now,
            first_submitted=self.first_submitted,
            sections_opened=self.sections_opened,
            section_total=self.section_total,
            last_opened=self.last_opened,
            recall=recall,
        )
        return StudentStatus(
            user,
            status,
            due,
            done_at,
            sections_opened=self.sections_opened if self.kind == AssignmentKind.READING else None,
            recall=recall[0] if self.kind == AssignmentKind.STUDY_GOAL else None,
        )

    def statuses(self, now):
        """Each assigned student's ``StudentStatus``, by name: a fixed number of queries, whatever the class size."""
        return student_statuses(self, now)


class AssignmentTarget(models.Model):
    """One student an assignment is set to, when it is not the whole class."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="targets")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignment_targets")

    class Meta:
        verbose_name = _("assignment's student")
        verbose_name_plural = _("assignment's students")
        constraints = [models.UniqueConstraint(fields=["assignment", "student"], name="assignmenttarget_unique")]

    def __str__(self):
        return f"{self.assignment} → {self.student}"


class AssignmentOverride(models.Model):
    """One student's extension: a later due date and closing time, extra attempts, a longer time limit."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="overrides")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignment_overrides",
        verbose_name=_("student"),
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True, help_text=_("Empty: the assignment's."))
    closes_at = models.DateTimeField(
        _("closes at"), null=True, blank=True, help_text=_("A quiz: the latest time to start it. Empty: the quiz's.")
    )
    extra_attempts = models.PositiveSmallIntegerField(_("extra attempts"), default=0)
    time_limit = models.DurationField(_("time limit"), null=True, blank=True, help_text=_("Empty: the assignment's."))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        constraints = [models.UniqueConstraint(fields=["assignment", "student"], name="assignmentoverride_unique")]

    def __str__(self):
        return f"{self.assignment}: {self.student}"


class SectionVisit(models.Model):
    """A student's first opening of a section's card page (``/briefing/<slug>/``): one row per student and section."""

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="section_visits")
    section = models.ForeignKey("briefings.Section", on_delete=models.CASCADE, related_name="visits")
    first_opened_at = models.DateTimeField(_("first opened at"), default=timezone.now)

    class Meta:
        verbose_name = _("section visit")
        verbose_name_plural = _("section visits")
        constraints = [models.UniqueConstraint(fields=["student", "section"], name="sectionvisit_unique")]

    def __str__(self):
        return f"{self.student} · {self.section}"


# -- a quiz's rules for one student ---------------------------------------------------------------------


@dataclass(frozen=True)
class QuizRules:
    """The rules one student takes a quiz under: the quiz's own, or its assignment's with their extension."""

    opens_at: datetime.datetime | None
    closes_at: datetime.datetime | None
    time_limit: datetime.timedelta | None
    attempts_allowed: int  # 0: unlimited
    due_at: datetime.datetime | None = None  # set when the quiz is assigned to the student
    assignment: Assignment | None = None

    @classmethod
    def of_quiz(cls, quiz):
        return cls(
            opens_at=quiz.opens_at,
            closes_at=quiz.closes_at,
            time_limit=quiz.time_limit,
            attempts_allowed=quiz.attempts_allowed,
        )

    @classmethod
    def of(cls, quiz, user):
        """``user``'s rules at ``quiz`` (one query; the quiz's own for anonymous or unassigned users)."""
        if not user.is_authenticated:
            return cls.of_quiz(quiz)
        override = AssignmentOverride.objects.filter(assignment=OuterRef("pk"), student=user)
        found = (
            Assignment.objects.for_student(user)
            .filter(quiz=quiz)
            .annotate(
                override_due=Subquery(override.values("due_at")[:1]),
                override_closes=Subquery(override.values("closes_at")[:1]),
                override_attempts=Subquery(override.values("extra_attempts")[:1]),
                override_time=Subquery(override.values("time_limit")[:1]),
            )
            .annotate(student_due=Coalesce(F("override_due"), F("due_at")))
            .order_by("-student_due", "-pk")
            .first()
        )
        if found is None:
            return cls.of_quiz(quiz)
        return cls.assigned(quiz, found)

    @classmethod
    def assigned(cls, quiz, assignment):
        """The rules of ``assignment`` (annotated with its student's ``override_*``, None without an extension)."""
        due = assignment.override_due or assignment.due_at
        closes = assignment.override_closes or quiz.closes_at
        if closes is not None and assignment.override_due is not None and closes < assignment.override_due:
            closes = assignment.override_due
        attempts = quiz.attempts_allowed if assignment.attempts_allowed is None else assignment.attempts_allowed
        if attempts:
            attempts += assignment.override_attempts or 0
        return cls(
            opens_at=assignment.opens_at or quiz.opens_at,
            closes_at=closes,
            time_limit=assignment.override_time or assignment.time_limit or quiz.time_limit,
            attempts_allowed=attempts,
            due_at=due,
            assignment=assignment,
        )

    def is_open(self, now):
        return (self.opens_at is None or self.opens_at <= now) and (self.closes_at is None or now < self.closes_at)

    def deadline_for(self, started_at):
        """When an attempt started at ``started_at`` must end: the time limit or the closing time, the sooner."""
        ends = [moment for moment in (self.closes_at,) if moment is not None]
        if self.time_limit is not None:
            ends.append(started_at + self.time_limit)
        return min(ends) if ends else None

    def attempts_left(self, used):
        """How many more attempts a student who has made ``used`` may start; None when unlimited."""
        if not self.attempts_allowed:
            return None
        return max(0, self.attempts_allowed - used)


# -- statuses -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudentStatus:
    """One student's standing on one assignment."""

    student: object
    status: str
    due_at: datetime.datetime
    done_at: datetime.datetime | None = None  # quiz: first submission; reading: the last section opened
    sections_opened: int | None = None  # reading
    recall: float | None = None  # study goal: mean predicted recall at the due date
    override: object = None

    @property
    def status_label(self):
        return AssignmentStatus(self.status).label


def _status(*, reached_at, due, now):
    if reached_at is not None:
        return AssignmentStatus.DONE if reached_at <= due else AssignmentStatus.LATE
    return AssignmentStatus.NOT_YET_DUE if now < due else AssignmentStatus.MISSING


def _goal_status(assignment, at_due, at_now, due, now):
    target = float(assignment.target_recall)
    if at_due >= target:
        return AssignmentStatus.DONE
    if now < due:
        return AssignmentStatus.NOT_YET_DUE
    return AssignmentStatus.LATE if at_now >= target else AssignmentStatus.MISSING


def progress_status(
    assignment,
    *,
    due,
    now,
    first_submitted=None,
    sections_opened=0,
    section_total=0,
    last_opened=None,
    recall=(0.0, 0.0),
):
    """(status, done at) of one student on ``assignment`` from their progress: the one rule of the module's
    docstring, read by ``status_of``, ``student_statuses`` and the gradebook (``quizzes.gradebook``).

    ``due`` is the student's due date (their extension's, else the assignment's); a quiz reads
    ``first_submitted``, a reading its ``sections_opened`` of ``section_total`` and ``last_opened``, a
    study goal ``recall``, the (at the due date, now) pair of ``goal_recalls``. Done at: the quiz's first
    submission, the reading's last section opened (once all are), None for a study goal.
    """
    if assignment.kind == AssignmentKind.QUIZ:
        return _status(reached_at=first_submitted, due=due, now=now), first_submitted
    if assignment.kind == AssignmentKind.READING:
        done_at = last_opened if sections_opened == section_total else None
        return _status(reached_at=done_at, due=due, now=now), done_at
    at_due, at_now = recall
    return _goal_status(assignment, at_due, at_now, due, now), None


def student_statuses(assignment, now):
    from .models import Attempt, AttemptState

    students = assignment.students().annotate(
        student_due=Coalesce(
            Subquery(
                AssignmentOverride.objects.filter(assignment=assignment, student=OuterRef("pk")).values("due_at")[:1]
            ),
            models.Value(assignment.due_at),
        )
    )
    overrides = {row.student_id: row for row in AssignmentOverride.objects.filter(assignment=assignment)}
    rows = []
    if assignment.kind == AssignmentKind.QUIZ:
        submitted = Attempt.objects.filter(
            quiz_id=assignment.quiz_id, user=OuterRef("pk"), state=AttemptState.SUBMITTED
        )
        first = submitted.order_by().values("user").annotate(first=Min("submitted_at")).values("first")
        for student in students.annotate(done_at=Subquery(first)):
            status, done_at = progress_status(
                assignment, due=student.student_due, now=now, first_submitted=student.done_at
            )
            rows.append(StudentStatus(student, status, student.student_due, done_at=done_at))
    elif assignment.kind == AssignmentKind.READING:
        section_ids = list(assignment.sections.values_list("pk", flat=True))
        visits = SectionVisit.objects.filter(student=OuterRef("pk"), section_id__in=section_ids).order_by()
        counted = visits.values("student").annotate(n=Count("pk"), last=Max("first_opened_at"))
        students = students.annotate(
            opened=Coalesce(Subquery(counted.values("n")), 0), last_opened=Subquery(counted.values("last"))
        )
        for student in students:
            status, done_at = progress_status(
                assignment,
                due=student.student_due,
                now=now,
                sections_opened=student.opened,
                section_total=len(section_ids),
                last_opened=student.last_opened,
            )
            rows.append(
                StudentStatus(student, status, student.student_due, done_at=done_at, sections_opened=student.opened)
            )
    else:
        students = list(students)
        recalls = predicted_recalls(assignment, students, now)
        for student in students:
            recall = recalls[student.pk]
            status, _done_at = progress_status(assignment, due=student.student_due, now=now, recall=recall)
            rows.append(StudentStatus(student, status, student.student_due, recall=recall[0]))
    return [replace(row, override=overrides.get(row.student.pk)) for row in rows]


def _schedulers(student_ids):
    """{student id: py-fsrs Scheduler with their parameters in use (fitted, else the defaults)}: one query."""
    from fsrs import Scheduler

    from .models import ParameterValue
    from .scheduling import DEFAULT_PARAMETERS

    fitted = {}
    rows = (
        ParameterValue.objects.filter(parameter_set__user_id__in=student_ids, parameter_set__in_use=True)
        .order_by("parameter_set__user_id", "parameter_set__version", "index")
        .values_list("parameter_set__user_id", "parameter_set__version", "index", "value")
    )
    for user_id, version, index, value in rows:
        latest = fitted.setdefault(user_id, {})
        latest.setdefault(version, {})[index] = value
    default = Scheduler(parameters=DEFAULT_PARAMETERS, enable_fuzzing=False)
    schedulers = {}
    for user_id in student_ids:
        versions = fitted.get(user_id)
        if versions:
            values = versions[max(versions)]
            schedulers[user_id] = Scheduler(parameters=tuple(values[i] for i in sorted(values)), enable_fuzzing=False)
        else:
            schedulers[user_id] = default
    return schedulers


def predicted_recalls(assignment, students, now):
    """{student id: (mean predicted recall at the student's due date, mean now)} over the deck's cards
    (``goal_recalls`` for one goal; each student annotated with their ``student_due``): three queries."""
    dues = {(assignment.pk, student.pk): student.student_due for student in students}
    recalls = goal_recalls([assignment], dues, now)
    return {student.pk: recalls[(assignment.pk, student.pk)] for student in students}


def goal_recalls(goals, dues, now):
    """{(goal id, student id): (mean predicted recall at the student's due date, mean now)} over each goal's cards,
    for every pair in ``dues`` ({(goal id, student id): the student's due date}).

    py-fsrs's ``get_card_retrievability`` on each ReviewState, with the student's parameters, assuming no
    more study; a card never studied counts 0, and in the measure at the due date so does one last
    reviewed after it. Three queries whatever the number of goals and students (the decks' cards, the
    students' states of them, their parameters); a country deck reads its country first (one more).
    """
    from .models import Question, ReviewState
    from .scheduling import as_utc

    goals = [goal for goal in goals if any(goal_pk == goal.pk for goal_pk, _student in dues)]
    if not goals:
        return {}
    flags = {f"in_{goal.pk}": Exists(goal.deck_value().questions(None).filter(pk=OuterRef("pk"))) for goal in goals}
    rows = (
        Question.objects.annotate(**flags)
        .filter(functools.reduce(operator.or_, (Q(**{name: True}) for name in flags)))
        .order_by()
        .values_list("pk", *flags)
    )
    decks = {goal.pk: set() for goal in goals}
    for question_id, *found in rows:
        for goal, member in zip(goals, found, strict=True):
            if member:
                decks[goal.pk].add(question_id)
    questions = set().union(*decks.values())
    student_ids = sorted({student for _goal, student in dues})
    goals_of = {}  # student: [(goal id, due)]
    for (goal_pk, student_pk), due in dues.items():
        goals_of.setdefault(student_pk, []).append((goal_pk, due))
    sums = {pair: [0.0, 0.0] for pair in dues}
    schedulers = _schedulers(student_ids)
    states = ReviewState.objects.filter(
        user_id__in=student_ids, question_id__in=questions, reps__gt=0, last_review__isnull=False
    )
    for state in states.order_by():
        scheduler = schedulers[state.user_id]
        card = state.to_card()
        at_now = scheduler.get_card_retrievability(card, as_utc(max(now, state.last_review)))
        for goal_pk, due in goals_of[state.user_id]:
            if state.question_id not in decks[goal_pk]:
                continue
            total = sums[(goal_pk, state.user_id)]
            if state.last_review <= due:
                total[0] += scheduler.get_card_retrievability(card, as_utc(due))
            total[1] += at_now
    recalls = {}
    for (goal_pk, student_pk), (at_due, at_now) in sums.items():
        cards = len(decks[goal_pk])
        recalls[(goal_pk, student_pk)] = (at_due / cards, at_now / cards) if cards else (0.0, 0.0)
    return recalls


def assigned_to(user, now):
    """The assignments set to ``user`` and open now, due first, each as (assignment, ``StudentStatus``).

    A fixed number of queries for quizzes and readings; a study goal reads its deck (three queries each).
    """
    from briefings.models import Section

    assigned = (
        Assignment.objects.for_student(user)
        .open_at(now)
        .with_progress_of(user)
        .select_related("quiz", "cohort")
        .prefetch_related(models.Prefetch("sections", queryset=Section.objects.order_by("number")))
        .order_by("student_due", "pk")
    )
    return [(assignment, assignment.status_of(user, now)) for assignment in assigned]


def status_counts(statuses):
    """{status: how many students} for every status (zeros included), in ``AssignmentStatus`` order."""
    counts = dict.fromkeys(AssignmentStatus.values, 0)
    for row in statuses:
        counts[row.status] += 1
    return counts
