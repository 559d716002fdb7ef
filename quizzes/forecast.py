"""A class's predicted recall on an exam date, and the cards many of its students keep failing.

``ClassForecast.of(cohort, exam_date, now)`` reads every student's cards in one query (streamed, rows
read without the ORM's converters) and their schedulers' parameters in a fixed number more, then makes
one pass in Python: the query count does not depend on the class's size.

What the figures mean
=====================
- **The exam moment** is 09:00 on the exam date in the site's time zone (``EXAM_HOUR``).
- **Predicted recall** of a card is py-fsrs's retrievability (``Scheduler.get_card_retrievability``) at
  the exam moment, with the student's own parameters: their fitted ``ParameterSet`` when in use, else
  FSRS's defaults. A card the student has never studied counts 0: nobody is expected to recall what
  they have not seen.
- **(a) No more study**: each studied card as it is now.
- **(b) Due reviews kept up**: each card that falls due before the exam (not suspended) is reviewed on
  its due date (an overdue card now) and rated Good, by py-fsrs's ``review_card`` with the student's
  parameters, desired retention and steps, fuzz off; again each time it falls due before the exam;
  then its retrievability at the exam. Nobody rates everything Good, and no new card is learned: it
  is a simple, honest "if they keep going", not a simulation of their answers.
- **A section's or topic's recall** is the mean over every student and every one of its cards
  (``quizzes.stats.CardGroups``: the same rule as a student's mastery), unstudied cards counting 0;
  a **student's** is the mean over every usable card.
- **Students most at risk**: the lowest predicted recall under (a).

Class leeches
=============
``class_leeches(students)``: the questions at least ``CLASS_LEECH_STUDENTS`` of ``students`` keep
failing (``ReviewState.objects.struggling()``: a leech, or 3 lapses or more), with how many, and the
share of Again among those students' reviews of it: three queries (and the questions' citations when
asked), whatever the number of students.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from briefings.models import Paragraph

from .models import (
    ParameterSet,
    Question,
    ReviewLog,
    ReviewState,
    StudyRating,
    StudySettings,
)
from .scheduling import Card, Rating, State, as_utc
from .stats import CardGroups, as_text, parse_moment, raw_rows

EXAM_HOUR = 9
DEFAULT_DAYS_AHEAD = 14
AT_RISK = 10  # how many students the "most at risk" list shows
CLASS_LEECH_STUDENTS = 2  # a card is a class leech when at least this many students keep failing it
MAX_SIMULATED_REVIEWS = 50  # per card: a guard, never reached with minute-long steps and a Good rating


class ExamDateError(ValueError):
    """An exam date that cannot be read or lies in the past; the message says why."""


def default_exam_date(today):
    return today + datetime.timedelta(days=DEFAULT_DAYS_AHEAD)


def read_exam_date(raw, *, today):
    """The exam date asked for (``YYYY-MM-DD``), today's default when not given; ``ExamDateError`` if bad or past."""
    if raw in (None, ""):
        return default_exam_date(today)
    try:
        found = datetime.date.fromisoformat(str(raw))
    except ValueError:
        raise ExamDateError(_("“%(date)s” is not a date: write it as YYYY-MM-DD.") % {"date": raw}) from None
    if found < today:
        raise ExamDateError(_("The exam date is in the past: choose today or a later day."))
    return found


def exam_moment(exam_date):
    """09:00 on the exam date in the site's time zone, in UTC (py-fsrs's only zone)."""
    local = datetime.datetime.combine(exam_date, datetime.time(EXAM_HOUR), tzinfo=timezone.get_current_timezone())
    return as_utc(local)


@dataclass
class GroupForecast:
    """A section or topic: its cards, and the class's mean predicted recall of them under each assumption."""

    name: str
    url: str
    cards: int
    students: int
    studied: int = 0  # student-card pairs studied
    stop_sum: float = 0.0
    keep_sum: float = 0.0

    @property
    def pairs(self):
        return self.cards * self.students

    @property
    def studied_share(self):
        return self.studied / self.pairs if self.pairs else None

    @property
    def recall_if_stopped(self):
        return self.stop_sum / self.pairs if self.pairs else None

    @property
    def recall_if_kept_up(self):
        return self.keep_sum / self.pairs if self.pairs else None


@dataclass
class StudentForecast:
    student: object
    cards: int  # usable cards
    studied: int = 0
    stop_sum: float = 0.0
    keep_sum: float = 0.0

    @property
    def name(self):
        return self.student.get_full_name() or self.student.get_username()

    @property
    def recall_if_stopped(self):
        return self.stop_sum / self.cards if self.cards else None

    @property
    def recall_if_kept_up(self):
        return self.keep_sum / self.cards if self.cards else None


@dataclass
class ClassForecast:
    cohort: object
    exam_date: datetime.date
    exam_at: datetime.datetime
    now: datetime.datetime
    cards: int  # usable cards
    sections: list  # GroupForecast
    topics: list
    students: list  # StudentForecast, lowest recall if they stop first
    at_risk: list = field(default_factory=list)
    leeches: list = field(default_factory=list)  # ClassLeech, when the caller asks (``class_leeches``)

    @property
    def student_count(self):
        return len(self.students)

    @property
    def has_studied(self):
        return any(student.studied for student in self.students)

    @classmethod
    def of(cls, cohort, exam_date, now):
        """The forecast of ``cohort``'s students for ``exam_date``: nine queries, whatever the class's size."""
        exam_at = exam_moment(exam_date)
        now = as_utc(now)
        students = list(cohort.students.order_by("first_name", "username", "pk"))
        usable = Question.objects.usable()
        groups = CardGroups.of(usable, sources=False)
        card_count = len({pk for group in groups.topics for pk in group.question_ids})
        schedulers = _schedulers(students)

        sections = [_group(group, len(students)) for group in groups.sections]
        topics = [_group(group, len(students)) for group in groups.topics]
        of_card = {}  # question id: the GroupForecasts it counts in
        for group, made in zip(groups.sections + groups.topics, sections + topics, strict=True):
            for question_id in group.question_ids:
                of_card.setdefault(question_id, []).append(made)
        by_student = {student.pk: StudentForecast(student=student, cards=card_count) for student in students}

        rows = (
            ReviewState.objects.filter(user__in=cohort.memberships.values("student"), reps__gt=0, question__in=usable)
            .order_by()
            .values_list(
                "user_id",
                "question_id",
                "pk",
                "state",
                "step",
                "stability",
                "difficulty",
                as_text("due"),
                as_text("last_review"),
                "suspended",
            )
        )
        for user_id, question_id, pk, state, step, stability, difficulty, due, last_review, suspended in raw_rows(rows):
            scheduler = schedulers[user_id]
            card = Card(
                card_id=pk,
                state=State(state),
                step=step,
                stability=stability,
                difficulty=difficulty,
                due=parse_moment(due),
                last_review=parse_moment(last_review),
            )
            if_stopped = scheduler.get_card_retrievability(card, exam_at)
            if_kept_up = if_stopped if suspended else _kept_up(scheduler, card, now, exam_at)
            student = by_student[user_id]
            student.studied += 1
            student.stop_sum += if_stopped
            student.keep_sum += if_kept_up
            for group in of_card.get(question_id, ()):
                group.studied += 1
                group.stop_sum += if_stopped
                group.keep_sum += if_kept_up

        ranked = sorted(by_student.values(), key=lambda row: (row.recall_if_stopped or 0, row.name, row.student.pk))
        return cls(
            cohort=cohort,
            exam_date=exam_date,
            exam_at=exam_at,
            now=now,
            cards=card_count,
            sections=sections,
            topics=topics,
            students=ranked,
            at_risk=ranked[:AT_RISK],
        )


def _group(group, students):
    return GroupForecast(name=group.name, url=group.url, cards=len(group.question_ids), students=students)


def _schedulers(students):
    """Each student's scheduler, fuzz off: their settings and fitted parameters read for the class at once."""
    settings = {
        found.user_id: found
        for found in StudySettings.objects.filter(user__in=students).prefetch_related("steps").order_by()
    }
    fitted = ParameterSet.objects.in_use_by_user(students)
    return {
        student.pk: settings.get(student.pk, StudySettings(user=student)).scheduler(
            seed="forecast", fitted=fitted.get(student.pk), enable_fuzzing=False
        )
        for student in students
    }


def _kept_up(scheduler, card, now, exam_at):
    """Retrievability at the exam if every review falling due before it is done on its due date, rated Good."""
    for _review in range(MAX_SIMULATED_REVIEWS):
        if card.due >= exam_at:
            break
        card, _log = scheduler.review_card(card, Rating.Good, review_datetime=max(card.due, now))
    return scheduler.get_card_retrievability(card, exam_at)


# -- class leeches ----------------------------------------------------------------------------------------


@dataclass
class ClassLeech:
    question: object  # a Question, or its id (``class_leeches(..., questions=False)``)
    students: int  # how many of the students keep failing it
    reviews: int  # those students' reviews of it
    again: int  # of which rated Again

    @property
    def again_share(self):
        return self.again / self.reviews if self.reviews else None


def class_leeches(students, *, questions=True, usable_only=True):
    """The cards at least ``CLASS_LEECH_STUDENTS`` of ``students`` (a queryset or ids) keep failing, the most
    students first, then the highest share of Again.

    Two queries; with ``questions`` two more (the questions and their cited paragraphs), else
    ``question`` is the question's id. ``usable_only``: of questions students may study (a trainer's
    view); the admin counts every question.
    """
    states = ReviewState.objects.filter(user__in=students).struggling()
    if usable_only:
        states = states.filter(question__in=Question.objects.usable())
    counted = dict(
        states.values("question")
        .annotate(students=Count("user", distinct=True))
        .filter(students__gte=CLASS_LEECH_STUDENTS)
        .order_by()
        .values_list("question", "students")
    )
    if not counted:
        return []
    reviews = {
        row["question"]: (row["reviews"], row["again"])
        for row in ReviewLog.objects.filter(user__in=students, question__in=list(counted))
        .values("question")
        .annotate(reviews=Count("pk"), again=Count("pk", filter=Q(rating=StudyRating.AGAIN)))
        .order_by()
    }
    found = {question_id: question_id for question_id in counted}
    if questions:
        found = Question.objects.filter(pk__in=list(counted)).prefetch_related(
            Prefetch("citations", queryset=Paragraph.objects.select_related("section"))
        )
        found = {question.pk: question for question in found}
    leeches = [
        ClassLeech(found[question_id], students_count, *reviews.get(question_id, (0, 0)))
        for question_id, students_count in counted.items()
    ]
    leeches.sort(key=lambda leech: (-leech.students, -(leech.again_share or 0), _pk(leech.question)))
    return leeches


def _pk(question):
    return question if isinstance(question, int) else question.pk


def classes_students():
    """Every student in any class: whom the admin's class-leech flags are over."""
    from .models import CohortMembership

    return CohortMembership.objects.values("student")
