"""The class pages: a trainer's classes, a class (code, link, students, co-trainers), students added in
bulk and their one-time password sheet; a student's join page, join link and classes.

Authorization matrix over every trainer page x (anonymous, a student of the class, a student of another
class, the trainer, another trainer, a co-trainer, an editor): anonymous is sent to sign in, students
and editors get 403, another trainer 404, and a refused request changes nothing.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains

from quizzes.models import Cohort, CohortMembership, CohortTrainer
from sahel_learn.accounts.models import OneTimePassword
from tests import factories

pytestmark = pytest.mark.django_db

WHO = ["anonymous", "student", "other_student", "trainer", "other_trainer", "co_trainer", "editor"]


@pytest.fixture
def world():
    return factories.class_world()


def _as(client, world, who):
    if who != "anonymous":
        client.force_login(world[who])
    return client


def _trainer_requests(world):
    cohort, student = world["cohort"], world["student"]
    return {
        "list": ("get", reverse("quizzes:cohort-list"), None),
        "create": ("get", reverse("quizzes:cohort-create"), None),
        "detail": ("get", reverse("quizzes:cohort-detail", args=[cohort.pk]), None),
        "regenerate": ("post", reverse("quizzes:cohort-regenerate-code", args=[cohort.pk]), {}),
        "joining": ("post", reverse("quizzes:cohort-joining", args=[cohort.pk]), {"joining_open": "0"}),
        "add-trainer": ("post", reverse("quizzes:cohort-add-trainer", args=[cohort.pk]), {"username": "bintou"}),
        "add-students": ("post", reverse("quizzes:cohort-add-students", args=[cohort.pk]), {"names": "Issa Maïga"}),
        "remove": ("post", reverse("quizzes:cohort-remove-student", args=[cohort.pk, student.pk]), {}),
        "reset": ("post", reverse("quizzes:cohort-reset-password", args=[cohort.pk, student.pk]), {}),
        "sheet": ("get", reverse("quizzes:cohort-password-sheet", args=[cohort.pk]), None),
    }


PAGES = ["list", "create", "detail", "regenerate", "joining", "add-trainer", "add-students", "remove", "reset", "sheet"]
# What each asks gets, page by page; "login" is the redirect to sign in.
EXPECTED = {
    "anonymous": dict.fromkeys(PAGES, "login"),
    "student": dict.fromkeys(PAGES, 403),
    "other_student": dict.fromkeys(PAGES, 403),
    "editor": dict.fromkeys(PAGES, 403),
    "other_trainer": {
        "list": 200,
        "create": 200,
        **dict.fromkeys(PAGES[2:], 404),
    },
    "trainer": {
        "list": 200,
        "create": 200,
        "detail": 200,
        "regenerate": 302,
        "joining": 302,
        "add-trainer": 302,
        "add-students": 302,
        "remove": 302,
        "reset": 302,
        "sheet": 200,
    },
    "co_trainer": {
        "list": 200,
        "create": 200,
        "detail": 200,
        "regenerate": 302,
        "joining": 302,
        "add-trainer": 403,  # only the owner adds co-trainers
        "add-students": 302,
        "remove": 302,
        "reset": 302,
        "sheet": 200,
    },
}


def _state(cohort):
    cohort = Cohort.objects.get(pk=cohort.pk)
    return (
        cohort.join_code,
        cohort.joining_open,
        sorted(cohort.students.values_list("username", flat=True)),
        sorted(cohort.trainers.values_list("username", flat=True)),
        OneTimePassword.objects.count(),
    )


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("page", list(EXPECTED["trainer"]))
def test_the_trainer_pages_authorization_matrix(client, world, who, page):
    method, url, data = _trainer_requests(world)[page]
    before = _state(world["cohort"])
    client = _as(client, world, who)

    response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)

    expected = EXPECTED[who][page]
    if expected == "login":
        assert (response.status_code, response["Location"]) == (302, f"{reverse('login')}?next={url}")
    else:
        assert response.status_code == expected
    if expected not in (200, 302) or method == "get":
        assert _state(world["cohort"]) == before  # refused, or only read: nothing changed
    else:
        assert _state(world["cohort"]) != before


# -- the trainer's pages -----------------------------------------------------------------------------


def test_the_class_list_shows_the_trainers_own_and_co_trained_classes(client, world):
    client.force_login(world["co_trainer"])
    response = client.get(reverse("quizzes:cohort-list"))
    assert [(c.name, c.student_count) for c in response.context["cohorts"]] == [("Form 3B", 1)]
    assert response.templates[0].name == "quizzes/cohort_list.html"
    assertContains(response, f'<a href="{world["cohort"].get_absolute_url()}">Form 3B</a>')
    assertContains(response, '<span class="join-code">AB3K7Q</span>')
    assert "Form 4" not in response.content.decode()


@pytest.mark.parametrize("rows", [1, 4])
def test_the_class_list_has_a_fixed_query_count(client, django_assert_num_queries, rows):
    trainer = factories.trainer()
    for n in range(rows):
        factories.cohort_of(trainer, students=[factories.student() for _ in range(n + 1)])
    client.force_login(trainer)
    # Session and user, the role's groups, the classes with their counts.
    with django_assert_num_queries(4):
        response = client.get(reverse("quizzes:cohort-list"))
    assert len(response.context["cohorts"]) == rows


@pytest.mark.parametrize("rows", [1, 6])
def test_the_class_page_has_a_fixed_query_count(client, django_assert_num_queries, rows):
    trainer = factories.trainer()
    cohort = factories.cohort_of(trainer, students=[factories.student() for _ in range(rows)])
    for _ in range(rows):
        factories.CohortTrainerFactory(cohort=cohort)
    client.force_login(trainer)
    # Session and user, the role's groups, the class, its trainers, its students, its assignments (none).
    with django_assert_num_queries(7):
        response = client.get(cohort.get_absolute_url())
    assert len(response.context["memberships"]) == rows
    assert len(response.context["trainer_links"]) == rows + 1


def test_the_class_page_shows_the_code_the_link_the_students_and_the_trainers(client, world):
    client.force_login(world["trainer"])
    response = client.get(world["cohort"].get_absolute_url())
    context = response.context
    assert (context["cohort"], context["is_owner"], context["join_url"]) == (
        world["cohort"],
        True,
        "http://testserver/classes/join/AB3K7Q/",
    )
    assert [m.student.username for m in context["memberships"]] == ["awa"]
    assert [(link.trainer.username, link.is_owner) for link in context["trainer_links"]] == [
        ("fatou", True),
        ("mariam", False),
    ]
    page = response.content.decode()
    assert '<input id="join-code" class="join-code" type="text" value="AB3K7Q" readonly>' in page
    assert 'value="http://testserver/classes/join/AB3K7Q/" readonly>' in page
    # The copy buttons are hidden until static/js/classes.js shows them.
    assert 'data-copy="join-code" hidden>Copy the code</button>' in page
    assert '<script src="/static/js/classes.js" defer></script>' in page
    assert "Awa Keita" in page and "Add a co-trainer" in page


def test_a_co_trainer_sees_no_form_to_add_co_trainers(client, world):
    client.force_login(world["co_trainer"])
    response = client.get(world["cohort"].get_absolute_url())
    assert response.context["is_owner"] is False
    assert "Add a co-trainer" not in response.content.decode()


def test_creating_a_class(client, world):
    client.force_login(world["other_trainer"])
    response = client.post(reverse("quizzes:cohort-create"), {"name": "Form 5", "term": "", "description": "Evening"})
    cohort = Cohort.objects.get(name="Form 5")
    assert (response.status_code, response["Location"]) == (302, cohort.get_absolute_url())
    assert (cohort.description, cohort.created_by) == ("Evening", world["other_trainer"])
    assert list(CohortTrainer.objects.filter(cohort=cohort).values_list("trainer__username", "is_owner")) == [
        ("ousmane", True)
    ]


def test_a_class_needs_a_name(client, world):
    client.force_login(world["trainer"])
    response = client.post(reverse("quizzes:cohort-create"), {"name": " ", "term": ""})
    assert response.status_code == 400
    assert response.context["form"].errors == {"name": ["This field is required."]}
    assert Cohort.objects.count() == 2


def test_regenerating_the_code_says_the_new_one(client, world):
    client.force_login(world["trainer"])
    response = client.post(reverse("quizzes:cohort-regenerate-code", args=[world["cohort"].pk]), follow=True)
    code = Cohort.objects.get(pk=world["cohort"].pk).join_code
    assert code != "AB3K7Q"
    assert [str(m) for m in response.context["messages"]] == [
        f"The class has a new code, {code}: the old code and link no longer work."
    ]


@pytest.mark.parametrize(("value", "status", "joining_open"), [("0", 302, False), ("1", 302, True), ("x", 400, True)])
def test_opening_and_closing_joining(client, world, value, status, joining_open):
    client.force_login(world["trainer"])
    response = client.post(reverse("quizzes:cohort-joining", args=[world["cohort"].pk]), {"joining_open": value})
    assert response.status_code == status
    assert Cohort.objects.get(pk=world["cohort"].pk).joining_open is joining_open
    if status == 400:
        assertContains(response, "Say whether joining is open (1) or closed (0).", status_code=400)


@pytest.mark.parametrize(
    ("username", "status", "message"),
    [
        ("nobody", 400, "There is no trainer with the username “nobody”."),
        ("awa", 400, "There is no trainer with the username “awa”."),
        ("mariam", 409, "mariam already teaches this class."),
        ("", 400, "This field is required."),
    ],
)
def test_adding_a_co_trainer_refused_says_why(client, world, username, status, message):
    client.force_login(world["trainer"])
    response = client.post(reverse("quizzes:cohort-add-trainer", args=[world["cohort"].pk]), {"username": username})
    assert response.status_code == status
    assert response.context["co_trainer_form"].errors == {"username": [message]}
    assert world["cohort"].trainer_links.count() == 2


def test_removing_a_student_not_in_the_class_is_a_404(client, world):
    client.force_login(world["trainer"])
    url = reverse("quizzes:cohort-remove-student", args=[world["cohort"].pk, world["other_student"].pk])
    assert client.post(url).status_code == 404
    assert CohortMembership.objects.count() == 2


def test_students_added_in_bulk_get_a_password_sheet_shown_once(client, world):
    client.force_login(world["trainer"])
    url = reverse("quizzes:cohort-add-students", args=[world["cohort"].pk])
    assert client.get(url).templates[0].name == "quizzes/cohort_students_form.html"

    made = client.post(url, {"names": "Issa Maïga\nAwa Keita\n"})

    sheet_url = reverse("quizzes:cohort-password-sheet", args=[world["cohort"].pk])
    assert (made.status_code, made["Location"]) == (302, sheet_url)
    response = client.get(sheet_url)
    assert response.templates[0].name == "quizzes/cohort_password_sheet.html"
    assert "no-store" in response["Cache-Control"]
    issued = response.context["issued"]
    assert [(row.student.username, row.student.first_name) for row in issued] == [
        ("issa.maiga", "Issa Maïga"),
        ("awa.keita", "Awa Keita"),
    ]
    page = response.content.decode()
    for row in issued:
        assert f'<td class="credential">{row.password}</td>' in page
    assert "Sign in at http://testserver/accounts/login/ with your username" in page
    assert sorted(world["cohort"].students.values_list("username", flat=True)) == ["awa", "awa.keita", "issa.maiga"]
    # Neither the class page nor the sheet, reloaded, shows them again; nothing is made twice.
    assert issued[0].password not in client.get(world["cohort"].get_absolute_url()).content.decode()
    again = client.get(sheet_url)
    assert again.context["issued"] == []
    assert issued[0].password not in again.content.decode()
    assertContains(again, "The passwords were shown once and are not kept.")
    assert world["cohort"].students.count() == 3


def test_another_classs_sheet_does_not_show_the_passwords(client, world):
    client.force_login(world["trainer"])
    client.post(reverse("quizzes:cohort-add-students", args=[world["cohort"].pk]), {"names": "Issa Maïga"})
    elsewhere = factories.cohort_of(world["trainer"])
    assert client.get(reverse("quizzes:cohort-password-sheet", args=[elsewhere.pk])).context["issued"] == []
    sheet = client.get(reverse("quizzes:cohort-password-sheet", args=[world["cohort"].pk]))
    assert [row.student.username for row in sheet.context["issued"]] == ["issa.maiga"]


def test_students_can_be_added_from_an_uploaded_csv(client, world):
    client.force_login(world["trainer"])
    upload = SimpleUploadedFile("class.csv", "name,age\nIssa Maïga,14\n".encode(), content_type="text/csv")
    response = client.post(
        reverse("quizzes:cohort-add-students", args=[world["cohort"].pk]), {"file": upload}, follow=True
    )
    assert [row.student.username for row in response.context["issued"]] == ["issa.maiga"]


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"names": " \n "}, {"__all__": ["Write some names, or upload a list."]}),
        ({"file": ("list.pdf", b"Issa")}, {"file": ["Upload a .txt or a .csv file."]}),
        (
            {"file": ("list.txt", "Issa Maïga".encode("utf-16"))},
            {"file": ["The file is not UTF-8 text: save it as “CSV UTF-8” or plain text."]},
        ),
        ({"file": ("list.txt", b"\n\n")}, {"file": ["The list has no names: write one name per line."]}),
        (
            {"names": "\n".join(f"S {n}" for n in range(201))},
            {"names": ["The list has 201 names; add at most 200 at a time."]},
        ),
    ],
)
def test_a_list_that_cannot_be_read_makes_no_account(client, world, data, errors):
    client.force_login(world["trainer"])
    if "file" in data:
        name, content = data["file"]
        data = {"file": SimpleUploadedFile(name, content)}
    response = client.post(reverse("quizzes:cohort-add-students", args=[world["cohort"].pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors == errors
    assert world["cohort"].students.count() == 1


def test_a_reset_password_is_shown_once_on_its_sheet(client, world):
    client.force_login(world["co_trainer"])
    response = client.post(
        reverse("quizzes:cohort-reset-password", args=[world["cohort"].pk, world["student"].pk]), follow=True
    )
    (issued,) = response.context["issued"]
    world["student"].refresh_from_db()
    assert world["student"].check_password(issued.password)
    assert OneTimePassword.objects.get().user == world["student"]
    assertContains(response, f'<td class="credential">{issued.password}</td>')


def test_a_member_made_an_editor_gets_no_new_password_from_the_trainer(client, world):
    member = world["student"]
    member.groups.set([])
    member.is_staff = True
    member.save()
    client.force_login(world["trainer"])

    response = client.post(reverse("quizzes:cohort-reset-password", args=[world["cohort"].pk, member.pk]))

    assert response.status_code == 403
    assert response.context["error"] == (
        "This account is no longer a student's (it is a trainer's or an editor's): only its owner, or an "
        "administrator, can change its password."
    )
    assertContains(response, "only its owner, or an administrator", status_code=403)
    member.refresh_from_db()
    assert member.check_password(factories.PASSWORD)
    assert not OneTimePassword.objects.exists()
    assert "cohort_password_sheet" not in client.session


# -- the student's pages ----------------------------------------------------------------------------


def test_a_student_joins_with_the_code(client, world):
    client.force_login(world["other_student"])
    response = client.post(reverse("quizzes:cohort-join"), {"code": "ab3k7q"}, follow=True)
    assert response.redirect_chain == [(reverse("quizzes:cohort-mine"), 302)]
    assert [str(m) for m in response.context["messages"]] == ["You have joined the class “Form 3B”."]
    assert [c.name for c in response.context["cohorts"]] == ["Form 3B", "Form 4"]


@pytest.mark.parametrize(
    ("who", "code", "status", "message"),
    [
        ("other_student", "", 400, "This field is required."),
        (
            "other_student",
            "WRONG1",
            400,
            "No class has this code. Check it with your trainer: a class's code may have been changed.",
        ),
        ("student", "AB3K7Q", 409, "You are already in the class “Form 3B”."),
        ("trainer", "AB3K7Q", 403, "Only students join classes: your account is a trainer's or an editor's."),
        ("editor", "AB3K7Q", 403, "Only students join classes: your account is a trainer's or an editor's."),
    ],
)
def test_joining_refused_says_why(client, world, who, code, status, message):
    client.force_login(world[who])
    response = client.post(reverse("quizzes:cohort-join"), {"code": code})
    assert response.status_code == status
    assert response.context["form"].errors == {"code": [message]}
    assert CohortMembership.objects.count() == 2


def test_joining_a_closed_class_is_refused(client, world):
    Cohort.objects.filter(pk=world["cohort"].pk).update(joining_open=False)
    client.force_login(world["other_student"])
    response = client.post(reverse("quizzes:cohort-join"), {"code": "AB3K7Q"})
    assert response.status_code == 403
    assert response.context["form"].errors == {
        "code": ["This class is not taking new students: ask your trainer to open joining."]
    }


def test_the_join_page_needs_a_signed_in_user(client):
    response = client.get(reverse("quizzes:cohort-join"))
    assert response["Location"] == f"{reverse('login')}?next={reverse('quizzes:cohort-join')}"


def test_the_join_link_asks_to_confirm_then_joins(client, world):
    client.force_login(world["other_student"])
    url = reverse("quizzes:cohort-join-link", args=["AB3K7Q"])
    page = client.get(url)
    assert (page.status_code, page.context["cohort"], page.context["error"]) == (200, world["cohort"], None)
    assertContains(page, "Join the class</button>")
    assert CohortMembership.objects.count() == 2  # a GET joins nothing

    response = client.post(url)

    assert response["Location"] == reverse("quizzes:cohort-mine")
    assert world["cohort"].students.filter(pk=world["other_student"].pk).exists()


def test_the_join_link_for_a_visitor_offers_sign_in_and_sign_up_with_the_code(client, world):
    url = reverse("quizzes:cohort-join-link", args=["AB3K7Q"])
    page = client.get(url)
    assertContains(page, f'href="{reverse("accounts:signup")}?code=AB3K7Q"')
    assertContains(page, f'href="{reverse("login")}?next=/classes/join/AB3K7Q/"')
    assert client.post(url)["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize(
    ("code", "closed", "status", "message"),
    [
        (
            "OLD123",
            False,
            404,
            "No class has this code. Check it with your trainer: a class&#x27;s code may have been changed.",
        ),
        ("AB3K7Q", True, 403, "This class is not taking new students: ask your trainer to open joining."),
    ],
)
def test_a_join_link_that_opens_no_class_says_why(client, world, code, closed, status, message):
    Cohort.objects.filter(pk=world["cohort"].pk).update(joining_open=not closed)
    client.force_login(world["other_student"])
    for method in (client.get, client.post):
        response = method(reverse("quizzes:cohort-join-link", args=[code]))
        assert response.status_code == status
        assertContains(response, message, status_code=status)
    assert CohortMembership.objects.count() == 2


def test_a_student_leaves_a_class(client, world):
    client.force_login(world["student"])
    response = client.post(reverse("quizzes:cohort-leave", args=[world["cohort"].pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["You have left the class “Form 3B”."]
    assert list(response.context["cohorts"]) == []


def test_a_student_cannot_leave_a_class_they_are_not_in(client, world):
    client.force_login(world["other_student"])
    assert client.post(reverse("quizzes:cohort-leave", args=[world["cohort"].pk])).status_code == 404


@pytest.mark.parametrize("rows", [1, 4])
def test_my_classes_has_a_fixed_query_count(client, django_assert_num_queries, rows):
    student = factories.student()
    for _ in range(rows):
        cohort = factories.cohort_of(factories.trainer(), students=[student])
        factories.CohortTrainerFactory(cohort=cohort)
    client.force_login(student)
    # Session and user, the classes, their trainers.
    with django_assert_num_queries(4):
        response = client.get(reverse("quizzes:cohort-mine"))
    assert len(response.context["cohorts"]) == rows
    assert response.content.decode().count("Leave<span") == rows


# -- the admin --------------------------------------------------------------------------------------


def test_the_admin_lists_classes_with_their_students_and_shows_members_inline(client, world):
    admin = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)

    listed = client.get(reverse("admin:quizzes_cohort_changelist"))
    assert listed.status_code == 200
    assert [(c.name, c.student_count) for c in listed.context["cl"].result_list] == [("Form 3B", 1), ("Form 4", 1)]
    searched = client.get(reverse("admin:quizzes_cohort_changelist") + "?q=mariam")
    assert [c.name for c in searched.context["cl"].result_list] == ["Form 3B"]

    page = client.get(reverse("admin:quizzes_cohort_change", args=[world["cohort"].pk]))
    assert page.status_code == 200
    inlines = {formset.opts.model._meta.model_name: formset for formset in page.context["inline_admin_formsets"]}
    assert [form.instance.student for form in inlines["cohortmembership"].formset.forms] == [world["student"]]
    assert [(form.instance.trainer, form.instance.is_owner) for form in inlines["cohorttrainer"].formset.forms] == [
        (world["trainer"], True),
        (world["co_trainer"], False),
    ]
    assertContains(page, "AB3K7Q")


def test_editors_do_not_manage_classes_in_the_admin(client, world):
    client.force_login(world["editor"])
    assert client.get(reverse("admin:quizzes_cohort_changelist")).status_code == 403
