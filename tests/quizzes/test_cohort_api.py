"""The classes API: /api/v1/cohorts/ for trainers (their own and co-trained classes only), members,
a new join code, and joining by code for students; and its answers in the OpenAPI schema.

Authorization matrix over every endpoint x (anonymous, a student of the class, a student of another
class, the trainer, another trainer, a co-trainer, an editor).
"""

import pytest
import yaml
from rest_framework.test import APIClient

from quizzes.models import Cohort, CohortMembership
from sahel_learn.accounts.models import OneTimePassword
from tests import factories

pytestmark = pytest.mark.django_db

WHO = ["anonymous", "student", "other_student", "trainer", "other_trainer", "co_trainer", "editor"]


@pytest.fixture
def world():
    return factories.class_world()


def _client(world, who):
    client = APIClient()
    if who != "anonymous":
        client.force_authenticate(world[who])
    return client


def _requests(world):
    pk, student = world["cohort"].pk, world["student"].pk
    return {
        "list": ("get", "/api/v1/cohorts/", None),
        "create": ("post", "/api/v1/cohorts/", {"name": "Form 5"}),
        "retrieve": ("get", f"/api/v1/cohorts/{pk}/", None),
        "update": ("patch", f"/api/v1/cohorts/{pk}/", {"term": "2027"}),
        "join-code": ("post", f"/api/v1/cohorts/{pk}/join-code/", None),
        "members": ("get", f"/api/v1/cohorts/{pk}/members/", None),
        "add-members": ("post", f"/api/v1/cohorts/{pk}/members/", {"names": ["Issa Maïga"]}),
        "remove-member": ("delete", f"/api/v1/cohorts/{pk}/members/{student}/", None),
    }


TRAINER = {
    "list": 200,
    "create": 201,
    "retrieve": 200,
    "update": 200,
    "join-code": 200,
    "members": 200,
    "add-members": 201,
    "remove-member": 204,
}
EXPECTED = {
    "anonymous": dict.fromkeys(TRAINER, 401),
    "student": dict.fromkeys(TRAINER, 403),
    "other_student": dict.fromkeys(TRAINER, 403),
    "editor": dict.fromkeys(TRAINER, 403),
    "other_trainer": {**dict.fromkeys(TRAINER, 404), "list": 200, "create": 201},
    "trainer": TRAINER,
    "co_trainer": TRAINER,
}


def _state():
    cohort = Cohort.objects.get(name="Form 3B")
    return (
        Cohort.objects.count(),
        cohort.term,
        cohort.join_code,
        sorted(cohort.students.values_list("username", flat=True)),
    )


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("endpoint", list(TRAINER))
def test_the_cohorts_api_authorization_matrix(world, who, endpoint):
    method, url, body = _requests(world)[endpoint]
    before = _state()

    response = getattr(_client(world, who), method)(url, body, format="json")

    expected = EXPECTED[who][endpoint]
    assert response.status_code == expected, response.content
    if expected >= 400 or method == "get":
        assert _state() == before
    elif endpoint != "create" or who != "other_trainer":
        assert _state() != before


def test_a_trainer_lists_their_own_and_co_trained_classes(world):
    response = _client(world, "co_trainer").get("/api/v1/cohorts/")
    assert response.json()["count"] == 1
    (row,) = response.json()["results"]
    assert row == {
        "id": world["cohort"].pk,
        "name": "Form 3B",
        "description": "",
        "term": "2026-27",
        "join_code": "AB3K7Q",
        "join_path": "/classes/join/AB3K7Q/",
        "joining_open": True,
        "student_count": 1,
        "trainers": [
            {"id": world["trainer"].pk, "username": "fatou", "name": "Fatou Sow", "is_owner": True},
            {"id": world["co_trainer"].pk, "username": "mariam", "name": "", "is_owner": False},
        ],
        "created_at": row["created_at"],
    }


@pytest.mark.parametrize("rows", [1, 5])
def test_the_list_has_a_fixed_query_count(django_assert_num_queries, rows):
    trainer = factories.trainer()
    for _ in range(rows):
        cohort = factories.cohort_of(trainer, students=[factories.student()])
        factories.CohortTrainerFactory(cohort=cohort)
    client = APIClient()
    client.force_authenticate(trainer)
    # The role's groups, the count, the page of classes, their trainers.
    with django_assert_num_queries(4):
        response = client.get("/api/v1/cohorts/")
    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [1, 5])
def test_the_member_list_has_a_fixed_query_count(django_assert_num_queries, rows):
    trainer = factories.trainer()
    cohort = factories.cohort_of(trainer, students=[factories.student() for _ in range(rows)])
    client = APIClient()
    client.force_authenticate(trainer)
    # The role's groups, the class (with its count and trainers), the members' count and page.
    with django_assert_num_queries(5):
        response = client.get(f"/api/v1/cohorts/{cohort.pk}/members/")
    assert response.json()["count"] == rows


def test_creating_a_class_makes_the_trainer_its_owner(world):
    response = _client(world, "other_trainer").post(
        "/api/v1/cohorts/", {"name": "Form 5", "term": "2027", "joining_open": False}, format="json"
    )
    assert response.status_code == 201
    cohort = Cohort.objects.get(name="Form 5")
    assert (response.json()["id"], cohort.joining_open, cohort.created_by) == (cohort.pk, False, world["other_trainer"])
    assert response.json()["trainers"] == [
        {"id": world["other_trainer"].pk, "username": "ousmane", "name": "", "is_owner": True}
    ]


def test_a_class_needs_a_name(world):
    response = _client(world, "trainer").post("/api/v1/cohorts/", {"name": ""}, format="json")
    assert (response.status_code, response.json()) == (400, {"name": ["This field may not be blank."]})


def test_the_join_code_is_read_only_and_a_new_one_is_made_on_request(world):
    client = _client(world, "trainer")
    response = client.patch(
        f"/api/v1/cohorts/{world['cohort'].pk}/", {"join_code": "HACKED", "joining_open": False}, format="json"
    )
    assert (response.json()["join_code"], response.json()["joining_open"]) == ("AB3K7Q", False)
    renewed = client.post(f"/api/v1/cohorts/{world['cohort'].pk}/join-code/")
    assert renewed.json()["join_code"] == Cohort.objects.get(pk=world["cohort"].pk).join_code != "AB3K7Q"


def test_members_are_listed_by_name(world):
    factories.CohortMembershipFactory(
        cohort=world["cohort"], student=factories.student(username="zed", first_name="Aby")
    )
    response = _client(world, "trainer").get(f"/api/v1/cohorts/{world['cohort'].pk}/members/")
    assert [(row["username"], row["name"]) for row in response.json()["results"]] == [
        ("zed", "Aby"),
        ("awa", "Awa Keita"),
    ]


def test_students_added_in_bulk_come_back_with_their_one_time_passwords(world):
    response = _client(world, "trainer").post(
        f"/api/v1/cohorts/{world['cohort'].pk}/members/", {"names": ["Issa  Maïga", "Awa Keita"]}, format="json"
    )
    rows = response.json()
    assert [(row["username"], row["name"]) for row in rows] == [
        ("issa.maiga", "Issa Maïga"),
        ("awa.keita", "Awa Keita"),
    ]
    for row in rows:
        user = world["cohort"].students.get(pk=row["id"])
        assert user.check_password(row["password"])
    assert OneTimePassword.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"names": []}, {"names": ["This list may not be empty."]}),
        ({"names": ["  "]}, {"names": {"0": ["This field may not be blank."]}}),
        ({}, {"names": ["This field is required."]}),
    ],
)
def test_a_list_of_names_that_cannot_be_read_is_a_400(world, body, errors):
    response = _client(world, "trainer").post(f"/api/v1/cohorts/{world['cohort'].pk}/members/", body, format="json")
    assert (response.status_code, response.json()) == (400, errors)
    assert world["cohort"].students.count() == 1


@pytest.mark.parametrize(("student", "status"), [("other_student", 404), ("abc", 404)])
def test_removing_somebody_not_in_the_class_is_a_404(world, student, status):
    student_id = world[student].pk if student in world else student
    response = _client(world, "trainer").delete(f"/api/v1/cohorts/{world['cohort'].pk}/members/{student_id}/")
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "This student is not in this class.", "code": "not_a_member"},
    )
    assert CohortMembership.objects.count() == 2


@pytest.mark.parametrize("pk", ["999999", "abc"])
def test_an_unknown_class_is_a_json_404(world, pk):
    response = _client(world, "trainer").get(f"/api/v1/cohorts/{pk}/")
    assert response.status_code == 404
    assert "detail" in response.json()


# -- joining -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "code", "status", "body"),
    [
        ("anonymous", "AB3K7Q", 401, None),
        ("other_student", "ab3-k7q", 201, None),
        (
            "student",
            "AB3K7Q",
            409,
            {"detail": "You are already in the class “Form 3B”.", "code": "already_member"},
        ),
        (
            "other_student",
            "WRONG1",
            400,
            {
                "detail": "No class has this code. Check it with your trainer: a class's code may have been changed.",
                "code": "unknown_join_code",
            },
        ),
        ("other_student", "", 400, {"code": ["This field may not be blank."]}),
        *[
            (
                who,
                "AB3K7Q",
                403,
                {
                    "detail": "Only students join classes: your account is a trainer's or an editor's.",
                    "code": "not_a_student",
                },
            )
            for who in ("trainer", "other_trainer", "co_trainer", "editor")
        ],
    ],
)
def test_joining_by_code(world, who, code, status, body):
    response = _client(world, who).post("/api/v1/cohorts/join/", {"code": code}, format="json")
    assert response.status_code == status
    if status == 201:
        assert response.json() == {"id": world["cohort"].pk, "name": "Form 3B", "term": "2026-27"}
        assert world["cohort"].students.filter(pk=world["other_student"].pk).exists()
    else:
        if body is not None:
            assert response.json() == body
        assert CohortMembership.objects.count() == 2


def test_joining_a_closed_class_is_a_403(world):
    Cohort.objects.filter(pk=world["cohort"].pk).update(joining_open=False)
    response = _client(world, "other_student").post("/api/v1/cohorts/join/", {"code": "AB3K7Q"}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "joining_closed")


# -- the schema ------------------------------------------------------------------------------------


def test_each_cohort_operation_documents_its_answers(client):
    paths = yaml.safe_load(client.get("/api/schema/").content)["paths"]

    def codes(path, method):
        return set(paths[path][method]["responses"])

    assert codes("/api/v1/cohorts/", "get") == {"200", "401", "403", "404"}
    assert codes("/api/v1/cohorts/", "post") == {"201", "400", "401", "403", "404"}
    assert codes("/api/v1/cohorts/{id}/", "get") == {"200", "401", "403", "404"}
    assert codes("/api/v1/cohorts/{id}/", "patch") == {"200", "400", "401", "403", "404"}
    assert codes("/api/v1/cohorts/{id}/", "put") == {"200", "400", "401", "403", "404"}
    assert codes("/api/v1/cohorts/{id}/join-code/", "post") == {"200", "401", "403", "404"}
    assert codes("/api/v1/cohorts/{id}/members/", "get") == {"200", "401", "403", "404"}
    assert codes("/api/v1/cohorts/{id}/members/", "post") == {"201", "400", "401", "403", "404", "409"}
    assert codes("/api/v1/cohorts/{id}/members/{student_id}/", "delete") == {"204", "401", "403", "404"}
    assert codes("/api/v1/cohorts/join/", "post") == {"201", "400", "401", "403", "409"}
