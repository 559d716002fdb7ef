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

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, push_url

from sahel_learn.htmx import render_swappable

from . import actions
from .forms import FlagForm, answer_form
from .grading import CBM_RIGHT, CBM_WRONG, UNIT_PENALTY
from .models import (
    CBM_BEST_RANGE,
    Attempt,
    AttemptState,
    FeedbackMode,
    GradingMethod,
    Navigation,
    QuestionType,
    Quiz,
    ReviewMoment,
    TimeoutAction,
)

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
    standing = quiz.standing(attempts, now)
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
        "is_open": quiz.is_open(now),
        "can_start": request.user.is_authenticated
        and quiz.is_published()
        and quiz.is_open(now)
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


def _slot_view(slot, attempt, now):
    response = slot.current_response()
    result = slot.result(attempt, now)
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
    """A finished attempt: the score, pass or fail and, per question, what the review options show now."""
    now = timezone.now()
    attempt = _my_attempt(request, pk, now)
    if attempt.is_in_progress():
        return redirect("quizzes:attempt-detail", pk=attempt.pk)
    quiz = attempt.quiz
    shows_score = attempt.shows_score(now)
    context = {
        "attempt": attempt,
        "quiz": quiz,
        "slots": [_slot_view(slot, attempt, now) for slot in attempt.slots.all()],
        "summary": attempt.summary(),
        "shows_score": shows_score,
        "percent": attempt.percent if shows_score else None,
        "passed": quiz.passes(attempt.percent) if shows_score else None,
        "calibration": attempt.calibration() if quiz.certainty_based and shows_score else None,
        "abandoned": attempt.state == AttemptState.ABANDONED,
        "visibility": attempt.visibility(now),
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
