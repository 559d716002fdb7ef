"""Attempts: starting, answering, flagging and submitting, every limit, time-outs and concurrency."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes import actions
from quizzes.models import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    FeedbackMode,
    Navigation,
    QuestionStatus,
    QuestionType,
    QuizStatus,
    Response,
    ResponseChoice,
    TimeoutAction,
    Topic,
)
from tests import factories

from .attempt_helpers import right_answer, slots_of, wrong_choice

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)


def _single(**kwargs):
    question = factories.QuestionFactory(**kwargs)
    factories.AnswerOptionFactory(question=question, text="Right", is_correct=True, position=1)
    factories.AnswerOptionFactory(question=question, text="Wrong", position=2, feedback="No.")
    return question


def _start(quiz=None, user=None, now=NOW, **kwargs):
    quiz = quiz or factories.quiz_with([_single(), _single()], **kwargs)
    return actions.start_attempt(quiz=quiz, user=user or factories.student(), now=now)


def _counts():
    return (
        Attempt.objects.count(),
        AttemptQuestion.objects.count(),
        Response.objects.count(),
        ResponseChoice.objects.count(),
    )


# -- start_attempt -------------------------------------------------------------------------------


def test_start_draws_the_fixed_list_in_order_with_marks_and_a_deadline():
    first, second = _single(), _single()
    quiz = factories.quiz_with([first, second], time_limit=datetime.timedelta(minutes=20))
    quiz.quiz_questions.filter(question=second).update(marks=Decimal("2.5"))
    user = factories.student()

    attempt = actions.start_attempt(quiz=quiz, user=user, now=NOW)

    assert (attempt.number, attempt.state, attempt.started_at, attempt.deadline) == (
        1,
        AttemptState.IN_PROGRESS,
        NOW,
        NOW + 20 * MINUTE,
    )
    assert attempt.max_score == Decimal("3.5")
    assert [(s.question, s.position, s.marks) for s in slots_of(attempt)] == [
        (first, 1, Decimal("1.00")),
        (second, 2, Decimal("2.50")),
    ]


def test_the_deadline_is_the_closing_time_when_it_comes_first():
    quiz = factories.quiz_with([_single()], time_limit=datetime.timedelta(hours=1), closes_at=NOW + 10 * MINUTE)

    assert _start(quiz).deadline == NOW + 10 * MINUTE


def test_numbers_follow_each_other_per_student_and_quiz():
    quiz = factories.quiz_with([_single()])
    user = factories.student()
    first = actions.start_attempt(quiz=quiz, user=user, now=NOW)
    actions.submit_attempt(attempt=first, now=NOW)

    second = actions.start_attempt(quiz=quiz, user=user, now=NOW + MINUTE)
    other = actions.start_attempt(quiz=quiz, user=factories.student(), now=NOW)

    assert (first.number, second.number, other.number) == (1, 2, 1)


def test_only_usable_questions_are_drawn():
    published, draft, flagged = _single(), _single(status=QuestionStatus.DRAFT), _single()
    flagged.status = QuestionStatus.NEEDS_REVIEW
    flagged.save()
    quiz = factories.quiz_with([published, draft, flagged])

    assert [slot.question for slot in slots_of(_start(quiz))] == [published]


def test_rules_draw_their_count_from_their_topic_and_section_without_repeating_the_fixed_list():
    section = factories.SectionFactory()
    fixed = _single(topic=Topic.TIMELINE, sections=[section])
    timeline = [_single(topic=Topic.TIMELINE, sections=[section]) for _ in range(3)]
    _single(topic=Topic.TIMELINE)  # another section
    _single(topic=Topic.LEADERS, sections=[section])  # another topic
    quiz = factories.quiz_with([fixed])
    factories.QuizRuleFactory(quiz=quiz, count=2, topic=Topic.TIMELINE, section=section, marks=3)

    slots = slots_of(_start(quiz))

    assert slots[0].question == fixed
    drawn = [slot.question for slot in slots[1:]]
    assert len(drawn) == 2
    assert set(drawn) < set(timeline)
    assert [slot.marks for slot in slots] == [Decimal(1), Decimal(3), Decimal(3)]


def test_a_rule_with_fewer_questions_than_its_count_draws_them_all():
    questions = [_single(topic=Topic.FIGURES) for _ in range(2)]
    quiz = factories.QuizFactory()
    factories.QuizRuleFactory(quiz=quiz, count=5, topic=Topic.FIGURES)

    assert {slot.question for slot in slots_of(_start(quiz))} == set(questions)


def test_a_rule_can_draw_one_type_only():
    kinds = factories.question_of_each_type()
    quiz = factories.QuizFactory()
    factories.QuizRuleFactory(quiz=quiz, count=10, qtype=QuestionType.STATEMENT_KIND)

    assert [slot.question for slot in slots_of(_start(quiz))] == [kinds["statement_kind"]]


def test_shuffled_questions_are_each_drawn_once():
    questions = [_single() for _ in range(6)]
    quiz = factories.quiz_with(questions, shuffle_questions=True)

    slots = slots_of(_start(quiz))

    assert sorted(slot.question.pk for slot in slots) == sorted(q.pk for q in questions)
    assert [slot.position for slot in slots] == [1, 2, 3, 4, 5, 6]


def test_options_keep_their_order_unless_shuffled_and_typed_answers_show_none():
    kinds = factories.question_of_each_type()
    quiz = factories.quiz_with(list(kinds.values()))

    shown = {
        slot.question.qtype: [(row.column, row.option.position) for row in slot.shown_options.all()]
        for slot in slots_of(_start(quiz))
    }

    assert shown["single"] == [("item", 1), ("item", 2)]
    assert shown["statement_kind"] == [("item", 1), ("item", 2), ("item", 3)]
    assert shown["numeric"] == []
    assert shown["short_answer"] == []


def test_ordering_items_are_never_shown_in_the_right_order():
    kinds = factories.question_of_each_type()
    quiz = factories.quiz_with([kinds["ordering"]], shuffle_options=False)

    for _ in range(12):
        (slot,) = slots_of(_start(quiz))
        positions = [row.option.position for row in slot.shown_options.all()]
        assert sorted(positions) == [1, 2, 3]
        assert positions != [1, 2, 3]
        # The ids the student answers with follow the order shown, not the right order.
        assert [row.pk for row in slot.shown_options.all()] == sorted(row.pk for row in slot.shown_options.all())


def test_matching_shows_the_items_and_each_answer_once_in_alphabetical_order():
    kinds = factories.question_of_each_type()
    quiz = factories.quiz_with([kinds["matching"]])

    (slot,) = slots_of(_start(quiz))

    assert [row.label for row in slot.items()] == ["Assimi Goïta", "Ibrahim Traoré"]
    assert [row.label for row in slot.match_choices()] == ["Burkina Faso", "Chad", "Mali"]


def test_shuffled_options_are_a_permutation_and_the_same_on_every_read():
    question = factories.QuestionFactory(qtype=QuestionType.MULTIPLE)
    for position in range(1, 7):
        factories.AnswerOptionFactory(question=question, position=position, is_correct=position == 1)
    attempt = _start(factories.quiz_with([question], shuffle_options=True))

    first = [row.option_id for row in slots_of(attempt)[0].shown_options.all()]
    again = [row.option_id for row in slots_of(attempt)[0].shown_options.all()]

    assert sorted(first) == sorted(question.options.values_list("pk", flat=True))
    assert first == again


def test_start_takes_a_fixed_number_of_queries():
    def count(n):
        quiz = factories.quiz_with([_single() for _ in range(n)])
        user = factories.student()
        with CaptureQueriesContext(connection) as queries:
            actions.start_attempt(quiz=quiz, user=user, now=NOW)
        return len(queries)

    assert count(1) == count(8)


@pytest.mark.parametrize(
    ("quiz_kwargs", "error"),
    [
        ({"status": QuizStatus.DRAFT}, actions.QuizUnavailable),
        ({"opens_at": NOW + MINUTE}, actions.QuizNotOpen),
        ({"closes_at": NOW}, actions.QuizNotOpen),
    ],
)
def test_start_refuses_a_quiz_that_is_not_available(quiz_kwargs, error):
    quiz = factories.quiz_with([_single()], **quiz_kwargs)

    with pytest.raises(error) as raised:
        actions.start_attempt(quiz=quiz, user=factories.student(), now=NOW)

    assert raised.value.http_status == 403
    assert Attempt.objects.count() == 0


def test_the_messages_say_when_the_quiz_opens_or_closed():
    quiz = factories.quiz_with([_single()], opens_at=NOW + MINUTE)

    with pytest.raises(actions.QuizNotOpen) as raised:
        actions.start_attempt(quiz=quiz, user=factories.student(), now=NOW)

    assert raised.value.message == "This quiz opens on Dec. 1, 2026, 9:01 a.m.."


def test_start_refuses_a_second_attempt_while_one_is_in_progress():
    quiz = factories.quiz_with([_single()])
    user = factories.student()
    first = actions.start_attempt(quiz=quiz, user=user, now=NOW)

    with pytest.raises(actions.AttemptInProgress) as raised:
        actions.start_attempt(quiz=quiz, user=user, now=NOW + MINUTE)

    assert raised.value.attempt == first
    assert raised.value.http_status == 409
    assert _counts() == (1, 1, 0, 0)


def test_start_refuses_once_every_attempt_is_used_abandoned_ones_included():
    quiz = factories.quiz_with([_single()], attempts_allowed=2, time_limit=MINUTE, timeout_action=TimeoutAction.DISCARD)
    user = factories.student()
    actions.submit_attempt(attempt=actions.start_attempt(quiz=quiz, user=user, now=NOW), now=NOW)
    actions.start_attempt(quiz=quiz, user=user, now=NOW + MINUTE)  # left to time out

    with pytest.raises(actions.NoAttemptsLeft):
        actions.start_attempt(quiz=quiz, user=user, now=NOW + 5 * MINUTE)

    assert list(Attempt.objects.order_by("number").values_list("state", flat=True)) == [
        AttemptState.SUBMITTED,
        AttemptState.IN_PROGRESS,  # the refusal rolled back everything, the time-out too
    ]


def test_start_refuses_a_quiz_without_usable_questions():
    quiz = factories.quiz_with([_single(status=QuestionStatus.DRAFT)])

    with pytest.raises(actions.QuizHasNoQuestions):
        actions.start_attempt(quiz=quiz, user=factories.student(), now=NOW)

    assert Attempt.objects.count() == 0


def test_start_closes_an_attempt_whose_time_is_over_then_starts_the_next():
    quiz = factories.quiz_with([_single()], time_limit=10 * MINUTE)
    user = factories.student()
    old = actions.start_attempt(quiz=quiz, user=user, now=NOW)

    new = actions.start_attempt(quiz=quiz, user=user, now=NOW + 11 * MINUTE)

    old.refresh_from_db()
    assert (old.state, old.submitted_at, old.score) == (AttemptState.SUBMITTED, NOW + 10 * MINUTE, Decimal(0))
    assert new.number == 2


# -- save_response -------------------------------------------------------------------------------


def test_the_right_answer_of_each_type_scores_one_and_is_stored_as_rows():
    kinds = factories.question_of_each_type()
    attempt = _start(factories.quiz_with(list(kinds.values())))

    for slot in slots_of(attempt):
        response = actions.save_response(attempt=attempt, slot=slot, answer=right_answer(slot), now=NOW)
        assert response.fraction == Decimal(1), slot.question.qtype

    rows = {r.slot.question.qtype: r for r in Response.objects.select_related("slot__question")}
    assert rows["numeric"].number == Decimal(1486)
    assert rows["short_answer"].text == "Goïta"
    assert rows["ordering"].choices.count() == 3
    assert rows["matching"].choices.filter(match__isnull=False).count() == 2
    assert rows["single"].choices.count() == 1


def test_partial_credit_for_ordering_and_matching_and_folding_for_typed_answers():
    kinds = factories.question_of_each_type()
    attempt = _start(factories.quiz_with([kinds["ordering"], kinds["matching"], kinds["short_answer"]]))
    ordering, matching, short = slots_of(attempt)
    reverse = list(reversed(right_answer(ordering)))
    pairs = right_answer(matching)
    chad = next(row.pk for row in matching.match_choices() if row.label == "Chad")
    pairs[next(iter(pairs))] = chad

    assert actions.save_response(attempt=attempt, slot=ordering, answer=reverse, now=NOW).fraction == Decimal(
        "0.333333"
    )
    assert actions.save_response(attempt=attempt, slot=matching, answer=pairs, now=NOW).fraction == Decimal("0.5")
    assert actions.save_response(attempt=attempt, slot=short, answer="goita", now=NOW).fraction == Decimal(1)


def test_an_answer_can_be_given_by_question_and_replaced():
    question = _single()
    attempt = _start(factories.quiz_with([question]))
    (slot,) = slots_of(attempt)
    actions.save_response(attempt=attempt, question=question, answer=wrong_choice(slot), now=NOW)

    response = actions.save_response(attempt=attempt, question=question, answer=right_answer(slot), now=NOW + MINUTE)

    assert (response.fraction, response.tries, response.answered_at) == (Decimal(1), 2, NOW + MINUTE)
    assert Response.objects.count() == 1
    assert list(ResponseChoice.objects.values_list("item_id", flat=True)) == right_answer(slot)


def _refused(attempt, error, *, slot=None, question=None, answer=None, now=NOW, certainty=None):
    before = _counts()
    with pytest.raises(error) as raised:
        actions.save_response(
            attempt=attempt, slot=slot, question=question, answer=answer, now=now, certainty=certainty
        )
    assert _counts() == before
    return raised.value


def test_no_answer_to_a_submitted_attempt():
    attempt = _start()
    slot = slots_of(attempt)[0]
    actions.submit_attempt(attempt=attempt, now=NOW)

    assert _refused(attempt, actions.AttemptClosed, slot=slot, answer=right_answer(slot)).http_status == 409


def test_no_answer_after_the_deadline():
    attempt = _start(time_limit=10 * MINUTE)
    slot = slots_of(attempt)[0]

    error = _refused(attempt, actions.TimeIsUp, slot=slot, answer=right_answer(slot), now=NOW + 10 * MINUTE)

    assert error.http_status == 409


def test_no_answer_in_the_grace_period_either():
    attempt = _start(time_limit=10 * MINUTE, timeout_action=TimeoutAction.GRACE, grace_period=5 * MINUTE)
    slot = slots_of(attempt)[0]

    _refused(attempt, actions.TimeIsUp, slot=slot, answer=right_answer(slot), now=NOW + 11 * MINUTE)


def test_no_answer_to_a_question_of_another_attempt():
    attempt, other = _start(), _start()
    foreign = slots_of(other)[0]

    error = _refused(attempt, actions.QuestionNotInAttempt, slot=foreign, answer=right_answer(foreign))
    _refused(attempt, actions.QuestionNotInAttempt, question=foreign.question, answer=[1])

    assert error.http_status == 404


@pytest.mark.parametrize(
    ("qtype", "answer", "message"),
    [
        ("single", "1", "Give the options as a list of their ids."),
        ("single", [], "Choose an option."),
        ("single", [True], "Option ids are whole numbers."),
        ("single", [0], "That option is not one of this question's options."),
        ("single", "both", "Give the options as a list of their ids."),
        ("ordering", [], "Put the items in order."),
        ("matching", [1, 2], "Match each item to one answer."),
        ("matching", {"x": 1}, "Item ids are whole numbers."),
        ("numeric", "many", "Type a number, for example 1,486 or 2.5 million."),
        ("numeric", "1" * 30, "That number is too large."),
        ("short_answer", "  ", "Type your answer."),
        ("short_answer", "x" * 501, "That answer is too long."),
        ("short_answer", ["Goïta"], "Type your answer."),
    ],
)
def test_answers_that_do_not_fit_the_question_are_refused_with_a_message(qtype, answer, message):
    kinds = factories.question_of_each_type()
    attempt = _start(factories.quiz_with([kinds[qtype]]))
    (slot,) = slots_of(attempt)

    error = _refused(attempt, actions.InvalidAnswer, slot=slot, answer=answer)

    assert (error.http_status, error.message) == (400, message)


def test_two_choices_for_a_single_answer_question_or_an_item_twice_are_refused():
    kinds = factories.question_of_each_type()
    attempt = _start(factories.quiz_with([kinds["single"], kinds["ordering"]]))
    single, ordering = slots_of(attempt)
    items = [row.pk for row in single.items()]
    order = right_answer(ordering)

    assert _refused(attempt, actions.InvalidAnswer, slot=single, answer=items).message == "Choose only one option."
    assert _refused(attempt, actions.InvalidAnswer, slot=ordering, answer=order[:2]).message == (
        "Put every item of the question in order, each once."
    )
    assert _refused(attempt, actions.InvalidAnswer, slot=ordering, answer=[order[0]] * 3).message == (
        "Each option may be given only once."
    )


def test_an_option_of_another_question_in_the_same_attempt_is_refused():
    attempt = _start()
    first, second = slots_of(attempt)

    _refused(attempt, actions.InvalidAnswer, slot=first, answer=right_answer(second))


def test_the_answer_key_ids_are_not_the_ids_a_student_answers_with():
    question = _single()
    attempt = _start(factories.quiz_with([question]))
    (slot,) = slots_of(attempt)
    key = [option.pk for option in question.options.all() if option.is_correct]
    shown = {row.pk for row in slot.shown_options.all()}

    if key[0] not in shown:  # an AnswerOption id is not an answer
        _refused(attempt, actions.InvalidAnswer, slot=slot, answer=key)
    assert {row.option_id for row in slot.shown_options.all()} == set(question.options.values_list("pk", flat=True))


def test_certainty_only_on_certainty_based_quizzes_and_only_1_to_3():
    attempt = _start()
    slot = slots_of(attempt)[0]
    cbm = _start(certainty_based=True)
    cbm_slot = slots_of(cbm)[0]

    assert _refused(attempt, actions.InvalidAnswer, slot=slot, answer=right_answer(slot), certainty=2).message == (
        "This quiz does not ask how sure you are."
    )
    assert _refused(cbm, actions.InvalidAnswer, slot=cbm_slot, answer=right_answer(cbm_slot), certainty=4).message == (
        "Certainty is 1, 2 or 3."
    )
    assert (
        actions.save_response(attempt=cbm, slot=cbm_slot, answer=right_answer(cbm_slot), certainty=3, now=NOW).certainty
        == 3
    )


def test_sequential_navigation_closes_the_questions_before_the_last_one_answered():
    attempt = _start(navigation=Navigation.SEQUENTIAL)
    first, second = slots_of(attempt)
    actions.save_response(attempt=attempt, slot=second, answer=right_answer(second), now=NOW)

    error = _refused(attempt, actions.QuestionClosed, slot=first, answer=right_answer(first))
    again = actions.save_response(attempt=attempt, slot=second, answer=wrong_choice(second), now=NOW)

    assert error.http_status == 409
    assert again.tries == 2
    assert Attempt.objects.get().current_position == 2


def test_moving_past_a_question_of_a_sequential_quiz_closes_it_answered_or_skipped():
    attempt = _start(navigation=Navigation.SEQUENTIAL)
    first, second = slots_of(attempt)

    actions.move_past(attempt=attempt, slot=first, now=NOW)  # skipped
    _refused(attempt, actions.QuestionClosed, slot=first, answer=right_answer(first))
    actions.move_past(attempt=attempt, slot=second, now=NOW)  # the last one stays open until submitted

    assert Attempt.objects.get().current_position == 2
    assert actions.save_response(attempt=attempt, slot=second, answer=right_answer(second), now=NOW).tries == 1


def test_moving_past_changes_nothing_with_free_navigation_and_is_refused_once_submitted():
    attempt = _start()
    first, _second = slots_of(attempt)
    actions.move_past(attempt=attempt, slot=first, now=NOW)
    assert Attempt.objects.get().current_position == 0
    assert actions.save_response(attempt=attempt, slot=first, answer=right_answer(first), now=NOW).tries == 1
    actions.submit_attempt(attempt=attempt, now=NOW)
    with pytest.raises(actions.AttemptClosed):
        actions.move_past(attempt=attempt, slot=first, now=NOW)


def test_immediate_feedback_without_retry_locks_an_answered_question():
    attempt = _start(feedback_mode=FeedbackMode.IMMEDIATE)
    slot = slots_of(attempt)[0]
    actions.save_response(attempt=attempt, slot=slot, answer=wrong_choice(slot), now=NOW)

    _refused(attempt, actions.QuestionClosed, slot=slot, answer=right_answer(slot))


def test_immediate_feedback_with_retry_takes_a_new_answer():
    attempt = _start(feedback_mode=FeedbackMode.IMMEDIATE, allow_retry=True)
    slot = slots_of(attempt)[0]
    actions.save_response(attempt=attempt, slot=slot, answer=wrong_choice(slot), now=NOW)

    assert actions.save_response(attempt=attempt, slot=slot, answer=right_answer(slot), now=NOW).fraction == 1


def test_saving_an_answer_takes_a_fixed_number_of_queries():
    def count(qtype):
        kinds = factories.question_of_each_type()
        attempt = _start(factories.quiz_with([kinds[qtype]]))
        (slot,) = slots_of(attempt)
        with CaptureQueriesContext(connection) as queries:
            actions.save_response(attempt=attempt, slot=slot, answer=right_answer(slot), now=NOW)
        return len(queries)

    assert count("single") == count("ordering") == count("matching")


# -- flag_question -------------------------------------------------------------------------------


def test_flag_and_unflag_a_question():
    attempt = _start()
    slot = slots_of(attempt)[0]

    actions.flag_question(attempt=attempt, slot=slot, now=NOW)
    assert AttemptQuestion.objects.get(pk=slot.pk).flagged is True
    actions.flag_question(attempt=attempt, question=slot.question, flagged=False, now=NOW)
    assert AttemptQuestion.objects.get(pk=slot.pk).flagged is False


def test_no_flag_on_a_submitted_attempt_or_a_question_not_in_it():
    attempt, other = _start(), _start()
    actions.submit_attempt(attempt=other, now=NOW)

    with pytest.raises(actions.QuestionNotInAttempt):
        actions.flag_question(attempt=attempt, slot=slots_of(other)[0], now=NOW)
    with pytest.raises(actions.AttemptClosed):
        actions.flag_question(attempt=other, slot=slots_of(other)[0], now=NOW)
    assert AttemptQuestion.objects.filter(flagged=True).count() == 0


# -- submit_attempt -------------------------------------------------------------------------------


def test_submit_scores_marks_times_fraction_unanswered_as_zero():
    kinds = factories.question_of_each_type()
    quiz = factories.quiz_with([kinds["ordering"], kinds["single"], kinds["numeric"]])
    quiz.quiz_questions.filter(question=kinds["ordering"]).update(marks=3)
    attempt = actions.start_attempt(quiz=quiz, user=factories.student(), now=NOW)
    ordering, single, _numeric = slots_of(attempt)
    actions.save_response(attempt=attempt, slot=ordering, answer=list(reversed(right_answer(ordering))), now=NOW)
    actions.save_response(attempt=attempt, slot=single, answer=right_answer(single), now=NOW)

    submitted = actions.submit_attempt(attempt=attempt, now=NOW + MINUTE)

    assert (submitted.state, submitted.submitted_at) == (AttemptState.SUBMITTED, NOW + MINUTE)
    assert submitted.score == Decimal("2.0000")  # 3 × 0.333333 + 1 + 0, to 4 places
    assert submitted.max_score == Decimal(5)
    assert submitted.percent == Decimal("40.00")
    assert submitted.cbm_average is None


def test_submit_reports_certainty_based_marks_as_accuracy_and_calibration():
    questions = [_single() for _ in range(4)]
    attempt = _start(factories.quiz_with(questions, certainty_based=True))
    slots = slots_of(attempt)
    for slot, (answer, certainty) in zip(
        slots,
        [(right_answer, 3), (right_answer, 3), (wrong_choice, 3), (right_answer, 1)],
        strict=True,
    ):
        actions.save_response(attempt=attempt, slot=slot, answer=answer(slot), certainty=certainty, now=NOW)

    submitted = actions.submit_attempt(attempt=attempt, now=NOW)
    report = Attempt.objects.prefetch_related("slots__responses").get(pk=attempt.pk).calibration()

    assert submitted.cbm_average == Decimal("0.2500")  # (3 + 3 - 6 + 1) / 4
    assert report.accuracy == Decimal("0.7500")
    assert report.cbm_average == Decimal("0.2500")
    by_level = {level.certainty: (level.answered, level.accuracy, level.well_calibrated) for level in report.levels}
    assert by_level == {
        1: (1, Decimal("1.0000"), False),
        2: (0, None, None),
        3: (3, Decimal("0.6667"), False),
    }


def test_a_replayed_submit_is_refused_and_changes_nothing():
    attempt = _start()
    actions.submit_attempt(attempt=attempt, now=NOW)

    with pytest.raises(actions.AttemptClosed) as raised:
        actions.submit_attempt(attempt=attempt, now=NOW + MINUTE)

    assert raised.value.message == "This attempt has been submitted already."
    assert Attempt.objects.get().submitted_at == NOW


def test_a_late_submit_is_the_deadline_s_submit_when_the_quiz_submits_what_is_there():
    attempt = _start(time_limit=10 * MINUTE, timeout_action=TimeoutAction.SUBMIT)

    assert actions.submit_attempt(attempt=attempt, now=NOW + 30 * MINUTE).submitted_at == NOW + 10 * MINUTE


def test_a_late_submit_is_refused_when_only_attempts_in_time_count():
    attempt = _start(time_limit=10 * MINUTE, timeout_action=TimeoutAction.DISCARD)

    with pytest.raises(actions.TimeIsUp):
        actions.submit_attempt(attempt=attempt, now=NOW + 10 * MINUTE)

    assert Attempt.objects.get().state == AttemptState.IN_PROGRESS


def test_the_grace_period_allows_submitting_then_ends():
    grace = {"time_limit": 10 * MINUTE, "timeout_action": TimeoutAction.GRACE, "grace_period": 5 * MINUTE}
    in_grace, too_late = _start(**grace), _start(**grace)

    assert actions.submit_attempt(attempt=in_grace, now=NOW + 14 * MINUTE).submitted_at == NOW + 14 * MINUTE
    with pytest.raises(actions.TimeIsUp):
        actions.submit_attempt(attempt=too_late, now=NOW + 15 * MINUTE)


# -- finish_overdue_attempts ---------------------------------------------------------------------


def test_overdue_attempts_are_closed_by_their_quiz_s_rule():
    submit = _start(time_limit=10 * MINUTE, timeout_action=TimeoutAction.SUBMIT)
    slot = slots_of(submit)[0]
    actions.save_response(attempt=submit, slot=slot, answer=right_answer(slot), now=NOW)
    discard = _start(time_limit=10 * MINUTE, timeout_action=TimeoutAction.DISCARD)
    grace = _start(time_limit=10 * MINUTE, timeout_action=TimeoutAction.GRACE, grace_period=5 * MINUTE)
    in_grace = _start(time_limit=10 * MINUTE, timeout_action=TimeoutAction.GRACE, grace_period=20 * MINUTE)
    untimed = _start()

    closed = actions.finish_overdue_attempts(now=NOW + 15 * MINUTE)

    rows = {a.pk: (a.state, a.submitted_at, a.score) for a in Attempt.objects.all()}
    assert closed == 3
    assert rows == {
        submit.pk: (AttemptState.SUBMITTED, NOW + 10 * MINUTE, Decimal(1)),
        discard.pk: (AttemptState.ABANDONED, NOW + 10 * MINUTE, None),
        grace.pk: (AttemptState.ABANDONED, NOW + 15 * MINUTE, None),
        in_grace.pk: (AttemptState.IN_PROGRESS, None, None),
        untimed.pk: (AttemptState.IN_PROGRESS, None, None),
    }


def test_finishing_overdue_attempts_takes_a_fixed_number_of_queries():
    def count(n):
        Attempt.objects.all().delete()
        for _ in range(n):
            _start(time_limit=MINUTE)
        with CaptureQueriesContext(connection) as queries:
            assert actions.finish_overdue_attempts(now=NOW + 5 * MINUTE) == n
        return len(queries)

    assert count(1) == count(4)
