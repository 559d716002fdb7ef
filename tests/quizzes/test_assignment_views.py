"""The assignment pages: a trainer's (the class page's list, the create forms per kind, an assignment's
students and their extensions) and a student's ("Assigned to me" on the home page and /assignments/).

Authorization matrix over every trainer page x (anonymous, a student of the class, a student of another
class, the trainer, another trainer, a co-trainer, an editor).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from quizzes.models import Assignment, AssignmentKind, AssignmentOverride, AssignmentStatus
from tests import factories

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def world():
    world = factories.class_world()
    trainer, cohort = world["trainer"], world["cohort"]
    quiz = factories.QuizFactory(title="The AES", slug="the-aes")
    assignment = factories.AssignmentFactory(cohort=cohort, quiz=quiz, title="AES quiz", created_by=trainer)
    world.update(
        quiz=quiz,
        assignment=assignment,
    )
    return world


def _as(client, world, who):
    if who != "anonymous":
        client.force_login(world[who])
    return client


def _requests(world):
    cohort, assignment, student = world["cohort"], world["assignment"], world["student"]
    due = (timezone.localtime() + 9 * DAY).strftime("%Y-%m-%dT%H:%M")
    return {
        "create": ("get", reverse("quizzes:assignment-create", args=[cohort.pk]) + "?kind=quiz", None),
        "detail": ("get", reverse("quizzes:assignment-detail", args=[assignment.pk]), None),
        "edit": ("get", reverse("quizzes:assignment-edit", args=[assignment.pk]), None),
        "override": (
            "post",
            reverse("quizzes:assignment-override", args=[assignment.pk, student.pk]),
            {"due_at": due},
        ),
        "delete": ("post", reverse("quizzes:assignment-delete", args=[assignment.pk]), {}),
    }


PAGES = ["create", "detail", "edit", "override", "delete"]
EXPECTED = {
    "anonymous": dict.fromkeys(PAGES, "login"),
    "student": dict.fromkeys(PAGES, 403),
    "other_student": dict.fromkeys(PAGES, 403),
    "editor": dict.fromkeys(PAGES, 403),
    "other_trainer": dict.fromkeys(PAGES, 404),
    "trainer": {"create": 200, "detail": 200, "edit": 200, "override": 302, "delete": 302},
    "co_trainer": {"create": 200, "detail": 200, "edit": 200, "override": 302, "delete": 302},
}


@pytest.mark.parametrize("who", list(EXPECTED))
@pytest.mark.parametrize("page", PAGES)
def test_authorization_matrix(client, world, who, page):
    method, url, data = _requests(world)[page]
    client = _as(client, world, who)
    response = client.post(url, data) if method == "post" else client.get(url)
    expected = EXPECTED[who][page]
    if expected == "login":
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == expected
    changed = page in ("override", "delete") and expected == 302
    assert Assignment.objects.filter(pk=world["assignment"].pk).exists() is not (changed and page == "delete")
    assert AssignmentOverride.objects.exists() is (changed and page == "override")


def test_the_student_page_is_for_signed_in_users(client, world):
    response = client.get(reverse("quizzes:assignment-mine"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_trainer_assigns_a_quiz_to_some_students(client, world):
    client.force_login(world["trainer"])
    due = timezone.localtime() + 5 * DAY
    response = client.post(
        reverse("quizzes:assignment-create", args=[world["cohort"].pk]) + "?kind=quiz",
        {
            "title": "Second go",
            "quiz": "the-aes",
            "due_at": due.strftime("%Y-%m-%dT%H:%M"),
            "attempts_allowed": "2",
            "time_limit": "30",
            "students": [world["student"].pk],
        },
    )
    made = Assignment.objects.get(title="Second go")
    assert response.status_code == 302
    assert response.url == made.get_absolute_url()
    assert (made.kind, made.quiz, made.attempts_allowed, made.time_limit, made.created_by) == (
        AssignmentKind.QUIZ,
        world["quiz"],
        2,
        datetime.timedelta(minutes=30),
        world["trainer"],
    )
    assert [target.student for target in made.targets.all()] == [world["student"]]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"opens_at": "2026-06-10T10:00", "due_at": "2026-06-09T10:00"}, "due_at", "after the opening time"),
        ({"quiz": "a-draft"}, "quiz", "Select a valid choice"),
        ({"students": ["OUTSIDER"]}, "students", "Select a valid choice"),
    ],
)
def test_bad_input_is_a_400_with_the_reason(client, world, data, field, message):
    factories.QuizFactory(slug="a-draft", status="draft")
    outsider = world["other_student"].pk
    base = {"title": "T", "quiz": "the-aes", "due_at": "2026-06-09T10:00"}
    base.update({key: [outsider] if value == ["OUTSIDER"] else value for key, value in data.items()})
    client.force_login(world["trainer"])
    response = client.post(reverse("quizzes:assignment-create", args=[world["cohort"].pk]) + "?kind=quiz", base)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert Assignment.objects.count() == 1


def test_an_unknown_kind_is_a_400(client, world):
    client.force_login(world["trainer"])
    response = client.get(reverse("quizzes:assignment-create", args=[world["cohort"].pk]) + "?kind=essay")
    assert response.status_code == 400
    assertContains(response, "Choose a quiz, a reading or a study goal.", status_code=400)


def test_the_class_page_lists_assignments_with_counts(client, world, django_assert_num_queries):
    factories.AttemptFactory(quiz=world["quiz"], user=world["student"])
    client.force_login(world["trainer"])
    response = client.get(reverse("quizzes:cohort-detail", args=[world["cohort"].pk]))
    rows = response.context["assignments"]
    assert [(row["assignment"].title, row["counts"]) for row in rows] == [
        ("AES quiz", {"done": 1, "late": 0, "missing": 0, "not_yet_due": 0})
    ]
    assertContains(response, reverse("quizzes:assignment-create", args=[world["cohort"].pk]) + "?kind=study_goal")


def _detail_queries(client, world, students, django_assert_num_queries, expected=None):
    for _ in range(students - 1):
        factories.CohortMembershipFactory(cohort=world["cohort"])
    client.force_login(world["trainer"])
    url = reverse("quizzes:assignment-detail", args=[world["assignment"].pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert len(response.context["rows"]) == students
    return len(queries)


def test_the_assignment_page_query_count_does_not_grow_with_the_class(client, world, django_assert_num_queries):
    one = _detail_queries(client, world, 1, django_assert_num_queries)
    client.logout()
    many = _detail_queries(client, world, 15, django_assert_num_queries)
    assert one == many


def test_the_assignment_page_shows_each_status(client, world):
    client.force_login(world["trainer"])
    response = client.get(reverse("quizzes:assignment-detail", args=[world["assignment"].pk]))
    assert [(row.student.username, row.status) for row in response.context["rows"]] == [
        ("awa", AssignmentStatus.NOT_YET_DUE)
    ]
    assertContains(response, "Not yet due")


def test_the_assignment_page_links_the_gradebook_the_item_analysis_and_each_students_page(client, world):
    cohort, assignment = world["cohort"], world["assignment"]
    client.force_login(world["co_trainer"])
    response = client.get(reverse("quizzes:assignment-detail", args=[assignment.pk]))
    gradebook = reverse("quizzes:cohort-gradebook", args=[cohort.pk])
    analysis = reverse("quizzes:quiz-analysis", args=["the-aes"])
    student = reverse("quizzes:cohort-student-detail", args=[cohort.pk, world["student"].pk])
    assertContains(
        response, f'<a class="button button-secondary" href="{gradebook}">The class\'s gradebook</a>', html=True
    )
    assertContains(
        response, f'<a class="button button-secondary" href="{analysis}">The quiz\'s item analysis</a>', html=True
    )
    assertContains(response, f'<a href="{student}">Awa Keita</a>', html=True)
    assert client.get(analysis).status_code == 200


def test_the_class_page_links_each_assigned_quizs_item_analysis(client, world):
    factories.AssignmentFactory(cohort=world["cohort"], kind=AssignmentKind.READING, quiz=None, title="Read it")
    client.force_login(world["trainer"])
    response = client.get(world["cohort"].get_absolute_url())
    analysis = reverse("quizzes:quiz-analysis", args=["the-aes"])
    assertContains(
        response,
        f'<a href="{analysis}">Item analysis<span class="visually-hidden"> of “The AES”</span></a>',
        html=True,
        count=1,
    )
    assertContains(response, "/analysis/", count=1)  # the reading has no quiz to analyse


def test_a_study_goal_page_shows_its_target_and_each_predicted_recall_as_percents(client, world):
    goal = factories.AssignmentFactory(
        cohort=world["cohort"], kind=AssignmentKind.STUDY_GOAL, quiz=None, deck="topic:timeline", target_recall="0.9"
    )
    client.force_login(world["trainer"])
    response = client.get(reverse("quizzes:assignment-detail", args=[goal.pk]))
    assertContains(response, "Topic: Timeline: a mean predicted recall of 90 % at the due date")
    assert [row.recall for row in response.context["rows"]] == [0.0]
    assertContains(response, "<td>0 %</td>", html=True)
    assertNotContains(response, "item analysis")  # no quiz to analyse
    assertContains(response, f'href="{reverse("quizzes:cohort-gradebook", args=[world["cohort"].pk])}"', count=1)


def test_an_extension_with_a_due_date_before_the_assignment_is_refused(client, world):
    client.force_login(world["trainer"])
    early = (world["assignment"].due_at - DAY).astimezone(timezone.get_current_timezone())
    response = client.post(
        reverse("quizzes:assignment-override", args=[world["assignment"].pk, world["student"].pk]),
        {"due_at": early.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 400
    assert response.context["override_form"].errors["due_at"] == [
        "An extension's due date must be later than the assignment's."
    ]
    assert not AssignmentOverride.objects.exists()


def test_a_student_of_another_class_cannot_get_an_extension(client, world):
    client.force_login(world["trainer"])
    url = reverse("quizzes:assignment-override", args=[world["assignment"].pk, world["other_student"].pk])
    assert client.post(url, {"extra_attempts": "1"}).status_code == 404


def test_the_student_sees_it_on_the_home_page_and_their_page(client, world):
    client.force_login(world["student"])
    home = client.get("/")
    assert [(a.title, row.status) for a, row in home.context["role_home"]["assigned"]] == [
        ("AES quiz", AssignmentStatus.NOT_YET_DUE)
    ]
    assertContains(home, "Assigned to me")
    assertContains(home, world["quiz"].get_absolute_url())
    mine = client.get(reverse("quizzes:assignment-mine"))
    assert [a.title for a, _row in mine.context["rows"]] == ["AES quiz"]
    client.force_login(world["other_student"])
    assert client.get(reverse("quizzes:assignment-mine")).context["rows"] == []


def test_a_student_page_query_count_with_one_and_many_assignments(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["student"])
    url = reverse("quizzes:assignment-mine")

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return len(queries), len(response.context["rows"])

    one = count()
    for _ in range(4):
        factories.AssignmentFactory(cohort=world["cohort"])
        reading = factories.AssignmentFactory(cohort=world["cohort"], kind=AssignmentKind.READING, quiz=None)
        reading.sections.set([factories.SectionFactory()])
    many = count()
    assert (one[1], many[1]) == (1, 9)
    assert one[0] == many[0]


def test_opening_a_section_card_records_the_visit_once(client, world):
    from quizzes.models import SectionVisit

    section = factories.SectionFactory(slug="the-aes-section", title="The AES")
    client.force_login(world["student"])
    url = reverse("briefings:section-detail", args=["the-aes-section"])
    assert client.get(url).status_code == 200
    first = SectionVisit.objects.get(student=world["student"], section=section).first_opened_at
    assert client.get(url).status_code == 200
    assert list(SectionVisit.objects.values_list("first_opened_at", flat=True)) == [first]
    client.logout()
    assert client.get(url).status_code == 200
    assert SectionVisit.objects.count() == 1
