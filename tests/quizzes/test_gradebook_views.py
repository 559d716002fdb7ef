"""The gradebook page (``quizzes:cohort-gradebook``), its CSV export (``quizzes:cohort-gradebook-csv``) and the
API's ``/api/v1/cohorts/{id}/gradebook/`` (JSON and CSV): for the class's trainers only, sorted and filtered
by one form, bad values a 400 with its message, and a fixed number of queries whatever the class size.

Authorization matrix over each x (anonymous, a student of the class, a student of another class, the
trainer, another trainer, a co-trainer, an editor): anonymous is sent to sign in (the API: 401), students
and editors get 403, another trainer 404.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains
from rest_framework.test import APIClient

from quizzes.gradebook import Gradebook, assignment_sort
from quizzes.models import AssignmentStatus, GradingMethod
from tests import factories

pytestmark = pytest.mark.django_db

WHO = ["anonymous", "student", "other_student", "trainer", "other_trainer", "co_trainer", "editor"]
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def world():
    """Form 3B: Awa took the quiz twice (1 of 4, then 3 of 4) in time; Binta once (2 of 4), late; Chaka not at all."""
    now = timezone.now()
    trainer = factories.trainer(username="fatou", first_name="Fatou Sow")
    awa = factories.student(username="awa", first_name="Awa", last_name="Keita")
    binta = factories.student(username="binta", first_name="Binta", last_name="Diallo")
    chaka = factories.student(username="chaka", first_name="Chaka", last_name="Traoré")
    cohort = factories.cohort_of(trainer, name="Form 3B", students=[awa, binta, chaka])
    co_trainer = factories.trainer(username="mariam")
    factories.CohortTrainerFactory(cohort=cohort, trainer=co_trainer)
    other_trainer = factories.trainer(username="ousmane")
    other_student = factories.student(username="issa")
    factories.cohort_of(other_trainer, name="Form 4", students=[other_student])
    quiz = factories.QuizFactory(title="Leaders quiz", grading_method=GradingMethod.HIGHEST)
    assignment = factories.AssignmentFactory(cohort=cohort, quiz=quiz, title="Leaders", due_at=now - 2 * DAY)
    attempts = {}
    for user, number, score, submitted in (
        (awa, 1, 1, now - 3 * DAY),
        (awa, 2, 3, now - 3 * DAY + HOUR),
        (binta, 1, 2, now - DAY),
    ):
        attempts[(user.username, number)] = factories.AttemptFactory(
            quiz=quiz,
            user=user,
            number=number,
            score=Decimal(score),
            max_score=Decimal(4),
            started_at=submitted - HOUR,
            submitted_at=submitted,
        )
    return {
        "cohort": cohort,
        "trainer": trainer,
        "student": awa,
        "students": (awa, binta, chaka),
        "other_student": other_student,
        "other_trainer": other_trainer,
        "co_trainer": co_trainer,
        "editor": factories.editor(username="ed"),
        "assignment": assignment,
        "attempts": attempts,
    }


def _urls(world):
    pk = world["cohort"].pk
    return {
        "page": reverse("quizzes:cohort-gradebook", args=[pk]),
        "csv": reverse("quizzes:cohort-gradebook-csv", args=[pk]),
        "api": f"/api/v1/cohorts/{pk}/gradebook/",
    }


EXPECTED = {
    "anonymous": {"page": "login", "csv": "login", "api": 401},
    "student": dict.fromkeys(["page", "csv", "api"], 403),
    "other_student": dict.fromkeys(["page", "csv", "api"], 403),
    "editor": dict.fromkeys(["page", "csv", "api"], 403),
    "other_trainer": dict.fromkeys(["page", "csv", "api"], 404),
    "trainer": dict.fromkeys(["page", "csv", "api"], 200),
    "co_trainer": dict.fromkeys(["page", "csv", "api"], 200),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("page", ["page", "csv", "api"])
def test_the_gradebook_authorization_matrix(client, world, who, page):
    url = _urls(world)[page]
    if who != "anonymous":
        client.force_login(world[who])
    response = client.get(url)
    expected = EXPECTED[who][page]
    if expected == "login":
        assert (response.status_code, response["Location"]) == (302, f"{reverse('login')}?next={url}")
    else:
        assert response.status_code == expected


# -- the page ------------------------------------------------------------------------------------------


def test_the_page_shows_each_students_score_status_and_attempts(client, world):
    client.force_login(world["co_trainer"])
    response = client.get(_urls(world)["page"])

    assert response.status_code == 200
    assert response.templates[0].name == "quizzes/cohort_gradebook.html"
    gradebook = response.context["gradebook"]
    assert isinstance(gradebook, Gradebook)
    assert [
        (row.student.username, row.cells[0].score, row.cells[0].status, row.cells[0].attempts, row.overall)
        for row in gradebook.rows
    ] == [
        ("awa", Decimal("75.00"), AssignmentStatus.DONE, 2, Decimal("75.00")),
        ("binta", Decimal("50.00"), AssignmentStatus.LATE, 1, Decimal("50.00")),
        ("chaka", None, AssignmentStatus.MISSING, 0, None),
    ]
    review = reverse("quizzes:attempt-review", args=[world["attempts"][("awa", 2)].pk])
    assertContains(response, f'<a href="{review}">75 %')  # the attempt the grade comes from
    student_url = reverse("quizzes:cohort-student-detail", args=[world["cohort"].pk, world["student"].pk])
    assertContains(response, f'<a href="{student_url}">Awa Keita</a>')
    assertContains(response, '<span class="assignment-status status-late">Done late</span>', html=True)
    assertContains(response, '<caption id="gradebook-caption" class="visually-hidden">')
    assertContains(response, '<th scope="col" aria-sort="ascending">Student</th>', html=True)
    assertContains(response, 'hx-get="/classes/')
    assertContains(response, f'href="{_urls(world)["csv"]}"')
    assert response["Vary"].count("HX-Request") == 1


def test_under_htmx_only_the_table_is_sent(client, world):
    client.force_login(world["trainer"])
    response = client.get(_urls(world)["page"], {"status": "late"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assertNotContains(response, "<h1>")
    assertNotContains(response, "<form")
    assertContains(response, "Binta Diallo")
    assertNotContains(response, "Awa Keita")
    assertContains(response, "1 student")
    assertContains(response, "?status=late")  # the CSV link keeps the filter


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"sort": "overall", "direction": "desc"}, ["awa", "binta", "chaka"]),
        ({"sort": "overall", "direction": "asc"}, ["binta", "awa", "chaka"]),
        ({"sort": "username", "direction": "desc"}, ["chaka", "binta", "awa"]),
        ({"status": "missing"}, ["chaka"]),
        ({"q": "KEI"}, ["awa"]),
        ({"sort": "name", "direction": "", "status": "", "q": ""}, ["awa", "binta", "chaka"]),  # a form left blank
    ],
)
def test_sort_and_filter(client, world, query, expected):
    client.force_login(world["trainer"])
    response = client.get(_urls(world)["page"], query)
    assert response.status_code == 200
    assert [row.student.username for row in response.context["gradebook"].rows] == expected


def test_sort_by_an_assignment(client, world):
    client.force_login(world["trainer"])
    sort = assignment_sort(world["assignment"])
    response = client.get(_urls(world)["page"], {"sort": sort, "direction": "asc"})
    assert [row.student.username for row in response.context["gradebook"].rows] == ["binta", "awa", "chaka"]
    assertContains(response, '<th scope="col" aria-sort="ascending"><a href="')


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"sort": "age"}, "sort"),
        ({"direction": "up"}, "direction"),
        ({"status": "gone"}, "status"),
        ({"page": "x"}, "page"),
    ],
)
def test_a_value_the_form_does_not_offer_is_a_400_with_its_message(client, world, query, field):
    client.force_login(world["trainer"])
    for url in (_urls(world)["page"], _urls(world)["csv"]):
        response = client.get(url, query)
        assert response.status_code == 400
        assert list(response.context["form"].errors) == [field]
        assert "gradebook" not in response.context
        assertContains(response, "Please check the sort and the filter:", status_code=400)
    htmx = client.get(_urls(world)["page"], query, headers={"HX-Request": "true"})
    assert htmx.status_code == 400
    assertContains(htmx, 'role="alert"', status_code=400)
    api = APIClient()
    api.force_authenticate(world["trainer"])
    if field != "page":
        answer = api.get(_urls(world)["api"], query)
        assert (answer.status_code, list(answer.json())) == (400, [field])


def test_a_page_past_the_last_is_a_404(client, world):
    client.force_login(world["trainer"])
    assert client.get(_urls(world)["page"], {"page": 2}).status_code == 404


def test_the_class_page_links_the_gradebook(client, world):
    client.force_login(world["trainer"])
    response = client.get(reverse("quizzes:cohort-detail", args=[world["cohort"].pk]))
    assertContains(response, f'href="{_urls(world)["page"]}">Gradebook</a>')


def test_the_class_list_links_each_classs_gradebook_and_forecast(client, world):
    client.force_login(world["co_trainer"])
    response = client.get(reverse("quizzes:cohort-list"))
    pk = world["cohort"].pk
    gradebook = reverse("quizzes:cohort-gradebook", args=[pk])
    forecast = reverse("quizzes:cohort-forecast", args=[pk])
    assertContains(
        response, f'<a href="{gradebook}">Gradebook<span class="visually-hidden"> of Form 3B</span></a>', html=True
    )
    assertContains(
        response, f'<a href="{forecast}">Forecast<span class="visually-hidden"> for Form 3B</span></a>', html=True
    )


@pytest.mark.parametrize(
    ("joining_open", "says"),
    [
        (True, "No student has joined this class yet: give them the class code AB3K7Q, or add students who have no"),
        (False, "No student has joined this class yet, and joining is closed: open it on the class page, or add"),
    ],
)
def test_a_class_without_students_says_how_they_join(client, joining_open, says):
    trainer = factories.trainer()
    cohort = factories.cohort_of(trainer, name="Form 1", join_code="AB3K7Q", joining_open=joining_open)
    client.force_login(trainer)
    response = client.get(reverse("quizzes:cohort-gradebook", args=[cohort.pk]))
    assert response.context["gradebook"].page.paginator.count == 0
    assertContains(response, says)
    assertContains(response, f'<a href="{cohort.get_absolute_url()}">How students join</a>', html=True)
    add = reverse("quizzes:cohort-add-students", args=[cohort.pk])
    assertContains(response, f'<a href="{add}">Add students without e-mail</a>', html=True)


def _class_of(size, quizzes):
    trainer = factories.trainer()
    students = [factories.student() for _ in range(size)]
    cohort = factories.cohort_of(trainer, students=students)
    now = timezone.now()
    for _ in range(quizzes):
        assignment = factories.AssignmentFactory(cohort=cohort, due_at=now + DAY)
        for student in students:
            factories.AttemptFactory(quiz=assignment.quiz, user=student, score=Decimal(1), max_score=Decimal(2))
    return trainer, cohort


@pytest.mark.parametrize(("size", "quizzes"), [(1, 1), (8, 3)])
def test_the_page_has_a_fixed_query_count(client, django_assert_num_queries, size, quizzes):
    trainer, cohort = _class_of(size, quizzes)
    client.force_login(trainer)
    # Session and user, the role's groups, the class; the assignments (read once for the form and the table);
    # the students' count and page, the named students, the extensions, the attempts.
    with django_assert_num_queries(10):
        response = client.get(reverse("quizzes:cohort-gradebook", args=[cohort.pk]))
    assert len(response.context["gradebook"].rows) == size


@pytest.mark.parametrize(("size", "quizzes"), [(1, 1), (8, 3)])
def test_the_csv_has_a_fixed_query_count(client, django_assert_num_queries, size, quizzes):
    trainer, cohort = _class_of(size, quizzes)
    client.force_login(trainer)
    # As the page, with every student in one query instead of a count and a page.
    with django_assert_num_queries(9):
        response = client.get(reverse("quizzes:cohort-gradebook-csv", args=[cohort.pk]))
    assert len(response.content.decode().splitlines()) == size + 1


def test_101_students_make_two_pages(client):
    trainer, cohort = _class_of(101, 0)
    client.force_login(trainer)
    url = reverse("quizzes:cohort-gradebook", args=[cohort.pk])
    first, second = client.get(url), client.get(url, {"page": 2})
    assert (len(first.context["gradebook"].rows), len(second.context["gradebook"].rows)) == (100, 1)
    assertContains(first, "101 students · page 1 of 2")
    assertContains(first, 'rel="next"')


# -- the CSV export ------------------------------------------------------------------------------------


def test_the_csv_export_is_every_student_sorted_and_filtered_as_asked(client, world):
    client.force_login(world["trainer"])
    response = client.get(_urls(world)["csv"], {"sort": "overall", "direction": "desc"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="form-3b-gradebook.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        [
            "Name",
            "Username",
            "Leaders: score (%)",
            "Leaders: status",
            "Leaders: attempts",
            "Leaders: late",
            "Overall (%)",
        ],
        ["Awa Keita", "awa", "75.00", "Done", "2", "no", "75.00"],
        ["Binta Diallo", "binta", "50.00", "Done late", "1", "yes", "50.00"],
        ["Chaka Traoré", "chaka", "", "Missing", "0", "no", ""],
    ]
    late = client.get(_urls(world)["csv"], {"status": "late"})
    assert [row[1] for row in csv.reader(io.StringIO(late.content.decode()))] == ["Username", "binta"]


# -- the API -------------------------------------------------------------------------------------------


def test_the_api_answers_the_assignments_then_the_rows_with_their_cells(world):
    api = APIClient()
    api.force_authenticate(world["co_trainer"])
    body = api.get(_urls(world)["api"]).json()
    assignment = world["assignment"]
    assert body["assignments"] == [
        {
            "id": assignment.pk,
            "title": "Leaders",
            "kind": "quiz",
            "due_at": assignment.due_at.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
            "quiz": assignment.quiz.slug,
            "sections": None,
        }
    ]
    awa, binta, chaka = body["rows"]
    assert awa["student"] == {"id": world["student"].pk, "username": "awa", "name": "Awa Keita"}
    assert (awa["overall"], awa["missing"], awa["late"]) == ("75.00", 0, 0)
    assert awa["cells"] == [
        {
            "assignment": assignment.pk,
            "assigned": True,
            "status": "done",
            "late": False,
            "due_at": body["assignments"][0]["due_at"],
            "score": "75.00",
            "attempts": 2,
            "attempt": world["attempts"][("awa", 2)].pk,
            "sections_opened": None,
            "recall": None,
        }
    ]
    assert (binta["cells"][0]["status"], binta["cells"][0]["late"], chaka["cells"][0]["status"]) == (
        "late",
        True,
        "missing",
    )


def test_the_api_sorts_and_filters_as_the_page(world):
    api = APIClient()
    api.force_authenticate(world["trainer"])
    body = api.get(_urls(world)["api"], {"sort": "overall", "direction": "asc", "status": "missing"}).json()
    assert [row["student"]["username"] for row in body["rows"]] == ["chaka"]


@pytest.mark.parametrize("how", ["format", "accept"])
def test_the_api_answers_csv_with_the_pages_writer(client, world, how):
    api = APIClient()
    api.force_authenticate(world["trainer"])
    if how == "format":
        response = api.get(_urls(world)["api"], {"format": "csv"})
    else:
        response = api.get(_urls(world)["api"], HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="form-3b-gradebook.csv"'
    client.force_login(world["trainer"])
    assert response.content == client.get(_urls(world)["csv"]).content


@pytest.mark.parametrize(("size", "quizzes"), [(1, 1), (8, 3)])
def test_the_api_has_a_fixed_query_count(django_assert_num_queries, size, quizzes):
    trainer, cohort = _class_of(size, quizzes)
    api = APIClient()
    api.force_authenticate(trainer)
    # The role's groups, the class and its trainers (prefetched by the viewset), the assignments, and the
    # gradebook's: the students (no pages), the named students, the extensions, the attempts.
    with django_assert_num_queries(8):
        response = api.get(f"/api/v1/cohorts/{cohort.pk}/gradebook/")
    assert len(response.json()["rows"]) == size


def test_the_gradebook_is_in_the_schema_with_its_answers(client):
    import yaml

    paths = yaml.safe_load(client.get("/api/schema/").content)["paths"]
    operation = paths["/api/v1/cohorts/{id}/gradebook/"]["get"]
    assert set(operation["responses"]) == {"200", "400", "401", "403", "404"}
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert {parameter["name"] for parameter in operation["parameters"]} >= {"sort", "direction", "status", "q"}


def test_a_refused_csv_request_says_why_in_csv(world):
    api = APIClient()
    api.force_authenticate(world["trainer"])
    response = api.get(_urls(world)["api"], {"format": "csv", "sort": "=age"})
    assert (response.status_code, response["Content-Type"]) == (400, "text/csv; charset=utf-8")
    assert list(csv.reader(io.StringIO(response.content.decode()))) == [
        ["sort", "Select a valid choice. =age is not one of the available choices."]
    ]
    other = APIClient()
    other.force_authenticate(world["other_trainer"])
    assert other.get(_urls(world)["api"], {"format": "csv"}).status_code == 404
