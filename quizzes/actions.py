"""Workflows on the question bank that change several rows or models at once.

Where ``flag_questions_for_review`` must be called (an edit to content questions are made from):

- the briefings admin, when an editor saves a changed content item (``DerivedAdmin.save_model``:
  ``item=obj``) or a changed paragraph text (``ParagraphAdmin.save_model`` and the paragraph
  inline of ``SectionAdmin.save_formset``: ``paragraph=obj``); hooked in ``briefings/admin.py``;
- the importer (``briefings.actions.Importer``), after ``upsert`` updates an item it imported
  (``item=target``) and after ``_update_paragraph`` takes a new text (``paragraph=paragraph``),
  so a re-import of a revised article flags what it touched;
- any future editing path (the API, a management command) that changes an item or a paragraph.

``publish_questions`` is the only way back to ``published``: it re-checks the question, closes its
review flags and records the sources' current fingerprints.
"""

import functools
import random
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from briefings.models import Briefing, Paragraph
from briefings.parsing import BriefingFormatError
from sahel_learn.accounts.models import OneTimePassword
from sahel_learn.accounts.roles import STUDENTS, TRAINERS, role_of

from .cohorts import new_join_code, new_one_time_password, normalize_join_code, username_base
from .generation import Content, build_questions
from .grading import CBM_RIGHT, InvalidResponse, cbm_mark, score
from .models import (
    CARD_TO_RATE,
    DUE_DATES,
    LEECH_LAPSES,
    AnswerOption,
    AnswerShapeError,
    Assignment,
    AssignmentKind,
    AssignmentOverride,
    AssignmentTarget,
    Attempt,
    AttemptOption,
    AttemptQuestion,
    AttemptState,
    CardState,
    Cohort,
    CohortMembership,
    CohortTrainer,
    Deck,
    DeckError,
    ParameterSet,
    ParameterValue,
    Question,
    QuestionSource,
    QuestionStatus,
    Quiz,
    QuizQuestion,
    QuizRule,
    QuizRules,
    Response,
    ResponseChoice,
    ReviewFlag,
    ReviewLog,
    ReviewState,
    SectionVisit,
    StepKind,
    StudyCard,
    StudyRating,
    StudySettings,
    StudyStep,
    TimeoutAction,
    as_decimal,
    quiz_fingerprint,
    read_answer,
)
from .pack import read_quiz_file
from .scheduling import Rating, outcomes


def change_reason(obj, changed_fields=()):
    """A reason for a review flag: "Leader “Assimi Goïta” changed: summary, year they came to power"."""
    names = [str(obj._meta.get_field(name).verbose_name) for name in changed_fields if _is_field(obj, name)]
    what = _("%(model)s “%(item)s” changed") % {"model": obj._meta.verbose_name.capitalize(), "item": obj}
    return f"{what}: {get_text_list(names, _('and'))}" if names else what


def _is_field(obj, name):
    try:
        obj._meta.get_field(name)
    except FieldDoesNotExist:  # a form field that is not a model field
        return False
    return True


@transaction.atomic
def flag_questions_for_review(*, item=None, paragraph=None, reason):
    """Mark every question made from ``item`` or citing ``paragraph`` as needing review.

    Each question gets status ``needs_review`` (recorded in its history with ``reason``) and one
    open ``ReviewFlag`` saying what changed; a question already flagged gets one more flag. Returns
    the number of questions flagged. A fixed number of queries, however many questions.
    """
    if item is None and paragraph is None:
        raise ValueError("flag_questions_for_review needs an item or a paragraph")
    condition = Q()
    sources = {}
    if item is not None:
        name = QuestionSource.field_for(item)
        sources = {source.question_id: source for source in QuestionSource.objects.filter(**{name: item})}
        condition |= Q(pk__in=list(sources))
    if paragraph is not None:
        condition |= Q(citations=paragraph)
    questions = list(Question.objects.filter(condition).distinct().order_by("pk"))
    if not questions:
        return 0
    cited = set()
    if paragraph is not None:
        cited = set(
            Question.citations.through.objects.filter(paragraph=paragraph).values_list("question_id", flat=True)
        )
    ReviewFlag.objects.bulk_create(
        ReviewFlag(
            question=question,
            reason=reason,
            source=sources.get(question.pk),
            paragraph=paragraph if question.pk in cited else None,
        )
        for question in questions
    )
    to_flag = [question for question in questions if question.status != QuestionStatus.NEEDS_REVIEW]
    now = timezone.now()
    for question in to_flag:
        question.status, question.updated_at = QuestionStatus.NEEDS_REVIEW, now
    if to_flag:
        bulk_update_with_history(
            to_flag, Question, ["status", "updated_at"], batch_size=500, default_change_reason=reason[:100]
        )
    return len(questions)


# Changing these does not change what an item or paragraph says.
_NOT_CONTENT = frozenset({"status", "position"})


def flag_questions_for_edit(*, obj, changed_fields):
    """After an editor saved ``obj`` (a content item or a paragraph): flag its questions if its content changed.

    Returns the number of questions flagged (0 when only status or position changed).
    """
    changed = [name for name in changed_fields if name not in _NOT_CONTENT]
    if not changed:
        return 0
    reason = change_reason(obj, changed)
    if isinstance(obj, Paragraph):
        return flag_questions_for_review(paragraph=obj, reason=reason)
    return flag_questions_for_review(item=obj, reason=reason)


@dataclass
class PublishResult:
    published: list = field(default_factory=list)
    already_published: list = field(default_factory=list)
    refused: dict = field(default_factory=dict)  # question -> list of messages


@transaction.atomic
def publish_questions(*, questions, user=None):
    """Publish each question that passes every rule; close its review flags; refresh its sources' fingerprints.

    ``questions`` is a Question queryset. A question that fails a rule (no explanation, no
    citation, options that do not fit its type...) stays as it is and is reported in ``refused``
    with the messages; the others are published together. A fixed number of queries.
    """
    rows = list(questions.with_answer_key().with_sources().order_by("pk"))
    result = PublishResult()
    for question in rows:
        if question.is_published():
            result.already_published.append(question)
            continue
        try:
            question.check_complete(status=QuestionStatus.PUBLISHED)
        except ValidationError as error:
            result.refused[question] = error.messages
        else:
            result.published.append(question)
    if not result.published:
        return result
    now = timezone.now()
    for question in result.published:
        question.status, question.updated_at = QuestionStatus.PUBLISHED, now
    bulk_update_with_history(
        result.published, Question, ["status", "updated_at"], batch_size=500, default_change_reason="Published"
    )
    ids = [question.pk for question in result.published]
    ReviewFlag.objects.filter(question_id__in=ids, resolved_at__isnull=True).update(resolved_at=now, resolved_by=user)
    sources = []
    for question in result.published:
        for source in question.sources.all():
            fingerprint = source.item.content_fingerprint()
            if fingerprint != source.item_fingerprint:
                source.item_fingerprint = fingerprint
                sources.append(source)
    if sources:
        bulk_update_with_history(sources, QuestionSource, ["item_fingerprint"], batch_size=500)
    return result


# =================================================================================================
# Quizzes: starting, answering, flagging and submitting attempts
# =================================================================================================
#
# Every workflow locks the rows it decides on (the student's user row to start, the attempt to
# answer or submit: ``select_for_update``; SQLite's IMMEDIATE transactions serialise writers), checks
# every limit, then writes. A refused request raises an ``AttemptError`` before writing anything;
# each kind carries the HTTP status the pages and the API answer with. An attempt whose time is
# over stays "in progress" in the database until ``finish_overdue_attempts`` closes it by the
# quiz's rule (the pages, the API and ``start_attempt`` call it before reading; a cron job may too):
# until then it is treated as over everywhere (``Attempt.is_overdue``).


class AttemptError(Exception):
    """A request the quiz's rules refuse: nothing was changed."""

    http_status = 409
    code = "attempt_error"
    default_message = _lazy("This cannot be done with this attempt.")

    def __init__(self, message=None, *, attempt=None):
        self.message = str(message or self.default_message)
        self.attempt = attempt
        super().__init__(self.message)


class QuizUnavailable(AttemptError):
    http_status = 403
    code = "quiz_unavailable"
    default_message = _lazy("This quiz is not published.")


class QuizNotOpen(AttemptError):
    http_status = 403
    code = "quiz_not_open"
    default_message = _lazy("This quiz is not open.")


class NoAttemptsLeft(AttemptError):
    http_status = 403
    code = "no_attempts_left"
    default_message = _lazy("You have used every attempt this quiz allows.")


class AttemptInProgress(AttemptError):
    http_status = 409
    code = "attempt_in_progress"
    default_message = _lazy("You already have an attempt in progress: continue it.")


class QuizHasNoQuestions(AttemptError):
    http_status = 409
    code = "quiz_has_no_questions"
    default_message = _lazy("This quiz has no questions to draw yet.")


class AttemptClosed(AttemptError):
    http_status = 409
    code = "attempt_closed"
    default_message = _lazy("This attempt is over: it can no longer be changed.")


class TimeIsUp(AttemptError):
    http_status = 409
    code = "time_is_up"
    default_message = _lazy("Time is up for this attempt.")


class QuestionNotInAttempt(AttemptError):
    http_status = 404
    code = "question_not_in_attempt"
    default_message = _lazy("This question is not part of this attempt.")


class QuestionClosed(AttemptError):
    http_status = 409
    code = "question_closed"
    default_message = _lazy("This question can no longer be answered.")


class InvalidAnswer(AttemptError):
    http_status = 400
    code = "invalid_answer"
    default_message = _lazy("That is not an answer to this question.")


_random = random.SystemRandom()


def _lock_attempt(attempt):
    return Attempt.objects.select_for_update(of=("self",)).select_related("quiz").get(pk=attempt.pk)


def _draw_questions(quiz):
    """The (question, marks) pairs of a new attempt: the fixed list, then each rule's draw; usable questions only."""
    pool = quiz.draw_pool()
    chosen = [(row.question, row.marks) for row in pool.fixed]
    taken = {question.pk for question, _marks in chosen}
    for rule, candidates in pool.rules:
        left = [question for question in candidates if question.pk not in taken]
        for question in _random.sample(left, min(rule.count, len(left))):
            taken.add(question.pk)
            chosen.append((question, rule.marks))
    if quiz.shuffle_questions:
        _random.shuffle(chosen)
    return chosen


def _shown_options(quiz, question, options):
    """The (option, column) pairs of ``question`` in the order one attempt shows them (see AttemptOption)."""
    return question.shown_order(options, shuffle=quiz.shuffle_options, rng=_random)


@transaction.atomic
def start_attempt(*, quiz, user, now):
    """Start ``user``'s next attempt at ``quiz``: draw its questions and fix their options' order.

    Raises QuizUnavailable (not published), QuizNotOpen, AttemptInProgress (with the attempt to
    continue), NoAttemptsLeft or QuizHasNoQuestions; an attempt whose time is over is first closed
    by the quiz's rule. A fixed number of queries, however many questions.
    """
    # One student's starts one after the other: two tabs or a replayed request wait here, then see the first attempt.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    quiz = Quiz.objects.get(pk=quiz.pk)
    if not quiz.is_published():
        raise QuizUnavailable()
    rules = quiz.rules_for(user)
    if not rules.is_open(now):
        if rules.opens_at is not None and now < rules.opens_at:
            raise QuizNotOpen(
                _("This quiz opens on %(when)s.") % {"when": date_format(localtime(rules.opens_at), "DATETIME_FORMAT")}
            )
        raise QuizNotOpen(
            _("This quiz closed on %(when)s.") % {"when": date_format(localtime(rules.closes_at), "DATETIME_FORMAT")}
        )
    mine = Attempt.objects.filter(quiz=quiz, user=user)
    finish_overdue_attempts(attempts=mine, now=now)
    current = mine.in_progress().first()
    if current is not None:
        raise AttemptInProgress(attempt=current)
    used = mine.aggregate(count=Count("pk"), last=Max("number"))
    if rules.attempts_left(used["count"]) == 0:
        raise NoAttemptsLeft()
    drawn = _draw_questions(quiz)
    if not drawn:
        raise QuizHasNoQuestions()
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                quiz=quiz,
                user=user,
                number=(used["last"] or 0) + 1,
                started_at=now,
                deadline=rules.deadline_for(now),
                max_score=sum(marks for _question, marks in drawn),
            )
    except IntegrityError:  # the constraints behind the lock: another start won the race
        raise AttemptInProgress(attempt=mine.in_progress().first()) from None
    slots = AttemptQuestion.objects.bulk_create(
        AttemptQuestion(attempt=attempt, question=question, position=position, marks=marks)
        for position, (question, marks) in enumerate(drawn, start=1)
    )
    options = {}
    for option in AnswerOption.objects.filter(question_id__in=[slot.question_id for slot in slots]):
        options.setdefault(option.question_id, []).append(option)
    shown = []
    for slot in slots:
        positions = {}
        for option, column in _shown_options(quiz, slot.question, options.get(slot.question_id, [])):
            positions[column] = positions.get(column, 0) + 1
            shown.append(AttemptOption(slot=slot, option=option, column=column, position=positions[column]))
    AttemptOption.objects.bulk_create(shown)
    return attempt


def _slot_for_answer(attempt, *, slot=None, question=None):
    """The attempt's slot for ``slot`` or ``question``, with what grading and the answer's ids need."""
    slots = AttemptQuestion.objects.filter(attempt=attempt).prefetch_related(
        "shown_options", "question__options", Prefetch("responses", queryset=Response.objects.all())
    )
    if slot is not None:
        slots = slots.filter(pk=slot.pk)
    elif question is not None:
        slots = slots.filter(question=question)
    else:
        raise TypeError("save_response needs a slot or a question")
    found = slots.select_related("question").first()
    if found is None:
        raise QuestionNotInAttempt()
    return found


def _read_answer(slot, answer):
    """(grading response, ResponseChoice rows unsaved, typed fields) from the student's ``answer``.

    The shapes by type are ``read_answer``'s (quizzes.models), with the ids this attempt shows.
    """
    try:
        read = read_answer(slot, answer)
    except AnswerShapeError as error:
        raise InvalidAnswer(error.message) from None
    choices = [
        ResponseChoice(item=item, match=match, position=place)
        for place, (item, match) in enumerate(read.pairs, start=1)
    ]
    return read.graded, choices, read.typed


@transaction.atomic
def save_response(*, attempt, answer, now, slot=None, question=None, certainty=None):
    """Record and score the student's answer to one question of ``attempt`` (by ``slot`` or ``question``).

    Raises AttemptClosed, TimeIsUp, QuestionNotInAttempt, QuestionClosed (sequential navigation:
    a question before the current one; immediate feedback without retry: answered already) or
    InvalidAnswer; then nothing is stored. A new answer replaces the previous one (``tries`` + 1).
    """
    attempt = _lock_attempt(attempt)
    quiz = attempt.quiz
    if not attempt.is_in_progress():
        raise AttemptClosed(attempt=attempt)
    if attempt.time_is_up(now):
        raise TimeIsUp(_("Time is up: no more answers can be given in this attempt."), attempt=attempt)
    slot = _slot_for_answer(attempt, slot=slot, question=question)
    previous = slot.current_response()
    if quiz.is_sequential() and slot.position < attempt.current_position:
        raise QuestionClosed(_("This quiz goes in order: earlier questions cannot be answered again."))
    if quiz.is_immediate() and not quiz.allow_retry and previous is not None:
        raise QuestionClosed(_("This question has been answered and its feedback shown; this quiz allows no retry."))
    if certainty is not None and not quiz.certainty_based:
        raise InvalidAnswer(_("This quiz does not ask how sure you are."))
    if certainty is not None and certainty not in CBM_RIGHT:
        raise InvalidAnswer(_("Certainty is 1, 2 or 3."))
    graded, choices, typed = _read_answer(slot, answer)
    try:
        fraction = score(slot.question.grading_data(), graded)
    except InvalidResponse as error:
        raise InvalidAnswer(_(str(error))) from None  # noqa: INT001 - grading's messages
    values = {**typed, "certainty": certainty, "fraction": as_decimal(fraction), "answered_at": now}
    if previous is None:
        response = Response.objects.create(slot=slot, **values)
    else:
        response = previous
        for name, value in values.items():
            setattr(response, name, value)
        response.tries += 1
        response.save()
        response.choices.all().delete()
    for choice in choices:
        choice.response = response
    ResponseChoice.objects.bulk_create(choices)
    if quiz.is_sequential() and slot.position > attempt.current_position:
        attempt.current_position = slot.position
        attempt.save(update_fields=["current_position"])
    return response


@transaction.atomic
def move_past(*, attempt, slot, now):
    """In a sequential quiz, go on from ``slot``: it closes, answered or skipped (Moodle's "no going back").

    Answering a question closes the ones before it (``save_response``); moving past one closes it
    too, so a student who answered or skipped it cannot come back to it by its address. The last
    question stays open until the attempt is submitted. In a quiz with free navigation nothing changes.
    """
    attempt = _lock_attempt(attempt)
    if not attempt.is_in_progress():
        raise AttemptClosed(attempt=attempt)
    if not attempt.quiz.is_sequential():
        return attempt
    last = AttemptQuestion.objects.filter(attempt=attempt).aggregate(last=Max("position"))["last"]
    position = min(slot.position + 1, last)
    if position > attempt.current_position:
        attempt.current_position = position
        attempt.save(update_fields=["current_position"])
    return attempt


@transaction.atomic
def flag_question(*, attempt, now, slot=None, question=None, flagged=True):
    """Mark (or unmark) one question of an in-progress attempt to come back to."""
    attempt = _lock_attempt(attempt)
    if not attempt.is_in_progress() or attempt.is_overdue(now):
        raise AttemptClosed(attempt=attempt)
    slots = AttemptQuestion.objects.filter(attempt=attempt)
    slots = slots.filter(pk=slot.pk) if slot is not None else slots.filter(question=question)
    found = slots.first()
    if found is None:
        raise QuestionNotInAttempt()
    if found.flagged != flagged:
        found.flagged = flagged
        found.save(update_fields=["flagged"])
    return found


def _score(attempt, slots):
    """Set ``attempt``'s score (and CBM average) from its slots' prefetched responses."""
    total, cbm = Decimal(0), []
    for slot in slots:
        response = slot.current_response()
        fraction = Fraction(response.fraction) if response is not None else Fraction(0)
        total += Decimal(response.fraction if response is not None else 0) * slot.marks
        cbm.append(cbm_mark(fraction, response.certainty if response is not None else None))
    attempt.score = total.quantize(Decimal("0.0001"))
    if attempt.quiz.certainty_based and cbm:
        attempt.cbm_average = as_decimal(sum(cbm) / len(cbm), places=4)


@transaction.atomic
def submit_attempt(*, attempt, now):
    """Submit ``attempt`` and score it from its saved responses.

    Raises AttemptClosed (submitted already, or closed) or TimeIsUp (past the deadline when the
    quiz only counts attempts submitted in time, or past the grace period). When the quiz submits
    what is there at the deadline, a late submit is the deadline's submit.
    """
    attempt = _lock_attempt(attempt)
    if not attempt.is_in_progress():
        raise AttemptClosed(_("This attempt has been submitted already."), attempt=attempt)
    submitted_at = now
    if attempt.time_is_up(now):
        action = attempt.quiz.timeout_action
        if action == TimeoutAction.SUBMIT:
            submitted_at = attempt.deadline
        elif action == TimeoutAction.DISCARD or attempt.is_overdue(now):
            raise TimeIsUp(_("Time ran out before this attempt was submitted: it is not counted."), attempt=attempt)
    slots = list(attempt.slots.prefetch_related("responses"))
    _score(attempt, slots)
    attempt.state, attempt.submitted_at = AttemptState.SUBMITTED, submitted_at
    attempt.save(update_fields=["score", "cbm_average", "state", "submitted_at"])
    return attempt


def finish_overdue_attempts(*, now, attempts=None):
    """Close every in-progress attempt (of ``attempts``, else all) whose time is over, by its quiz's rule.

    "Submit what is there": submitted at the deadline, scored. A grace period: not submitted within
    it, not counted (abandoned). "Not counted": abandoned at the deadline. Returns how many were
    closed. A fixed number of queries; one read, and no write transaction, when none is overdue
    (the pages and the API call this on every request that reads attempts).
    """
    queryset = Attempt.objects.all() if attempts is None else attempts
    if not queryset.overdue(now).exists():
        return 0
    return _finish_overdue(queryset, now)


@transaction.atomic
def _finish_overdue(queryset, now):
    overdue = list(
        queryset.overdue(now)
        .select_for_update(of=("self",))
        .select_related("quiz")
        .prefetch_related("slots__responses")
        .order_by("pk")
    )
    for attempt in overdue:
        if attempt.quiz.timeout_action == TimeoutAction.SUBMIT:
            _score(attempt, attempt.slots.all())
            attempt.state, attempt.submitted_at = AttemptState.SUBMITTED, attempt.deadline
        else:
            attempt.state, attempt.submitted_at = AttemptState.ABANDONED, attempt.grace_ends_at()
    if overdue:
        Attempt.objects.bulk_update(overdue, ["score", "cbm_average", "state", "submitted_at"])
    return len(overdue)


# -- the generator ---------------------------------------------------------------------------------


@dataclass
class GenerationReport:
    """What ``generate_questions`` did, by outcome; each list holds questions."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    skipped_edited: list = field(default_factory=list)
    retired: list = field(default_factory=list)  # generated before, no longer made from the content
    specs: dict = field(default_factory=dict)  # generator_key -> QuestionSpec, of this run

    def summary(self):
        return _(
            "%(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
            "%(skipped)d skipped (changed by an editor), %(retired)d no longer made from the content."
        ) % {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "skipped": len(self.skipped_edited),
            "retired": len(self.retired),
        }

    def lines(self):
        """One line per question that needs an editor's attention."""
        for question in self.skipped_edited:
            yield _("Skipped %(key)s: an editor changed it since it was generated.") % {"key": question.generator_key}
        for question in self.updated:
            if question.status == QuestionStatus.NEEDS_REVIEW:
                yield _("Regenerated %(key)s from changed content: it needs review.") % {"key": question.generator_key}
        for question in self.retired:
            yield _(
                "%(key)s is no longer made from the content (an item was unpublished or is not from the article)."
            ) % {"key": question.generator_key}


REGENERATED_REASON = "Regenerated from changed content"
RETIRED_REASON = (
    "The generator no longer makes this question: an item it came from was unpublished or is not from the article"
)


def _source_keys(question):
    """The (model, pk) of each item a saved question is made from, without loading the items."""
    keys = set()
    for source in question.sources.all():
        for model, name in QuestionSource.ITEM_FIELDS.items():
            pk = getattr(source, f"{name}_id")
            if pk is not None:
                keys.add((model, pk))
    return keys


def _apply(question, spec):
    for name, value in spec.field_values().items():
        setattr(question, name, value)
    question.generator_key = spec.generator_key
    question.generated_fingerprint = spec.fingerprint()


@transaction.atomic
def generate_questions(*, items=None, user=None):
    """Build questions from the published content and save them as drafts; idempotent by ``generator_key``.

    ``items``: content items (any mix of models) to generate from; questions made from none of
    them are left alone. ``None`` means all the content, and then questions the generator made
    before but no longer makes are reported as retired (and, if published, flagged for review).

    Per question made: a new one is created as a draft; one an editor changed since it was
    generated (``is_edited_since_generation``) is skipped; an untouched one whose spec changed (its
    content items changed) is rewritten, and needs review if it was published; else nothing
    happens. A second run changes nothing. A fixed number of queries, however many items.
    """
    specs = build_questions(Content.load())
    if items is not None:
        wanted = {(type(item), item.pk) for item in items}
        specs = [spec for spec in specs if spec.source_keys() & wanted]
    report = GenerationReport(specs={spec.generator_key: spec for spec in specs})
    existing = {
        question.generator_key: question
        for question in Question.objects.filter(generator_key__in=list(report.specs))
        .with_answer_key()
        .prefetch_related("sources")
    }
    new, changed, resourced = [], [], []
    for spec in specs:
        question = existing.get(spec.generator_key)
        if question is None:
            question = Question(status=QuestionStatus.DRAFT)
            _apply(question, spec)
            new.append((question, spec))
        elif question.is_edited_since_generation():
            report.skipped_edited.append(question)
        elif question.generated_fingerprint != spec.fingerprint():
            changed.append((question, spec))
        elif _source_keys(question) != spec.source_keys():
            resourced.append((question, spec))
        else:
            report.unchanged.append(question)

    now = timezone.now()
    if new:
        bulk_create_with_history(
            [question for question, _spec in new], Question, default_user=user, default_change_reason="Generated"
        )
        report.created = [question for question, _spec in new]
    flagged = []
    for question, spec in changed:
        _apply(question, spec)
        question.updated_at = now
        if question.status == QuestionStatus.PUBLISHED:
            question.status = QuestionStatus.NEEDS_REVIEW
            flagged.append(question)
    if changed:
        bulk_update_with_history(
            [question for question, _spec in changed],
            Question,
            ["status", "updated_at", "generated_fingerprint", *Question.FINGERPRINT_FIELDS],
            batch_size=500,
            default_user=user,
            default_change_reason=REGENERATED_REASON,
        )
        ReviewFlag.objects.bulk_create(ReviewFlag(question=question, reason=REGENERATED_REASON) for question in flagged)
    rewritten = [*new, *changed]
    _write_rows(rewritten, options=[*new, *changed], sources=[*rewritten, *resourced], user=user)
    report.updated = [question for question, _spec in [*changed, *resourced]]
    if items is None:
        _retire(report, user=user)
    return report


def _write_rows(rewritten, *, options, sources, user):
    """Options, sections, citations and sources of the questions just created or rewritten: bulk, in a few queries."""
    ids = [question.pk for question, _spec in rewritten]
    AnswerOption.objects.filter(question_id__in=ids).delete()
    Question.sections.through.objects.filter(question_id__in=ids).delete()
    Question.citations.through.objects.filter(question_id__in=ids).delete()
    bulk_create_with_history(
        [AnswerOption(question=question, **option.__dict__) for question, spec in options for option in spec.options],
        AnswerOption,
        default_user=user,
    )
    Question.sections.through.objects.bulk_create(
        Question.sections.through(question_id=question.pk, section_id=section.pk)
        for question, spec in rewritten
        for section in spec.sections
    )
    Question.citations.through.objects.bulk_create(
        Question.citations.through(question_id=question.pk, paragraph_id=paragraph.pk)
        for question, spec in rewritten
        for paragraph in spec.citations
    )
    QuestionSource.objects.filter(question_id__in=[question.pk for question, _spec in sources]).delete()
    bulk_create_with_history(
        [QuestionSource.for_item(item, question=question) for question, spec in sources for item in spec.sources],
        QuestionSource,
        default_user=user,
    )


def _retire(report, *, user):
    gone = list(
        Question.objects.filter(generator_key__isnull=False)
        .exclude(generator_key__in=list(report.specs))
        .prefetch_related(None)
        .order_by("pk")
    )
    report.retired = gone
    published = [question for question in gone if question.status == QuestionStatus.PUBLISHED]
    now = timezone.now()
    for question in published:
        question.status, question.updated_at = QuestionStatus.NEEDS_REVIEW, now
    if published:
        bulk_update_with_history(
            published,
            Question,
            ["status", "updated_at"],
            batch_size=500,
            default_user=user,
            default_change_reason=RETIRED_REASON[:100],
        )
        ReviewFlag.objects.bulk_create(ReviewFlag(question=question, reason=RETIRED_REASON) for question in published)


# -- the shipped, reviewed questions -----------------------------------------------------------------


class ReviewedQuestionsError(ValueError):
    """The reviewed-questions file cannot be read; nothing was written."""


REVIEW_FIELDS = ("key", "prompt", "statement", "answer", "wrong", "explanation", "cites")


def read_reviewed_questions(path):
    """The records of a reviewed-questions file (``quizzes/content/questions.yaml``), checked for shape.

    The file is a YAML list; each entry is what a reviewer checked (``QuestionSpec.review_record()``):
    ``key``, ``prompt``, ``answer``, ``explanation``, ``cites``, and ``statement`` and ``wrong`` where
    the question has them. Raises ``ReviewedQuestionsError`` naming the file and the entry.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReviewedQuestionsError(_("%(path)s: no such file.") % {"path": path}) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ReviewedQuestionsError(_("%(path)s cannot be read: %(error)s") % {"path": path, "error": error}) from None
    except yaml.YAMLError as error:
        raise ReviewedQuestionsError(
            _("%(path)s is not valid YAML: %(error)s") % {"path": path, "error": error}
        ) from None
    if not isinstance(data, list) or not data:
        raise ReviewedQuestionsError(_("%(path)s must be a non-empty list of reviewed questions.") % {"path": path})
    seen = set()
    for number, record in enumerate(data, start=1):
        where = _("%(path)s, entry %(number)d") % {"path": path, "number": number}
        if not isinstance(record, dict):
            raise ReviewedQuestionsError(_("%(where)s: each entry is a mapping with a key.") % {"where": where})
        unknown = sorted(set(record) - set(REVIEW_FIELDS))
        missing = [name for name in ("key", "prompt", "answer", "explanation", "cites") if name not in record]
        if unknown or missing:
            raise ReviewedQuestionsError(
                _("%(where)s: unknown fields %(unknown)s, missing fields %(missing)s.")
                % {"where": where, "unknown": unknown or "none", "missing": missing or "none"}
            )
        if not isinstance(record["key"], str) or not record["key"].strip():
            raise ReviewedQuestionsError(_("%(where)s: the key must be text.") % {"where": where})
        if record["key"] in seen:
            raise ReviewedQuestionsError(
                _("%(where)s: %(key)s appears twice.") % {"where": where, "key": record["key"]}
            )
        seen.add(record["key"])
    return data


@dataclass
class ReviewedReport:
    generation: GenerationReport
    published: list = field(default_factory=list)
    already_published: list = field(default_factory=list)
    not_generated: list = field(default_factory=list)  # keys the content no longer makes
    differs: list = field(default_factory=list)  # keys whose question is not what was reviewed
    left_alone: list = field(default_factory=list)  # edited by an editor, needing review, or unpublished by one
    refused: dict = field(default_factory=dict)

    def summary(self):
        return _(
            "%(published)d reviewed questions published, %(already)d already published, %(alone)d left to the "
            "editors, %(differs)d differ from their review, %(missing)d no longer generated."
        ) % {
            "published": len(self.published),
            "already": len(self.already_published),
            "alone": len(self.left_alone),
            "differs": len(self.differs),
            "missing": len(self.not_generated),
        }

    def lines(self):
        for key in self.not_generated:
            yield _("%(key)s was reviewed but the content no longer makes it: review the file.") % {"key": key}
        for key in self.differs:
            yield _("%(key)s is not the question that was reviewed (its content changed): not published.") % {
                "key": key
            }
        for question, errors in self.refused.items():
            yield _("%(key)s cannot be published: %(errors)s") % {
                "key": question.generator_key,
                "errors": " ".join(errors),
            }


@transaction.atomic
def publish_reviewed_questions(*, path, user=None):
    """Generate the questions, then publish those a reviewer checked, as listed in ``path``.

    A listed question is published only when the generated question is exactly what was reviewed
    (its ``review_record()`` equals the file's entry), nobody has changed it, and it has never been
    published: so a re-run changes nothing, and an editor's change, unpublishing or review is never
    undone. Everything else is reported. Raises ``ReviewedQuestionsError`` (nothing written) when
    the file cannot be read.
    """
    records = read_reviewed_questions(path)
    generation = generate_questions(user=user)
    report = ReviewedReport(generation=generation)
    keys = [record["key"] for record in records]
    questions = {
        question.generator_key: question
        for question in Question.objects.filter(generator_key__in=keys).with_answer_key()
    }
    ever_published = set(
        Question.history.filter(id__in=[q.pk for q in questions.values()], status=QuestionStatus.PUBLISHED)
        .values_list("id", flat=True)
        .distinct()
    )
    to_publish = []
    for record in records:
        key = record["key"]
        spec, question = generation.specs.get(key), questions.get(key)
        if spec is None or question is None:
            report.not_generated.append(key)
        elif question.is_published():
            report.already_published.append(question)
        elif spec.review_record() != record:
            report.differs.append(key)
        elif (
            question.is_edited_since_generation()
            or question.status != QuestionStatus.DRAFT
            or question.pk in ever_published
        ):
            report.left_alone.append(question)
        else:
            to_publish.append(question.pk)
    if to_publish:
        result = publish_questions(questions=Question.objects.filter(pk__in=to_publish), user=user)
        report.published, report.refused = result.published, result.refused
    return report


# --- Study: spaced repetition with FSRS ----------------------------------------------------------


class StudyError(Exception):
    """A study request refused: nothing was changed."""

    http_status = 409
    code = "study_error"
    default_message = _lazy("This card cannot be rated now.")

    def __init__(self, message=None):
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class CardNotStudyable(StudyError):
    http_status = 404
    code = "card_not_studyable"
    default_message = _lazy("There is no such card to study: the question is not published.")


class CardSuspended(StudyError):
    code = "card_suspended"
    default_message = _lazy("This card is suspended: unsuspend it to study it.")


class StaleRating(StudyError):
    code = "stale_rating"
    default_message = _lazy(
        "This card has changed since it was shown (rated in another tab, or undone): it was not rated again. "
        "Load the next card to go on."
    )


class NothingToUndo(StudyError):
    code = "nothing_to_undo"
    default_message = _lazy("There is no rating to undo.")


@dataclass
class RatedCard:
    """What ``record_review`` did: the log row, the state after it, and whether it was a replay."""

    log: object
    state: object
    replayed: bool = False


def _day_load(user, study_settings):
    """The scheduler's load function: cards due per study day (``ReviewState.objects.due_per_study_day``'s
    count, its read compiled once: ``DUE_DATES``), asked of the database once per range."""

    def load(first, last):
        start, end = study_settings.days_span(first, last)
        return study_settings.count_per_study_day(DUE_DATES.all(user=user, start=start, end=end))

    return functools.cache(load)


def schedule_for(*, state, study_settings, now):
    """The scheduler for ``state``'s next review at ``now``: seeded for it, load-balanced if the student wants."""
    return study_settings.scheduler(
        seed=state.review_seed(), load=_day_load(state.user_id, study_settings), today=study_settings.study_day(now)
    )


def preview_ratings(*, state, study_settings, now):
    """{rating: the due date it would give}, exactly what ``record_review`` gives for that rating at ``now``."""
    scheduler = schedule_for(state=state, study_settings=study_settings, now=now)
    return {int(rating): after.due for rating, after in outcomes(scheduler, state.to_card(), now).items()}


@transaction.atomic
def record_review(*, user, question, rating, now, version, request_key, duration_ms=None):
    """Rate a card: one ``ReviewLog`` row and the new state, once per ``request_key``.

    ``version`` is the state's version the card was shown at (0 for a new card): a rating of a card
    changed since (another tab rated it, an undo) is refused with ``StaleRating``; the same request
    sent again (a double click, a retry) answers what the first one recorded.
    """
    rating = StudyRating(rating)
    state = CARD_TO_RATE.first(user=user.pk, question=question.pk, request_key=request_key)
    if state is None or not state.usable:
        if not Question.objects.usable().filter(pk=question.pk).exists():
            raise CardNotStudyable()
        # A card never studied: made now (a concurrent request may have just made it), then locked.
        ReviewState.objects.get_or_create(user=user, question=question, defaults={"due": now})
        state = CARD_TO_RATE.first(user=user.pk, question=question.pk, request_key=request_key)
    if state.replay_of is not None:
        return RatedCard(log=ReviewLog.objects.get(pk=state.replay_of), state=state, replayed=True)
    if state.version != version:
        raise StaleRating()
    if state.suspended:
        raise CardSuspended()
    study_settings = StudySettings.objects.for_user(user)
    before = state.snapshot()
    scheduler = schedule_for(state=state, study_settings=study_settings, now=now)
    state.take_card(outcomes(scheduler, state.to_card(), now, duration_ms=duration_ms)[Rating(int(rating))])
    parameters_version = scheduler.parameters_version
    state.reps += 1
    if before["state"] == CardState.REVIEW and rating == StudyRating.AGAIN:
        state.lapses += 1
        if state.lapses >= LEECH_LAPSES and not state.is_leech:
            state.is_leech, state.suspended = True, True
    state.buried_until = None
    state.version += 1
    state.save()
    after = state.snapshot()
    log = ReviewLog.objects.create(
        user=user,
        review_state=state,
        question=question,
        rating=rating,
        reviewed_at=now,
        duration_ms=duration_ms,
        request_key=request_key,
        parameters_version=parameters_version,
        **{f"before_{name}": value for name, value in before.items()},
        **{f"after_{name}": value for name, value in after.items()},
    )
    return RatedCard(log=log, state=state)


@transaction.atomic
def undo_review(*, user, now):
    """Take back the user's last rating: its card's state exactly as before, its log row gone."""
    last = ReviewLog.objects.of(user).select_for_update().order_by("-reviewed_at", "-pk").first()
    if last is None:
        raise NothingToUndo()
    state = ReviewState.objects.select_for_update().get(pk=last.review_state_id)
    for name, value in last.before().items():
        setattr(state, name, value)
    state.version += 1  # not restored: a rating shown before the undo must not apply after it
    state.save()
    last.delete()
    return state


@transaction.atomic
def set_suspended(*, user, question, suspended, now):
    """Suspend a card (it leaves study until unsuspended) or unsuspend it (a leech keeps its tag)."""
    state, _created = ReviewState.objects.get_or_create(user=user, question=question, defaults={"due": now})
    state = ReviewState.objects.select_for_update().get(pk=state.pk)
    if state.suspended != suspended:
        state.suspended = suspended
        state.version += 1
        state.save(update_fields=["suspended", "version"])
    return state


def card_shown(*, user, question, version, now):
    """The card ``user`` was shown of ``question`` at ``version``, as a ``StudyCard`` to check an answer
    against (the same options in the same order). Refused as rating it would be: CardNotStudyable (not
    a usable question), CardSuspended, StaleRating (changed since it was shown). Writes nothing."""
    found = Question.objects.usable().filter(pk=question.pk).first()
    if found is None:
        raise CardNotStudyable()
    state = ReviewState.objects.filter(user=user, question=found).first() or ReviewState(
        user=user, question=found, due=now
    )
    state.question = found
    card = StudyCard(state)
    if card.version != version:
        raise StaleRating()
    if state.suspended:
        raise CardSuspended()
    return card


# -- the shipped quizzes ------------------------------------------------------------------------------


@dataclass
class QuizImportReport:
    """What ``import_quizzes`` did, by outcome; each list holds quizzes (``slug_taken``: the file's slugs)."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    left_alone: list = field(default_factory=list)  # changed by an editor since they were imported
    slug_taken: list = field(default_factory=list)  # another quiz has the slug: not imported

    def summary(self):
        return _(
            "%(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(alone)d left alone (changed by "
            "an editor), %(taken)d not imported (slug taken)."
        ) % {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "alone": len(self.left_alone),
            "taken": len(self.slug_taken),
        }

    def lines(self):
        for quiz in self.left_alone:
            yield _("Left alone “%(slug)s”: an editor changed it since it was imported.") % {"slug": quiz.import_key}
        for slug in self.slug_taken:
            yield _("Not imported “%(slug)s”: another quiz has this slug.") % {"slug": slug}


def _resolved(specs, path):
    """Each spec's fixed list as (question id, marks) and rules as QuizRule values, or a BriefingFormatError."""
    keys = {ref.key for spec in specs for ref in spec.questions}
    questions = dict(Question.objects.filter(generator_key__in=keys).values_list("generator_key", "pk"))
    briefing = Briefing.objects.current(drafts=True)
    sections = dict(briefing.sections.values_list("slug", "pk")) if briefing is not None else {}
    resolved = {}
    for spec in specs:
        fixed = []
        for ref in spec.questions:
            if ref.key not in questions:
                raise BriefingFormatError(
                    f"no question has the key “{ref.key}” (run import_questions first, or correct the key)",
                    path=path,
                    line=ref.line,
                )
            fixed.append((questions[ref.key], ref.marks))
        rules = []
        for rule in spec.rules:
            if rule.section and rule.section not in sections:
                raise BriefingFormatError(
                    f"the article has no section “{rule.section}” (import the article first, or correct the slug)",
                    path=path,
                    line=rule.line,
                )
            rules.append(
                {
                    "count": rule.count,
                    "topic": rule.topic,
                    "section_id": sections.get(rule.section),
                    "qtype": rule.qtype,
                    "marks": rule.marks,
                }
            )
        resolved[spec.slug] = (fixed, rules)
    return resolved


def _spec_fingerprint(spec, fixed, rules):
    fields = {name: spec.values.get(name) for name in Quiz.FINGERPRINT_FIELDS}
    return quiz_fingerprint(
        fields,
        questions=[[pk, position, marks] for position, (pk, marks) in enumerate(fixed, start=1)],
        rules=[
            [position, rule["count"], rule["topic"], rule["section_id"], rule["qtype"], rule["marks"]]
            for position, rule in enumerate(rules, start=1)
        ],
    )


def _write_quiz_rows(quiz, fixed, rules):
    QuizQuestion.objects.bulk_create(
        QuizQuestion(quiz=quiz, question_id=pk, position=position, marks=marks)
        for position, (pk, marks) in enumerate(fixed, start=1)
    )
    QuizRule.objects.bulk_create(
        QuizRule(quiz=quiz, position=position, **rule) for position, rule in enumerate(rules, start=1)
    )


@transaction.atomic
def import_quizzes(*, path):
    """Create or update the quizzes of the quizzes file (``quizzes/pack.py``); idempotent by the file's slug.

    The file's slug is the quiz's ``import_key``. A new quiz is created with its fixed list and
    rules; one an editor changed since it was imported (``Quiz.is_edited_since_import``: settings,
    questions or rules, the status and slug included) is left alone; an untouched one whose entry in
    the file changed is rewritten; else nothing happens. A quiz of the file whose slug another quiz
    already has is not imported. A quiz an editor deleted comes back: to retire one, make it a draft.
    Raises ``BriefingFormatError`` (nothing written) when the file cannot be read or names a
    question or section that does not exist. A fixed number of queries per quiz.
    """
    specs = read_quiz_file(path)
    resolved = _resolved(specs, path)
    existing = {
        quiz.import_key: quiz
        for quiz in Quiz.objects.filter(import_key__in=[spec.slug for spec in specs]).prefetch_related(
            "quiz_questions", "rules"
        )
    }
    slugs = dict(Quiz.objects.filter(slug__in=[spec.slug for spec in specs]).values_list("slug", "import_key"))
    report = QuizImportReport()
    for spec in specs:
        fixed, rules = resolved[spec.slug]
        fingerprint = _spec_fingerprint(spec, fixed, rules)
        quiz = existing.get(spec.slug)
        owner = slugs.get(spec.values["slug"], spec.slug)
        if quiz is not None and quiz.is_edited_since_import():
            report.left_alone.append(quiz)
        elif owner != spec.slug:
            report.slug_taken.append(spec.slug)
        elif quiz is None:
            quiz = Quiz.objects.create(**spec.values, import_key=spec.slug, imported_fingerprint=fingerprint)
            _write_quiz_rows(quiz, fixed, rules)
            report.created.append(quiz)
        elif quiz.imported_fingerprint == fingerprint:
            report.unchanged.append(quiz)
        else:
            for name, value in spec.values.items():
                setattr(quiz, name, value)
            quiz.opens_at = quiz.closes_at = None
            quiz.imported_fingerprint = fingerprint
            quiz.save()
            quiz.quiz_questions.all().delete()
            quiz.rules.all().delete()
            _write_quiz_rows(quiz, fixed, rules)
            report.updated.append(quiz)
    return report


# Our rule, not fsrs-rs's (which fits from 8 reviews on): fewer reviews than this fit noise.
MIN_REVIEWS_TO_OPTIMIZE = 400


class NotEnoughReviews(StudyError):
    http_status = 400
    code = "not_enough_reviews"


def review_items(*, logs, study_settings):
    """fsrs-rs-python's training items from review rows (question, rating, reviewed_at), in time order per card.

    One item per review after a card's first: the card's history up to it, each review with the
    whole study days since the one before (0 for the first, and for another review the same day).
    """
    from fsrs_rs_python import FSRSItem, FSRSReview

    items, history, previous_card, previous_day = [], [], None, None
    for question_id, rating, reviewed_at in logs:
        day = study_settings.study_day(reviewed_at)
        if question_id != previous_card:
            history, previous_card, previous_day = [], question_id, day
        history.append(FSRSReview(int(rating), (day - previous_day).days))
        previous_day = day
        if len(history) > 1:
            items.append(FSRSItem(list(history)))
    return items


@transaction.atomic
def optimize_parameters(*, user, now):
    """Fit FSRS's parameters to the student's reviews (fsrs-rs-python) and keep them if they predict better.

    Both the defaults and the fit are evaluated (log loss, RMSE) on the student's own history; the
    new set is used for scheduling only when its log loss is lower than the defaults'.
    """
    from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS

    logs = list(
        ReviewLog.objects.of(user)
        .order_by("question_id", "reviewed_at", "pk")
        .values_list("question_id", "rating", "reviewed_at")
    )
    if len(logs) < MIN_REVIEWS_TO_OPTIMIZE:
        raise NotEnoughReviews(
            _("Your parameters can be fitted once you have %(needed)d reviews; you have %(count)d so far.")
            % {"needed": MIN_REVIEWS_TO_OPTIMIZE, "count": len(logs)}
        )
    items = review_items(logs=logs, study_settings=StudySettings.objects.for_user(user))
    fitted = list(FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(items))
    defaults, fit = FSRS(list(DEFAULT_PARAMETERS)).evaluate(items), FSRS(fitted).evaluate(items)
    last = ParameterSet.objects.of(user).select_for_update().order_by("-version").first()
    parameter_set = ParameterSet.objects.create(
        user=user,
        version=(last.version if last else 0) + 1,
        fitted_at=now,
        reviews=len(logs),
        log_loss=fit.log_loss,
        rmse=fit.rmse_bins,
        default_log_loss=defaults.log_loss,
        default_rmse=defaults.rmse_bins,
        in_use=fit.log_loss < defaults.log_loss,
    )
    ParameterValue.objects.bulk_create(
        [ParameterValue(parameter_set=parameter_set, index=index, value=value) for index, value in enumerate(fitted)]
    )
    return parameter_set


# Settings a student changes (``StudySettingsForm``'s model fields), besides the steps.
STUDY_SETTINGS_FIELDS = (
    "desired_retention",
    "new_cards_per_day",
    "max_reviews_per_day",
    "time_zone",
    "day_starts_at",
    "spread_due_dates",
)


@transaction.atomic
def update_study_settings(*, user, data):
    """Save a student's study settings: ``data`` is ``StudySettingsForm.cleaned_data`` (its steps as
    tuples of minutes). The steps become StudyStep rows, the old ones replaced. Returns the settings."""
    study_settings = StudySettings.objects.for_user(user)
    study_settings = StudySettings.objects.select_for_update().get(pk=study_settings.pk)
    for name in STUDY_SETTINGS_FIELDS:
        setattr(study_settings, name, data[name])
    study_settings.full_clean()
    study_settings.save()
    study_settings.steps.all().delete()
    StudyStep.objects.bulk_create(
        StudyStep(settings=study_settings, kind=kind, position=position, minutes=minutes)
        for kind, name in ((StepKind.LEARNING, "learning_steps"), (StepKind.RELEARNING, "relearning_steps"))
        for position, minutes in enumerate(data[name], start=1)
    )
    return StudySettings.objects.for_user(user)


# -- classes ------------------------------------------------------------------------------------------
#
# A refused request raises a ``CohortError`` carrying the HTTP status the pages and the API answer
# with; nothing is changed. The caller scopes the class first (``Cohort.objects.taught_by``: a
# trainer reaches only their own classes); the rules beyond that (who may join, who may add a
# co-trainer) are checked here.


class CohortError(Exception):
    """A request on a class refused: nothing was changed."""

    http_status = 409
    code = "cohort_error"
    default_message = _lazy("This cannot be done with this class.")

    def __init__(self, message=None):
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class UnknownJoinCode(CohortError):
    http_status = 400
    code = "unknown_join_code"
    default_message = _lazy("No class has this code. Check it with your trainer: a class's code may have been changed.")


class JoiningClosed(CohortError):
    http_status = 403
    code = "joining_closed"
    default_message = _lazy("This class is not taking new students: ask your trainer to open joining.")


class AlreadyMember(CohortError):
    http_status = 409
    code = "already_member"
    default_message = _lazy("You are already in this class.")


class NotAStudent(CohortError):
    http_status = 403
    code = "not_a_student"
    default_message = _lazy("Only students join classes: your account is a trainer's or an editor's.")


class NoLongerAStudent(CohortError):
    """A member of the class whose account is now a trainer's, an editor's or staff: not the trainer's to reset."""

    http_status = 403
    code = "no_longer_a_student"
    default_message = _lazy(
        "This account is no longer a student's (it is a trainer's or an editor's): only its owner, or an "
        "administrator, can change its password."
    )


class NotAMember(CohortError):
    http_status = 404
    code = "not_a_member"
    default_message = _lazy("This student is not in this class.")


class NotATrainer(CohortError):
    http_status = 400
    code = "not_a_trainer"
    default_message = _lazy("There is no trainer with this username.")


class AlreadyATrainer(CohortError):
    http_status = 409
    code = "already_a_trainer"
    default_message = _lazy("This trainer already teaches this class.")


class NotTheOwner(CohortError):
    http_status = 403
    code = "not_the_owner"
    default_message = _lazy("Only the trainer who made this class can add co-trainers.")


class InvalidNameList(CohortError):
    http_status = 400
    code = "invalid_name_list"


@dataclass
class IssuedPassword:
    """A one-time password as the printable sheet shows it, once: it is stored only hashed."""

    student: object
    password: str


def _cohort_for_code(code, *, lock):
    cohorts = Cohort.objects.filter(join_code=normalize_join_code(code))
    return (cohorts.select_for_update() if lock else cohorts).first()


def join_refusal(code):
    """Why ``code`` would not let a student join now (a ``CohortError``), or None: for forms' messages."""
    cohort = _cohort_for_code(code, lock=False)
    if cohort is None:
        return UnknownJoinCode()
    if not cohort.joining_open:
        return JoiningClosed()
    return None


def _unique_join_code():
    for _attempt in range(20):
        code = new_join_code()
        if not Cohort.objects.filter(join_code=code).exists():
            return code
    raise RuntimeError("no free join code after 20 tries")  # 887 million codes: not in this universe


@transaction.atomic
def create_cohort(*, name, created_by, description="", term="", now=None):
    """A new class owned by ``created_by`` (a trainer), open for joining, with a fresh code."""
    cohort = Cohort(
        name=name,
        description=description,
        term=term,
        join_code=_unique_join_code(),
        created_by=created_by,
        created_at=now or timezone.now(),
    )
    cohort.full_clean()
    cohort.save()
    CohortTrainer.objects.create(cohort=cohort, trainer=created_by, is_owner=True, added_at=cohort.created_at)
    return cohort


@transaction.atomic
def join_cohort(*, code, student, now=None):
    """Put ``student`` in the class whose code is ``code`` (any case, spaces or hyphens).

    Refused: a code no class has (``UnknownJoinCode``, also an old code since regenerated), a class
    not taking students (``JoiningClosed``), an account that is not a student's (``NotAStudent``),
    a student already in it (``AlreadyMember``). The class row is locked while the student is added,
    so a code regenerated or joining closed at the same moment either comes before or after, and the
    unique membership makes a double click one membership.
    """
    if role_of(student) != STUDENTS:
        raise NotAStudent()
    cohort = _cohort_for_code(code, lock=True)
    if cohort is None:
        raise UnknownJoinCode()
    if not cohort.joining_open:
        raise JoiningClosed()
    if CohortMembership.objects.filter(cohort=cohort, student=student).exists():
        raise AlreadyMember(_("You are already in the class “%(name)s”.") % {"name": cohort.name})
    try:
        with transaction.atomic():
            CohortMembership.objects.create(cohort=cohort, student=student, joined_at=now or timezone.now())
    except IntegrityError:  # the same student, a moment earlier, in another request
        raise AlreadyMember(_("You are already in the class “%(name)s”.") % {"name": cohort.name}) from None
    return cohort


@transaction.atomic
def leave_cohort(*, cohort, student):
    """The student leaves the class (their attempts and study stay theirs)."""
    deleted, _rows = CohortMembership.objects.filter(cohort=cohort, student=student).delete()
    if not deleted:
        raise NotAMember(_("You are not in this class."))


@transaction.atomic
def remove_student(*, cohort, student):
    """A trainer takes the student out of the class; the student's account stays."""
    deleted, _rows = CohortMembership.objects.filter(cohort=cohort, student=student).delete()
    if not deleted:
        raise NotAMember()


@transaction.atomic
def regenerate_join_code(*, cohort):
    """A new code for the class; the old one (and its join link) no longer joins anything."""
    locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
    locked.join_code = _unique_join_code()
    locked.save(update_fields=["join_code"])
    cohort.join_code = locked.join_code
    return cohort


@transaction.atomic
def set_joining_open(*, cohort, joining_open):
    """Open or close joining by code and link (students already in stay)."""
    Cohort.objects.select_for_update().filter(pk=cohort.pk).update(joining_open=joining_open)
    cohort.joining_open = joining_open
    return cohort


@transaction.atomic
def add_co_trainer(*, cohort, username, by, now=None):
    """The class's owner (``by``) adds the trainer ``username`` as a co-trainer: they manage it too."""
    if not cohort.is_owned_by(by):
        raise NotTheOwner()
    trainer = get_user_model().objects.filter(username__iexact=username.strip()).first()
    if trainer is None or role_of(trainer) != TRAINERS:
        raise NotATrainer(
            _("There is no trainer with the username “%(username)s”.") % {"username": username.strip()[:150]}
        )
    if CohortTrainer.objects.filter(cohort=cohort, trainer=trainer).exists():
        raise AlreadyATrainer(_("%(name)s already teaches this class.") % {"name": trainer.get_username()})
    try:
        with transaction.atomic():
            return CohortTrainer.objects.create(cohort=cohort, trainer=trainer, added_at=now or timezone.now())
    except IntegrityError:
        raise AlreadyATrainer(_("%(name)s already teaches this class.") % {"name": trainer.get_username()}) from None


def _usernames_for(names):
    """One new username per name, unique among the accounts and within the list: "aissata.traore", "aissata.traore2"."""
    User = get_user_model()
    bases = [username_base(name) for name in names]
    condition = Q()
    for base in set(bases):
        condition |= Q(username__istartswith=base)
    taken = {username.lower() for username in User.objects.filter(condition).values_list("username", flat=True)}
    usernames = []
    for base in bases:
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            candidate = f"{base}{number}"
        taken.add(candidate)
        usernames.append(candidate)
    return usernames


def _one_time_password(user):
    password = new_one_time_password()
    user.set_password(password)
    return password


class UsernamesTaken(CohortError):
    http_status = 409
    code = "usernames_taken"
    default_message = _lazy("Another account took one of these usernames a moment ago: add the list again.")


@transaction.atomic
def create_students_in_bulk(*, cohort, names, by, now=None):
    """Student accounts for ``names`` (``parse_student_names``' list), in the class, with one-time passwords.

    Each gets a username made from the name (ASCII, unique), the name as its display name, and a
    one-time password to change at first sign-in (a ``OneTimePassword`` row). Returns the
    ``IssuedPassword`` list in the order of the names: the only time the passwords are seen. A fixed
    number of queries, however many names.
    """
    now = now or timezone.now()
    User = get_user_model()
    users = [
        User(username=username, first_name=name) for name, username in zip(names, _usernames_for(names), strict=True)
    ]
    passwords = [_one_time_password(user) for user in users]
    try:
        with transaction.atomic():
            User.objects.bulk_create(users)
    except IntegrityError:
        raise UsernamesTaken() from None
    # Read back for their ids (SQLite's bulk insert does not return them on every version).
    usernames = [user.username for user in users]
    by_username = {user.username: user for user in User.objects.filter(username__in=usernames)}
    users = [by_username[username] for username in usernames]
    Group.objects.get(name=STUDENTS).user_set.add(*users)
    OneTimePassword.objects.bulk_create([OneTimePassword(user=user, issued_by=by, issued_at=now) for user in users])
    CohortMembership.objects.bulk_create(
        [CohortMembership(cohort=cohort, student=user, joined_at=now) for user in users]
    )
    return [IssuedPassword(student=user, password=password) for user, password in zip(users, passwords, strict=True)]


@transaction.atomic
def reset_student_password(*, cohort, student, by, now=None):
    """A new one-time password for a student of the class; their other sessions end (the hash changed).

    Refused for an account not in the class (``NotAMember``) and for a member who is no longer a student
    (``NoLongerAStudent``: made a trainer, an editor or staff since joining): a trainer must not be able
    to take over such an account by setting its password.
    """
    if not CohortMembership.objects.filter(cohort=cohort, student=student).exists():
        raise NotAMember()
    if role_of(student) != STUDENTS:
        raise NoLongerAStudent()
    password = _one_time_password(student)
    student.save(update_fields=["password"])
    OneTimePassword.objects.update_or_create(
        user=student, defaults={"issued_by": by, "issued_at": now or timezone.now()}
    )
    return IssuedPassword(student=student, password=password)


# -- assignments ------------------------------------------------------------------------------------------
#
# A quiz, a reading or a study goal set to a class, or to some of its students (``AssignmentTarget``),
# by a due date; a student's extension is an ``AssignmentOverride``. The caller scopes the class first
# (``Cohort.objects.taught_by``); every value is checked here, once, for the pages and the API alike:
# a refused request raises an ``AssignmentError`` (its ``field`` names the input at fault) and changes
# nothing.


class AssignmentError(Exception):
    """An assignment refused: nothing was changed."""

    http_status = 400
    code = "invalid_assignment"

    def __init__(self, message, *, field=None):
        self.message = str(message)
        self.field = field
        super().__init__(self.message)


ASSIGNMENT_FIELDS = (
    "title",
    "instructions",
    "opens_at",
    "due_at",
    "quiz",
    "attempts_allowed",
    "time_limit",
    "deck",
    "target_recall",
)


def _check_assignment(*, cohort, kind, values, sections, students):
    """Raise an AssignmentError for the first value that cannot make an assignment of ``kind``."""
    from briefings.models import SectionKind

    from .assignments import STUDY_GOAL_DECKS

    if kind not in AssignmentKind.values:
        raise AssignmentError(_("Choose a quiz, a reading or a study goal."), field="kind")
    if not (values.get("title") or "").strip():
        raise AssignmentError(_("Give the assignment a title."), field="title")
    due_at, opens_at = values.get("due_at"), values.get("opens_at")
    if due_at is None:
        raise AssignmentError(_("Give the due date."), field="due_at")
    if opens_at is not None and due_at <= opens_at:
        raise AssignmentError(_("The due date must come after the opening time."), field="due_at")
    if kind == AssignmentKind.QUIZ:
        quiz = values.get("quiz")
        if quiz is None:
            raise AssignmentError(_("Choose the quiz."), field="quiz")
        if not quiz.is_published():
            raise AssignmentError(
                _("“%(title)s” is not published: students cannot take it.") % {"title": quiz.title}, field="quiz"
            )
        if quiz.closes_at is not None and due_at > quiz.closes_at:
            raise AssignmentError(
                _("“%(title)s” closes on %(when)s: choose a due date by then, or a quiz that stays open.")
                % {"title": quiz.title, "when": date_format(localtime(quiz.closes_at), "DATETIME_FORMAT")},
                field="due_at",
            )
        limit = values.get("time_limit")
        if limit is not None and limit.total_seconds() <= 0:
            raise AssignmentError(_("The time limit must be longer than zero."), field="time_limit")
    elif kind == AssignmentKind.READING:
        if not sections:
            raise AssignmentError(_("Choose at least one section to read."), field="sections")
        current = Briefing.objects.current()
        wrong = [s for s in sections if current is None or s.briefing_id != current.pk or s.kind != SectionKind.BODY]
        if wrong:
            raise AssignmentError(
                _("Only the sections of the current briefing can be read as cards: not “%(title)s”.")
                % {"title": wrong[0].title},
                field="sections",
            )
    else:
        try:
            deck = Deck.parse(values.get("deck") or "")
        except DeckError as error:
            raise AssignmentError(str(error), field="deck") from None
        if deck.kind not in STUDY_GOAL_DECKS:
            raise AssignmentError(
                _("A study goal is on the whole briefing, a topic, a section or a country."), field="deck"
            )
        target = values.get("target_recall")
        if target is None or not 0 < Decimal(target) <= 1:
            raise AssignmentError(
                _("Give the target predicted recall between 0 and 1 (0.90 is 90%)."), field="target_recall"
            )
    members = set(
        CohortMembership.objects.filter(cohort=cohort, student__in=students).values_list("student_id", flat=True)
    )
    outsiders = [s for s in students if s.pk not in members]
    if outsiders:
        raise AssignmentError(
            _("%(name)s is not a student of this class.") % {"name": outsiders[0].get_username()}, field="students"
        )


def _kind_values(kind, values):
    """Clear what another kind's fields hold: a reading has no quiz, a quiz no deck."""
    values = dict(values)
    if kind != AssignmentKind.QUIZ:
        values.update(quiz=None, attempts_allowed=None, time_limit=None)
    if kind != AssignmentKind.STUDY_GOAL:
        values.update(deck="", target_recall=None)
    return values


@transaction.atomic
def assign(*, cohort, kind, created_by, sections=(), students=(), now=None, **values):
    """Set a quiz, a reading or a study goal to ``cohort`` (to ``students`` of it only, when given).

    ``values`` are the ``ASSIGNMENT_FIELDS`` of its kind; ``sections`` a reading's. Raises
    AssignmentError with the field at fault.
    """
    unknown = set(values) - set(ASSIGNMENT_FIELDS)
    if unknown:
        raise TypeError(f"assign() got unknown fields {sorted(unknown)}")
    sections, students = list(sections), list(students)
    _check_assignment(cohort=cohort, kind=kind, values=values, sections=sections, students=students)
    values = _kind_values(kind, values)
    assignment = Assignment.objects.create(
        cohort=cohort, kind=kind, created_by=created_by, created_at=now or timezone.now(), **values
    )
    if kind == AssignmentKind.READING:
        assignment.sections.set(sections)
    AssignmentTarget.objects.bulk_create(AssignmentTarget(assignment=assignment, student=s) for s in students)
    return assignment


@transaction.atomic
def update_assignment(*, assignment, sections=None, students=None, **changes):
    """Change an assignment's ``ASSIGNMENT_FIELDS`` (its kind and class stay), its sections or its students.

    ``students``: who it is set to (empty: the whole class); None leaves them as they are.
    """
    unknown = set(changes) - set(ASSIGNMENT_FIELDS)
    if unknown:
        raise TypeError(f"update_assignment() got unknown fields {sorted(unknown)}")
    values = {name: getattr(assignment, name) for name in ASSIGNMENT_FIELDS} | changes
    sections = list(assignment.sections.all()) if sections is None else list(sections)
    checked_students = [] if students is None else list(students)
    _check_assignment(
        cohort=assignment.cohort, kind=assignment.kind, values=values, sections=sections, students=checked_students
    )
    for name, value in _kind_values(assignment.kind, values).items():
        setattr(assignment, name, value)
    assignment.save()
    if assignment.kind == AssignmentKind.READING:
        assignment.sections.set(sections)
    if students is not None:
        assignment.targets.all().delete()
        AssignmentTarget.objects.bulk_create(AssignmentTarget(assignment=assignment, student=s) for s in students)
    return assignment


@transaction.atomic
def delete_assignment(*, assignment):
    """Take an assignment back (its extensions and targets with it; attempts and study stay the students')."""
    assignment.delete()


@transaction.atomic
def grant_override(*, assignment, student, granted_by, due_at=None, closes_at=None, extra_attempts=0, time_limit=None):
    """Give ``student`` an extension on ``assignment`` (replacing any they had): Moodle's user override.

    A later due date; for a quiz, also a later closing time, extra attempts, a longer time limit.
    """
    if not assignment.students().filter(pk=student.pk).exists():
        raise AssignmentError(
            _("%(name)s is not set this assignment.") % {"name": student.get_username()}, field="student"
        )
    if due_at is not None and due_at <= assignment.due_at:
        raise AssignmentError(_("An extension's due date must be later than the assignment's."), field="due_at")
    if assignment.kind != AssignmentKind.QUIZ and (closes_at is not None or extra_attempts or time_limit is not None):
        raise AssignmentError(_("Only a quiz has a closing time, attempts and a time limit."), field="closes_at")
    if closes_at is not None:
        own = QuizRules.of_quiz(assignment.quiz).closes_at
        if own is not None and closes_at <= own:
            raise AssignmentError(_("An extension must close the quiz later than it closes."), field="closes_at")
    if time_limit is not None and time_limit.total_seconds() <= 0:
        raise AssignmentError(_("The time limit must be longer than zero."), field="time_limit")
    if extra_attempts < 0:
        raise AssignmentError(_("Extra attempts cannot be fewer than none."), field="extra_attempts")
    if due_at is None and closes_at is None and not extra_attempts and time_limit is None:
        raise AssignmentError(_("Give a later due date, a later closing time, extra attempts or a time limit."))
    override, _created = AssignmentOverride.objects.update_or_create(
        assignment=assignment,
        student=student,
        defaults={
            "due_at": due_at,
            "closes_at": closes_at,
            "extra_attempts": extra_attempts,
            "time_limit": time_limit,
            "granted_by": granted_by,
            "granted_at": timezone.now(),
        },
    )
    return override


def record_section_visit(*, student, section, now):
    """Note that ``student`` opened ``section``'s card (the first time only): one INSERT ... ON CONFLICT DO NOTHING."""
    if not student.is_authenticated:
        return
    SectionVisit.objects.bulk_create(
        [SectionVisit(student=student, section=section, first_opened_at=now)], ignore_conflicts=True
    )
