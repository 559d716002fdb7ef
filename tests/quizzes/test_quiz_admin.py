"""Editors build quizzes in the admin and read attempts there; nobody edits an attempt."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from quizzes import actions
from quizzes.models import Attempt, AttemptState, TimeoutAction
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


def _attempt(**kwargs):
    question = factories.QuestionFactory()
    factories.AnswerOptionFactory(question=question, is_correct=True)
    factories.AnswerOptionFactory(question=question)
    quiz = factories.quiz_with([question], **kwargs)
    return actions.start_attempt(quiz=quiz, user=factories.student(), now=NOW)


@pytest.mark.parametrize("url", ["/admin/quizzes/quiz/", "/admin/quizzes/quiz/add/", "/admin/quizzes/attempt/"])
def test_editors_open_the_quiz_pages(client, url):
    _attempt()
    client.force_login(factories.editor())

    assert client.get(url).status_code == 200


def test_editors_read_an_attempt_but_cannot_change_or_add_one(client):
    attempt = _attempt()
    client.force_login(factories.editor())

    page = client.get(f"/admin/quizzes/attempt/{attempt.pk}/change/")

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert client.get("/admin/quizzes/attempt/add/").status_code == 403


def test_editors_create_a_quiz_with_a_question(client):
    question = factories.QuestionFactory()
    client.force_login(factories.editor())
    data = {
        "title": "Leaders",
        "slug": "leaders",
        "description": "",
        "status": "published",
        "attempts_allowed": 0,
        "grading_method": "highest",
        "navigation": "free",
        "feedback_mode": "deferred",
        "timeout_action": "submit",
        "shuffle_options": "on",
        "quiz_questions-TOTAL_FORMS": 1,
        "quiz_questions-INITIAL_FORMS": 0,
        "quiz_questions-0-position": 1,
        "quiz_questions-0-question": question.pk,
        "quiz_questions-0-marks": "2",
        "rules-TOTAL_FORMS": 0,
        "rules-INITIAL_FORMS": 0,
    }

    response = client.post("/admin/quizzes/quiz/add/", data)

    assert response.status_code == 302
    quiz = factories.quiz_models.Quiz.objects.get(slug="leaders")
    assert [(row.question, str(row.marks)) for row in quiz.quiz_questions.all()] == [(question, "2.00")]


def test_the_command_closes_overdue_attempts():
    attempt = _attempt(time_limit=datetime.timedelta(minutes=1), timeout_action=TimeoutAction.DISCARD)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=NOW)
    out = io.StringIO()

    call_command("finish_overdue_attempts", stdout=out)

    assert out.getvalue() == "1 attempt(s) closed.\n"
    assert Attempt.objects.get().state == AttemptState.ABANDONED


def test_editors_may_manage_quizzes_and_read_attempts():
    codenames = set(
        Group.objects.get(name="Editors")
        .permissions.filter(
            content_type__app_label="quizzes",
            content_type__model__in=["quiz", "quizquestion", "quizrule", "attempt", "attemptquestion", "response"],
        )
        .values_list("codename", flat=True)
    )

    assert codenames == {
        *(
            f"{action}_{model}"
            for model in ("quiz", "quizquestion", "quizrule")
            for action in ("view", "add", "change", "delete")
        ),
        "view_attempt",
        "view_attemptquestion",
        "view_response",
    }
