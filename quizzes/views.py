"""The student's quiz pages: the quizzes open now, a quiz's rules, taking an attempt, its summary and review.

The rules are the engine's: these views call ``quizzes.actions`` (start, answer, flag, submit) and the
model methods the API's serializers call (``Attempt.visibility``/``shows_score``, ``AttemptQuestion.shows``/
``result``/``can_answer``), so a page shows exactly what the API would. A request the engine refuses (an
``AttemptError``) answers the exception's own ``http_status`` with its message, and nothing is written.
Attempts are the owner's only: anybody else's is a 404. Before an attempt is read, one whose time is
over is closed by its quiz's rule (``finish_overdue_attempts``), as the API does.

Taking an attempt is one question per screen (``?q=<position>``). Its question panel (``#question-panel``)
is what htmx swaps: previous/next and the answer and flag forms ask for it with ``hx-get``/``hx-post`` at
the same address as their ``href``/``action``; without JavaScript the forms post and redirect.
"""

import functools
import uuid
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import InvalidPage
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, push_url

from briefings.models import Briefing, Country, Paragraph, Section
from sahel_learn.accounts.roles import is_trainer
from sahel_learn.htmx import render_swappable

from . import actions
from .analysis import (
    ATTEMPT_CHOICES,
    DUBIOUS_EFFICIENCY,
    FLAG_EXPLANATIONS,
    SORT_KEYS,
    Flag,
    ItemAnalysis,
    attempts_analysed_by,
    may_analyse,
)
from .assignments import assigned_to, status_counts
from .charts import activity_chart, forecast_charts, study_charts
from .cohorts import normalize_join_code
from .forecast import CLASS_LEECH_STUDENTS, ClassForecast, ExamDateError, class_leeches, read_exam_date
from .forms import (
    AssignmentForm,
    CohortForm,
    CoTrainerForm,
    FlagForm,
    GradebookForm,
    JoinCodeForm,
    OverrideForm,
    StudentListForm,
    StudyCardForm,
    StudyRatingForm,
    StudySettingsForm,
    SuspendForm,
    answer_form,
)
from .gradebook import Gradebook, columns_of, gradebook_filename, write_csv
from .grading import CBM_RIGHT, CBM_WRONG, UNIT_PENALTY
from .models import (
    CBM_BEST_RANGE,
    STRUGGLING_LAPSES,
    AnswerShapeError,
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    Attempt,
    AttemptState,
    Cohort,
    CohortTrainer,
    Deck,
    DeckError,
    DeckKind,
    FeedbackMode,
    GradingMethod,
    Navigation,
    ParameterSet,
    Question,
    QuestionType,
    Quiz,
    ReviewLog,
    ReviewMoment,
    ReviewState,
    StudyCard,
    StudyQueue,
    StudyRating,
    StudySettings,
    TimeoutAction,
    Topic,
)
from .scheduling import WORKLOAD_NEW_PER_DAY, as_utc, describe_interval, workload_change
from .serializers import rating_previews
from .stats import StudentReport, StudyStats

PANEL = "question-panel"

# What ``includes/_quiz_rules.html`` compares a quiz's settings with.
RULE_CHOICES = {
    "grading_methods": GradingMethod,
    "navigation": Navigation,
    "feedback_modes": FeedbackMode,
    "timeout_actions": TimeoutAction,
}


def _refused(request, message, status, *, quiz=None, attempt=None):
    """The page (under htmx, the question panel) saying why a request was refused, with its 4xx status."""
    context = {"message": message, "status": status, "quiz": quiz or (attempt.quiz if attempt else None)}
    context["attempt"] = attempt
    return render_swappable(request, "quizzes/attempt_refused.html", PANEL, context, status=status)


def _refusal(request, error, **kwargs):
    attempt = kwargs.pop("attempt", None) or error.attempt
    return _refused(request, error.message, error.http_status, attempt=attempt, **kwargs)


# -- quizzes -------------------------------------------------------------------------------------------


def _my_attempts(user, now):
    """The user's attempts (none for anonymous), those whose time is over closed first by their quiz's rule."""
    mine = Attempt.objects.for_student(user)
    if user.is_authenticated:
        actions.finish_overdue_attempts(attempts=mine, now=now)
    return mine.order_by("number")


@require_safe
def quiz_list(request):
    """Published quizzes open now, each with its questions, time limit, attempts and the student's best grade."""
    now = timezone.now()
    quizzes = (
        Quiz.objects.open_at(now)
        .with_question_counts()
        .order_by("title", "pk")
        .prefetch_related(Prefetch("attempts", queryset=_my_attempts(request.user, now), to_attr="mine"))
    )
    rows = [{"quiz": quiz, "standing": quiz.standing(quiz.mine, now)} for quiz in quizzes]
    return render(request, "quizzes/quiz_list.html", {"rows": rows, "now": now})


@require_safe
def quiz_detail(request, slug):
    """A quiz's description and rules in plain words, the student's attempts, and Start or Continue."""
    now = timezone.now()
    quiz = get_object_or_404(Quiz.objects.visible_to(request.user).with_question_counts(), slug=slug)
    attempts = list(_my_attempts(request.user, now).filter(quiz=quiz))
    rules = quiz.rules_for(request.user)
    standing = quiz.standing(attempts, now, rules)
    past = []
    for attempt in attempts:
        if not attempt.is_in_progress():
            percent = attempt.percent if attempt.shows_score(now) else None
            abandoned = attempt.state == AttemptState.ABANDONED
            past.append(
                {"attempt": attempt, "percent": percent, "passed": quiz.passes(percent), "abandoned": abandoned}
            )
    context = {
        "quiz": quiz,
        "standing": standing,
        "past": past,
        "rules": rules,
        "is_open": rules.is_open(now),
        "can_start": request.user.is_authenticated
        and quiz.is_published()
        and rules.is_open(now)
        and standing.in_progress is None
        and standing.left != 0,
        "review_after": quiz.review_shows(ReviewMoment.IMMEDIATELY),
        "now": now,
        **RULE_CHOICES,
    }
    return render(request, "quizzes/quiz_detail.html", context)


@login_required
@require_POST
def attempt_start(request, slug):
    """Start the student's next attempt (``start_attempt``) and open its first question."""
    quiz = get_object_or_404(Quiz.objects.visible_to(request.user), slug=slug)
    try:
        attempt = actions.start_attempt(quiz=quiz, user=request.user, now=timezone.now())
    except actions.AttemptError as error:
        return _refusal(request, error, quiz=quiz)
    return redirect("quizzes:attempt-detail", pk=attempt.pk)


# -- taking an attempt -----------------------------------------------------------------------------------


@dataclass
class SlotView:
    """One question of an attempt as a page shows it: what the review options allow, in words."""

    slot: object
    response: object
    can_answer: bool
    result: object  # a SlotResult, or None
    given: list  # the student's answer in words (matching: pairs)
    right: list | None  # the right answer in words, when shown
    outcome: str | None  # "right", "partly" or "wrong", when the score is shown

    @property
    def question(self):
        return self.slot.question

    @property
    def qtype(self):
        return self.slot.question.qtype


def _given(slot, response):
    if response is None:
        return []
    qtype = slot.question.qtype
    if qtype in (QuestionType.NUMERIC, QuestionType.SHORT_ANSWER):
        return [response.text]
    shown = {row.pk: row for row in slot.items()}
    matches = {row.pk: row for row in slot.match_choices()}
    chosen = response.chosen()
    if qtype == QuestionType.MATCHING:
        return [
            (shown[choice.item_id].label, matches[choice.match_id].label if choice.match_id else None)
            for choice in chosen
        ]
    return [shown[choice.item_id].label for choice in chosen]


def _right(slot, right):
    if right is None:
        return None
    qtype = slot.question.qtype
    shown = {row.pk: row for row in slot.items()}
    if qtype == QuestionType.NUMERIC:
        return [right]
    if qtype == QuestionType.SHORT_ANSWER:
        return list(right)
    if qtype == QuestionType.MATCHING:
        matches = {row.pk: row for row in slot.match_choices()}
        return [(shown[item].label, matches[match].label if match else None) for item, match in right.items()]
    return [shown[pk].label for pk in right]


def _slot_view(slot, attempt, now, *, reader=None):
    response = slot.current_response()
    result = slot.result(attempt, now, reader=reader)
    outcome = None
    if result is not None and result.fraction is not None:
        outcome = "right" if result.fraction == 1 else "wrong" if result.fraction == 0 else "partly"
    return SlotView(
        slot=slot,
        response=response,
        can_answer=slot.can_answer(attempt, now),
        result=result,
        given=_given(slot, response),
        right=_right(slot, result.right_answer if result is not None else None),
        outcome=outcome,
    )


def _my_attempt(request, pk, now):
    """The user's attempt ``pk`` with everything its pages read (404 for anybody else's), closed first if over."""
    mine = Attempt.objects.for_student(request.user).filter(pk=pk)
    actions.finish_overdue_attempts(attempts=mine, now=now)
    return get_object_or_404(mine.with_questions())


def _readable_attempt(request, pk, now):
    """The attempt ``pk`` if the user may review it (``Attempt.objects.visible_to``: their own, or a finished
    attempt of a student they teach), else 404. Only their own is closed first if over: a trainer's visit
    writes nothing."""
    actions.finish_overdue_attempts(attempts=Attempt.objects.for_student(request.user).filter(pk=pk), now=now)
    readable = Attempt.objects.visible_to(request.user).filter(pk=pk).with_questions().select_related("user")
    return get_object_or_404(readable)


def _slot_at(slots, position):
    found = next((slot for slot in slots if slot.position == position), None)
    if found is None:
        raise actions.QuestionNotInAttempt(
            _("This attempt has no question %(number)s: its questions are 1 to %(total)s.")
            % {"number": position, "total": len(slots)}
        )
    return found


def _default_slot(attempt, slots):
    """Where a student resumes: the first unanswered question (from the current one, going in order)."""
    start = max(attempt.current_position, 1) if attempt.quiz.is_sequential() else 1
    ahead = [slot for slot in slots if slot.position >= start]
    return next((slot for slot in ahead if slot.current_response() is None), ahead[0] if ahead else slots[0])


def _question_url(attempt, slot):
    return f"{reverse('quizzes:attempt-detail', args=[attempt.pk])}?q={slot.position}"


def _closed_because(attempt, slot, now):
    """Why the question cannot be answered now (``AttemptQuestion.can_answer`` said no), in words."""
    if not attempt.is_in_progress():
        return _("This attempt is over: its answers can no longer be changed.")
    if not attempt.can_answer(now):
        return _("Time is up: no more answers can be given. Submit your attempt from the summary.")
    if attempt.quiz.is_sequential() and slot.position < attempt.current_position:
        return _("This quiz goes in order: this question is closed.")
    return _("You have answered this question and seen its feedback: this quiz gives one try per question.")


def _panel_context(attempt, slot, now, *, form=None, error=None):
    slots = list(attempt.slots.all())
    index = slots.index(slot)
    quiz = attempt.quiz
    citations = list(slot.question.citations.all())
    current = _slot_view(slot, attempt, now)
    return {
        "attempt": attempt,
        "quiz": quiz,
        "slots": slots,
        "current": current,
        "closed_because": None if current.can_answer else _closed_because(attempt, slot, now),
        "form": form if form is not None else answer_form(slot, quiz),
        "position": slot.position,
        "total": len(slots),
        "previous": slots[index - 1] if index > 0 and not quiz.is_sequential() else None,
        "next": slots[index + 1] if index + 1 < len(slots) else None,
        "summary": attempt.summary(),
        "seconds_left": attempt.seconds_left(now) if attempt.is_in_progress() else None,
        "paragraph": citations[0] if slot.question.qtype == QuestionType.STATEMENT_KIND and citations else None,
        "error": error,
        "types": QuestionType,
    }


@never_cache
@login_required
@require_safe
@vary_on_headers("HX-Request")
def attempt_detail(request, pk):
    """One question of an attempt in progress (``?q=<position>``; without it, where the student left off)."""
    now = timezone.now()
    attempt = _my_attempt(request, pk, now)
    if not attempt.is_in_progress():
        return redirect("quizzes:attempt-review", pk=attempt.pk)
    slots = list(attempt.slots.all())
    raw = request.GET.get("q")
    if raw is None:
        slot = _default_slot(attempt, slots)
    else:
        try:
            position = int(raw)
        except ValueError:
            message = _("“%(value)s” is not a question number: give a whole number from 1 to %(total)s.") % {
                "value": Truncator(raw).chars(40),
                "total": len(slots),
            }
            return _refused(request, message, 400, attempt=attempt)
        try:
            slot = _slot_at(slots, position)
        except actions.AttemptError as error:
            return _refusal(request, error, attempt=attempt)
    context = _panel_context(attempt, slot, now)
    return render_swappable(request, "quizzes/attempt_detail.html", PANEL, context)


def _after_change(request, attempt, slot, now, *, go_to=None):
    """After an answer or a flag: redirect (no JavaScript) or the panel of where to go next (htmx)."""
    go_to = go_to or slot
    if go_to == "summary":
        url = reverse("quizzes:attempt-summary", args=[attempt.pk])
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    url = _question_url(attempt, go_to)
    if not request.htmx:
        return redirect(url)
    attempt = Attempt.objects.filter(pk=attempt.pk).with_questions().get()
    slot = _slot_at(list(attempt.slots.all()), go_to.position)
    response = render_swappable(request, "quizzes/attempt_detail.html", PANEL, _panel_context(attempt, slot, now))
    return push_url(response, url)


def _refused_here(request, attempt, slot, now, *, form=None, error, status):
    """The question again with the form as sent and why it was refused (the panel, under htmx)."""
    attempt = Attempt.objects.filter(pk=attempt.pk).with_questions().get()
    slot = _slot_at(list(attempt.slots.all()), slot.position)
    context = _panel_context(attempt, slot, now, form=form, error=error)
    return render_swappable(request, "quizzes/attempt_detail.html", PANEL, context, status=status)


@never_cache
@login_required
@require_POST
def attempt_answer(request, pk, position):
    """Save the answer to one question (``save_response``), then the next question (or its feedback)."""
    now = timezone.now()
    attempt = _my_attempt(request, pk, now)
    slots = list(attempt.slots.all())
    try:
        slot = _slot_at(slots, position)
    except actions.AttemptError as error:
        return _refusal(request, error, attempt=attempt)
    form = answer_form(slot, attempt.quiz, data=request.POST)
    if not form.is_valid():
        error = _("Please check your answer.")
        return _refused_here(request, attempt, slot, now, form=form, error=error, status=400)
    try:
        actions.save_response(
            attempt=attempt, slot=slot, answer=form.answer(), certainty=form.chosen_certainty(), now=now
        )
    except actions.AttemptError as error:
        return _refused_here(request, attempt, slot, now, form=form, error=error.message, status=error.http_status)
    if attempt.quiz.is_immediate():
        return _after_change(request, attempt, slot, now)  # its feedback, on the same screen
    actions.move_past(attempt=attempt, slot=slot, now=now)  # "Save and next": in a sequential quiz it closes
    index = slots.index(slot)
    return _after_change(request, attempt, slot, now, go_to=slots[index + 1] if index + 1 < len(slots) else "summary")


@never_cache
@login_required
@require_POST
def attempt_next(request, pk, position):
    """Go on from a question of a sequential quiz (``move_past``): it closes, answered or not."""
    now = timezone.now()
    attempt = _my_attempt(request, pk, now)
    slots = list(attempt.slots.all())
    try:
        slot = _slot_at(slots, position)
        actions.move_past(attempt=attempt, slot=slot, now=now)
    except actions.AttemptError as error:
        return _refusal(request, error, attempt=attempt)
    index = slots.index(slot)
    if index + 1 < len(slots):
        return redirect(_question_url(attempt, slots[index + 1]))
    return redirect("quizzes:attempt-summary", pk=attempt.pk)


@never_cache
@login_required
@require_POST
def attempt_flag(request, pk, position):
    """Flag a question to come back to, or take the flag off (``flag_question``)."""
    now = timezone.now()
    attempt = _my_attempt(request, pk, now)
    try:
        slot = _slot_at(list(attempt.slots.all()), position)
    except actions.AttemptError as error:
        return _refusal(request, error, attempt=attempt)
    form = FlagForm(request.POST)
    if not form.is_valid():
        return _refused_here(request, attempt, slot, now, error=form.errors["flagged"][0], status=400)
    try:
        actions.flag_question(attempt=attempt, slot=slot, flagged=form.cleaned_data["flagged"], now=now)
    except actions.AttemptError as error:
        return _refused_here(request, attempt, slot, now, error=error.message, status=error.http_status)
    return _after_change(request, attempt, slot, now)


@never_cache
@login_required
@require_safe
def attempt_summary(request, pk):
    """Before submitting: which questions are answered, unanswered, flagged, with a link to each; Submit."""
    now = timezone.now()
    attempt = _my_attempt(request, pk, now)
    if not attempt.is_in_progress():
        return redirect("quizzes:attempt-review", pk=attempt.pk)
    slots = [_slot_view(slot, attempt, now) for slot in attempt.slots.all()]
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "slots": slots,
        "summary": attempt.summary(),
        "seconds_left": attempt.seconds_left(now),
        "time_is_up": attempt.time_is_up(now),
    }
    return render(request, "quizzes/attempt_summary.html", context)


@never_cache
@login_required
@require_POST
def attempt_submit(request, pk):
    """Submit the attempt (``submit_attempt``) and show its review."""
    now = timezone.now()
    attempt = _my_attempt(request, pk, now)
    try:
        actions.submit_attempt(attempt=attempt, now=now)
    except actions.AttemptError as error:
        return _refusal(request, error, attempt=attempt)
    return redirect("quizzes:attempt-review", pk=attempt.pk)


@never_cache
@login_required
@require_safe
def attempt_review(request, pk):
    """A finished attempt: the score, pass or fail and, per question, what the review options show now.

    A trainer of the student's class reads it too (``Attempt.objects.visible_to``), read-only and in full:
    the score, the right answers and the feedback, whatever the review options show the student.
    """
    now = timezone.now()
    attempt = _readable_attempt(request, pk, now)
    if attempt.is_in_progress():  # only ever the user's own
        return redirect("quizzes:attempt-detail", pk=attempt.pk)
    quiz = attempt.quiz
    reader = request.user
    shows_score = attempt.shows_score(now, reader=reader)
    reviewing = attempt.user if attempt.user_id != reader.pk else None
    context = {
        "attempt": attempt,
        "quiz": quiz,
        "reviewing": reviewing,
        # The trainer's way back: the student's classes they teach, for its student page and gradebook.
        "reviewing_classes": (
            list(Cohort.objects.taught_by(reader).of_student(reviewing).order_by("name", "pk")) if reviewing else []
        ),
        "slots": [_slot_view(slot, attempt, now, reader=reader) for slot in attempt.slots.all()],
        "summary": attempt.summary(),
        "shows_score": shows_score,
        "percent": attempt.percent if shows_score else None,
        "passed": quiz.passes(attempt.percent) if shows_score else None,
        "calibration": attempt.calibration() if quiz.certainty_based and shows_score else None,
        "abandoned": attempt.state == AttemptState.ABANDONED,
        "visibility": attempt.visibility(now, reader=reader),
        "types": QuestionType,
    }
    return render(request, "quizzes/attempt_review.html", context)


# -- help ------------------------------------------------------------------------------------------------


@require_safe
def scoring_help(request):
    """How answers are scored: the rules of ``quizzes/grading.py`` in words."""
    context = {
        "unit_penalty": int(UNIT_PENALTY * 100),
        "wrong_unit_score": int((1 - UNIT_PENALTY) * 100),
        "cbm": [(level, CBM_RIGHT[level], CBM_WRONG[level], CBM_BEST_RANGE[level]) for level in CBM_RIGHT],
        **RULE_CHOICES,
    }
    return render(request, "quizzes/scoring_help.html", context)


# -- study ------------------------------------------------------------------------------------------------
#
# One card at a time from a deck (``?deck=``, as ``Deck.parse`` reads it). The card panel (``#study-card``)
# is what htmx swaps: answering, showing the answer, rating, undoing and suspending post with ``hx-post`` to
# the same address as the form's ``action``; without JavaScript each posts, and a rating, an undo or a
# suspension redirects to the session. Nothing here schedules: ratings go through ``record_review`` and the
# intervals shown are ``preview_ratings``'s, which are the ones a rating then gives.

STUDY_PANEL = "study-card"


def _study_deck(data):
    """The deck named in ``data`` (GET or POST), or DeckError."""
    return Deck.parse(data.get("deck") or DeckKind.ALL)


def _session_url(deck):
    return f"{reverse('quizzes:study-session')}?{urlencode({'deck': str(deck)})}"


def _study_refused(request, message, status, *, deck=None):
    """The session panel saying why a study request was refused, with its 4xx status; nothing was written."""
    context = {"message": message, "status": status, "deck": deck, "session_url": _session_url(deck or Deck())}
    return render_swappable(request, "quizzes/study_session.html", STUDY_PANEL, context, status=status)


def _rating_choices(state, study_settings, now):
    """The four ratings with the interval each would give, as ``preview_ratings`` computes them (the API's too)."""
    return rating_previews(actions.preview_ratings(state=state, study_settings=study_settings, now=now), now)


def _last_rating(user):
    """The user's last rating (what U undoes), with its card, or None."""
    return ReviewLog.objects.of(user).select_related("question").order_by("-reviewed_at", "-pk").first()


def _session_context(request, deck, now, *, card=None, form=None, check=None, error=None, revealed=False):
    """What the session panel shows: where the student stands today and the card (as asked, or the next)."""
    queue = StudyQueue.of(user=request.user, deck=deck, now=now)
    if card is None and queue.card is not None:
        card = StudyCard(queue.card)
    context = {
        "deck": deck,
        "deck_title": deck.title(),
        "queue": queue,
        "left_today": queue.new_left + queue.learning + queue.review,
        "card": card,
        "form": form if form is not None or card is None else _study_form(card),
        "check": check,
        "error": error,
        "revealed": revealed,
        "types": QuestionType,
        "shown_at": int(now.timestamp() * 1000),
        "last_rating": _last_rating(request.user),
        "session_url": _session_url(deck),
    }
    if card is None:
        context["studied_before"] = ReviewState.objects.of(request.user).filter(reps__gt=0).exists()
    if revealed and card is not None:
        context["ratings"] = _rating_choices(card.state, queue.study_settings, now)
        context["suggested"] = check.suggested_rating() if check is not None else StudyRating.GOOD
        context["request_key"] = uuid.uuid4().hex
        context["given"] = _study_given(card, check) if check is not None else None
        context["right"] = _right(card, card.right_answer())
        context["citations"] = card.citations()
    return context


def _study_form(card, data=None):
    """The card's answer form; its ids name the card, so no two cards swapped in one after the other share one."""
    return answer_form(card, data=data, auto_id=f"card-{card.question.pk}-{card.version}-%s")


def _study_given(card, check):
    """The student's answer in words (matching: pairs), as the attempt review shows it."""
    if card.question.qtype in (QuestionType.NUMERIC, QuestionType.SHORT_ANSWER):
        return [check.typed["text"]]
    if card.question.qtype == QuestionType.MATCHING:
        return [(item.label, match.label if match is not None else None) for item, match in check.pairs]
    return [item.label for item, _match in check.pairs]


def _shown_card(request, form):
    """The card a study form names, as it stands for this user (a new one unsaved), or a StudyError."""
    return actions.card_shown(
        user=request.user,
        question=Question(pk=form.cleaned_data["question"]),
        version=form.cleaned_data["version"],
        now=timezone.now(),
    )


def _first_error(form):
    return next(iter(form.errors.values()))[0]


def _after_study_change(request, deck, now):
    """After a rating, an undo or a suspension: the next card (htmx) or a redirect to the session."""
    if not request.htmx:
        return redirect(_session_url(deck))
    response = render_swappable(
        request, "quizzes/study_session.html", STUDY_PANEL, _session_context(request, deck, now)
    )
    return push_url(response, _session_url(deck))


@never_cache
@login_required
@require_safe
def study_home(request):
    """The decks a student can study, made from the article's structure, and where they stand today."""
    now = timezone.now()
    usable = Question.objects.usable()
    briefing = Briefing.objects.current()
    sections = (
        Section.objects.filter(briefing=briefing)
        .body()
        .annotate(cards=Count("questions", filter=Q(questions__in=usable), distinct=True))
        .filter(cards__gt=0)
        .order_by("number")
        if briefing
        else Section.objects.none()
    )
    topics = {row["topic"]: row["cards"] for row in usable.values("topic").annotate(cards=Count("pk")).order_by()}
    context = {
        "queue": StudyQueue.of(user=request.user, deck=Deck(), now=now),
        "sections": sections,
        "topics": [
            (Deck(DeckKind.TOPIC, topic), label, topics[topic]) for topic, label in Topic.choices if topic in topics
        ],
        "countries": Country.objects.published().order_by("name"),
        "quizzes": Quiz.objects.published().order_by("title", "pk"),
        "leeches": ReviewState.objects.of(request.user).leeches().count(),
        "total": sum(topics.values()),
        "deck_kinds": DeckKind,
    }
    return render(request, "quizzes/study_home.html", context)


@never_cache
@login_required
@require_safe
@vary_on_headers("HX-Request")
def study_session(request):
    """The next card of a deck: its question to answer first (or reveal), and today's counts."""
    try:
        deck = _study_deck(request.GET)
    except DeckError as error:
        return _study_refused(request, str(error), 400)
    context = _session_context(request, deck, timezone.now())
    return render_swappable(request, "quizzes/study_session.html", STUDY_PANEL, context)


@never_cache
@login_required
@require_POST
def study_reveal(request):
    """Check the answer given (or, asked to show it, just reveal): right or wrong, the explanation, the cited
    paragraph and the four ratings with their intervals. Nothing is written."""
    now = timezone.now()
    card_form = StudyCardForm(request.POST)
    try:
        deck = _study_deck(request.POST)
    except DeckError as error:
        return _study_refused(request, str(error), 400)
    if not card_form.is_valid():
        return _study_refused(request, _first_error(card_form), 400, deck=deck)
    try:
        card = _shown_card(request, card_form)
    except actions.StudyError as error:
        return _study_refused(request, error.message, error.http_status, deck=deck)
    check = None
    if "show" not in request.POST:
        form = _study_form(card, data=request.POST)
        if not form.is_valid():
            context = _session_context(request, deck, now, card=card, form=form, error=_first_error(form))
            return render_swappable(request, "quizzes/study_session.html", STUDY_PANEL, context, status=400)
        try:
            check = card.check(form.answer())
        except AnswerShapeError as error:
            context = _session_context(request, deck, now, card=card, form=form, error=error.message)
            return render_swappable(request, "quizzes/study_session.html", STUDY_PANEL, context, status=400)
    context = _session_context(request, deck, now, card=card, check=check, revealed=True)
    return render_swappable(request, "quizzes/study_session.html", STUDY_PANEL, context)


@never_cache
@login_required
@require_POST
def study_rate(request):
    """Rate the card shown (``record_review``: once per request key; a stale card is refused), then the next."""
    now = timezone.now()
    form = StudyRatingForm(request.POST)
    try:
        deck = _study_deck(request.POST)
    except DeckError as error:
        return _study_refused(request, str(error), 400)
    if not form.is_valid():
        return _study_refused(request, _first_error(form), 400, deck=deck)
    question = Question.objects.filter(pk=form.cleaned_data["question"]).first()
    try:
        if question is None:
            raise actions.CardNotStudyable()
        actions.record_review(
            user=request.user,
            question=question,
            rating=form.cleaned_data["rating"],
            now=now,
            version=form.cleaned_data["version"],
            request_key=form.cleaned_data["request_key"],
            duration_ms=form.duration_ms(now),
        )
    except actions.StudyError as error:
        return _study_refused(request, error.message, error.http_status, deck=deck)
    return _after_study_change(request, deck, now)


@never_cache
@login_required
@require_POST
def study_undo(request):
    """Take back the last rating (``undo_review``): its card exactly as before, its review gone."""
    now = timezone.now()
    try:
        deck = _study_deck(request.POST)
    except DeckError as error:
        return _study_refused(request, str(error), 400)
    try:
        actions.undo_review(user=request.user, now=now)
    except actions.StudyError as error:
        return _study_refused(request, error.message, error.http_status, deck=deck)
    return _after_study_change(request, deck, now)


@never_cache
@login_required
@require_POST
def study_suspend(request, pk):
    """Suspend a card (it leaves study) or unsuspend it (a leech keeps its tag), then back where the student was."""
    now = timezone.now()
    form = SuspendForm(request.POST)
    try:
        deck = _study_deck(request.POST)
    except DeckError as error:
        return _study_refused(request, str(error), 400)
    if not form.is_valid():
        return _study_refused(request, _first_error(form), 400, deck=deck)
    question = get_object_or_404(Question.objects.usable(), pk=pk)
    actions.set_suspended(user=request.user, question=question, suspended=form.cleaned_data["suspended"], now=now)
    if form.cleaned_data["back_to"] == "leeches":
        return redirect("quizzes:study-leeches")
    return _after_study_change(request, deck, now)


@never_cache
@login_required
@require_safe
def study_leeches(request):
    """The student's leeches (8 lapses: tagged and suspended), each with its paragraph to read again."""
    leeches = (
        ReviewState.objects.of(request.user)
        .leeches()
        .select_related("question")
        .prefetch_related(Prefetch("question__citations", queryset=Paragraph.objects.select_related("section")))
        .order_by("-lapses", "question_id")
    )
    return render(request, "quizzes/study_leeches.html", {"leeches": leeches})


# -- study settings --------------------------------------------------------------------------------------

# The retentions whose workload the settings page compares (the student's own is added).
WORKLOAD_RETENTIONS = (Decimal("0.80"), Decimal("0.85"), Decimal("0.90"), Decimal("0.95"), Decimal("0.97"))


def _workload(study_settings):
    """Each retention with its reviews compared with 90 % (``scheduling.workload_change``), the student's marked.

    The student's scheduler's parameters: their fit if in use, else FSRS's defaults."""
    parameters = study_settings.scheduler(seed="workload").parameters
    rows = []
    for retention in sorted({*WORKLOAD_RETENTIONS, study_settings.desired_retention}):
        change = round(workload_change(parameters=parameters, desired_retention=retention) * 100)
        rows.append({"retention": retention, "change": abs(change), "more": change > 0, "fewer": change < 0})
        rows[-1]["yours"] = retention == study_settings.desired_retention
    return rows


def _settings_page(request, form, *, status=200, optimize_error=None):
    saved = StudySettings.objects.for_user(request.user)  # not the form's instance: it holds what was typed
    workload = _workload(saved)
    reviews = ReviewLog.objects.of(request.user).count()
    context = {
        "form": form,
        "settings": saved,
        "workload": workload,
        "your_workload": next(row for row in workload if row["yours"]),
        "workload_new_per_day": WORKLOAD_NEW_PER_DAY,
        "reviews": reviews,
        "reviews_needed": actions.MIN_REVIEWS_TO_OPTIMIZE,
        "can_optimize": reviews >= actions.MIN_REVIEWS_TO_OPTIMIZE,
        "last_fit": ParameterSet.objects.of(request.user).order_by("-version").first(),
        "optimize_error": optimize_error,
    }
    return render(request, "quizzes/studysettings_form.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def study_settings(request):
    """The student's study settings: the form (``StudySettingsForm``, the API's check too), saved by
    ``update_study_settings``, then back here (PRG); the workload each retention implies; optimizing."""
    if request.method != "POST":
        return _settings_page(request, StudySettingsForm(instance=StudySettings.objects.for_user(request.user)))
    form = StudySettingsForm(request.POST, instance=StudySettings.objects.for_user(request.user))
    if not form.is_valid():
        return _settings_page(request, form, status=400)
    actions.update_study_settings(user=request.user, data=form.cleaned_data)
    messages.success(request, _("Your study settings are saved."))
    return redirect("quizzes:study-settings")


@never_cache
@login_required
@require_POST
def study_optimize(request):
    """Fit the student's FSRS parameters (``optimize_parameters``), then show the result on the settings page."""
    try:
        fitted = actions.optimize_parameters(user=request.user, now=timezone.now())
    except actions.NotEnoughReviews as error:
        form = StudySettingsForm(instance=StudySettings.objects.for_user(request.user))
        return _settings_page(request, form, status=error.http_status, optimize_error=error.message)
    if fitted.in_use:
        messages.success(request, _("Your parameters are fitted: they predict your reviews better, and are in use."))
    else:
        messages.success(
            request, _("Your parameters are fitted, but FSRS's defaults predict your reviews better: they stay in use.")
        )
    return redirect(reverse("quizzes:study-settings") + "#optimize")


# -- study statistics --------------------------------------------------------------------------------


@never_cache
@login_required
@require_safe
def study_stats(request):
    """The student's own statistics (``quizzes.stats.StudyStats``), each chart a server-drawn SVG with its table."""
    stats = StudyStats.of(user=request.user, now=timezone.now())
    context = {"stats": stats, "charts": study_charts(stats) if stats.has_studied else None}
    return render(request, "quizzes/study_stats.html", context)


@never_cache
@login_required
@require_safe
def reviewstate_detail(request, question_pk):
    """One card's history for the student: its state now and every review; the answer only once reviewed."""
    now = timezone.now()
    question = get_object_or_404(
        Question.objects.usable().prefetch_related(
            "options", Prefetch("citations", queryset=Paragraph.objects.select_related("section")), "sections"
        ),
        pk=question_pk,
    )
    state = ReviewState.objects.of(request.user).filter(question=question).first()
    logs = list(state.logs.order_by("reviewed_at", "pk")) if state else []
    retrievability = None
    if state and not state.is_new():
        scheduler = StudySettings.objects.for_user(request.user).scheduler(seed="stats")
        retrievability = scheduler.get_card_retrievability(state.to_card(), as_utc(now))
    context = {
        "question": question,
        "state": state if state and not state.is_new() else None,
        "suspended": bool(state and state.suspended),
        "retrievability": retrievability,
        "now": now,
        "reviews": [ReviewRow(log) for log in logs],
        "shows_answer": bool(logs),
        "study_url": _study_url_for(question),
        "types": QuestionType,
    }
    return render(request, "quizzes/reviewstate_detail.html", context)


def _study_url_for(question):
    """Where to study a card: a session of its (first) section's deck, else the study page."""
    section = next(iter(question.sections.all()), None)
    if section is None:
        return reverse("quizzes:study-home")
    return _session_url(Deck(DeckKind.SECTION, section.slug))


@dataclass
class ReviewRow:
    """One review as the card's history shows it: the log row and the interval it gave."""

    log: object

    @property
    def interval(self):
        return describe_interval(self.log.after_due - self.log.reviewed_at)

    @property
    def seconds(self):
        return f"{self.log.duration_ms / 1000:.1f}" if self.log.duration_ms is not None else None


# -- classes -------------------------------------------------------------------------------------------
#
# The trainer's pages need the trainer role (``is_trainer``: anybody else, editors included, gets a
# 403) and reach only the trainer's own or co-trained classes (``Cohort.objects.taught_by``:
# another's class is a 404). A refused request (a ``CohortError``) answers its own status with its
# message, and nothing is changed. The one-time passwords are shown once, on the sheet the POST that made
# them redirects to (never cached); the accounts keep them only hashed.


def trainer_required(view):
    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_trainer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked


def _taught_cohort(request, pk):
    return get_object_or_404(Cohort.objects.taught_by(request.user), pk=pk)


@never_cache
@trainer_required
@require_safe
def cohort_list(request):
    """The trainer's classes (owned or co-trained), each with its students count and code."""
    cohorts = Cohort.objects.taught_by(request.user).with_student_counts().order_by("name", "pk")
    return render(request, "quizzes/cohort_list.html", {"cohorts": cohorts})


@never_cache
@trainer_required
@require_http_methods(["GET", "POST"])
def cohort_create(request):
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cohort = actions.create_cohort(created_by=request.user, **form.cleaned_data)
        messages.success(
            request, _("The class “%(name)s” is ready: give your students its code.") % {"name": cohort.name}
        )
        return redirect(cohort)
    return render(request, "quizzes/cohort_form.html", {"form": form}, status=400 if form.errors else 200)


def _cohort_page(request, cohort, *, co_trainer_form=None, error=None, status=200):
    memberships = cohort.memberships.select_related("student").order_by("student__first_name", "student__username")
    trainer_links = cohort.trainer_links.select_related("trainer").order_by("-is_owner", "added_at", "pk")
    trainer_links = list(trainer_links)
    context = {
        "cohort": cohort,
        "memberships": memberships,
        "trainer_links": trainer_links,
        "is_owner": any(link.is_owner and link.trainer_id == request.user.pk for link in trainer_links),
        "join_url": request.build_absolute_uri(cohort.join_path()),
        "co_trainer_form": co_trainer_form or CoTrainerForm(),
        "error": error,
        **cohort_assignments(cohort, timezone.now()),
    }
    return render(request, "quizzes/cohort_detail.html", context, status=status)


@never_cache
@trainer_required
@require_safe
def cohort_detail(request, pk):
    """A class: its code and join link, its students (remove, reset a password), its trainers."""
    return _cohort_page(request, _taught_cohort(request, pk))


@never_cache
@trainer_required
@require_POST
def cohort_regenerate_code(request, pk):
    cohort = actions.regenerate_join_code(cohort=_taught_cohort(request, pk))
    messages.success(
        request,
        _("The class has a new code, %(code)s: the old code and link no longer work.") % {"code": cohort.join_code},
    )
    return redirect(cohort)


@never_cache
@trainer_required
@require_POST
def cohort_joining(request, pk):
    """Open (``joining_open=1``) or close (``0``) joining."""
    cohort = _taught_cohort(request, pk)
    value = request.POST.get("joining_open")
    if value not in ("0", "1"):
        return _cohort_page(request, cohort, error=_("Say whether joining is open (1) or closed (0)."), status=400)
    actions.set_joining_open(cohort=cohort, joining_open=value == "1")
    if cohort.joining_open:
        messages.success(request, _("Joining is open: students can join with the code or the link."))
    else:
        messages.success(request, _("Joining is closed: the code and the link no longer let anybody in."))
    return redirect(cohort)


def _student_of(cohort, student_pk):
    return get_object_or_404(cohort.students.all(), pk=student_pk)


@never_cache
@trainer_required
@require_POST
def cohort_remove_student(request, pk, student_pk):
    cohort = _taught_cohort(request, pk)
    student = _student_of(cohort, student_pk)
    actions.remove_student(cohort=cohort, student=student)
    messages.success(request, _("%(name)s is no longer in this class.") % {"name": student.get_full_name() or student})
    return redirect(cohort)


# The passwords just made wait in the session for the sheet that shows them, which takes them out:
# a reload of the sheet shows them no more, and never makes the accounts a second time.
SHEET_KEY = "cohort_password_sheet"


def _to_password_sheet(request, cohort, issued):
    rows = [[row.student.pk, row.password] for row in issued]
    request.session[SHEET_KEY] = {"cohort": cohort.pk, "rows": rows}
    return redirect("quizzes:cohort-password-sheet", pk=cohort.pk)


@never_cache
@trainer_required
@require_safe
def cohort_password_sheet(request, pk):
    """The one-time passwords just made for students of the class, once; printable."""
    cohort = _taught_cohort(request, pk)
    sheet = request.session.get(SHEET_KEY)
    issued = []
    if sheet and sheet.get("cohort") == cohort.pk:
        del request.session[SHEET_KEY]
        students = cohort.students.in_bulk([student_pk for student_pk, _password in sheet["rows"]])
        issued = [
            actions.IssuedPassword(student=students[student_pk], password=password)
            for student_pk, password in sheet["rows"]
            if student_pk in students
        ]
    context = {"cohort": cohort, "issued": issued, "login_url": request.build_absolute_uri(reverse("login"))}
    return render(request, "quizzes/cohort_password_sheet.html", context)


@never_cache
@trainer_required
@require_POST
def cohort_reset_password(request, pk, student_pk):
    """A new one-time password for a student: the sheet with it, shown once."""
    cohort = _taught_cohort(request, pk)
    try:
        issued = actions.reset_student_password(cohort=cohort, student=_student_of(cohort, student_pk), by=request.user)
    except actions.CohortError as error:
        return _cohort_page(request, cohort, error=error.message, status=error.http_status)
    return _to_password_sheet(request, cohort, [issued])


@never_cache
@trainer_required
@require_POST
def cohort_add_trainer(request, pk):
    cohort = _taught_cohort(request, pk)
    form = CoTrainerForm(request.POST)
    if not form.is_valid():
        return _cohort_page(request, cohort, co_trainer_form=form, status=400)
    try:
        link = actions.add_co_trainer(cohort=cohort, username=form.cleaned_data["username"], by=request.user)
    except actions.CohortError as error:
        form.add_error("username", error.message)
        return _cohort_page(request, cohort, co_trainer_form=form, status=error.http_status)
    messages.success(request, _("%(name)s now teaches this class with you.") % {"name": link.trainer.get_username()})
    return redirect(cohort)


@sensitive_post_parameters()
@never_cache
@trainer_required
@require_http_methods(["GET", "POST"])
def cohort_add_students(request, pk):
    """Accounts for a list of names, in the class: the answer is their one-time password sheet, shown once."""
    cohort = _taught_cohort(request, pk)
    form = StudentListForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = actions.create_students_in_bulk(
                cohort=cohort, names=form.cleaned_data["parsed_names"], by=request.user
            )
        except actions.CohortError as error:
            form.add_error(None, error.message)
            context = {"cohort": cohort, "form": form}
            return render(request, "quizzes/cohort_students_form.html", context, status=error.http_status)
        return _to_password_sheet(request, cohort, issued)
    context = {"cohort": cohort, "form": form}
    return render(request, "quizzes/cohort_students_form.html", context, status=400 if form.errors else 200)


# -- a student's classes


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def cohort_join(request):
    """Join a class by its code."""
    form = JoinCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                cohort = actions.join_cohort(code=form.cleaned_data["code"], student=request.user)
            except actions.CohortError as error:
                form.add_error("code", error.message)
                status = error.http_status
            else:
                messages.success(request, _("You have joined the class “%(name)s”.") % {"name": cohort.name})
                return redirect("quizzes:cohort-mine")
        else:
            status = 400
    return render(request, "quizzes/cohort_join.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def cohort_join_link(request, code):
    """A class's join link: which class it is, then a button to join (signed in) or to sign in or up first."""
    cohort = Cohort.objects.filter(join_code=normalize_join_code(code)).first()
    error, status = None, 200
    if cohort is None:
        error, status = actions.UnknownJoinCode(), 404
    elif not cohort.joining_open:
        error, status = actions.JoiningClosed(), 403
    elif request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            actions.join_cohort(code=cohort.join_code, student=request.user)
        except actions.CohortError as refused:
            error, status = refused, refused.http_status
        else:
            messages.success(request, _("You have joined the class “%(name)s”.") % {"name": cohort.name})
            return redirect("quizzes:cohort-mine")
    context = {
        "cohort": cohort if error is None or status != 404 else None,
        "code": normalize_join_code(code)[:20],
        "error": error,
    }
    return render(request, "quizzes/cohort_join_link.html", context, status=status)


@never_cache
@login_required
@require_safe
def cohort_mine(request):
    """The classes the student is in, each with its trainers, and Leave."""
    cohorts = (
        Cohort.objects.of_student(request.user)
        .prefetch_related(
            Prefetch(
                "trainer_links",
                queryset=CohortTrainer.objects.select_related("trainer").order_by("-is_owner", "added_at", "pk"),
            )
        )
        .order_by("name", "pk")
    )
    return render(request, "quizzes/cohort_mine.html", {"cohorts": cohorts})


@never_cache
@login_required
@require_POST
def cohort_leave(request, pk):
    cohort = get_object_or_404(Cohort.objects.of_student(request.user), pk=pk)
    actions.leave_cohort(cohort=cohort, student=request.user)
    messages.success(request, _("You have left the class “%(name)s”.") % {"name": cohort.name})
    return redirect("quizzes:cohort-mine")


# -- item analysis


ANALYSIS_COLUMNS = (
    ("position", _lazy("Question")),
    ("n", _lazy("Attempts")),
    ("facility", _lazy("Facility")),
    ("sd", _lazy("SD")),
    ("random_guess_score", _lazy("Random guess score")),
    ("discrimination_index", _lazy("Discrimination index")),
    ("discriminative_efficiency", _lazy("Discriminative efficiency")),
    ("flags", _lazy("Flags")),
)


def _sort_links(sort, descending, which):
    """Each column's header with the link that sorts by it (ascending, or descending if it is sorted so already)."""
    links = []
    for key, label in ANALYSIS_COLUMNS:
        current = key == sort
        query = {"sort": f"-{key}" if current and not descending else key}
        if which == "all":
            query["attempts"] = "all"
        order = ("descending" if descending else "ascending") if current else None
        links.append({"key": key, "label": label, "url": "?" + urlencode(query), "aria_sort": order})
    return links


@never_cache
@login_required
@require_safe
def quiz_analysis(request, slug):
    """Trainers and editors: a quiz's item analysis (Moodle's statistics), its questions sortable by column."""
    if not may_analyse(request.user):
        raise PermissionDenied
    quiz = get_object_or_404(Quiz.objects.visible_to(request.user), slug=slug)
    which = request.GET.get("attempts", "first")
    sort = request.GET.get("sort", "position")
    descending = sort.startswith("-")
    sort = sort.removeprefix("-")
    if which not in ATTEMPT_CHOICES or sort not in SORT_KEYS:
        error = _("Sort by one of the table's columns, and analyse first attempts or all attempts.")
        return render(request, "quizzes/quiz_analysis.html", {"quiz": quiz, "error": error}, status=400)
    analysis = ItemAnalysis.of(quiz, attempts_analysed_by(request.user), all_attempts=which == "all", citations=True)
    context = {
        "quiz": quiz,
        "analysis": analysis,
        "summary": analysis.summary,
        "rows": analysis.sorted_questions(sort, descending=descending),
        "columns": _sort_links(sort, descending, which),
        "which": which,
        "sort": sort,
        "flags": [(flag, FLAG_EXPLANATIONS[flag]) for flag in Flag],
        "dubious": DUBIOUS_EFFICIENCY,
    }
    return render(request, "quizzes/quiz_analysis.html", context)


# -- class reports
#
# The class forecast (``quizzes.forecast``) and one student's page, for the class's trainers only (as
# the class pages: others 403, another trainer's class or a student not in it 404).


@never_cache
@trainer_required
@require_safe
def cohort_forecast(request, pk):
    """The class's predicted recall on an exam date (``?date=YYYY-MM-DD``, two weeks ahead by default), its
    students most at risk, and the cards many of them keep failing."""
    cohort = _taught_cohort(request, pk)
    now = timezone.now()
    today = timezone.localdate(now)
    raw = request.GET.get("date", "")
    context = {"cohort": cohort, "date_value": raw, "min_date": today.isoformat()}
    try:
        exam_date = read_exam_date(raw, today=today)
    except ExamDateError as error:
        return render(request, "quizzes/cohort_forecast.html", {**context, "error": str(error)}, status=400)
    forecast = ClassForecast.of(cohort, exam_date, now)
    context |= {
        "date_value": exam_date.isoformat(),
        "forecast": forecast,
        "charts": forecast_charts(forecast),
        "leeches": class_leeches(cohort.students.all()),
        "leech_students": CLASS_LEECH_STUDENTS,
        "struggling_lapses": STRUGGLING_LAPSES,
    }
    return render(request, "quizzes/cohort_forecast.html", context)


@never_cache
@trainer_required
@require_safe
def cohort_student_detail(request, pk, student_pk):
    """One student of the class: their attempts and scores, study activity, true retention by topic, leeches."""
    cohort = _taught_cohort(request, pk)
    student = _student_of(cohort, student_pk)
    report = StudentReport.of(student=student, now=timezone.now())
    context = {"cohort": cohort, "student": student, "report": report, "activity": activity_chart(report.activity)}
    return render(request, "quizzes/cohort_student_detail.html", context)


# -- the class gradebook
#
# Students × assignments (``quizzes.gradebook``), for the class's trainers only, as the class pages.
# The GET form (``GradebookForm``: sort, direction, status, name search) swaps the table under htmx; a
# value it does not offer is a 400 with its message where the table would be. The export is the same
# table, every student, as CSV.


def _gradebook_query(request, cohort):
    """(the form, its ``Gradebook.of`` options with the class's assignments, or None when the query is invalid)."""
    assignments = columns_of(cohort)
    form = GradebookForm(request.GET, assignments=assignments)
    return form, ({**form.options(), "assignments": assignments} if form.is_valid() else None)


@never_cache
@trainer_required
@require_safe
@vary_on_headers("HX-Request")
def cohort_gradebook(request, pk):
    """The class's gradebook: a page of 100 students × its assignments (score, status, late, attempts), each quiz
    cell linking to the attempt's review; sorted, filtered and searched with the form."""
    cohort = _taught_cohort(request, pk)
    form, options = _gradebook_query(request, cohort)
    context = {"cohort": cohort, "form": form, "statuses": AssignmentStatus, "kinds": AssignmentKind}
    if options is None:
        return render_swappable(request, "quizzes/cohort_gradebook.html", "gradebook", context, status=400)
    try:
        gradebook = Gradebook.of(cohort, timezone.now(), page=form.cleaned_data["page"] or 1, **options)
    except InvalidPage:
        raise Http404(_("There is no such page of students.")) from None
    query = {key: value for key, value in request.GET.items() if key != "page" and value}
    context |= {"gradebook": gradebook, "query": urlencode(query)}
    return render_swappable(request, "quizzes/cohort_gradebook.html", "gradebook", context)


@never_cache
@trainer_required
@require_safe
def cohort_gradebook_csv(request, pk):
    """The gradebook as a CSV file: every student (no pages), with the page's sort and filter."""
    cohort = _taught_cohort(request, pk)
    form, options = _gradebook_query(request, cohort)
    if options is None:
        context = {"cohort": cohort, "form": form, "statuses": AssignmentStatus, "kinds": AssignmentKind}
        return render(request, "quizzes/cohort_gradebook.html", context, status=400)
    gradebook = Gradebook.of(cohort, timezone.now(), **options)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{gradebook_filename(cohort)}"'
    write_csv(gradebook, response)
    return response


# -- assignments ---------------------------------------------------------------------------------------
#
# The trainer's pages are the class pages' (``trainer_required``; another trainer's class or
# assignment is a 404). The rules are ``actions.assign``/``update_assignment``/``grant_override``'s: a
# refused value comes back as the form's error at its field, with the status 400. A student sees only
# the assignments set to them (``Assignment.objects.for_student``), each with its link straight into
# the quiz, the sections' cards or the study deck.


def _taught_assignment(request, pk):
    taught = Assignment.objects.of_cohorts(Cohort.objects.taught_by(request.user)).select_related("cohort", "quiz")
    return get_object_or_404(taught, pk=pk)


def _assignment_form_page(request, *, cohort, kind, form, assignment=None, error=None, status=200):
    context = {"cohort": cohort, "kind": kind, "kinds": AssignmentKind, "form": form, "assignment": assignment}
    context["error"] = error
    return render(request, "quizzes/assignment_form.html", context, status=status)


def _saved(request, form, save):
    """Run ``save(values)``; an AssignmentError goes to the form at its field. The result, or None if refused."""
    values = form.action_values()
    try:
        return save(values)
    except actions.AssignmentError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


@never_cache
@trainer_required
@require_http_methods(["GET", "POST"])
def assignment_create(request, pk):
    """Set a quiz, a reading or a study goal (``?kind=``) to one of the trainer's classes."""
    cohort = _taught_cohort(request, pk)
    kind = request.GET.get("kind", AssignmentKind.QUIZ)
    if kind not in AssignmentKind.values:
        form = AssignmentForm(kind=AssignmentKind.QUIZ, cohort=cohort)
        error = _("Choose a quiz, a reading or a study goal.")
        return _assignment_form_page(
            request, cohort=cohort, kind=AssignmentKind.QUIZ, form=form, error=error, status=400
        )
    form = AssignmentForm(request.POST or None, kind=kind, cohort=cohort)
    if request.method == "POST" and form.is_valid():

        def save(values):
            return actions.assign(cohort=cohort, kind=kind, created_by=request.user, **values)

        assignment = _saved(request, form, save)
        if assignment is not None:
            messages.success(request, _("“%(title)s” is assigned.") % {"title": assignment.title})
            return redirect(assignment)
    status = 400 if form.errors else 200
    return _assignment_form_page(request, cohort=cohort, kind=kind, form=form, status=status)


def _updater(assignment):
    return lambda values: actions.update_assignment(assignment=assignment, **values)


@never_cache
@trainer_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request, pk):
    assignment = _taught_assignment(request, pk)
    initial = {
        "title": assignment.title,
        "instructions": assignment.instructions,
        "opens_at": assignment.opens_at,
        "due_at": assignment.due_at,
        "quiz": assignment.quiz,
        "attempts_allowed": assignment.attempts_allowed,
        "time_limit": int(assignment.time_limit.total_seconds() // 60) if assignment.time_limit else None,
        "sections": list(assignment.sections.all()),
        "deck": assignment.deck,
        "target_recall": int(assignment.target_recall * 100) if assignment.target_recall is not None else None,
        "students": [target.student for target in assignment.targets.select_related("student")],
    }
    form = AssignmentForm(request.POST or None, initial=initial, kind=assignment.kind, cohort=assignment.cohort)
    if request.method == "POST" and form.is_valid() and _saved(request, form, _updater(assignment)):
        messages.success(request, _("“%(title)s” is changed.") % {"title": assignment.title})
        return redirect(assignment)
    status = 400 if form.errors else 200
    return _assignment_form_page(
        request, cohort=assignment.cohort, kind=assignment.kind, form=form, assignment=assignment, status=status
    )


@never_cache
@trainer_required
@require_POST
def assignment_delete(request, pk):
    assignment = _taught_assignment(request, pk)
    cohort = assignment.cohort
    actions.delete_assignment(assignment=assignment)
    messages.success(request, _("“%(title)s” is no longer assigned.") % {"title": assignment.title})
    return redirect(cohort)


def _assignment_page(request, assignment, *, override_form=None, override_for=None, status=200):
    now = timezone.now()
    rows = assignment.statuses(now)
    context = {
        "assignment": assignment,
        "cohort": assignment.cohort,
        "rows": rows,
        "counts": status_counts(rows),
        "statuses": AssignmentStatus,
        "kinds": AssignmentKind,
        "sections": list(assignment.sections.order_by("number")) if assignment.kind == AssignmentKind.READING else [],
        "deck_title": assignment.deck_value().title() if assignment.kind == AssignmentKind.STUDY_GOAL else None,
        "override_form": override_form,
        "override_for": override_for,
        "now": now,
    }
    return render(request, "quizzes/assignment_detail.html", context, status=status)


@never_cache
@trainer_required
@require_safe
def assignment_detail(request, pk):
    """An assignment: each student's status (done, late, missing, not yet due), extensions, and a form for one."""
    return _assignment_page(request, _taught_assignment(request, pk))


@never_cache
@trainer_required
@require_POST
def assignment_override(request, pk, student_pk):
    """Give one student an extension (``grant_override``)."""
    assignment = _taught_assignment(request, pk)
    student = get_object_or_404(assignment.students(), pk=student_pk)
    form = OverrideForm(request.POST)
    if form.is_valid():

        def save(values):
            return actions.grant_override(assignment=assignment, student=student, granted_by=request.user, **values)

        if _saved(request, form, save) is not None:
            name = student.get_full_name() or student.get_username()
            messages.success(request, _("%(name)s has an extension.") % {"name": name})
            return redirect(assignment)
    return _assignment_page(request, assignment, override_form=form, override_for=student.pk, status=400)


def cohort_assignments(cohort, now):
    """The class page's assignments, each with its students' counts by status (``Assignment.statuses``)."""
    assigned = cohort.assignments.select_related("quiz").order_by("due_at", "pk")
    rows = [{"assignment": one, "counts": status_counts(one.statuses(now))} for one in assigned]
    return {"assignments": rows, "statuses": AssignmentStatus}


@never_cache
@login_required
@require_safe
def assignment_mine(request):
    """The assignments set to the signed-in student: due when, their status, a link straight into each."""
    now = timezone.now()
    return render(
        request,
        "quizzes/assignment_mine.html",
        {"rows": assigned_to(request.user, now), "statuses": AssignmentStatus, "kinds": AssignmentKind},
    )
