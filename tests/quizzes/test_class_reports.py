"""The class reports: the forecast page and API, and one student's page, for the class's trainers only.

Authorization matrix over each x (anonymous, a student of the class, a student of another class, the
trainer, another trainer, a co-trainer, an editor): anonymous is sent to sign in (the API: 401), students
and editors get 403, another trainer 404.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from quizzes.forecast import ClassForecast
from quizzes.models import AttemptState, CardState, StudyRating, Topic
from tests import factories

pytestmark = pytest.mark.django_db

WHO = ["anonymous", "student", "other_student", "trainer", "other_trainer", "co_trainer", "editor"]
DAY = datetime.timedelta(days=1)


@pytest.fixture
def world():
    return factories.class_world()


def _urls(world):
    cohort, student = world["cohort"], world["student"]
    return {
        "forecast": reverse("quizzes:cohort-forecast", args=[cohort.pk]),
        "student": reverse("quizzes:cohort-student-detail", args=[cohort.pk, student.pk]),
        "api": f"/api/v1/cohorts/{cohort.pk}/forecast/",
    }


EXPECTED = {
    "anonymous": {"forecast": "login", "student": "login", "api": 401},
    "student": dict.fromkeys(["forecast", "student", "api"], 403),
    "other_student": dict.fromkeys(["forecast", "student", "api"], 403),
    "editor": dict.fromkeys(["forecast", "student", "api"], 403),
    "other_trainer": dict.fromkeys(["forecast", "student", "api"], 404),
    "trainer": dict.fromkeys(["forecast", "student", "api"], 200),
    "co_trainer": dict.fromkeys(["forecast", "student", "api"], 200),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("page", ["forecast", "student", "api"])
def test_the_class_reports_authorization_matrix(client, world, who, page):
    url = _urls(world)[page]
    if who != "anonymous":
        client.force_login(world[who])
    response = client.get(url)
    expected = EXPECTED[who][page]
    if expected == "login":
        assert (response.status_code, response["Location"]) == (302, f"{reverse('login')}?next={url}")
    else:
        assert response.status_code == expected


def test_a_student_of_another_class_has_no_page_in_this_one(client, world):
    client.force_login(world["trainer"])
    url = reverse("quizzes:cohort-student-detail", args=[world["cohort"].pk, world["other_student"].pk])
    assert client.get(url).status_code == 404


# -- the forecast page --------------------------------------------------------------------------------


@pytest.fixture
def studied(world):
    """Awa has studied one card of two (due tomorrow); the other is unstudied."""
    section = factories.SectionFactory(number=1, title="The coups", slug="the-coups")
    one = factories.QuestionFactory(topic=Topic.LEADERS, sections=[section], prompt="Who leads Mali?")
    factories.QuestionFactory(topic=Topic.TIMELINE, sections=[section])
    now = timezone.now()
    factories.ReviewStateFactory(
        user=world["student"],
        question=one,
        state=CardState.REVIEW,
        step=None,
        stability=5.0,
        difficulty=5.0,
        last_review=now - 3 * DAY,
        due=now + DAY,
        reps=2,
    )
    return world


def test_the_forecast_page_shows_both_assumptions_the_students_at_risk_and_says_how(client, studied):
    client.force_login(studied["trainer"])
    response = client.get(reverse("quizzes:cohort-forecast", args=[studied["cohort"].pk]), {"date": ""})

    assert response.status_code == 200
    assert response.templates[0].name == "quizzes/cohort_forecast.html"
    forecast = response.context["forecast"]
    assert isinstance(forecast, ClassForecast)
    assert forecast.exam_date == timezone.localdate() + 14 * DAY  # the default: two weeks ahead
    assert response.context["date_value"] == forecast.exam_date.isoformat()
    assert [(row.name, row.studied, row.cards) for row in forecast.at_risk] == [("Awa Keita", 1, 2)]
    section = forecast.sections[0]
    assert section.recall_if_kept_up > section.recall_if_stopped > 0
    assert [row[0] for row in response.context["charts"]["sections"].rows] == ["1. The coups"]
    assertContains(response, "answered Good, as often as it falls due")
    assertContains(response, "A card a student has not studied counts as 0%")
    assertContains(response, '<svg class="chart-svg"', count=2)
    student_url = reverse("quizzes:cohort-student-detail", args=[studied["cohort"].pk, studied["student"].pk])
    assertContains(response, f'<a href="{student_url}">Awa Keita</a>')


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("next friday", "“next friday” is not a date: write it as YYYY-MM-DD."),
        ("2020-01-01", "The exam date is in the past: choose today or a later day."),
    ],
)
def test_a_bad_or_past_date_is_a_400_with_a_message(client, world, date, message):
    client.force_login(world["trainer"])
    url = reverse("quizzes:cohort-forecast", args=[world["cohort"].pk])
    response = client.get(url, {"date": date})
    assert (response.status_code, response.context["error"]) == (400, message)
    assert "forecast" not in response.context
    api = client.get(f"/api/v1/cohorts/{world['cohort'].pk}/forecast/", {"date": date})
    assert (api.status_code, api.json()) == (400, {"date": [message]})


def _class_of(size):
    trainer = factories.trainer()
    students = [factories.student() for _ in range(size)]
    cohort = factories.cohort_of(trainer, students=students)
    question = factories.QuestionFactory()
    now = timezone.now()
    for student in students:
        state = factories.ReviewStateFactory(
            user=student,
            question=question,
            state=CardState.REVIEW,
            step=None,
            stability=2.0,
            difficulty=5.0,
            last_review=now - 3 * DAY,
            due=now + DAY,
            reps=4,
            lapses=3,
        )
        factories.ReviewLogFactory(review_state=state, rating=StudyRating.AGAIN)
    return trainer, cohort


@pytest.mark.parametrize("size", [2, 12])
def test_the_forecast_page_has_a_fixed_query_count(client, django_assert_num_queries, size):
    trainer, cohort = _class_of(size)
    client.force_login(trainer)
    # Session and user, the role's groups, the class; the forecast's eight (no fitted parameters: no weights);
    # the class leeches' four.
    with django_assert_num_queries(15):
        response = client.get(reverse("quizzes:cohort-forecast", args=[cohort.pk]))
    assert response.context["forecast"].student_count == size
    assert [(leech.students, leech.reviews, leech.again) for leech in response.context["leeches"]] == [
        (size, size, size)
    ]


@pytest.mark.parametrize("size", [2, 12])
def test_the_forecast_api_has_a_fixed_query_count(client, django_assert_num_queries, size):
    trainer, cohort = _class_of(size)
    client.force_login(trainer)
    # As the page, and the class's trainers (the viewset's queryset prefetches them).
    with django_assert_num_queries(16):
        response = client.get(f"/api/v1/cohorts/{cohort.pk}/forecast/", {"date": timezone.localdate().isoformat()})
    assert response.status_code == 200
    assert response.json()["students"] == size


def test_the_forecast_api_answers_the_pages_numbers(client, studied):
    client.force_login(studied["co_trainer"])
    date = timezone.localdate() + 7 * DAY
    body = client.get(f"/api/v1/cohorts/{studied['cohort'].pk}/forecast/", {"date": date.isoformat()}).json()
    forecast = ClassForecast.of(studied["cohort"], date, timezone.now())

    assert (body["exam_date"], body["students"], body["cards"]) == (date.isoformat(), 1, 2)
    assert [(row["name"], row["cards"]) for row in body["sections"]] == [("1. The coups", 2)]
    assert body["sections"][0]["recall_if_stopped"] == pytest.approx(forecast.sections[0].recall_if_stopped)
    assert body["sections"][0]["recall_if_kept_up"] == pytest.approx(forecast.sections[0].recall_if_kept_up)
    assert body["sections"][0]["studied_share"] == 0.5
    assert [(row["name"], row["cards"]) for row in body["topics"]] == [("Leaders", 1), ("Timeline", 1)]
    assert [(row["username"], row["studied"], row["cards"]) for row in body["at_risk"]] == [("awa", 1, 2)]
    assert body["leeches"] == []


# -- one student's page -------------------------------------------------------------------------------


def test_the_student_page_shows_attempts_activity_retention_by_topic_and_leeches(client, world):
    student = world["student"]
    now = timezone.now()
    quiz = factories.QuizFactory(title="The coups quiz")
    factories.AttemptFactory(quiz=quiz, user=student, score=3, max_score=4)
    leader = factories.QuestionFactory(topic=Topic.LEADERS, prompt="Who leads Burkina Faso?")
    state = factories.ReviewStateFactory(
        user=student, question=leader, reps=5, lapses=8, is_leech=True, state=CardState.REVIEW, stability=1.0
    )
    for days_ago, rating in ((0, StudyRating.AGAIN), (1, StudyRating.GOOD), (2, StudyRating.GOOD)):
        factories.ReviewLogFactory(
            review_state=state,
            rating=rating,
            reviewed_at=now - days_ago * DAY,
            before_reps=3,
            before_state=CardState.REVIEW,
            before_last_review=now - (days_ago + 4) * DAY,
            before_due=now - days_ago * DAY,
        )
    client.force_login(world["co_trainer"])
    response = client.get(reverse("quizzes:cohort-student-detail", args=[world["cohort"].pk, student.pk]))

    assert response.templates[0].name == "quizzes/cohort_student_detail.html"
    report = response.context["report"]
    assert [(a.quiz.title, a.percent) for a in report.attempts] == [("The coups quiz", 75)]
    assert (report.reviews_30_days, report.streak) == (3, 3)
    assert [(row.name, row.retention.passed, row.retention.total) for row in report.retention_by_topic] == [
        ("Leaders", 2, 3)
    ]
    assert [leech.question.prompt for leech in report.leeches] == ["Who leads Burkina Faso?"]
    assertContains(response, "75 %")
    assertContains(response, "Open a submitted attempt to read it question by question")
    assertContains(response, '<svg class="chart-svg"', count=1)


def test_the_class_page_links_the_forecast_and_each_students_page(client, world):
    client.force_login(world["trainer"])
    response = client.get(world["cohort"].get_absolute_url())
    assertContains(response, f'href="{reverse("quizzes:cohort-forecast", args=[world["cohort"].pk])}"')
    url = reverse("quizzes:cohort-student-detail", args=[world["cohort"].pk, world["student"].pk])
    assertContains(response, f'<a href="{url}">Awa Keita</a>')


def test_the_student_page_links_each_finished_attempt_to_its_review_and_the_class_reports(client, world):
    """The trainer reads a finished attempt's review from the student's page (``Attempt.objects.visible_to``);
    an attempt in progress is not theirs to read yet, so it has no link. The page leads back to the class's
    gradebook and forecast."""
    student, cohort = world["student"], world["cohort"]
    quiz = factories.QuizFactory(title="The coups quiz")
    submitted = factories.AttemptFactory(quiz=quiz, user=student, number=1, score=3, max_score=4)
    abandoned = factories.AttemptFactory(quiz=quiz, user=student, number=2, state=AttemptState.ABANDONED)
    in_progress = factories.AttemptFactory(
        quiz=quiz, user=student, number=3, state=AttemptState.IN_PROGRESS, submitted_at=None, score=None
    )
    client.force_login(world["co_trainer"])
    response = client.get(reverse("quizzes:cohort-student-detail", args=[cohort.pk, student.pk]))

    for attempt in (submitted, abandoned):
        review = reverse("quizzes:attempt-review", args=[attempt.pk])
        assertContains(
            response,
            f'<a href="{review}">The coups quiz<span class="visually-hidden"> (attempt {attempt.number})</span></a>',
            html=True,
        )
        assert client.get(review).status_code == 200
    assertNotContains(response, reverse("quizzes:attempt-review", args=[in_progress.pk]))
    assertContains(response, f'href="{reverse("quizzes:cohort-gradebook", args=[cohort.pk])}"', count=1)
    assertContains(response, f'href="{reverse("quizzes:cohort-forecast", args=[cohort.pk])}"', count=1)
