"""Class workflows: creating, joining by code (every refusal), leaving, removing, codes, co-trainers,
students made in bulk with one-time passwords, password resets; and two requests at once.

The races run on PostgreSQL as they are; on SQLite, ``test_the_races_on_a_sqlite_file`` runs them again
in a subprocess on a file database, as tests/quizzes/test_concurrency.py does.
"""

import datetime
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connections

from quizzes import actions
from quizzes.models import Cohort, CohortMembership, CohortTrainer
from sahel_learn.accounts.models import OneTimePassword
from sahel_learn.accounts.roles import EDITORS, STUDENTS, TRAINERS
from tests import factories

NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)

ON_SQLITE_IN_MEMORY = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and not os.environ.get(
    "SAHEL_TEST_SQLITE_FILE"
)
races = pytest.mark.skipif(
    ON_SQLITE_IN_MEMORY, reason="on SQLite: run on a file database by test_the_races_on_a_sqlite_file"
)
db = pytest.mark.django_db


def _refused(error_class, call):
    with pytest.raises(error_class) as raised:
        call()
    return raised.value


# -- creating ------------------------------------------------------------------------------------


@db
def test_creating_a_class_makes_its_owner_and_a_code():
    trainer = factories.trainer()

    cohort = actions.create_cohort(name="Form 3B", term="2026-27", description="Tuesdays", created_by=trainer, now=NOW)

    cohort.refresh_from_db()
    assert (
        cohort.name,
        cohort.term,
        cohort.description,
        cohort.joining_open,
        cohort.created_by,
        cohort.created_at,
    ) == (
        "Form 3B",
        "2026-27",
        "Tuesdays",
        True,
        trainer,
        NOW,
    )
    assert len(cohort.join_code) == 6
    assert list(CohortTrainer.objects.values_list("trainer", "is_owner", "added_at")) == [(trainer.pk, True, NOW)]


# -- joining ---------------------------------------------------------------------------------------


@db
def test_a_student_joins_with_the_code_typed_any_way():
    cohort = factories.cohort_of(factories.trainer(), join_code="AB3K7Q")
    student = factories.student()

    joined = actions.join_cohort(code=" ab3-k7q ", student=student, now=NOW)

    assert joined == cohort
    assert list(CohortMembership.objects.values_list("cohort", "student", "joined_at")) == [
        (cohort.pk, student.pk, NOW)
    ]


@db
def test_a_wrong_code_joins_nothing():
    factories.cohort_of(factories.trainer(), join_code="AB3K7Q")
    error = _refused(actions.UnknownJoinCode, lambda: actions.join_cohort(code="AB3K7X", student=factories.student()))
    assert (error.http_status, error.code, error.message) == (
        400,
        "unknown_join_code",
        "No class has this code. Check it with your trainer: a class's code may have been changed.",
    )
    assert CohortMembership.objects.count() == 0


@db
def test_a_class_closed_for_joining_takes_nobody():
    cohort = factories.cohort_of(factories.trainer(), join_code="AB3K7Q", joining_open=False)
    error = _refused(actions.JoiningClosed, lambda: actions.join_cohort(code="AB3K7Q", student=factories.student()))
    assert (error.http_status, error.message) == (
        403,
        "This class is not taking new students: ask your trainer to open joining.",
    )
    assert cohort.memberships.count() == 0


@db
def test_a_regenerated_code_replaces_the_old_one():
    cohort = factories.cohort_of(factories.trainer(), join_code="AB3K7Q")

    actions.regenerate_join_code(cohort=cohort)

    assert cohort.join_code != "AB3K7Q"
    assert Cohort.objects.get().join_code == cohort.join_code
    _refused(actions.UnknownJoinCode, lambda: actions.join_cohort(code="AB3K7Q", student=factories.student()))
    assert actions.join_cohort(code=cohort.join_code, student=factories.student()) == cohort


@db
def test_joining_twice_is_refused_with_the_class_named():
    student = factories.student()
    factories.cohort_of(factories.trainer(), name="Form 3B", join_code="AB3K7Q", students=[student])
    error = _refused(actions.AlreadyMember, lambda: actions.join_cohort(code="AB3K7Q", student=student))
    assert (error.http_status, error.message) == (409, "You are already in the class “Form 3B”.")
    assert CohortMembership.objects.count() == 1


@db
@pytest.mark.parametrize("who", ["trainer", "editor"])
def test_only_students_join(who):
    factories.cohort_of(factories.trainer(), join_code="AB3K7Q")
    error = _refused(actions.NotAStudent, lambda: actions.join_cohort(code="AB3K7Q", student=getattr(factories, who)()))
    assert error.http_status == 403
    assert CohortMembership.objects.count() == 0


@db
def test_a_student_can_be_in_several_classes_and_leave_one():
    student = factories.student()
    first = factories.cohort_of(factories.trainer(), join_code="AAAAAA")
    second = factories.cohort_of(factories.trainer(), join_code="BBBBBB")
    actions.join_cohort(code="AAAAAA", student=student)
    actions.join_cohort(code="BBBBBB", student=student)

    actions.leave_cohort(cohort=first, student=student)

    assert list(Cohort.objects.of_student(student)) == [second]
    error = _refused(actions.NotAMember, lambda: actions.leave_cohort(cohort=first, student=student))
    assert (error.http_status, error.message) == (404, "You are not in this class.")


@db
def test_joining_opens_and_closes():
    cohort = factories.cohort_of(factories.trainer(), join_code="AB3K7Q")
    actions.set_joining_open(cohort=cohort, joining_open=False)
    assert (cohort.joining_open, Cohort.objects.get().joining_open) == (False, False)
    assert actions.join_refusal("AB3K7Q").code == "joining_closed"
    actions.set_joining_open(cohort=cohort, joining_open=True)
    assert Cohort.objects.get().joining_open is True
    assert actions.join_refusal("ab3k7q") is None
    assert actions.join_refusal("ZZZZZZ").code == "unknown_join_code"


# -- trainers' changes -------------------------------------------------------------------------------


@db
def test_a_trainer_removes_a_student_whose_account_stays():
    student, other = factories.student(), factories.student()
    cohort = factories.cohort_of(factories.trainer(), students=[student, other])

    actions.remove_student(cohort=cohort, student=student)

    assert list(cohort.students.all()) == [other]
    assert get_user_model().objects.filter(pk=student.pk).exists()
    error = _refused(actions.NotAMember, lambda: actions.remove_student(cohort=cohort, student=student))
    assert (error.http_status, error.message) == (404, "This student is not in this class.")


@db
def test_the_owner_adds_a_co_trainer_by_username():
    owner, colleague = factories.trainer(), factories.trainer(username="Mariam")
    cohort = factories.cohort_of(owner)

    link = actions.add_co_trainer(cohort=cohort, username=" mariam ", by=owner, now=NOW)

    assert (link.trainer, link.is_owner, link.added_at) == (colleague, False, NOW)
    assert list(Cohort.objects.taught_by(colleague)) == [cohort]
    error = _refused(
        actions.AlreadyATrainer, lambda: actions.add_co_trainer(cohort=cohort, username="Mariam", by=owner)
    )
    assert (error.http_status, error.message) == (409, "Mariam already teaches this class.")


@db
def test_a_co_trainer_cannot_add_co_trainers():
    owner, co_trainer = factories.trainer(), factories.trainer()
    cohort = factories.cohort_of(owner)
    factories.CohortTrainerFactory(cohort=cohort, trainer=co_trainer)
    factories.trainer(username="third")
    error = _refused(
        actions.NotTheOwner, lambda: actions.add_co_trainer(cohort=cohort, username="third", by=co_trainer)
    )
    assert error.http_status == 403
    assert cohort.trainer_links.count() == 2


@db
@pytest.mark.parametrize("username", ["nobody", "a-student", "an-editor"])
def test_a_co_trainer_must_be_a_trainer(username):
    owner = factories.trainer()
    cohort = factories.cohort_of(owner)
    factories.student(username="a-student")
    factories.editor(username="an-editor")
    error = _refused(actions.NotATrainer, lambda: actions.add_co_trainer(cohort=cohort, username=username, by=owner))
    assert (error.http_status, error.message) == (400, f"There is no trainer with the username “{username}”.")


# -- students without e-mail -------------------------------------------------------------------------


@db
def test_students_made_in_bulk_get_unique_ascii_usernames_and_one_time_passwords():
    owner = factories.trainer()
    cohort = factories.cohort_of(owner)
    factories.UserFactory(username="awa.keita")

    issued = actions.create_students_in_bulk(
        cohort=cohort, names=["Awa Keita", "Aïssata Traoré", "Awa Keita", "محمد"], by=owner, now=NOW
    )

    assert [(row.student.username, row.student.first_name) for row in issued] == [
        ("awa.keita2", "Awa Keita"),
        ("aissata.traore", "Aïssata Traoré"),
        ("awa.keita3", "Awa Keita"),
        ("student", "محمد"),
    ]
    User = get_user_model()
    for row in issued:
        user = User.objects.get(pk=row.student.pk)
        assert user.check_password(row.password)
        assert [group.name for group in user.groups.all()] == [STUDENTS]
    assert len({row.password for row in issued}) == 4
    assert set(OneTimePassword.objects.values_list("user", "issued_by", "issued_at")) == {
        (row.student.pk, owner.pk, NOW) for row in issued
    }
    assert set(cohort.students.values_list("username", flat=True)) == {row.student.username for row in issued}


@db
def test_the_query_count_of_bulk_creation_does_not_depend_on_the_list(django_assert_num_queries):
    owner = factories.trainer()
    cohort = factories.cohort_of(owner)
    with django_assert_num_queries(11) as one:
        actions.create_students_in_bulk(cohort=cohort, names=["Awa Keita"], by=owner)
    with django_assert_num_queries(len(one.captured_queries)):
        actions.create_students_in_bulk(cohort=cohort, names=[f"Student {n}" for n in range(30)], by=owner)
    assert cohort.memberships.count() == 31


@db
def test_a_reset_password_is_new_and_one_time():
    owner = factories.trainer()
    student = factories.student()
    cohort = factories.cohort_of(owner, students=[student])

    issued = actions.reset_student_password(cohort=cohort, student=student, by=owner, now=NOW)

    student.refresh_from_db()
    assert issued.student == student
    assert student.check_password(issued.password)
    assert not student.check_password(factories.PASSWORD)
    assert list(OneTimePassword.objects.values_list("user", "issued_by", "issued_at")) == [(student.pk, owner.pk, NOW)]
    again = actions.reset_student_password(cohort=cohort, student=student, by=owner)
    assert again.password != issued.password
    assert OneTimePassword.objects.count() == 1


@db
def test_only_a_student_of_the_class_gets_a_new_password():
    owner = factories.trainer()
    cohort = factories.cohort_of(owner)
    elsewhere = factories.student()
    factories.cohort_of(factories.trainer(), students=[elsewhere])
    _refused(actions.NotAMember, lambda: actions.reset_student_password(cohort=cohort, student=elsewhere, by=owner))
    elsewhere.refresh_from_db()
    assert elsewhere.check_password(factories.PASSWORD)


def _promote(user, to):
    """The account made a trainer, an editor, or staff, since it joined the class as a student."""
    if to == "staff":
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        return
    user.groups.set([Group.objects.get(name=to)])
    if to == EDITORS:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


@db
@pytest.mark.parametrize("to", [TRAINERS, EDITORS, "staff"])
def test_a_member_no_longer_a_student_gets_no_new_password(to):
    owner = factories.trainer()
    member = factories.student()
    cohort = factories.cohort_of(owner, students=[member])
    _promote(member, to)

    error = _refused(
        actions.NoLongerAStudent, lambda: actions.reset_student_password(cohort=cohort, student=member, by=owner)
    )

    assert (error.http_status, error.code) == (403, "no_longer_a_student")
    member.refresh_from_db()
    assert member.check_password(factories.PASSWORD)
    assert not OneTimePassword.objects.exists()


@db
def test_removing_a_member_no_longer_a_student_leaves_their_account_as_it_was():
    owner = factories.trainer()
    member = factories.student()
    cohort = factories.cohort_of(owner, students=[member])
    _promote(member, EDITORS)

    actions.remove_student(cohort=cohort, student=member)

    member.refresh_from_db()
    assert not cohort.memberships.exists()
    assert (member.check_password(factories.PASSWORD), member.is_staff, member.is_active) == (True, True, True)


@db
def test_bulk_creation_makes_new_student_accounts_and_never_touches_an_existing_one():
    owner = factories.trainer()
    cohort = factories.cohort_of(owner)
    taken = factories.trainer(username="awa.keita")

    (issued,) = actions.create_students_in_bulk(cohort=cohort, names=["Awa Keita"], by=owner)

    taken.refresh_from_db()
    assert issued.student.username == "awa.keita2"
    assert list(issued.student.groups.values_list("name", flat=True)) == [STUDENTS]
    assert taken.check_password(factories.PASSWORD)
    assert list(cohort.students.all()) == [issued.student]


# -- two requests at once ------------------------------------------------------------------------------


def _at_once(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@races
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_students_joining_at_once_both_join():
    cohort = factories.cohort_of(factories.trainer(), join_code="AB3K7Q")
    first, second = factories.student(), factories.student()

    results = _at_once(
        lambda: actions.join_cohort(code="AB3K7Q", student=first),
        lambda: actions.join_cohort(code="AB3K7Q", student=second),
    )

    assert results == [cohort, cohort]
    assert set(cohort.students.all()) == {first, second}


@races
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_clicked_join_makes_one_membership():
    cohort = factories.cohort_of(factories.trainer(), join_code="AB3K7Q")
    student = factories.student()

    results = _at_once(*[lambda: actions.join_cohort(code="AB3K7Q", student=student) for _ in range(2)])

    assert sorted(type(result).__name__ for result in results) == ["AlreadyMember", "Cohort"]
    assert list(cohort.students.all()) == [student]


@races
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_join_racing_a_new_code_either_joins_first_or_is_refused():
    cohort = factories.cohort_of(factories.trainer(), join_code="AB3K7Q")
    student = factories.student()

    results = _at_once(
        lambda: actions.join_cohort(code="AB3K7Q", student=student),
        lambda: actions.regenerate_join_code(cohort=Cohort.objects.get(pk=cohort.pk)),
    )

    assert Cohort.objects.get().join_code != "AB3K7Q"
    if isinstance(results[0], actions.UnknownJoinCode):
        assert CohortMembership.objects.count() == 0
    else:
        assert results[0] == cohort
        assert list(cohort.students.all()) == [student]


@pytest.mark.skipif(not ON_SQLITE_IN_MEMORY, reason="the races ran as they are")
def test_the_races_on_a_sqlite_file(tmp_path):
    env = {**os.environ, "SAHEL_TEST_SQLITE_FILE": str(tmp_path / "races.sqlite3")}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", __file__, "-q", "-p", "no:xdist", "-k", "at_once or racing or double"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1].startswith("3 passed")
