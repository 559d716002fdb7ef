"""/api/v1/assignments/: trainers read and write their classes' assignments, students read their own with
their status; authorization matrix over (anonymous, student, student of another class, the trainer,
another trainer, a co-trainer, an editor)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from quizzes.models import Assignment, AssignmentKind, AssignmentOverride
from tests import factories

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def world():
    trainer = factories.trainer(username="fatou")
    student = factories.student(username="awa")
    cohort = factories.cohort_of(trainer, name="Form 3B", students=[student])
    co_trainer = factories.trainer(username="mariam")
    factories.CohortTrainerFactory(cohort=cohort, trainer=co_trainer)
    other_trainer = factories.trainer(username="ousmane")
    other_student = factories.student(username="issa")
    other_cohort = factories.cohort_of(other_trainer, name="Form 4", students=[other_student])
    quiz = factories.QuizFactory(slug="the-aes")
    assignment = factories.AssignmentFactory(cohort=cohort, quiz=quiz, title="AES quiz")
    return {
        "cohort": cohort,
        "other_cohort": other_cohort,
        "trainer": trainer,
        "student": student,
        "other_student": other_student,
        "other_trainer": other_trainer,
        "co_trainer": co_trainer,
        "editor": factories.editor(username="ed"),
        "assignment": assignment,
        "quiz": quiz,
    }


def _client(world, who):
    client = APIClient()
    if who != "anonymous":
        client.force_authenticate(world[who])
    return client


def _body(world, **more):
    due = (timezone.now() + 5 * DAY).isoformat()
    return {"cohort": world["cohort"].pk, "kind": "quiz", "title": "New", "quiz": "the-aes", "due_at": due, **more}


LIST = {
    "anonymous": (401, None),
    "student": (200, ["AES quiz"]),
    "other_student": (200, []),
    "trainer": (200, ["AES quiz"]),
    "co_trainer": (200, ["AES quiz"]),
    "other_trainer": (200, []),
    "editor": (200, []),
}


@pytest.mark.parametrize(("who", "expected"), LIST.items())
def test_list_is_scoped(world, who, expected):
    response = _client(world, who).get("/api/v1/assignments/")
    assert response.status_code == expected[0]
    if expected[1] is not None:
        assert [row["title"] for row in response.json()["results"]] == expected[1]


DETAIL = {"anonymous": 401, "student": 200, "other_student": 404, "trainer": 200, "co_trainer": 200}
DETAIL |= {"other_trainer": 404, "editor": 404}


@pytest.mark.parametrize(("who", "expected"), DETAIL.items())
def test_detail_is_scoped(world, who, expected):
    assert _client(world, who).get(f"/api/v1/assignments/{world['assignment'].pk}/").status_code == expected


WRITE = {"anonymous": 401, "student": 403, "other_student": 403, "editor": 403, "other_trainer": 404}
WRITE |= {"trainer": "ok", "co_trainer": "ok"}


@pytest.mark.parametrize(("who", "expected"), WRITE.items())
def test_update_and_delete_are_the_class_trainers(world, who, expected):
    client, pk = _client(world, who), world["assignment"].pk
    patched = client.patch(f"/api/v1/assignments/{pk}/", {"title": "Renamed"}, format="json")
    assert patched.status_code == (200 if expected == "ok" else expected)
    assert Assignment.objects.get(pk=pk).title == ("Renamed" if expected == "ok" else "AES quiz")
    deleted = client.delete(f"/api/v1/assignments/{pk}/")
    assert deleted.status_code == (204 if expected == "ok" else expected)
    assert Assignment.objects.filter(pk=pk).exists() is (expected != "ok")


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 401), ("student", 403), ("editor", 403), ("other_trainer", 400), ("co_trainer", 201)],
)
def test_create(world, who, expected):
    response = _client(world, who).post("/api/v1/assignments/", _body(world), format="json")
    assert response.status_code == expected
    assert Assignment.objects.filter(title="New").exists() is (expected == 201)


def test_create_a_reading_answers_the_assignment(world):
    one = factories.SectionFactory(slug="one")
    response = _client(world, "trainer").post(
        "/api/v1/assignments/",
        _body(world, kind="reading", quiz=None, sections=["one"], students=[world["student"].pk]),
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["sections"], body["students"], body["quiz"]) == (
        "reading",
        ["one"],
        [world["student"].pk],
        None,
    )
    assert body["status_counts"] == {"done": 0, "late": 0, "missing": 0, "not_yet_due": 1}
    assert list(Assignment.objects.get(pk=body["id"]).sections.all()) == [one]


@pytest.mark.parametrize(
    ("more", "field", "detail"),
    [
        ({"opens_at": "2030-01-02T00:00:00Z", "due_at": "2030-01-01T00:00:00Z"}, "due_at", "after the opening time"),
        ({"quiz": "a-draft"}, "quiz", "is not published"),
        ({"students": "OTHER"}, "students", "is not a student of this class"),
        ({"kind": "study_goal", "deck": "quiz:the-aes", "target_recall": "0.9"}, "deck", "A study goal is on"),
    ],
)
def test_create_refused_is_a_400_naming_the_field(world, more, field, detail):
    factories.QuizFactory(slug="a-draft", status="draft")
    if more.get("students") == "OTHER":
        more = {"students": [world["other_student"].pk]}
    response = _client(world, "trainer").post("/api/v1/assignments/", _body(world, **more), format="json")
    assert response.status_code == 400
    body = response.json()
    assert (body["field"], body["code"]) == (field, "invalid_assignment")
    assert detail in body["detail"]
    assert Assignment.objects.count() == 1


def test_a_student_sees_their_due_date_and_status(world):
    assignment = world["assignment"]
    factories.AssignmentOverrideFactory(assignment=assignment, student=world["student"], due_at=assignment.due_at + DAY)
    factories.AttemptFactory(quiz=world["quiz"], user=world["student"])
    row = _client(world, "student").get("/api/v1/assignments/").json()["results"][0]
    assert row["status"] == "done"
    assert row["quiz"] == "the-aes"
    assert datetime.datetime.fromisoformat(row["due_at"]) == assignment.due_at + DAY
    assert "status_counts" not in row


def test_extensions(world):
    pk = world["assignment"].pk
    trainer = _client(world, "trainer")
    response = trainer.post(
        f"/api/v1/assignments/{pk}/extensions/",
        {"student": world["student"].pk, "extra_attempts": 2, "time_limit": 1800},
        format="json",
    )
    assert response.status_code == 201
    assert response.json() == {
        "student": world["student"].pk,
        "due_at": None,
        "closes_at": None,
        "extra_attempts": 2,
        "time_limit": 1800,
    }
    assert AssignmentOverride.objects.get().time_limit == datetime.timedelta(minutes=30)
    outsider = trainer.post(f"/api/v1/assignments/{pk}/extensions/", {"student": world["other_student"].pk})
    assert (outsider.status_code, outsider.json()["field"]) == (400, "student")
    assert _client(world, "student").post(f"/api/v1/assignments/{pk}/extensions/", {}).status_code == 403
    assert _client(world, "other_trainer").post(f"/api/v1/assignments/{pk}/extensions/", {}).status_code == 404


def test_a_bad_id_is_a_404(world):
    assert _client(world, "trainer").get("/api/v1/assignments/nope/").status_code == 404


def test_list_query_count_does_not_grow_with_the_class(world):
    client = _client(world, "trainer")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/assignments/").status_code == 200
        return len(queries)

    one = count()
    for _ in range(10):
        factories.CohortMembershipFactory(cohort=world["cohort"])
    assert count() == one


def test_student_list_query_count_with_one_and_many_assignments(world):
    client = _client(world, "student")

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/assignments/")
        return len(queries), response.json()["count"]

    one = count()
    for _ in range(5):
        factories.AssignmentFactory(cohort=world["cohort"], kind=AssignmentKind.QUIZ)
    many = count()
    assert (one[1], many[1]) == (1, 6)
    assert one[0] == many[0]
