"""Sign-up, sign-in and out, password change and reset, the profile, the role homes, and the lockout."""

import logging
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from quizzes import actions
from quizzes.models import QuestionStatus, Topic
from sahel_learn.accounts.roles import EDITORS, STUDENTS, TRAINERS
from tests import factories
from tests.factories import PASSWORD

from .backends import CountingHasher

pytestmark = pytest.mark.django_db

User = get_user_model()
NEW_PASSWORD = "a new and long passphrase 42"
COUNTING = "tests.sahel_learn.accounts.backends.CountingHasher"


def signup_data(**overrides):
    return {"username": "moussa", "email": "", "password1": PASSWORD, "password2": PASSWORD, **overrides}


def input_tag(page, name):
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)


def error_ids(page):
    return re.findall(r'id="(id_\w+_error)"', page)


# -- sign-up ---------------------------------------------------------------------------------------


def test_signup_page_has_labelled_fields_with_autocomplete(client):
    response = client.get(reverse("accounts:signup"))
    page = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "accounts/signup.html"
    for name, autocomplete in (("username", "username"), ("email", "email"), ("password1", "new-password")):
        assert f'<label for="id_{name}">' in page
        assert f'autocomplete="{autocomplete}"' in input_tag(page, name)
    assert 'aria-describedby="id_email_helptext"' in page
    assert 'id="id_email_helptext"' in page


def test_signup_makes_a_student_signs_them_in_and_lands_on_their_home(client):
    response = client.post(reverse("accounts:signup"), signup_data(email="moussa@example.org"))

    assert response.status_code == 302
    assert response["Location"] == reverse("briefings:home")
    user = User.objects.get(username="moussa")
    assert (user.email, user.is_staff, user.is_superuser) == ("moussa@example.org", False, False)
    assert list(user.groups.values_list("name", flat=True)) == [STUDENTS]
    assert user.check_password(PASSWORD)
    home = client.get(response["Location"])
    assert home.context["user"] == user
    role_home = dict(home.context["role_home"])
    study = role_home.pop("study")
    assert (study.card, study.new_left, study.done_today, study.next_due) == (None, 0, 0, None)
    assert role_home == {"role": STUDENTS, "label": "Student", "quizzes": [], "assigned": []}
    assert [str(message) for message in home.context["messages"]] == [
        "Welcome to Sahel Learn, moussa. Your account is ready."
    ]


def test_signup_with_a_class_code_joins_the_class(client):
    cohort = factories.cohort_of(factories.trainer(), name="Form 3B", join_code="AB3K7Q")

    response = client.post(reverse("accounts:signup"), signup_data(join_code="ab3 k7q"))

    assert (response.status_code, response["Location"]) == (302, reverse("briefings:home"))
    assert list(cohort.students.values_list("username", flat=True)) == ["moussa"]
    messages = [str(message) for message in client.get(response["Location"]).context["messages"]]
    assert messages == [
        "Welcome to Sahel Learn, moussa. Your account is ready.",
        "You have joined the class “Form 3B”.",
    ]


def test_the_join_link_fills_in_the_class_code_on_signup(client):
    response = client.get(reverse("accounts:signup") + "?code=AB3K7Q")
    assert 'value="AB3K7Q"' in input_tag(response.content.decode(), "join_code")


@pytest.mark.parametrize(
    ("joining_open", "code", "message"),
    [
        (
            True,
            "ZZZZZZ",
            "No class has this code. Check it with your trainer: a class&#x27;s code may have been changed.",
        ),
        (False, "AB3K7Q", "This class is not taking new students: ask your trainer to open joining."),
    ],
)
def test_signup_with_a_code_that_opens_no_class_makes_no_account(client, joining_open, code, message):
    factories.cohort_of(factories.trainer(), join_code="AB3K7Q", joining_open=joining_open)

    response = client.post(reverse("accounts:signup"), signup_data(join_code=code))

    assert response.status_code == 400
    assert response.context["form"].errors["join_code"] == [message.replace("&#x27;", "'")]
    assert message in response.content.decode()
    assert not User.objects.filter(username="moussa").exists()


def test_signup_without_email_is_accepted(client):
    response = client.post(reverse("accounts:signup"), signup_data())
    assert response.status_code == 302
    assert User.objects.get(username="moussa").email == ""


def test_signup_refuses_a_taken_username_with_the_error_linked_to_the_field(client):
    factories.student(username="moussa")

    response = client.post(reverse("accounts:signup"), signup_data())

    page = response.content.decode()
    assert response.status_code == 400
    assert response.context["form"].errors == {"username": ["A user with that username already exists."]}
    assert error_ids(page) == ["id_username_error"]
    tag = input_tag(page, "username")
    assert 'aria-describedby="id_username_helptext id_username_error"' in tag
    assert 'aria-invalid="true"' in tag
    assert User.objects.count() == 1


def test_signup_refuses_a_weak_password_with_djangos_validators(client):
    response = client.post(reverse("accounts:signup"), signup_data(password1="moussa", password2="moussa"))

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "password2": [
            "The password is too similar to the username.",
            "This password is too short. It must contain at least 8 characters.",
            "This password is too common.",
        ]
    }
    assert error_ids(response.content.decode()) == ["id_password2_error"]
    assert not User.objects.filter(username="moussa").exists()


def test_signup_refuses_an_email_already_in_use_in_any_case(client):
    factories.student(username="awa", email="awa@example.org")

    response = client.post(reverse("accounts:signup"), signup_data(email="AWA@example.org"))

    assert response.status_code == 400
    assert response.context["form"].errors == {"email": ["An account with this e-mail address already exists."]}
    assert User.objects.count() == 1


def test_signup_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:signup"), signup_data())
    assert response.status_code == 403
    assert not User.objects.filter(username="moussa").exists()


# -- sign in and out, password change --------------------------------------------------------------


def test_sign_in_and_out(client):
    user = factories.student(username="awa")
    page = client.get(reverse("login")).content.decode()
    assert 'autocomplete="current-password"' in input_tag(page, "password")
    assert f'href="{reverse("password_reset")}"' in page
    assert f'href="{reverse("accounts:signup")}"' in page

    response = client.post(reverse("login"), {"username": "awa", "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, reverse("briefings:home"))
    assert client.get(reverse("briefings:home")).context["user"] == user

    response = client.post(reverse("logout"))
    assert response.status_code == 200
    assert response.templates[0].name == "registration/logged_out.html"
    assert not client.get(reverse("briefings:home")).context["user"].is_authenticated


def test_password_change_in_the_sites_style(client):
    user = factories.student(username="awa")
    client.force_login(user)

    page = client.get(reverse("password_change"))
    assert page.templates[0].name == "accounts/password_change_form.html"
    assert page.templates[1].name == "base.html"

    wrong = client.post(
        reverse("password_change"),
        {"old_password": "not it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert wrong.context["form"].errors == {
        "old_password": ["Your old password was entered incorrectly. Please enter it again."]
    }

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert (response.status_code, response["Location"]) == (302, reverse("password_change_done"))
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    done = client.get(response["Location"])
    assert done.templates[0].name == "accounts/password_change_done.html"
    assert done.context["user"] == user  # still signed in


def test_a_one_time_password_leads_to_the_password_change_and_nowhere_else_until_changed(client):
    student = factories.student(username="awa")
    factories.OneTimePasswordFactory(user=student)

    response = client.post(reverse("login"), {"username": "awa", "password": PASSWORD})

    assert (response.status_code, response["Location"]) == (302, reverse("password_change"))
    page = client.get(reverse("password_change"))
    assert page.context["must_change"] is True
    assert "Your trainer made your password for you." in page.content.decode()
    for elsewhere in (reverse("briefings:home"), reverse("accounts:profile"), reverse("quizzes:cohort-mine")):
        assert client.get(elsewhere)["Location"] == reverse("password_change")
    assert client.get("/api/v1/quizzes/").status_code == 200  # the API answers JSON, not a redirect

    changed = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert (changed.status_code, changed["Location"]) == (302, reverse("password_change_done"))
    assert not student.__class__.objects.get(pk=student.pk).check_password(PASSWORD)
    assert client.get(reverse("briefings:home")).status_code == 200
    assert client.get(reverse("password_change")).context["must_change"] is False
    from sahel_learn.accounts.models import OneTimePassword

    assert not OneTimePassword.objects.exists()


def test_an_account_without_a_one_time_password_signs_in_as_usual(client):
    factories.student(username="awa")
    factories.OneTimePasswordFactory()  # somebody else's
    response = client.post(reverse("login"), {"username": "awa", "password": PASSWORD})
    assert response["Location"] == reverse("briefings:home")
    assert client.get(reverse("briefings:home")).status_code == 200


def test_password_change_needs_a_signed_in_user(client):
    response = client.get(reverse("password_change"))
    assert (response.status_code, response["Location"]) == (302, f"{reverse('login')}?next=/accounts/password_change/")


# -- password reset --------------------------------------------------------------------------------


def test_password_reset_sends_a_link_that_sets_a_new_password(client):
    user = factories.student(username="awa", email="awa@example.org")

    form = client.get(reverse("password_reset"))
    assert form.templates[0].name == "registration/password_reset_form.html"
    response = client.post(reverse("password_reset"), {"email": "awa@example.org"})

    assert (response.status_code, response["Location"]) == (302, reverse("password_reset_done"))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.to, message.subject) == (["awa@example.org"], "Reset your Sahel Learn password")
    assert "Your username is awa." in message.body
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)

    confirm = client.get(link, follow=True)
    assert confirm.context["validlink"] is True
    assert confirm.templates[0].name == "registration/password_reset_confirm.html"
    done = client.post(
        confirm.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert done.templates[0].name == "registration/password_reset_complete.html"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    used = client.get(link, follow=True)
    assert used.context["validlink"] is False


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert (response.status_code, response["Location"]) == (302, reverse("password_reset_done"))
    assert mail.outbox == []
    done = client.get(reverse("password_reset_done")).content.decode()
    assert "If an account exists with the address you entered" in done


def test_a_reset_email_that_cannot_be_sent_is_logged_and_the_page_is_the_same(client, settings, caplog):
    settings.EMAIL_BACKEND = "tests.sahel_learn.accounts.backends.FailingEmailBackend"
    user = factories.student(username="awa", email="awa@example.org")

    with caplog.at_level(logging.ERROR, logger="django.contrib.auth"):
        response = client.post(reverse("password_reset"), {"email": "awa@example.org"})

    assert (response.status_code, response["Location"]) == (302, reverse("password_reset_done"))
    records = [r for r in caplog.records if r.name == "django.contrib.auth"]
    assert [(r.levelname, r.getMessage()) for r in records] == [
        ("ERROR", f"Failed to send password reset email to {user.pk}")
    ]
    assert records[0].exc_info[0] is ConnectionRefusedError


def test_password_reset_is_throttled_per_address(client, settings):
    settings.PASSWORD_RESET_RATE = (3, 3600)
    for number in range(3):
        response = client.post(reverse("password_reset"), {"email": f"someone{number}@example.org"})
        assert response.status_code == 302

    refused = client.post(reverse("password_reset"), {"email": "someone-else@example.org"})

    assert refused.status_code == 429
    assert refused.templates[0].name == "registration/password_reset_throttled.html"
    assert "Try again within 60 minutes." in refused.content.decode()
    other = Client(REMOTE_ADDR="192.0.2.9").post(reverse("password_reset"), {"email": "someone-else@example.org"})
    assert other.status_code == 302


def test_password_reset_is_throttled_per_email_from_any_address(settings):
    settings.PASSWORD_RESET_RATE = (2, 3600)
    factories.student(username="awa", email="awa@example.org")
    for number in range(2):
        response = Client(REMOTE_ADDR=f"192.0.2.{number}").post(reverse("password_reset"), {"email": "awa@example.org"})
        assert response.status_code == 302

    refused = Client(REMOTE_ADDR="192.0.2.50").post(reverse("password_reset"), {"email": "AWA@example.org "})

    assert refused.status_code == 429
    assert len(mail.outbox) == 2


# -- profile ---------------------------------------------------------------------------------------


def test_profile_sets_the_display_name_shown_in_the_header(client):
    user = factories.student(username="awa")
    client.force_login(user)
    page = client.get(reverse("accounts:profile"))
    assert page.context["role_label"] == "Student"
    assert 'autocomplete="nickname"' in input_tag(page.content.decode(), "first_name")

    response = client.post(reverse("accounts:profile"), {"first_name": "  Awa   Traoré ", "email": ""})

    assert (response.status_code, response["Location"]) == (302, reverse("accounts:profile"))
    user.refresh_from_db()
    assert user.first_name == "Awa Traoré"
    home = client.get(reverse("briefings:home")).content.decode()
    assert '<span class="account-name">Signed in as <strong>Awa Traoré</strong></span>' in home


def test_profile_refuses_an_email_of_another_account(client):
    factories.student(username="moussa", email="moussa@example.org")
    user = factories.student(username="awa", email="awa@example.org")
    client.force_login(user)

    response = client.post(reverse("accounts:profile"), {"first_name": "", "email": "Moussa@example.org"})

    assert response.status_code == 400
    assert error_ids(response.content.decode()) == ["id_email_error"]
    keep = client.post(reverse("accounts:profile"), {"first_name": "", "email": "awa@example.org"})
    assert keep.status_code == 302


def test_profile_needs_a_signed_in_user(client):
    response = client.get(reverse("accounts:profile"))
    assert (response.status_code, response["Location"]) == (302, f"{reverse('login')}?next=/accounts/profile/")


# -- each role's home ------------------------------------------------------------------------------


def test_a_visitor_has_no_role_panel(client):
    response = client.get(reverse("briefings:home"))
    assert response.context["role_home"] is None
    assert "role-home" not in response.content.decode()


def test_the_students_home_links_to_the_study_material(client):
    client.force_login(factories.student(username="awa"))
    response = client.get(reverse("briefings:home"))
    role_home = dict(response.context["role_home"])
    assert role_home.pop("study").card is None
    assert role_home == {"role": STUDENTS, "label": "Student", "quizzes": [], "assigned": []}
    assert "includes/_role_home_student.html" in [t.name for t in response.templates]
    assert f'href="{reverse("briefings:briefing-detail")}"' in response.content.decode()
    assert "Quizzes to take" not in response.content.decode()


def _quiz_pages_exist():
    try:
        reverse("quizzes:quiz-detail", args=["x"])
    except NoReverseMatch:
        return False
    return True


# The student's home links each quiz to its page (Quiz.get_absolute_url, "quizzes:quiz-detail"), which the
# quiz pages branch adds: until it is merged, rendering a home that lists a quiz cannot reverse the link.
NEEDS_QUIZ_PAGES = pytest.mark.skipif(
    not _quiz_pages_exist(), reason="renders quizzes:quiz-detail links: needs the quiz pages (branch pages)"
)


@NEEDS_QUIZ_PAGES
def test_the_students_home_lists_the_quizzes_to_take_then_the_study_material(client):
    student = factories.student(username="awa")
    going = factories.quiz_with([factories.QuestionFactory()], title="The Wagner Transition", attempts_allowed=2)
    actions.start_attempt(quiz=going, user=student, now=timezone.now())
    once = factories.quiz_with([factories.QuestionFactory()], title="Fact or analysis?", attempts_allowed=1)
    anytime = factories.quiz_with([factories.QuestionFactory()], title="The whole article")
    client.force_login(student)

    response = client.get(reverse("briefings:home"))

    assert response.context["role_home"]["quizzes"] == [
        {"quiz": going, "attempts_left": 1, "in_progress": True},
        {"quiz": once, "attempts_left": 1, "in_progress": False},
        {"quiz": anytime, "attempts_left": None, "in_progress": False},
    ]
    page = response.content.decode()
    assert (
        f'<a href="{going.get_absolute_url()}">Continue “The Wagner Transition”</a>: your attempt is in progress.'
        in page
    )
    assert f'<a href="{once.get_absolute_url()}">Fact or analysis?</a>: 1 attempt left.' in page
    assert f'<a href="{anytime.get_absolute_url()}">The whole article</a>: as many attempts as you like.' in page
    assert (
        page.index("Quizzes to take")
        < page.index("Study the article")
        < page.index("Read the briefing section by section")
    )


def test_the_trainers_home_counts_the_published_questions_by_topic(client):
    factories.QuestionFactory.create_batch(2, topic=Topic.LEADERS)
    factories.QuestionFactory(topic=Topic.TIMELINE)
    factories.QuestionFactory(topic=Topic.TIMELINE, status=QuestionStatus.DRAFT)
    client.force_login(factories.trainer(username="fatou"))

    response = client.get(reverse("briefings:home"))

    assert response.context["role_home"] == {
        "role": TRAINERS,
        "label": "Trainer",
        "published_by_topic": [("Leaders", 2), ("Timeline", 1)],
        "published_total": 3,
        "cohorts": [],
    }
    assert "The question bank holds 3 published questions" in response.content.decode()
    assert f'<a href="{reverse("quizzes:cohort-create")}">Create a class</a>' in response.content.decode()


def test_the_trainers_home_lists_their_classes():
    fatou = factories.trainer(username="fatou")
    mine = factories.cohort_of(
        fatou, name="Form 3B", term="2026-27", join_code="AB3K7Q", students=[factories.student()]
    )
    co_trained = factories.cohort_of(factories.trainer(), name="Form 4", term="", joining_open=False)
    factories.CohortTrainerFactory(cohort=co_trained, trainer=fatou)
    factories.cohort_of(factories.trainer(), name="Not hers")
    client = Client()
    client.force_login(fatou)

    response = client.get(reverse("briefings:home"))

    assert [(c, c.student_count) for c in response.context["role_home"]["cohorts"]] == [(mine, 1), (co_trained, 0)]
    page = response.content.decode()
    assert (
        f'<a href="{mine.get_absolute_url()}">Form 3B</a> (2026-27): 1 student, code <span class="join-code">AB3K7Q</span>'
        in page
    )
    assert f'<a href="{co_trained.get_absolute_url()}">Form 4</a>: 0 students' in page
    assert "(joining closed)" in page
    assert "Not hers" not in page


def test_the_editors_home_links_to_the_questions_that_need_review(client):
    factories.QuestionFactory.create_batch(2, status=QuestionStatus.NEEDS_REVIEW)
    factories.QuestionFactory()
    client.force_login(factories.editor(username="ed"))

    response = client.get(reverse("briefings:home"))

    assert response.context["role_home"] == {"role": EDITORS, "label": "Editor", "needs_review": 2}
    page = response.content.decode()
    url = reverse("admin:quizzes_question_changelist") + "?status__exact=needs_review"
    assert f'<a href="{url}">2 questions need review</a>' in page
    assert f'href="{reverse("admin:index")}"' in page
    # The link's filter is the admin's own: it lists exactly those two.
    listed = client.get(url)
    assert listed.context["cl"].result_count == 2


@pytest.mark.parametrize("role", [factories.student, factories.trainer, factories.editor])
def test_role_homes_have_a_fixed_query_count(client, django_assert_num_queries, role):
    client.force_login(role(username="someone"))
    factories.QuestionFactory(status=QuestionStatus.NEEDS_REVIEW)
    factories.QuestionFactory(topic=Topic.FAQ)
    client.get(reverse("briefings:home"))  # a student's first visit makes their study settings
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("briefings:home"))
    factories.QuestionFactory.create_batch(3, status=QuestionStatus.NEEDS_REVIEW)
    factories.QuestionFactory.create_batch(3, topic=Topic.FAQ)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("briefings:home"))


# -- lockout (django-axes) -------------------------------------------------------------------------


@pytest.fixture
def counted(settings):
    """A user whose password checks are counted; the limit 5 and 15 minutes of the settings."""
    settings.PASSWORD_HASHERS = [COUNTING, *settings.PASSWORD_HASHERS]
    assert (settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds()) == (5, 900)
    user = factories.student(username="awa")
    assert user.password.startswith("counting_md5$")
    CountingHasher.verified = 0
    return user


@pytest.mark.parametrize("login_url", ["/accounts/login/", "/admin/login/"])
def test_the_sixth_try_is_refused_without_checking_the_password(client, counted, login_url):
    for attempt in range(1, 6):
        response = client.post(login_url, {"username": "awa", "password": f"guess {attempt}"})
        assert response.status_code == (429 if attempt == 5 else 200), attempt
    assert CountingHasher.verified == 5

    # Locked now: even the right password is refused, and no password is checked.
    response = client.post(login_url, {"username": "awa", "password": PASSWORD})

    assert response.status_code == 429
    assert "accounts/lockout.html" in [template.name for template in response.templates]
    page = response.content.decode()
    assert "<h1>Sign-in paused</h1>" in page
    assert "There were 5 wrong passwords in a row for this account from your connection." in page
    assert "signing in with it from here is paused for 15 minutes" in page
    assert CountingHasher.verified == 5
    assert "_auth_user_id" not in client.session
    # Nor is it written down: the pause is not extended by tries while locked.
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [("awa", 5)]


def test_a_lockout_is_for_that_username_from_that_address_only(client, counted):
    for attempt in range(5):
        client.post(reverse("login"), {"username": "awa", "password": f"guess {attempt}"})

    elsewhere = Client(REMOTE_ADDR="192.0.2.7")
    response = elsewhere.post(reverse("login"), {"username": "awa", "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, reverse("briefings:home"))
    factories.student(username="moussa")
    other_user = client.post(reverse("login"), {"username": "moussa", "password": PASSWORD})
    assert other_user.status_code == 302


def test_a_right_password_before_the_limit_starts_the_count_again(client, counted):
    for attempt in range(4):
        client.post(reverse("login"), {"username": "awa", "password": f"guess {attempt}"})
    assert client.post(reverse("login"), {"username": "awa", "password": PASSWORD}).status_code == 302
    client.post(reverse("logout"))
    for attempt in range(4):
        response = client.post(reverse("login"), {"username": "awa", "password": f"again {attempt}"})
        assert response.status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_address_is_locked(settings, counted):
    settings.TRUSTED_PROXY_COUNT = 1
    guesser = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5")
    for attempt in range(5):
        guesser.post(reverse("login"), {"username": "awa", "password": f"guess {attempt}"})
    # The guesser cannot get out by claiming another address: the proxy appends the real one.
    spoofing = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5")
    assert spoofing.post(reverse("login"), {"username": "awa", "password": PASSWORD}).status_code == 429
    owner = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert owner.post(reverse("login"), {"username": "awa", "password": PASSWORD}).status_code == 302


# -- the admin: staff grant the roles, editors cannot touch accounts -------------------------------


def test_a_superuser_can_put_a_user_in_trainers_or_editors_in_the_admin(client):
    admin = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    user = factories.student(username="fatou")
    client.force_login(admin)
    url = reverse("admin:auth_user_change", args=[user.pk])
    form = client.get(url).context["adminform"].form
    data = {
        "username": "fatou",
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "is_staff": "on",
        "groups": [Group.objects.get(name=TRAINERS).pk, Group.objects.get(name=EDITORS).pk],
        "date_joined_0": form.initial["date_joined"].strftime("%Y-%m-%d"),
        "date_joined_1": form.initial["date_joined"].strftime("%H:%M:%S"),
        "initial-date_joined_0": form.initial["date_joined"].strftime("%Y-%m-%d"),
        "initial-date_joined_1": form.initial["date_joined"].strftime("%H:%M:%S"),
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert sorted(user.groups.values_list("name", flat=True)) == [EDITORS, TRAINERS]


@pytest.mark.parametrize("name", ["auth_user_changelist", "auth_group_changelist", "axes_accessattempt_changelist"])
def test_editors_cannot_open_accounts_groups_or_lockouts(client, name):
    client.force_login(factories.editor(username="ed"))
    assert client.get(reverse(f"admin:{name}")).status_code == 403
