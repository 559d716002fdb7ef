import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from sahel_learn.accounts.roles import EDITORS, STUDENTS, TRAINERS

pytestmark = pytest.mark.django_db


def test_demo_accounts_get_random_passwords_printed_once(capsys):
    call_command("create_demo_accounts")
    first = [line for line in capsys.readouterr().out.splitlines() if "login:" in line]
    User = get_user_model()
    users = {user.username: user for user in User.objects.prefetch_related("groups")}
    assert set(users) == {"student", "trainer", "editor"}
    assert [g.name for g in users["student"].groups.all()] == [STUDENTS]
    assert [g.name for g in users["trainer"].groups.all()] == [TRAINERS]
    assert [g.name for g in users["editor"].groups.all()] == [EDITORS]
    assert (users["editor"].is_staff, users["student"].is_staff, users["editor"].is_superuser) == (True, False, False)
    passwords = {line.split()[2]: line.split()[-1] for line in first}
    assert set(passwords) == {"student", "trainer", "editor"}
    assert len(set(passwords.values())) == 3
    for username, password in passwords.items():
        assert users[username].check_password(password)
        assert len(password) >= 16

    call_command("create_demo_accounts")
    again = capsys.readouterr().out
    assert not any(password in again for password in passwords.values())
    assert User.objects.count() == 3

    call_command("create_demo_accounts", "--reset")
    reset = [line for line in capsys.readouterr().out.splitlines() if "login:" in line]
    new = {line.split()[2]: line.split()[-1] for line in reset}
    assert all(new[name] != passwords[name] for name in passwords)
    assert User.objects.get(username="student").check_password(new["student"])


def test_create_demo_accounts_makes_the_demo_class_once(capsys):
    from quizzes.models import Cohort, CohortMembership, CohortTrainer

    call_command("create_demo_accounts")
    cohort = Cohort.objects.get()
    assert (cohort.name, cohort.term, cohort.joining_open, cohort.created_by.username) == (
        "Demo class",
        "Sahel briefing",
        True,
        "trainer",
    )
    assert list(CohortTrainer.objects.values_list("trainer__username", "is_owner")) == [("trainer", True)]
    assert list(CohortMembership.objects.values_list("cohort", "student__username")) == [(cohort.pk, "student")]
    assert f"class    'Demo class' taught by trainer, join code {cohort.join_code}" in capsys.readouterr().out

    call_command("create_demo_accounts")
    call_command("create_demo_accounts", "--reset")
    assert list(Cohort.objects.values_list("pk", "join_code")) == [(cohort.pk, cohort.join_code)]
    assert (CohortTrainer.objects.count(), CohortMembership.objects.count()) == (1, 1)


def test_import_briefing_imports_a_draft_unless_asked_to_publish(capsys):
    from django.conf import settings

    from briefings.models import Briefing, Status

    call_command("import_briefing", settings.BRIEFING_SOURCE)
    assert list(Briefing.objects.values_list("status", flat=True)) == [Status.DRAFT]
    call_command("import_briefing", settings.BRIEFING_SOURCE, "--pack", settings.BRIEFING_PACK, "--publish")
    assert list(Briefing.objects.values_list("status", flat=True)) == [Status.PUBLISHED]
    out = capsys.readouterr().out
    assert "briefing: 0 created, 1 updated, 0 unchanged, 0 skipped" in out


def test_create_demo_accounts_sets_the_demo_class_a_quiz_a_reading_and_a_study_goal_once(capsys):
    from decimal import Decimal

    from quizzes.models import Assignment
    from tests import factories

    quiz = factories.QuizFactory(title="Shipped", import_key="shipped")
    factories.QuizFactory(title="A trainer's own")  # not shipped: not the demo's
    one, two = factories.SectionFactory(number=1), factories.SectionFactory(number=2)
    factories.SectionFactory(number=3)
    call_command("create_demo_accounts")
    call_command("create_demo_accounts")
    rows = {row.kind: row for row in Assignment.objects.all()}
    assert set(rows) == {"quiz", "reading", "study_goal"}
    assert Assignment.objects.count() == 3
    assert rows["quiz"].quiz == quiz
    assert list(rows["reading"].sections.order_by("number")) == [one, two]
    assert (rows["study_goal"].deck, rows["study_goal"].target_recall) == ("topic:timeline", Decimal("0.90"))
    assert {row.cohort.name for row in rows.values()} == {"Demo class"}


def test_create_demo_accounts_skips_the_assignments_it_cannot_make(capsys):
    from quizzes.models import Assignment

    call_command("create_demo_accounts")
    assert list(Assignment.objects.values_list("kind", flat=True)) == ["study_goal"]
    assert (
        "assignment 'Quiz for next week' skipped: import the briefing and the quizzes first" in capsys.readouterr().out
    )
