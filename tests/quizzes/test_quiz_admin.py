"""Editors build quizzes in the admin and read attempts there; nobody edits an attempt."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quizzes import actions
from quizzes.models import Attempt, AttemptState, Quiz, QuizStatus, TimeoutAction
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


# -- the quiz list and change form ---------------------------------------------------------------------------


def _published(**kwargs):
    question = factories.QuestionFactory(**kwargs)
    factories.AnswerOptionFactory(question=question, is_correct=True)
    factories.AnswerOptionFactory(question=question)
    return question


def test_the_quiz_list_shows_availability_and_questions_per_attempt(client):
    now = timezone.now()
    fixed = factories.quiz_with([_published(), _published()], title="Fixed")
    factories.QuizRuleFactory(quiz=fixed, count=3)
    factories.QuizFactory(title="Draft", status=QuizStatus.DRAFT)
    factories.QuizFactory(title="Later", opens_at=now + datetime.timedelta(days=1))
    factories.QuizFactory(title="Over", closes_at=now - datetime.timedelta(days=1))
    client.force_login(factories.editor())

    response = client.get("/admin/quizzes/quiz/")

    admin = response.context["cl"].model_admin
    rows = [
        (quiz.title, admin.availability(quiz), admin.question_count(quiz))
        for quiz in response.context["cl"].result_list
    ]
    assert rows == [("Draft", "No: a draft", 0), ("Fixed", "Yes", 5), ("Later", "Not yet", 0), ("Over", "Closed", 0)]


@pytest.mark.parametrize(
    ("availability", "titles"), [("open", ["Fixed"]), ("not_yet", ["Later"]), ("closed", ["Over"]), (None, None)]
)
def test_the_quiz_list_filters_by_availability(client, availability, titles):
    now = timezone.now()
    factories.QuizFactory(title="Fixed")
    factories.QuizFactory(title="Draft", status=QuizStatus.DRAFT)
    factories.QuizFactory(title="Later", opens_at=now + datetime.timedelta(days=1))
    factories.QuizFactory(title="Over", closes_at=now - datetime.timedelta(days=1))
    client.force_login(factories.editor())

    query = f"?availability={availability}" if availability else ""
    listed = [quiz.title for quiz in client.get(f"/admin/quizzes/quiz/{query}").context["cl"].result_list]

    assert listed == (titles or ["Draft", "Fixed", "Later", "Over"])


def test_the_quiz_list_takes_a_fixed_number_of_queries(client):
    client.force_login(factories.editor())

    def count(n):
        for _ in range(n):
            quiz = factories.quiz_with([_published()])
            factories.QuizRuleFactory(quiz=quiz, count=2)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/quizzes/quiz/").status_code == 200
        return len(queries)

    assert count(1) == count(3)


def test_the_change_form_previews_what_an_attempt_may_draw(client):
    section = factories.SectionFactory(title="The Wagner Transition")
    first, unpublished = _published(prompt="Who leads Mali?"), _published(status="draft")
    kind = factories.QuestionFactory(
        qtype="statement_kind", statement="Wagner has operated in Mali since 2021.", prompt="What kind?"
    )
    kind.sections.set([section])
    other = _published(prompt="Which year?", sections=[section])
    quiz = factories.quiz_with([first, unpublished], shuffle_questions=True)
    factories.QuizRuleFactory(quiz=quiz, count=5, section=section)
    factories.QuizRuleFactory(quiz=quiz, count=1, topic="faq")
    client.force_login(factories.editor())

    response = client.get(f"/admin/quizzes/quiz/{quiz.pk}/change/")

    page = response.content.decode()
    preview = page[page.index('<div class="draw-preview">') :]
    preview = preview[: preview.index("</div>")]
    assert "An attempt has at most 3 questions, in a shuffled order." in preview
    assert "The fixed list: 1 question in every attempt" in preview
    assert "1 question of the list is not published: it is left out." in preview
    assert "Rule 1: draw 5 questions, citing “The Wagner Transition”" in preview
    assert "Draws 2 of these 2 published questions" in preview
    assert "Which kind: “Wagner has operated in Mali since 2021.”" in preview
    assert f'href="/admin/quizzes/question/{other.pk}/change/">Which year?</a>' in preview
    assert "Rule 2: draw 1 question, topic “Frequently asked questions”" in preview
    assert "No published question fits this rule: it draws nothing." in preview
    assert "Who leads Mali?" in preview and unpublished.prompt not in preview


def test_every_box_of_the_quiz_s_inlines_is_named_by_its_column_and_row(client):
    quiz = factories.quiz_with([_published()])
    factories.QuizRuleFactory(quiz=quiz, count=2)
    client.force_login(factories.editor())

    page = client.get(f"/admin/quizzes/quiz/{quiz.pk}/change/").content.decode()

    for label in (
        "Position, question 1",
        "Question, question 1",
        "Marks, question 1",
        "Position, new question",
        "Number of questions, rule 1",
        "Topic, rule 1",
        "Section, rule 1",
        "Type, rule 1",
        "Marks per question, rule 1",
        "Section, new rule",
        "Opens at: date",
        "Closes at: time",
    ):
        assert f'aria-label="{label}"' in page, label


def test_a_shipped_quiz_says_so_and_whether_an_editor_changed_it(client):
    quiz = factories.quiz_with([_published()], import_key="the-whole-article")
    quiz.imported_fingerprint = (
        Quiz.objects.prefetch_related("quiz_questions", "rules").get(pk=quiz.pk).content_fingerprint()
    )
    quiz.save()
    client.force_login(factories.editor())
    admin = client.get(f"/admin/quizzes/quiz/{quiz.pk}/change/").context["adminform"].model_admin

    assert admin.shipped(quiz) == (
        "Yes, as “the-whole-article” (quizzes/content/quizzes.yaml). Once you change it here, a re-import leaves it "
        "as it is."
    )
    quiz.attempts_allowed = 2
    assert admin.shipped(quiz) == "Yes, as “the-whole-article”, and changed here since: a re-import leaves it as it is."
    assert admin.shipped(factories.QuizFactory()) == "No: made by an editor."
