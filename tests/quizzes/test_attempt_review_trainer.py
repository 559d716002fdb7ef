"""A trainer reads the review of their students' finished attempts (``Attempt.objects.visible_to``).

The trainer or a co-trainer of a class the student is in reads a submitted or abandoned attempt in full
(score, right answers, feedback), read-only, on the page and in the API. Never an attempt in progress,
never a student outside their classes; the answer, flag and submit endpoints stay the student's own;
and a trainer's visit writes nothing (an overdue attempt of the student is not closed by it).
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains
from rest_framework.test import APIClient

from quizzes import actions
from quizzes.models import Attempt, AttemptState, Response
from sahel_learn.accounts.roles import TRAINERS
from tests import factories

from .attempt_helpers import right_answer, slots_of, wrong_choice

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)

# A quiz that shows the student nothing after the attempt: the trainer still sees everything.
HIDDEN = {
    f"review_{moment}_{what}": False
    for moment in ("immediately", "later", "after_close")
    for what in ("score", "answer", "feedback")
}


def _single(prompt):
    question = factories.QuestionFactory(prompt=prompt, explanation="Zinder, says the paragraph.")
    factories.AnswerOptionFactory(question=question, text="Zinder", is_correct=True, position=1)
    factories.AnswerOptionFactory(question=question, text="Agadez", position=2, feedback="Agadez is in the north.")
    return question


def _quiz(**kwargs):
    return factories.quiz_with([_single("Which town is in the south?"), _single("And which one too?")], **kwargs)


@pytest.fixture
def world():
    trainer = factories.trainer(username="fatou")
    student = factories.student(username="awa", first_name="Awa Keita")
    cohort = factories.cohort_of(trainer, students=[student])
    co_trainer = factories.trainer(username="mariam")
    factories.CohortTrainerFactory(cohort=cohort, trainer=co_trainer)
    other_trainer = factories.trainer(username="ousmane")
    other_student = factories.student(username="issa")
    factories.cohort_of(other_trainer, students=[other_student])
    return {
        "cohort": cohort,
        "trainer": trainer,
        "co_trainer": co_trainer,
        "student": student,
        "other_trainer": other_trainer,
        "other_student": other_student,
        "editor": factories.editor(username="ed"),
    }


def _submitted(student, **quiz_kwargs):
    """A submitted attempt of ``student``: the first question right, the second wrong (50 %)."""
    attempt = actions.start_attempt(quiz=_quiz(**quiz_kwargs), user=student, now=timezone.now())
    slots = slots_of(attempt)
    now = timezone.now()
    actions.save_response(attempt=attempt, slot=slots[0], answer=right_answer(slots[0]), now=now)
    actions.save_response(attempt=attempt, slot=slots[1], answer=wrong_choice(slots[1]), now=now)
    actions.submit_attempt(attempt=attempt, now=now)
    return attempt


def _overdue(student):
    """An attempt of ``student`` in progress whose time ran out ten minutes ago (nobody has closed it yet)."""
    started = timezone.now() - 11 * MINUTE
    quiz = _quiz(time_limit=MINUTE, timeout_action="discard")
    return actions.start_attempt(quiz=quiz, user=student, now=started)


def _page(client, user, attempt):
    client.force_login(user)
    return client.get(f"/attempts/{attempt.pk}/review/")


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


# -- the model rule ----------------------------------------------------------------------------------------


def test_visible_to_is_the_user_s_own_and_their_students_finished_attempts(world):
    student, other_student = world["student"], world["other_student"]
    submitted = _submitted(student)
    in_progress = actions.start_attempt(quiz=_quiz(), user=student, now=timezone.now())
    abandoned = factories.AttemptFactory(user=student, state=AttemptState.ABANDONED)
    outsider = _submitted(other_student)

    def visible(user):
        return set(Attempt.objects.visible_to(user).values_list("pk", flat=True))

    assert visible(world["trainer"]) == {submitted.pk, abandoned.pk}
    assert visible(world["co_trainer"]) == {submitted.pk, abandoned.pk}
    assert visible(world["other_trainer"]) == {outsider.pk}
    assert visible(student) == {submitted.pk, in_progress.pk, abandoned.pk}
    assert visible(other_student) == {outsider.pk}
    assert visible(world["editor"]) == set()
    # Chainable: a QuerySet like any other.
    assert list(Attempt.objects.visible_to(world["trainer"]).submitted().values_list("pk", flat=True)) == [submitted.pk]


def test_a_student_who_left_the_class_is_no_longer_visible_to_its_trainer(world):
    attempt = _submitted(world["student"])
    actions.remove_student(cohort=world["cohort"], student=world["student"])

    assert not Attempt.objects.visible_to(world["trainer"]).filter(pk=attempt.pk).exists()


def test_a_trainer_no_longer_in_the_trainers_group_sees_only_their_own(world):
    attempt = _submitted(world["student"])
    world["trainer"].groups.remove(world["trainer"].groups.get(name=TRAINERS))

    assert not Attempt.objects.visible_to(world["trainer"]).filter(pk=attempt.pk).exists()


# -- the page ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["trainer", "co_trainer"])
def test_a_trainer_reads_a_student_s_attempt_in_full_whatever_the_quiz_shows_the_student(client, world, who):
    attempt = _submitted(world["student"], pass_mark=Decimal("75"), **HIDDEN)

    response = _page(client, world[who], attempt)

    assert response.status_code == 200
    context = response.context
    assert context["reviewing"] == world["student"]
    assert (context["shows_score"], context["percent"], context["passed"]) == (True, Decimal("50.00"), False)
    assert [(view.outcome, view.given, view.right) for view in context["slots"]] == [
        ("right", ["Zinder"], ["Zinder"]),
        ("wrong", ["Agadez"], ["Zinder"]),
    ]
    assert context["slots"][1].result.feedback == ["Agadez is in the north."]
    assert [view.can_answer for view in context["slots"]] == [False, False]
    assertContains(response, "Reviewing Awa Keita’s attempt.")
    assertContains(response, "Agadez is in the north.")
    assertContains(response, "Zinder, says the paragraph.")
    assertNotContains(response, "Your result")


def test_the_trainer_s_review_leads_back_to_the_student_s_page_and_gradebook_in_each_class_they_share(client, world):
    student = world["student"]
    form_1 = factories.cohort_of(world["trainer"], name="A Form 1", students=[student])
    factories.cohort_of(world["other_trainer"], name="B Form 2", students=[student])  # not the trainer's
    attempt = _submitted(student)

    response = _page(client, world["trainer"], attempt)

    assert response.context["reviewing_classes"] == [form_1, world["cohort"]]
    for cohort in (form_1, world["cohort"]):
        page = reverse("quizzes:cohort-student-detail", args=[cohort.pk, student.pk])
        gradebook = reverse("quizzes:cohort-gradebook", args=[cohort.pk])
        assertContains(response, f'<a href="{page}">Awa Keita’s page in {cohort.name}</a>', html=True)
        assertContains(response, f'<a href="{gradebook}">The gradebook of {cohort.name}</a>', html=True)
    assertNotContains(response, "B Form 2")
    assertContains(response, "Submitted: <time")


def test_the_student_s_own_review_has_no_class_links(client, world):
    response = _page(client, world["student"], _submitted(world["student"]))
    assert response.context["reviewing_classes"] == []
    assertNotContains(response, "/gradebook/")


def test_the_student_still_sees_only_what_the_quiz_shows(client, world):
    attempt = _submitted(world["student"], **HIDDEN)

    response = _page(client, world["student"], attempt)

    assert (response.context["reviewing"], response.context["shows_score"]) == (None, False)
    assert [view.result for view in response.context["slots"]] == [None, None]
    assertNotContains(response, "Agadez is in the north.")
    assertNotContains(response, "Reviewing")


def test_a_trainer_reads_an_abandoned_attempt_which_stays_not_counted(client, world):
    attempt = _overdue(world["student"])
    actions.finish_overdue_attempts(attempts=Attempt.objects.filter(pk=attempt.pk), now=timezone.now())
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.ABANDONED

    response = _page(client, world["trainer"], attempt)

    assert response.status_code == 200
    assert (response.context["abandoned"], response.context["shows_score"]) == (True, False)
    assert [view.right for view in response.context["slots"]] == [["Zinder"], ["Zinder"]]
    assertContains(response, "Not submitted in time: this attempt is not counted.")


@pytest.mark.parametrize("who", ["other_trainer", "other_student", "editor"])
def test_anybody_else_gets_a_404(client, world, who):
    attempt = _submitted(world["student"])

    assert _page(client, world[who], attempt).status_code == 404


def test_an_attempt_in_progress_is_a_404_to_the_trainer(client, world):
    attempt = actions.start_attempt(quiz=_quiz(), user=world["student"], now=timezone.now())

    assert _page(client, world["trainer"], attempt).status_code == 404
    client.force_login(world["trainer"])
    assert client.get(f"/attempts/{attempt.pk}/").status_code == 404
    assert client.get(f"/attempts/{attempt.pk}/summary/").status_code == 404


def test_a_trainer_s_visit_does_not_close_the_student_s_overdue_attempt(client, world):
    attempt = _overdue(world["student"])

    assert _page(client, world["trainer"], attempt).status_code == 404
    assert _api(world["trainer"]).get(f"/api/v1/attempts/{attempt.pk}/").status_code == 404

    attempt.refresh_from_db()
    assert (attempt.state, attempt.submitted_at) == (AttemptState.IN_PROGRESS, None)


def test_the_attempt_s_workflow_pages_stay_the_student_s(client, world):
    attempt = _submitted(world["student"])
    slot = slots_of(attempt)[0]
    client.force_login(world["trainer"])
    before = list(Response.objects.order_by("pk").values_list("pk", "fraction"))

    answers = [
        client.post(f"/attempts/{attempt.pk}/questions/1/", {"answer": wrong_choice(slot)}).status_code,
        client.post(f"/attempts/{attempt.pk}/questions/1/flag/", {"flagged": "1"}).status_code,
        client.post(f"/attempts/{attempt.pk}/questions/1/next/").status_code,
        client.post(f"/attempts/{attempt.pk}/submit/").status_code,
        client.get(f"/attempts/{attempt.pk}/").status_code,
        client.get(f"/attempts/{attempt.pk}/summary/").status_code,
    ]

    assert answers == [404] * 6
    assert list(Response.objects.order_by("pk").values_list("pk", "fraction")) == before
    assert slots_of(attempt)[0].flagged is False


# -- the API --------------------------------------------------------------------------------------------------


def test_the_api_gives_a_trainer_the_student_s_finished_attempt_in_full(world):
    attempt = _submitted(world["student"], **HIDDEN)

    body = _api(world["co_trainer"]).get(f"/api/v1/attempts/{attempt.pk}/").json()

    assert (body["id"], body["state"], body["percent"], body["can_answer"]) == (attempt.pk, "submitted", "50.00", False)
    results = [question["result"] for question in body["questions"]]
    assert [result["fraction"] for result in results] == ["1.000000", "0.000000"]
    assert results[1]["feedback"] == ["Agadez is in the north."]
    # The student, by the same endpoint, sees what the quiz shows them: nothing.
    mine = _api(world["student"]).get(f"/api/v1/attempts/{attempt.pk}/").json()
    assert (mine["percent"], [question["result"] for question in mine["questions"]]) == (None, [None, None])


def test_the_api_list_stays_the_user_s_own(world):
    _submitted(world["student"])

    assert _api(world["trainer"]).get("/api/v1/attempts/").json()["results"] == []


@pytest.mark.parametrize("who", ["other_trainer", "other_student", "editor"])
def test_the_api_gives_anybody_else_a_404(world, who):
    attempt = _submitted(world["student"])

    assert _api(world[who]).get(f"/api/v1/attempts/{attempt.pk}/").status_code == 404


def test_the_api_workflow_endpoints_stay_the_student_s(world):
    attempt = actions.start_attempt(quiz=_quiz(), user=world["student"], now=timezone.now())
    slot = slots_of(attempt)[0]
    client = _api(world["trainer"])

    answers = [
        client.get(f"/api/v1/attempts/{attempt.pk}/").status_code,
        client.put(
            f"/api/v1/attempts/{attempt.pk}/responses/{slot.question_id}/", {"answer": [1]}, format="json"
        ).status_code,
        client.put(
            f"/api/v1/attempts/{attempt.pk}/flags/{slot.question_id}/", {"flagged": True}, format="json"
        ).status_code,
        client.post(f"/api/v1/attempts/{attempt.pk}/submit/").status_code,
    ]

    assert answers == [404] * 4
    attempt.refresh_from_db()
    assert (attempt.state, Response.objects.filter(slot__attempt=attempt).count()) == (AttemptState.IN_PROGRESS, 0)
