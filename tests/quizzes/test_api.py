"""The quizzes API: the question bank, quizzes, starting, answering and submitting attempts.

Permission matrix: anonymous, the student, another student, a trainer, an editor. The answer key
never reaches a student before the quiz's review options allow it.
"""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from quizzes import actions
from quizzes.models import Attempt, AttemptQuestion, AttemptState, FeedbackMode, QuestionStatus, QuizStatus, Response
from tests import factories

from .attempt_helpers import right_answer, slots_of, wrong_choice

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def client():
    return APIClient()


def _signed_in(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _single(**kwargs):
    question = factories.QuestionFactory(**kwargs)
    factories.AnswerOptionFactory(question=question, text="Zinder", is_correct=True, position=1, feedback="")
    factories.AnswerOptionFactory(question=question, text="Agadez", position=2, feedback="Agadez is in the north.")
    return question


def _quiz(**kwargs):
    return factories.quiz_with([_single(), _single()], slug="niger", **kwargs)


def _start(client, slug="niger"):
    return client.post(f"/api/v1/quizzes/{slug}/attempts/")


def _flag(client, attempt_id, question_id, flagged):
    return client.put(f"/api/v1/attempts/{attempt_id}/flags/{question_id}/", {"flagged": flagged}, format="json")


def _answer(client, attempt_id, question_id, answer, **extra):
    return client.put(
        f"/api/v1/attempts/{attempt_id}/responses/{question_id}/", {"answer": answer, **extra}, format="json"
    )


# -- the question bank --------------------------------------------------------------------------------


def test_anybody_reads_published_questions_without_their_answers(client):
    question = _single(prompt="Which town?", explanation="Zinder, says paragraph 3.")
    _single(status=QuestionStatus.DRAFT)

    body = client.get("/api/v1/questions/").json()

    assert body["count"] == 1
    (row,) = body["results"]
    assert set(row) == {
        "id",
        "qtype",
        "qtype_label",
        "prompt",
        "statement",
        "topic",
        "topic_label",
        "difficulty",
        "unit",
        "sections",
        "citations",
        "options",
        "matches",
    }
    assert (row["id"], row["prompt"], row["options"]) == (question.pk, "Which town?", ["Agadez", "Zinder"])
    assert "Zinder, says" not in json.dumps(body)
    assert "Agadez is in the north" not in json.dumps(body)


def test_public_questions_never_list_items_in_the_answer_s_order_nor_typed_answers():
    kinds = factories.question_of_each_type()

    rows = {row["qtype"]: row for row in APIClient().get("/api/v1/questions/").json()["results"]}

    assert rows["ordering"]["options"] == ["Coup in Burkina Faso", "Coup in Mali", "Coup in Niger"]
    assert rows["matching"]["options"] == ["Assimi Goïta", "Ibrahim Traoré"]
    assert rows["matching"]["matches"] == ["Burkina Faso", "Chad", "Mali"]
    assert rows["short_answer"]["options"] == []
    assert rows["numeric"]["options"] == []
    assert rows["statement_kind"]["options"] == ["Reported fact", "Author's analysis", "Attributed claim"]
    assert "1486" not in json.dumps(rows["numeric"])
    assert kinds["short_answer"].options.get().text not in json.dumps(rows["short_answer"])


@pytest.mark.parametrize(
    ("who", "answers", "count"),
    [("anonymous", False, 1), ("student", False, 1), ("trainer", False, 1), ("editor", True, 2)],
)
def test_only_editors_read_every_question_with_its_answer_key(who, answers, count):
    _single(explanation="Because.")
    _single(status=QuestionStatus.DRAFT)
    client = APIClient() if who == "anonymous" else _signed_in(getattr(factories, who)())

    body = client.get("/api/v1/questions/").json()

    assert body["count"] == count
    row = body["results"][0]
    assert ("explanation" in row) is answers
    if answers:
        assert [(o["text"], o["is_correct"]) for o in row["options"]] == [("Zinder", True), ("Agadez", False)]


def test_questions_filter_and_refuse_bad_values(client):
    _single()
    timeline = _single(topic="timeline")

    assert [row["id"] for row in client.get("/api/v1/questions/", {"topic": "timeline"}).json()["results"]] == [
        timeline.pk
    ]
    response = client.get("/api/v1/questions/", {"qtype": "essay"})
    assert response.status_code == 400
    assert list(response.json()) == ["qtype"]


def test_the_question_list_takes_a_fixed_number_of_queries(client):
    def count(n):
        for _ in range(n):
            _single()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/questions/").status_code == 200
        return len(queries)

    assert count(1) == count(3)


# -- quizzes ----------------------------------------------------------------------------------------------


def test_quizzes_list_published_ones_with_their_rules(client):
    quiz = _quiz(time_limit=20 * MINUTE, attempts_allowed=3)
    factories.QuizRuleFactory(quiz=quiz, count=4)
    factories.QuizFactory(status=QuizStatus.DRAFT, slug="draft")

    body = client.get("/api/v1/quizzes/").json()

    assert [row["slug"] for row in body["results"]] == ["niger"]
    row = body["results"][0]
    assert (row["time_limit"], row["attempts_allowed"], row["question_count"], row["is_open"]) == (1200, 3, 6, True)
    assert row["review"]["immediately"] == {"score": True, "answer": True, "feedback": True}
    assert client.get("/api/v1/quizzes/niger/").json()["title"] == quiz.title


def test_a_draft_quiz_is_a_404_except_to_editors(client):
    factories.QuizFactory(status=QuizStatus.DRAFT, slug="draft")

    assert client.get("/api/v1/quizzes/draft/").status_code == 404
    assert _signed_in(factories.student()).get("/api/v1/quizzes/draft/").status_code == 404
    assert _signed_in(factories.editor()).get("/api/v1/quizzes/draft/").status_code == 200


def test_the_quiz_list_takes_a_fixed_number_of_queries(client):
    def count(n):
        for _ in range(n):
            factories.QuizRuleFactory(quiz=factories.quiz_with([_single()]))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/quizzes/").status_code == 200
        return len(queries)

    assert count(1) == count(3)


# -- starting ----------------------------------------------------------------------------------------------


def test_anonymous_cannot_start(client):
    _quiz()

    response = _start(client)

    assert response.status_code == 401
    assert Attempt.objects.count() == 0


def test_a_student_starts_an_attempt_and_sees_the_attempt_s_ids_only():
    quiz = _quiz()
    student = factories.student()

    response = _start(_signed_in(student))

    assert response.status_code == 201
    body = response.json()
    attempt = Attempt.objects.get()
    assert (body["id"], body["quiz"], body["number"], body["state"]) == (attempt.pk, "niger", 1, "in_progress")
    assert body["summary"] == {"answered": 0, "unanswered": 2, "flagged": 0}
    shown = {row.pk: row.option_id for slot in slots_of(attempt) for row in slot.shown_options.all()}
    first = body["questions"][0]
    assert [option["id"] for option in first["options"]] == [row.pk for row in slots_of(attempt)[0].shown_options.all()]
    assert set(first) >= {"question", "prompt", "options", "response", "result"}
    assert (first["response"], first["result"]) == (None, None)
    assert "is_correct" not in response.content.decode()
    assert "Agadez is in the north" not in response.content.decode()
    assert [q["question"] for q in body["questions"]] == list(
        quiz.quiz_questions.order_by("position").values_list("question_id", flat=True)
    )
    assert set(shown) == {option["id"] for q in body["questions"] for option in q["options"]}


def test_a_second_start_is_a_409_naming_the_attempt_in_progress():
    _quiz()
    client = _signed_in(factories.student())
    first = _start(client).json()

    response = _start(client)

    assert response.status_code == 409
    assert response.json() == {
        "detail": "You already have an attempt in progress: continue it.",
        "code": "attempt_in_progress",
        "attempt": first["id"],
    }
    assert Attempt.objects.count() == 1


def test_no_attempts_left_and_closed_quizzes_are_403():
    _quiz(attempts_allowed=1)
    factories.quiz_with([_single()], slug="closed", closes_at=timezone.now() - MINUTE)
    client = _signed_in(factories.student())
    client.post(f"/api/v1/attempts/{_start(client).json()['id']}/submit/")

    assert _start(client).json()["code"] == "no_attempts_left"
    assert _start(client).status_code == 403
    assert _start(client, "closed").status_code == 403
    assert _start(client, "nothing").status_code == 404
    assert Attempt.objects.count() == 1


# -- attempts: who sees what ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("owner", 200), ("another student", 404), ("trainer", 404), ("editor", 404)],
)
def test_an_attempt_is_seen_by_its_student_only(who, status):
    owner = factories.student()
    attempt = actions.start_attempt(quiz=_quiz(), user=owner, now=timezone.now())
    users = {
        "owner": owner,
        "another student": factories.student(),
        "trainer": factories.trainer(),
        "editor": factories.editor(),
    }
    client = APIClient() if who == "anonymous" else _signed_in(users[who])
    slot = slots_of(attempt)[0]

    detail = client.get(f"/api/v1/attempts/{attempt.pk}/")
    listing = client.get("/api/v1/attempts/")
    answer = _answer(client, attempt.pk, slot.question_id, right_answer(slot))
    flag = _flag(client, attempt.pk, slot.question_id, True)
    submit = client.post(f"/api/v1/attempts/{attempt.pk}/submit/")

    assert (detail.status_code, answer.status_code, flag.status_code, submit.status_code) == (
        status,
        status,
        status,
        status,
    )
    if status == 200:
        assert [row["id"] for row in listing.json()["results"]] == [attempt.pk]
    elif status == 404:
        assert listing.json()["results"] == []
        assert Response.objects.count() == 0
        assert Attempt.objects.get().state == AttemptState.IN_PROGRESS
        assert AttemptQuestion.objects.filter(flagged=True).count() == 0


def test_token_and_session_auth_both_work_and_session_needs_csrf():
    _quiz()
    student = factories.student()
    by_token = APIClient()
    by_token.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=student).key}")
    by_session = APIClient(enforce_csrf_checks=True)
    by_session.force_login(student)

    attempt = _start(by_token).json()

    assert by_session.get(f"/api/v1/attempts/{attempt['id']}/").status_code == 200
    assert by_session.post(f"/api/v1/attempts/{attempt['id']}/submit/").status_code == 403
    assert _flag(by_session, attempt["id"], attempt["questions"][0]["question"], True).status_code == 403
    assert AttemptQuestion.objects.filter(flagged=True).count() == 0
    assert Attempt.objects.get().state == AttemptState.IN_PROGRESS


# -- answering -----------------------------------------------------------------------------------------------


def _attempt_for(student, **quiz_kwargs):
    return actions.start_attempt(quiz=_quiz(**quiz_kwargs), user=student, now=timezone.now())


def test_answering_records_the_answer_and_deferred_feedback_shows_nothing_yet():
    student = factories.student()
    attempt = _attempt_for(student)
    slot = slots_of(attempt)[0]
    client = _signed_in(student)

    response = _answer(client, attempt.pk, slot.question_id, wrong_choice(slot))

    assert response.status_code == 200
    body = response.json()
    question = next(q for q in body["questions"] if q["question"] == slot.question_id)
    assert question["response"]["answer"] == wrong_choice(slot)
    assert question["result"] is None
    assert body["summary"] == {"answered": 1, "unanswered": 1, "flagged": 0}
    assert "Agadez is in the north" not in response.content.decode()


def test_immediate_feedback_shows_the_answered_question_s_result_only():
    student = factories.student()
    attempt = _attempt_for(student, feedback_mode=FeedbackMode.IMMEDIATE)
    first, second = slots_of(attempt)

    body = _answer(_signed_in(student), attempt.pk, first.question_id, wrong_choice(first)).json()

    answered, other = body["questions"]
    assert answered["result"]["fraction"] == "0.000000"
    assert answered["result"]["right_answer"] == right_answer(first)
    assert answered["result"]["feedback"] == ["Agadez is in the north."]
    assert answered["can_answer"] is False
    assert other["result"] is None


@pytest.mark.parametrize(
    ("answer", "status", "code"),
    [
        ("Zinder", 400, "invalid_answer"),
        ([999999], 400, "invalid_answer"),
        ({"1": 2}, 400, "invalid_answer"),
    ],
)
def test_bad_answers_are_400_and_store_nothing(answer, status, code):
    student = factories.student()
    attempt = _attempt_for(student)
    slot = slots_of(attempt)[0]

    response = _answer(_signed_in(student), attempt.pk, slot.question_id, answer)

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert Response.objects.count() == 0


def test_a_missing_answer_or_a_bad_certainty_is_400():
    student = factories.student()
    attempt = _attempt_for(student, certainty_based=True)
    slot = slots_of(attempt)[0]
    client = _signed_in(student)

    missing = client.put(f"/api/v1/attempts/{attempt.pk}/responses/{slot.question_id}/", {}, format="json")
    certainty = _answer(client, attempt.pk, slot.question_id, right_answer(slot), certainty=5)

    assert (missing.status_code, list(missing.json())) == (400, ["answer"])
    assert (certainty.status_code, list(certainty.json())) == (400, ["certainty"])
    assert Response.objects.count() == 0


def test_a_question_not_in_the_attempt_is_404():
    student = factories.student()
    attempt = _attempt_for(student)
    other = _single()
    client = _signed_in(student)

    for question_id in (other.pk, "x", 0):
        response = _answer(client, attempt.pk, question_id, [1])
        assert response.status_code == 404, question_id
    assert response.json()["code"] == "question_not_in_attempt"


def test_answers_after_submitting_or_after_the_deadline_are_409():
    student = factories.student()
    submitted = _attempt_for(student)
    actions.submit_attempt(attempt=submitted, now=timezone.now())
    late = actions.start_attempt(
        quiz=factories.quiz_with(
            [_single()], slug="timed", time_limit=MINUTE, grace_period=MINUTE, timeout_action="grace"
        ),
        user=student,
        now=timezone.now() - 90 * datetime.timedelta(seconds=1),
    )
    client = _signed_in(student)

    closed = _answer(client, submitted.pk, slots_of(submitted)[0].question_id, right_answer(slots_of(submitted)[0]))
    over = _answer(client, late.pk, slots_of(late)[0].question_id, right_answer(slots_of(late)[0]))

    assert (closed.status_code, closed.json()["code"]) == (409, "attempt_closed")
    assert (over.status_code, over.json()["code"]) == (409, "time_is_up")
    assert Response.objects.count() == 0


# -- flagging -------------------------------------------------------------------------------------------------


def test_the_student_flags_a_question_and_unflags_it():
    student = factories.student()
    attempt = _attempt_for(student)
    first, second = slots_of(attempt)
    client = _signed_in(student)

    flagged = _flag(client, attempt.pk, second.question_id, True)
    again = _flag(client, attempt.pk, second.question_id, True)

    assert (flagged.status_code, again.status_code) == (200, 200)
    body = again.json()
    assert body["summary"] == {"answered": 0, "unanswered": 2, "flagged": 1}
    assert [(q["question"], q["flagged"]) for q in body["questions"]] == [
        (first.question_id, False),
        (second.question_id, True),
    ]
    unflagged = _flag(client, attempt.pk, second.question_id, False)
    assert unflagged.json()["summary"]["flagged"] == 0
    assert list(AttemptQuestion.objects.order_by("position").values_list("flagged", flat=True)) == [False, False]


@pytest.mark.parametrize("body", [{}, {"flagged": "perhaps"}, {"flagged": None}])
def test_a_flag_without_true_or_false_is_400(body):
    student = factories.student()
    attempt = _attempt_for(student)
    slot = slots_of(attempt)[0]

    response = _signed_in(student).put(f"/api/v1/attempts/{attempt.pk}/flags/{slot.question_id}/", body, format="json")

    assert (response.status_code, list(response.json())) == (400, ["flagged"])
    assert AttemptQuestion.objects.filter(flagged=True).count() == 0


def test_flagging_a_question_not_in_the_attempt_is_404():
    student = factories.student()
    attempt = _attempt_for(student)
    other = _single()
    client = _signed_in(student)

    for question_id in (other.pk, "x", 0):
        response = _flag(client, attempt.pk, question_id, True)
        assert (response.status_code, response.json()["code"]) == (404, "question_not_in_attempt"), question_id
    assert _flag(client, 999999, other.pk, True).status_code == 404


def test_flagging_after_submitting_or_after_the_time_is_over_is_409():
    student = factories.student()
    submitted = _attempt_for(student)
    actions.submit_attempt(attempt=submitted, now=timezone.now())
    late = actions.start_attempt(
        quiz=factories.quiz_with([_single()], slug="timed", time_limit=MINUTE, timeout_action="discard"),
        user=student,
        now=timezone.now() - 2 * MINUTE,
    )
    client = _signed_in(student)

    closed = _flag(client, submitted.pk, slots_of(submitted)[0].question_id, True)
    over = _flag(client, late.pk, slots_of(late)[0].question_id, True)

    assert (closed.status_code, closed.json()) == (
        409,
        {
            "detail": "This attempt is over: it can no longer be changed.",
            "code": "attempt_closed",
            "attempt": submitted.pk,
        },
    )
    assert (over.status_code, over.json()["code"]) == (409, "attempt_closed")
    assert AttemptQuestion.objects.filter(flagged=True).count() == 0


# -- submitting ---------------------------------------------------------------------------------------------


def test_submitting_scores_and_the_review_shows_what_the_quiz_allows():
    student = factories.student()
    attempt = _attempt_for(student, review_immediately_answer=False, pass_mark=50)
    first, second = slots_of(attempt)
    client = _signed_in(student)
    _answer(client, attempt.pk, first.question_id, right_answer(first))
    _answer(client, attempt.pk, second.question_id, wrong_choice(second))

    response = client.post(f"/api/v1/attempts/{attempt.pk}/submit/")

    body = response.json()
    assert response.status_code == 200
    assert (body["state"], body["score"], body["max_score"], body["percent"], body["passed"]) == (
        "submitted",
        "1.0000",
        "2.00",
        "50.00",
        True,
    )
    right, wrong = body["questions"]
    assert right["result"]["fraction"] == "1.000000"
    assert right["result"]["right_answer"] is None
    assert wrong["result"]["feedback"] == ["Agadez is in the north."]
    assert wrong["result"]["explanation"] == "The article names him in its first section."
    assert wrong["result"]["citations"][0]["url"].startswith("http://testserver/")


def test_a_replayed_submit_is_409():
    student = factories.student()
    attempt = _attempt_for(student)
    client = _signed_in(student)
    client.post(f"/api/v1/attempts/{attempt.pk}/submit/")

    response = client.post(f"/api/v1/attempts/{attempt.pk}/submit/")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "This attempt has been submitted already.",
        "code": "attempt_closed",
        "attempt": attempt.pk,
    }


def test_reading_attempts_closes_the_overdue_ones():
    student = factories.student()
    attempt = actions.start_attempt(
        quiz=factories.quiz_with([_single()], time_limit=MINUTE, timeout_action="discard"),
        user=student,
        now=timezone.now() - 2 * MINUTE,
    )

    body = _signed_in(student).get("/api/v1/attempts/").json()

    assert [(row["id"], row["state"], row["score"]) for row in body["results"]] == [(attempt.pk, "abandoned", None)]


def test_the_attempt_detail_takes_a_fixed_number_of_queries():
    student = factories.student()
    client = _signed_in(student)

    def count(n):
        kinds = factories.question_of_each_type()
        quiz = factories.quiz_with(list(kinds.values())[:n])
        attempt = actions.start_attempt(quiz=quiz, user=student, now=timezone.now())
        for slot in slots_of(attempt):
            actions.save_response(attempt=attempt, slot=slot, answer=right_answer(slot), now=timezone.now())
        actions.submit_attempt(attempt=attempt, now=timezone.now())
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/attempts/{attempt.pk}/").status_code == 200
        return len(queries)

    assert count(1) == count(8)


def test_starting_answering_flagging_and_submitting_take_a_fixed_number_of_queries():
    """What bench/run.py --scenario quiz measures: the queries do not grow with the attempt's questions."""
    student = factories.student()
    client = _signed_in(student)

    def count(n):
        quiz = factories.quiz_with(list(factories.question_of_each_type().values())[:n])
        counts = []
        with CaptureQueriesContext(connection) as queries:
            started = _start(client, quiz.slug)
        counts.append(len(queries))
        slot = slots_of(Attempt.objects.get(pk=started.json()["id"]))[-1]
        for request in (
            lambda: _answer(client, slot.attempt_id, slot.question_id, right_answer(slot)),
            lambda: _flag(client, slot.attempt_id, slot.question_id, True),
            lambda: client.post(f"/api/v1/attempts/{slot.attempt_id}/submit/"),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert request().status_code == 200
            counts.append(len(queries))
        assert started.status_code == 201
        return counts

    assert count(1) == count(8)
