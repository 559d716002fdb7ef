"""Who may use the trainers' pages and API: one table, every row against every actor (issue 10).

``ROWS`` holds every trainer page of ``quizzes.urls`` and every route of the trainers' API, each with the
status each of the seven actors gets: anonymous, a student of the class, a student of another class, the
class's trainer (its owner), another trainer, a co-trainer of the class and an editor. Pages send the
anonymous visitor to sign in ("login"), refuse students and editors (403) and hide another trainer's class
(404); the API answers 401, 403 and 404 alike. Each (row, actor) is its own test, on its own database.

Every request is also checked for what it must not do:
- a refused request (a 4xx, or the sign-in redirect) and any GET change nothing: ``snapshot`` compares
  the classes, their students and trainers, accounts and their passwords, one-time passwords,
  assignments, extensions and attempts before and after;
- an allowed write changes something (so the row's data does what it says);
- an answer to anybody but the class's trainers never shows the class's join code, and one to another
  trainer, a student of another class or an editor never shows the class's name or its student's name.

``test_every_trainer_route_has_a_row`` fails when a trainer page (a view behind ``trainer_required``) or a
route of a trainer viewset has no row. To add a page: append a ``Row`` with ``page(...)`` (or
``api(...)``) expectations, giving only the actors that differ from the usual.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from quizzes import actions, views
from quizzes import urls as quizzes_urls
from quizzes.api import AssignmentViewSet, CohortViewSet
from quizzes.models import (
    Assignment,
    AssignmentOverride,
    AssignmentTarget,
    Attempt,
    Cohort,
    CohortMembership,
    CohortTrainer,
    QuizStatus,
)
from sahel_learn.accounts.models import OneTimePassword
from sahel_learn.api_urls import router
from tests import factories

from .attempt_helpers import right_answer, slots_of

pytestmark = pytest.mark.django_db

ACTORS = ("anonymous", "student", "other_student", "trainer", "other_trainer", "co_trainer", "editor")
LOGIN = "login"  # the redirect to the sign-in page
DAY = datetime.timedelta(days=1)
CLASS_NAME, JOIN_CODE, STUDENT_NAME = "Form 3B", "AB3K7Q", "Awa Keita"
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def page(ok, **others):
    """A trainer page: the class's trainer and co-trainer get ``ok``, another trainer 404, students and editors
    403, anonymous the sign-in page; ``others`` for the actors that differ."""
    expected = dict.fromkeys(ACTORS, 403) | {"anonymous": LOGIN, "other_trainer": 404, "trainer": ok, "co_trainer": ok}
    return expected | others


def api(ok, **others):
    """A trainer API route: as ``page``, anonymous 401."""
    return page(ok, anonymous=401, **others)


@dataclass(frozen=True)
class Row:
    """One request: ``name`` is the URL's name (``quizzes:...`` for a page, the router's route name for the
    API), ``path`` builds its address from the world, ``data`` its body, ``expected`` each actor's status."""

    name: str
    method: str
    path: Callable[[dict], str]
    expected: dict
    data: Callable[[dict], dict] | None = None
    is_api: bool = False
    label: str = field(default="")
    reveals: tuple = ()  # actors who may see the class's name and student here although not its trainers

    @property
    def id(self):
        return f"{self.method} {self.name}{f' {self.label}' if self.label else ''}"


def _url(name, *keys, query=""):
    return lambda w: reverse(name, args=[w[key].pk for key in keys]) + query


def _due(days=9):
    return (timezone.localtime() + days * DAY).strftime("%Y-%m-%dT%H:%M")


def _api_due(days=9):
    return (timezone.now() + days * DAY).isoformat()


PAGE_ROWS = [
    Row("quizzes:cohort-list", "GET", _url("quizzes:cohort-list"), page(200, other_trainer=200)),
    Row("quizzes:cohort-create", "GET", _url("quizzes:cohort-create"), page(200, other_trainer=200)),
    Row(
        "quizzes:cohort-create",
        "POST",
        _url("quizzes:cohort-create"),
        page(302, other_trainer=302),
        data=lambda w: {"name": "Form 5", "term": "2026-27"},
    ),
    Row("quizzes:cohort-detail", "GET", _url("quizzes:cohort-detail", "cohort"), page(200)),
    Row("quizzes:cohort-regenerate-code", "POST", _url("quizzes:cohort-regenerate-code", "cohort"), page(302)),
    Row(
        "quizzes:cohort-joining",
        "POST",
        _url("quizzes:cohort-joining", "cohort"),
        page(302),
        data=lambda w: {"joining_open": "0"},
    ),
    Row(
        "quizzes:cohort-add-trainer",
        "POST",
        _url("quizzes:cohort-add-trainer", "cohort"),
        page(302, co_trainer=403),  # only the owner adds co-trainers
        data=lambda w: {"username": "bintou"},
    ),
    Row("quizzes:cohort-add-students", "GET", _url("quizzes:cohort-add-students", "cohort"), page(200)),
    Row(
        "quizzes:cohort-add-students",
        "POST",
        _url("quizzes:cohort-add-students", "cohort"),
        page(302),
        data=lambda w: {"names": "Issa Maïga"},
    ),
    Row("quizzes:cohort-password-sheet", "GET", _url("quizzes:cohort-password-sheet", "cohort"), page(200)),
    Row(
        "quizzes:cohort-remove-student",
        "POST",
        _url("quizzes:cohort-remove-student", "cohort", "student"),
        page(302),
    ),
    Row(
        "quizzes:cohort-reset-password",
        "POST",
        _url("quizzes:cohort-reset-password", "cohort", "student"),
        page(302),
    ),
    Row(
        "quizzes:cohort-remove-student",
        "POST",
        _url("quizzes:cohort-remove-student", "cohort", "other_student"),
        page(404),
        label="(a student of another class)",
    ),
    Row(
        "quizzes:cohort-reset-password",
        "POST",
        _url("quizzes:cohort-reset-password", "cohort", "other_student"),
        page(404),
        label="(a student of another class)",
    ),
    Row(
        "quizzes:cohort-reset-password",
        "POST",
        _url("quizzes:cohort-reset-password", "cohort", "promoted"),
        page(403, other_trainer=404),  # not a student's account any more: no takeover by a new password
        label="(a member since made a trainer)",
    ),
    Row(
        "quizzes:cohort-remove-student",
        "POST",
        _url("quizzes:cohort-remove-student", "cohort", "promoted"),
        page(302),
        label="(a member since made a trainer)",
    ),
    Row(
        "quizzes:cohort-leave",
        "POST",
        _url("quizzes:cohort-leave", "cohort"),
        # The student's own page: only a student of the class leaves it.
        dict.fromkeys(ACTORS, 404) | {"anonymous": LOGIN, "student": 302},
    ),
    Row("quizzes:cohort-forecast", "GET", _url("quizzes:cohort-forecast", "cohort"), page(200)),
    Row("quizzes:cohort-gradebook", "GET", _url("quizzes:cohort-gradebook", "cohort"), page(200)),
    Row(
        "quizzes:cohort-gradebook",
        "GET",
        _url("quizzes:cohort-gradebook", "cohort", query="?sort=overall&direction=desc&status=missing"),
        page(200),
        label="(sorted and filtered)",
    ),
    Row("quizzes:cohort-gradebook-csv", "GET", _url("quizzes:cohort-gradebook-csv", "cohort"), page(200)),
    Row(
        "quizzes:cohort-student-detail",
        "GET",
        _url("quizzes:cohort-student-detail", "cohort", "student"),
        page(200),
    ),
    Row(
        "quizzes:cohort-student-detail",
        "GET",
        _url("quizzes:cohort-student-detail", "cohort", "other_student"),
        page(404),
        label="(a student of another class)",
    ),
    Row(
        "quizzes:assignment-create",
        "GET",
        _url("quizzes:assignment-create", "cohort", query="?kind=quiz"),
        page(200),
    ),
    Row(
        "quizzes:assignment-create",
        "POST",
        _url("quizzes:assignment-create", "cohort", query="?kind=quiz"),
        page(302),
        data=lambda w: {"title": "Second go", "quiz": w["quiz"].slug, "due_at": _due()},
    ),
    Row("quizzes:assignment-detail", "GET", _url("quizzes:assignment-detail", "assignment"), page(200)),
    Row("quizzes:assignment-edit", "GET", _url("quizzes:assignment-edit", "assignment"), page(200)),
    Row(
        "quizzes:assignment-edit",
        "POST",
        _url("quizzes:assignment-edit", "assignment"),
        page(302),
        data=lambda w: {"title": "Renamed", "quiz": w["quiz"].slug, "due_at": _due(10)},
    ),
    Row(
        "quizzes:assignment-override",
        "POST",
        _url("quizzes:assignment-override", "assignment", "other_student"),
        page(404),
        data=lambda w: {"due_at": _due(12)},
        label="(a student of another class)",
    ),
    Row("quizzes:assignment-delete", "POST", _url("quizzes:assignment-delete", "assignment"), page(302)),
    Row(
        "quizzes:assignment-override",
        "POST",
        _url("quizzes:assignment-override", "assignment", "student"),
        page(302),
        data=lambda w: {"due_at": _due(12)},
    ),
    Row(
        "quizzes:quiz-analysis",
        "GET",
        lambda w: reverse("quizzes:quiz-analysis", args=[w["quiz"].slug]),
        # Every trainer analyses the quiz over their own students' attempts; editors over everybody's.
        page(200, other_trainer=200, editor=200),
    ),
    Row(
        "quizzes:quiz-analysis",
        "GET",
        lambda w: reverse("quizzes:quiz-analysis", args=[w["draft"].slug]),
        page(404, editor=200),  # a draft quiz exists for editors only
        label="(a draft quiz)",
    ),
    Row(
        "quizzes:attempt-review",
        "GET",
        _url("quizzes:attempt-review", "attempt"),
        page(200, student=200, other_student=404, editor=404),
        label="(a trainer reads their student's)",
    ),
    Row(
        "quizzes:attempt-review",
        "GET",
        _url("quizzes:attempt-review", "in_progress"),
        # Never an attempt in progress but to its student (sent on to the attempt itself).
        page(404, student=302, other_student=404, editor=404),
        label="(in progress)",
    ),
]

API_ROWS = [
    Row("cohort-list", "GET", _url("cohort-list"), api(200, other_trainer=200), is_api=True),
    Row(
        "cohort-list",
        "POST",
        _url("cohort-list"),
        api(201, other_trainer=201),
        data=lambda w: {"name": "Form 5"},
        is_api=True,
    ),
    Row("cohort-detail", "GET", _url("cohort-detail", "cohort"), api(200), is_api=True),
    Row(
        "cohort-detail",
        "PUT",
        _url("cohort-detail", "cohort"),
        api(200),
        data=lambda w: {"name": "Renamed", "description": "", "term": "2027-28", "joining_open": False},
        is_api=True,
    ),
    Row(
        "cohort-detail",
        "PATCH",
        _url("cohort-detail", "cohort"),
        api(200),
        data=lambda w: {"name": "Renamed"},
        is_api=True,
    ),
    Row("cohort-regenerate-code", "POST", _url("cohort-regenerate-code", "cohort"), api(200), is_api=True),
    Row("cohort-members", "GET", _url("cohort-members", "cohort"), api(200), is_api=True),
    Row(
        "cohort-members",
        "POST",
        _url("cohort-members", "cohort"),
        api(201),
        data=lambda w: {"names": ["Issa Maïga"]},
        is_api=True,
    ),
    Row("cohort-remove-member", "DELETE", _url("cohort-remove-member", "cohort", "student"), api(204), is_api=True),
    Row(
        "cohort-remove-member",
        "DELETE",
        _url("cohort-remove-member", "cohort", "other_student"),
        api(404),
        is_api=True,
        label="(a student of another class)",
    ),
    Row("cohort-forecast", "GET", _url("cohort-forecast", "cohort"), api(200), is_api=True),
    Row("cohort-gradebook", "GET", _url("cohort-gradebook", "cohort"), api(200), is_api=True),
    Row(
        "cohort-gradebook",
        "GET",
        _url("cohort-gradebook", "cohort", query="?format=csv"),
        api(200),
        is_api=True,
        label="(CSV)",
    ),
    Row(
        "cohort-join",
        "POST",
        _url("cohort-join"),
        # The students' endpoint: trainers and editors are not students (403), the student is in already.
        api(403, student=409, other_student=201, other_trainer=403),
        data=lambda w: {"code": JOIN_CODE},
        is_api=True,
        reveals=("other_student",),  # who joins is told which class
    ),
    Row(
        "assignment-list",
        "GET",
        _url("assignment-list"),
        # Anybody signed in lists their own: a student those set to them, a trainer their classes'.
        api(200, student=200, other_student=200, other_trainer=200, editor=200),
        is_api=True,
    ),
    Row(
        "assignment-list",
        "POST",
        _url("assignment-list"),
        # Another trainer names a class not theirs: the field is refused (400), as any unknown class.
        api(201, other_trainer=400),
        data=lambda w: {
            "cohort": w["cohort"].pk,
            "kind": "quiz",
            "title": "New",
            "quiz": w["quiz"].slug,
            "due_at": _api_due(),
        },
        is_api=True,
    ),
    Row(
        "assignment-detail",
        "GET",
        _url("assignment-detail", "assignment"),
        api(200, student=200, other_student=404, editor=404),
        is_api=True,
    ),
    Row(
        "assignment-detail",
        "PUT",
        _url("assignment-detail", "assignment"),
        api(200),
        data=lambda w: {
            "cohort": w["cohort"].pk,
            "kind": "quiz",
            "title": "Renamed",
            "quiz": w["quiz"].slug,
            "due_at": _api_due(10),
        },
        is_api=True,
    ),
    Row(
        "assignment-detail",
        "PATCH",
        _url("assignment-detail", "assignment"),
        api(200),
        data=lambda w: {"title": "Renamed"},
        is_api=True,
    ),
    Row("assignment-detail", "DELETE", _url("assignment-detail", "assignment"), api(204), is_api=True),
    Row(
        "assignment-extensions",
        "POST",
        _url("assignment-extensions", "assignment"),
        api(201),
        data=lambda w: {"student": w["student"].pk, "due_at": _api_due(12)},
        is_api=True,
    ),
    Row(
        "quiz-item-analysis",
        "GET",
        lambda w: reverse("quiz-item-analysis", args=[w["quiz"].slug]),
        api(200, other_trainer=200, editor=200),
        is_api=True,
    ),
    Row(
        "attempt-detail",
        "GET",
        _url("attempt-detail", "attempt"),
        api(200, student=200, other_student=404, editor=404),
        is_api=True,
        label="(a trainer reads their student's)",
    ),
    Row(
        "attempt-detail",
        "GET",
        _url("attempt-detail", "in_progress"),
        api(404, student=200, other_student=404, editor=404),
        is_api=True,
        label="(in progress)",
    ),
    Row(
        "quiz-item-analysis",
        "GET",
        lambda w: reverse("quiz-item-analysis", args=[w["draft"].slug]),
        api(404, editor=200),
        is_api=True,
        label="(a draft quiz)",
    ),
]

ROWS = PAGE_ROWS + API_ROWS

# Routes of other viewsets that are trainers' too (the trainer viewsets' routes are found in the router).
TRAINER_API_EXTRAS = {("quiz-item-analysis", "GET"), ("attempt-detail", "GET")}
TRAINER_VIEWSETS = (CohortViewSet, AssignmentViewSet)
# Pages for trainers not behind ``trainer_required`` (they let in editors or students too).
TRAINER_PAGE_EXTRAS = {"quizzes:quiz-analysis", "quizzes:attempt-review", "quizzes:cohort-leave"}


@pytest.fixture
def world():
    world = factories.class_world()
    trainer, student, cohort = world["trainer"], world["student"], world["cohort"]
    promoted = factories.trainer(username="kadi")  # joined the class as a student, made a trainer since
    factories.CohortMembershipFactory(cohort=cohort, student=promoted)
    question = factories.QuestionFactory(prompt="Which town is in the south?")
    factories.AnswerOptionFactory(question=question, text="Zinder", is_correct=True, position=1)
    factories.AnswerOptionFactory(question=question, text="Agadez", position=2)
    quiz = factories.quiz_with([question], title="The AES", slug="the-aes")
    assignment = factories.AssignmentFactory(cohort=cohort, quiz=quiz, title="AES quiz", created_by=trainer)
    attempt = actions.start_attempt(quiz=quiz, user=student, now=timezone.now())
    (slot,) = slots_of(attempt)
    actions.save_response(attempt=attempt, slot=slot, answer=right_answer(slot), now=timezone.now())
    actions.submit_attempt(attempt=attempt, now=timezone.now())
    other_quiz = factories.quiz_with([question], title="The AES again", slug="the-aes-again")
    in_progress = actions.start_attempt(quiz=other_quiz, user=student, now=timezone.now())
    draft = factories.quiz_with([question], title="Draft", slug="draft", status=QuizStatus.DRAFT)
    world.update(
        quiz=quiz,
        assignment=assignment,
        attempt=attempt,
        in_progress=in_progress,
        promoted=promoted,
        draft=draft,
    )
    return world


def snapshot():
    """Everything a trainer's request could change, as plain values."""

    def rows(model, *fields):
        return list(model.objects.order_by("pk").values_list("pk", *fields))

    return {
        "cohorts": rows(Cohort, "name", "description", "term", "join_code", "joining_open"),
        "memberships": rows(CohortMembership, "cohort", "student"),
        "trainers": rows(CohortTrainer, "cohort", "trainer", "is_owner"),
        "users": rows(get_user_model(), "username", "password", "is_staff", "is_active"),
        "one_time_passwords": rows(OneTimePassword, "user"),
        "assignments": rows(Assignment, "cohort", "title", "due_at", "opens_at"),
        "targets": rows(AssignmentTarget, "assignment", "student"),
        "overrides": rows(AssignmentOverride, "assignment", "student", "due_at"),
        "attempts": rows(Attempt, "user", "state", "score", "submitted_at"),
    }


def _request(row, world, who):
    client = APIClient() if row.is_api else Client()
    if who != "anonymous":
        if row.is_api:
            client.force_authenticate(world[who])
        else:
            client.force_login(world[who])
    data = row.data(world) if row.data else {}
    path = row.path(world)
    if row.method == "GET":
        return client.get(path)
    if row.is_api:
        return getattr(client, row.method.lower())(path, data, format="json")
    return client.post(path, data)


def _refused(expected):
    return expected == LOGIN or expected >= 400


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_authorization(world, row, who):
    expected = row.expected[who]
    before = snapshot()

    response = _request(row, world, who)

    if expected == LOGIN:
        assert (response.status_code, response.url.split("?")[0]) == (302, reverse("login"))
    else:
        assert response.status_code == expected, response.content[:300]
    if _refused(expected) or row.method == "GET":
        assert snapshot() == before
    elif row.method in WRITES:
        assert snapshot() != before
    content = response.content.decode()
    if who not in ("trainer", "co_trainer"):
        assert JOIN_CODE not in content
    if who in ("other_trainer", "other_student", "editor") and who not in row.reveals:
        assert CLASS_NAME not in content
        assert STUDENT_NAME not in content


def test_every_row_names_every_actor_once():
    assert [sorted(row.expected) for row in ROWS] == [sorted(ACTORS)] * len(ROWS)
    assert len({row.id for row in ROWS}) == len(ROWS)


# -- completeness: a trainer page or route without a row fails here ------------------------------------

_TRAINER_CHECK = views.trainer_required(lambda request: None).__code__


def _behind_trainer_required(view):
    """Whether ``trainer_required`` is one of the decorators around ``view`` (``functools.wraps`` chains them)."""
    while view is not None:
        if getattr(view, "__code__", None) is _TRAINER_CHECK:
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def trainer_pages():
    names = {
        f"{quizzes_urls.app_name}:{pattern.name}"
        for pattern in quizzes_urls.urlpatterns
        if _behind_trainer_required(pattern.callback)
    }
    return names | TRAINER_PAGE_EXTRAS


def trainer_api_routes():
    """(route name, method) of every route the router makes for the trainer viewsets' actions."""
    routes = set()
    for _prefix, viewset, basename in router.registry:
        if viewset not in TRAINER_VIEWSETS:
            continue
        for route in router.get_routes(viewset):
            for method, action in route.mapping.items():
                if hasattr(viewset, action):
                    routes.add((route.name.format(basename=basename), method.upper()))
    return routes | TRAINER_API_EXTRAS


def test_the_trainer_pages_are_found():
    pages = trainer_pages()
    assert {"quizzes:cohort-list", "quizzes:cohort-forecast", "quizzes:assignment-override"} <= pages
    assert not {"quizzes:quiz-list", "quizzes:cohort-join", "quizzes:study-home"} & pages


def test_the_trainer_api_routes_are_found():
    routes = trainer_api_routes()
    assert {("cohort-list", "GET"), ("cohort-members", "POST"), ("assignment-detail", "DELETE")} <= routes
    assert ("cohort-detail", "DELETE") not in routes  # classes are not deleted through the API


def test_every_trainer_page_has_a_row():
    assert trainer_pages() - {row.name for row in PAGE_ROWS} == set()


def test_every_trainer_api_route_has_a_row():
    assert trainer_api_routes() - {(row.name, row.method) for row in API_ROWS} == set()
