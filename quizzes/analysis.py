"""Item analysis of a quiz: which questions work, by Moodle's quiz statistics formulas.

``ItemAnalysis.of(quiz, attempts)`` reads a QuerySet of a quiz's attempts (all students', or later
one class's) and keeps the submitted ones: by default each student's first attempt (the one with
the lowest number among them, as Moodle's "first attempt"), or every attempt with
``all_attempts=True``. It runs five queries whatever the number of attempts (the attempts, their
question rows with marks, the options picked, the questions and their options) and computes
everything in one pass over those rows.

Notation (Moodle's "Quiz statistics calculations"): for one question, over the n attempts that
had it (questions drawn at random are in some attempts only), x is the mark on the question
(fraction scored × its marks; unanswered: 0), T the attempt's total, R = T - x the rest of the
test. Variances and covariances are over n - 1.

Per question:

- facility = mean(x) / max(x), max(x) the question's marks;
- SD = sqrt(Var(x)) / max(x);
- discrimination index = 100 Cov(x, R) / sqrt(Var(x) Var(R)) (none when a variance is 0);
- discriminative efficiency = 100 Cov(x, R) / Cov_max(x, R), where Cov_max pairs the values of x
  and of R each sorted ascending (the largest covariance these values allow; none when it is 0);
- random guess score: single answer 1 / options (Moodle: the mean of the options' fractions),
  true/false 0.5, which kind 1 / its kinds, matching 1 / the right-hand choices (Moodle's
  ``qtype_match``), short answer and numeric 0 (Moodle's, without a catch-all answer), ordering
  the expected mark of a random order under our "relative to the correct position" rule,
  1 - (k + 1) / 3k for k items (our computation: Moodle gives none); multiple answers none (as Moodle);
- distractors: for the choice types, how often each option was picked, over the n attempts.

For the whole quiz, over the n attempts' totals T: mean, median, SD (over n - 1), and Moodle's
k-statistics (m_j = sum((T - mean)^j) / n):
k2 = n m2 / (n - 1), k3 = n² m3 / ((n - 1)(n - 2)), k4 = n² ((n + 1) m4 - 3 (n - 1) m2²) / ((n - 1)(n - 2)(n - 3));
skewness = k3 / k2^(3/2) (n > 2), kurtosis = k4 / k2² (n > 3); with P questions,
Cronbach's alpha (Moodle's coefficient of internal consistency, CIC) = 100 P / (P - 1) (1 - sum Var(x_i) / k2),
error ratio = 100 sqrt(1 - CIC / 100), standard error = error ratio × SD / 100 (n > 2, k2 ≠ 0, P > 1,
as Moodle). Alpha needs every attempt to hold the same questions: when random draws make them
differ it is not computed (Moodle sums its variances per slot, a place in the quiz that a random
draw fills; our attempts have no such slot when the questions are shuffled).

Time: ``Response.answered_at`` is the time of the last change to an answer, in whatever order the
student went, so it gives no honest time per question; the analysis gives each attempt's time
(submitted - started) divided by its questions, averaged over the attempts.

Flags (``Flag``): discriminative efficiency below 15% (Moodle's "dubious"), facility above 0.9 or
below 0.2, negative discrimination index.
"""

import math
import statistics
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Count, F, FloatField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _

from briefings.models import Paragraph

from .models import (
    CHOICE_TYPES,
    AnswerOption,
    Attempt,
    AttemptQuestion,
    Question,
    QuestionType,
    Quiz,
    ResponseChoice,
)

DUBIOUS_EFFICIENCY = 15  # Moodle's threshold, in percent
FACILITY_RANGE = (0.2, 0.9)


class Flag(models.TextChoices):
    DUBIOUS = "dubious", _("Dubious: discriminative efficiency below 15%")
    TOO_EASY = "easy", _("Too easy: facility above 0.9")
    TOO_HARD = "hard", _("Too hard: facility below 0.2")
    NEGATIVE = "negative", _("Negative discrimination: weaker students do better on it")


# What each flag means for an editor, in words (the page and the admin say it).
FLAG_EXPLANATIONS = {
    Flag.DUBIOUS: _(
        "The question separates strong from weak students much less than it could: its discriminative "
        "efficiency is below 15%. Check that the right answer is right and the wording is clear."
    ),
    Flag.TOO_EASY: _("More than 90% of the marks were scored: it tells you little about who has read the article."),
    Flag.TOO_HARD: _("Less than 20% of the marks were scored: the question may be unclear, or the key wrong."),
    Flag.NEGATIVE: _(
        "Students who did worse on the rest of the quiz did better on this question: often a wrong answer key "
        "or a misleading option."
    ),
}


@dataclass(frozen=True)
class OptionCount:
    option: AnswerOption
    is_correct: bool
    picked: int
    share: float | None  # picked / n


@dataclass
class QuestionAnalysis:
    question: Question
    position: int  # the lowest place it had in an attempt (the table's default order)
    n: int
    max_mark: float
    mean: float
    facility: float | None
    sd: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None
    random_guess_score: float | None
    options: list = field(default_factory=list)  # OptionCount, choice types only
    variance: float | None = None  # Var(x), for Cronbach's alpha

    @property
    def flags(self):
        flags = []
        if self.discriminative_efficiency is not None and self.discriminative_efficiency < DUBIOUS_EFFICIENCY:
            flags.append(Flag.DUBIOUS)
        if self.facility is not None and self.facility > FACILITY_RANGE[1]:
            flags.append(Flag.TOO_EASY)
        if self.facility is not None and self.facility < FACILITY_RANGE[0]:
            flags.append(Flag.TOO_HARD)
        if self.discrimination_index is not None and self.discrimination_index < 0:
            flags.append(Flag.NEGATIVE)
        return flags

    def flag_explanations(self):
        return [FLAG_EXPLANATIONS[flag] for flag in self.flags]


@dataclass(frozen=True)
class QuizSummary:
    n: int
    max_score: float | None  # the largest total of marks an attempt offered
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    cic: float | None  # Cronbach's alpha, in percent
    error_ratio: float | None
    standard_error: float | None
    seconds_per_question: float | None
    same_questions: bool  # every attempt held the same questions (alpha is defined)


def _mean(values):
    return sum(values) / len(values)


def _over_n_minus_1(total, n):
    return total / (n - 1) if n > 1 else None


def random_guess_score(question):
    """The mark a random answer is expected to score (Moodle's per type; see the module's docstring)."""
    options = list(question.options.all())
    qtype = question.qtype
    if qtype == QuestionType.TRUE_FALSE:
        return 0.5
    if qtype in (QuestionType.SINGLE, QuestionType.STATEMENT_KIND):
        return 1 / len(options) if options else None
    if qtype == QuestionType.MATCHING:
        choices = {option.match for option in options if option.match}
        return 1 / len(choices) if choices else None
    if qtype == QuestionType.ORDERING:
        count = len(options)
        return 1 - (count + 1) / (3 * count) if count > 1 else None
    if qtype in (QuestionType.SHORT_ANSWER, QuestionType.NUMERIC):
        return 0.0
    return None


def question_statistics(marks, rests, max_mark):
    """Facility, SD, discrimination index and efficiency of one question from its marks x and rests R (paired)."""
    n = len(marks)
    mean_x, mean_r = _mean(marks), _mean(rests)
    dx = [value - mean_x for value in marks]
    dr = [value - mean_r for value in rests]
    var_x = _over_n_minus_1(sum(d * d for d in dx), n)
    var_r = _over_n_minus_1(sum(d * d for d in dr), n)
    cov = _over_n_minus_1(sum(a * b for a, b in zip(dx, dr, strict=True)), n)
    cov_max = _over_n_minus_1(
        sum((a - mean_x) * (b - mean_r) for a, b in zip(sorted(marks), sorted(rests), strict=True)), n
    )
    facility = mean_x / max_mark if max_mark else None
    sd = math.sqrt(var_x) / max_mark if var_x is not None and max_mark else None
    index = 100 * cov / math.sqrt(var_x * var_r) if var_x and var_r else None
    efficiency = 100 * cov / cov_max if cov_max else None
    return {
        "mean": mean_x,
        "variance": var_x,
        "facility": facility,
        "sd": sd,
        "discrimination_index": index,
        "discriminative_efficiency": efficiency,
    }


def summary_statistics(totals, variances):
    """Mean, median, SD, skewness, kurtosis, CIC, error ratio and standard error of the totals (Moodle's).

    ``variances`` are the questions' Var(x) (None when alpha is not defined)."""
    n = len(totals)
    result = dict.fromkeys(("mean", "median", "sd", "skewness", "kurtosis", "cic", "error_ratio", "standard_error"))
    if not n:
        return result
    mean = _mean(totals)
    result["mean"], result["median"] = mean, statistics.median(totals)
    if n < 2:
        return result
    powers = [sum((value - mean) ** power for value in totals) for power in (2, 3, 4)]
    result["sd"] = math.sqrt(powers[0] / (n - 1))
    if n < 3:
        return result
    m2, m3, m4 = (power / n for power in powers)
    k2 = n * m2 / (n - 1)
    k3 = n * n * m3 / ((n - 1) * (n - 2))
    if k2 == 0:
        return result
    result["skewness"] = k3 / k2**1.5
    if n > 3:
        k4 = n * n * ((n + 1) * m4 - 3 * (n - 1) * m2 * m2) / ((n - 1) * (n - 2) * (n - 3))
        result["kurtosis"] = k4 / (k2 * k2)
    if variances is not None and len(variances) > 1 and None not in variances:
        p = len(variances)
        cic = 100 * p / (p - 1) * (1 - sum(variances) / k2)
        result["cic"] = cic
        if cic <= 100:
            result["error_ratio"] = 100 * math.sqrt(1 - cic / 100)
            result["standard_error"] = result["error_ratio"] * result["sd"] / 100
    return result


def first_attempts(attempts):
    """Of ``attempts``, each student's first at each quiz: the one with the lowest number among them."""
    first = attempts.filter(user=OuterRef("user"), quiz=OuterRef("quiz")).order_by("number").values("number")[:1]
    return attempts.filter(number=Subquery(first))


SORT_KEYS = {
    "position": lambda row: row.position,
    "n": lambda row: row.n,
    "facility": lambda row: row.facility,
    "sd": lambda row: row.sd,
    "random_guess_score": lambda row: row.random_guess_score,
    "discrimination_index": lambda row: row.discrimination_index,
    "discriminative_efficiency": lambda row: row.discriminative_efficiency,
    "flags": lambda row: len(row.flags),
}


def analyse(attempts, *, all_attempts=False, citations=False):
    """Item analyses of every quiz in ``attempts``: ``{quiz id: ItemAnalysis}`` over their submitted attempts
    (each student's first at each quiz unless ``all_attempts``). Six queries (seven with ``citations``: the
    questions' cited paragraphs), however many attempts and quizzes; a quiz without a submitted attempt is absent."""
    chosen = Attempt.objects.filter(pk__in=attempts.values("pk")).submitted()
    if not all_attempts:
        chosen = first_attempts(chosen)
    timing = list(chosen.order_by().values_list("pk", "quiz_id", "started_at", "submitted_at"))
    ids = [row[0] for row in timing]
    quiz_of = {row[0]: row[1] for row in timing}
    if not ids:
        return {}
    rows = (
        AttemptQuestion.objects.filter(attempt__in=ids)
        .order_by()
        .annotate(
            x=Coalesce(Cast("responses__fraction", FloatField()), Value(0.0)) * Cast(F("marks"), FloatField()),
            max_mark=Cast(F("marks"), FloatField()),
        )
        .values_list("attempt_id", "question_id", "position", "x", "max_mark")
    )
    totals, maxima, per_question, slots_of = {}, {}, {}, {}
    for attempt_id, question_id, position, x, max_mark in rows:
        totals[attempt_id] = totals.get(attempt_id, 0.0) + x
        maxima[attempt_id] = maxima.get(attempt_id, 0.0) + max_mark
        slots_of.setdefault(attempt_id, set()).add(question_id)
        key = (quiz_of[attempt_id], question_id)
        entry = per_question.get(key)
        if entry is None:
            entry = per_question[key] = {"marks": [], "attempts": [], "max": max_mark, "position": position}
        entry["marks"].append(x)
        entry["attempts"].append(attempt_id)
        if max_mark > entry["max"]:
            entry["max"] = max_mark
        if position < entry["position"]:
            entry["position"] = position
    counts = (
        ResponseChoice.objects.filter(response__slot__attempt__in=ids, response__slot__question__qtype__in=CHOICE_TYPES)
        .order_by()
        .values_list("response__slot__attempt__quiz_id", "response__slot__question_id", "item__option_id")
        .annotate(count=Count("pk"))
    )
    picked = {(quiz_id, question_id, option_id): count for quiz_id, question_id, option_id, count in counts}
    questions = Question.objects.filter(pk__in={question_id for _quiz, question_id in per_question}).prefetch_related(
        Prefetch("options", queryset=AnswerOption.objects.order_by("position", "pk"))
    )
    if citations:
        questions = questions.prefetch_related(
            Prefetch("citations", queryset=Paragraph.objects.select_related("section"))
        )
    questions = {question.pk: question for question in questions}
    by_quiz = {}
    for (quiz_id, question_id), entry in per_question.items():
        question, marks = questions[question_id], entry["marks"]
        rests = [totals[attempt_id] - x for attempt_id, x in zip(entry["attempts"], marks, strict=True)]
        stats = question_statistics(marks, rests, entry["max"])
        n = len(marks)
        options = []
        if question.qtype in CHOICE_TYPES:
            for option in question.options.all():
                count = picked.get((quiz_id, question_id, option.pk), 0)
                options.append(OptionCount(option=option, is_correct=option.is_correct, picked=count, share=count / n))
        by_quiz.setdefault(quiz_id, []).append(
            QuestionAnalysis(
                question=question,
                position=entry["position"],
                n=n,
                max_mark=entry["max"],
                mean=stats["mean"],
                facility=stats["facility"],
                sd=stats["sd"],
                discrimination_index=stats["discrimination_index"],
                discriminative_efficiency=stats["discriminative_efficiency"],
                random_guess_score=random_guess_score(question),
                options=options,
                variance=stats["variance"],
            )
        )
    quizzes = Quiz.objects.in_bulk(set(quiz_of.values()))
    result = {}
    for quiz_id, analysed in by_quiz.items():
        analysed.sort(key=lambda row: (row.position, row.question.pk))
        mine = [row for row in timing if row[1] == quiz_id]
        same = len({frozenset(slots_of.get(row[0], ())) for row in mine}) == 1
        test = summary_statistics(
            [totals.get(row[0], 0.0) for row in mine], [row.variance for row in analysed] if same else None
        )
        durations = [
            (submitted - started).total_seconds() / len(slots_of[pk])
            for pk, _quiz, started, submitted in mine
            if submitted is not None and slots_of.get(pk)
        ]
        summary = QuizSummary(
            n=len(mine),
            max_score=max(maxima.get(row[0], 0.0) for row in mine),
            seconds_per_question=_mean(durations) if durations else None,
            same_questions=same,
            **test,
        )
        result[quiz_id] = ItemAnalysis(
            quiz=quizzes[quiz_id], all_attempts=all_attempts, summary=summary, questions=analysed
        )
    return result


def question_flags(attempts):
    """``{question id: {flag: [quiz titles]}}``: what the analyses of every quiz in ``attempts`` (first
    attempts) flag, for the admin's column and filter; a fixed number of queries."""
    flags = {}
    for analysis in analyse(attempts).values():
        for row in analysis.questions:
            for flag in row.flags:
                flags.setdefault(row.question.pk, {}).setdefault(flag, []).append(analysis.quiz.title)
    return flags


EMPTY_SUMMARY = dict.fromkeys(
    ("max_score", "mean", "median", "sd", "skewness", "kurtosis", "cic", "error_ratio", "standard_error")
)


@dataclass
class ItemAnalysis:
    quiz: object
    all_attempts: bool
    summary: QuizSummary
    questions: list  # QuestionAnalysis, by position

    @classmethod
    def of(cls, quiz, attempts, *, all_attempts=False, citations=False):
        """The analysis of ``quiz`` over the submitted ones of ``attempts`` (first attempts unless
        ``all_attempts``); with no submitted attempt, n = 0 and no question. See ``analyse``."""
        found = analyse(attempts.filter(quiz=quiz), all_attempts=all_attempts, citations=citations).get(quiz.pk)
        if found is not None:
            found.quiz = quiz
            return found
        empty = QuizSummary(n=0, seconds_per_question=None, same_questions=True, **EMPTY_SUMMARY)
        return cls(quiz=quiz, all_attempts=all_attempts, summary=empty, questions=[])

    def sorted_questions(self, key, *, descending=False):
        """The questions by ``key`` (one of ``SORT_KEYS``); a missing value (None) last either way."""
        read = SORT_KEYS[key]
        present = [row for row in self.questions if read(row) is not None]
        missing = [row for row in self.questions if read(row) is None]
        present.sort(key=lambda row: (row.position, row.question.pk))
        present.sort(key=read, reverse=descending)  # stable: ties stay in the quiz's order
        return present + missing

    def flagged(self):
        return [row for row in self.questions if row.flags]


# -- who sees it ------------------------------------------------------------------------------------------


def may_analyse(user):
    """Trainers and editors see item analyses; students and anonymous visitors do not."""
    from sahel_learn.accounts.roles import EDITORS, TRAINERS, role_of

    return role_of(user) in (TRAINERS, EDITORS)


def attempts_analysed_by(user):
    """The attempts ``user``'s item analyses are over: every student's for an editor; for a trainer,
    those of the students in the classes they own or co-train (``Cohort.objects.taught_by``)."""
    from sahel_learn.accounts.roles import EDITORS, role_of

    from .models import Cohort, CohortMembership

    if not may_analyse(user):
        return Attempt.objects.none()
    if role_of(user) == EDITORS:
        return Attempt.objects.all()
    taught = CohortMembership.objects.filter(cohort__in=Cohort.objects.taught_by(user)).values("student")
    return Attempt.objects.filter(user__in=taught)


ATTEMPT_CHOICES = ("first", "all")
