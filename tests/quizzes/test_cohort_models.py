"""Classes: join codes, names made into usernames, lists of names, and who sees which class."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError

from quizzes.cohorts import (
    JOIN_CODE_ALPHABET,
    MAX_NAMES,
    NameListError,
    new_join_code,
    new_one_time_password,
    normalize_join_code,
    parse_student_names,
    username_base,
)
from quizzes.models import Cohort, CohortMembership, CohortTrainer
from tests import factories


def test_join_codes_are_six_characters_without_look_alikes():
    codes = {new_join_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == 6 and set(code) <= set(JOIN_CODE_ALPHABET) for code in codes)
    assert not set("0O1IL") & set(JOIN_CODE_ALPHABET)


@pytest.mark.parametrize(
    ("typed", "stored"), [("ab3k7q", "AB3K7Q"), (" AB3 K7Q ", "AB3K7Q"), ("ab3-k7q", "AB3K7Q"), ("", ""), (None, "")]
)
def test_a_typed_code_is_read_whatever_its_case_spaces_and_hyphens(typed, stored):
    assert normalize_join_code(typed) == stored


def test_one_time_passwords_are_two_groups_of_five():
    password = new_one_time_password()
    assert len(password) == 11 and password[5] == "-"
    assert new_one_time_password() != password


@pytest.mark.parametrize(
    ("name", "base"),
    [
        ("Aïssata Traoré", "aissata.traore"),
        ("  Moussa  DIALLO ", "moussa.diallo"),
        ("Ould-Abdallah, Mohamed", "ould.abdallah.mohamed"),
        ("N'Golo Kanté 2", "n.golo.kante.2"),
        ("محمد", "student"),
        ("Aminata " + "x" * 40, "aminata." + "x" * 22),
    ],
)
def test_a_username_is_made_of_the_names_ascii_words(name, base):
    assert username_base(name) == base


def test_a_pasted_list_is_one_name_per_line():
    assert parse_student_names("Awa Keita\n\n  Issa   Maïga \r\nAwa Keita\n") == [
        "Awa Keita",
        "Issa Maïga",
        "Awa Keita",
    ]


def test_a_csv_list_takes_the_first_column_and_skips_a_header():
    text = 'name,age\n"Traoré, Aïssata",14\nIssa Maïga,15\n,\n'
    assert parse_student_names(text, is_csv=True) == ["Traoré, Aïssata", "Issa Maïga"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("\n  \n", "The list has no names: write one name per line."),
        ("\n".join(f"Student {n}" for n in range(MAX_NAMES + 1)), "The list has 201 names; add at most 200 at a time."),
        ("A" * 151, "“AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA…” is longer than 150 characters: is it one name per line?"),
    ],
)
def test_a_list_that_cannot_be_read_says_why(text, message):
    with pytest.raises(NameListError) as raised:
        parse_student_names(text)
    assert str(raised.value) == message


@pytest.mark.django_db
def test_a_trainer_sees_the_classes_they_own_or_co_train_only():
    trainer, other = factories.trainer(), factories.trainer()
    owned = factories.cohort_of(trainer, name="Owned")
    co_trained = factories.cohort_of(other, name="Co-trained")
    factories.CohortTrainerFactory(cohort=co_trained, trainer=trainer)
    factories.cohort_of(other, name="Not mine")

    assert list(Cohort.objects.taught_by(trainer).order_by("name")) == [co_trained, owned]
    assert list(Cohort.objects.taught_by(AnonymousUser())) == []


@pytest.mark.django_db
def test_a_student_is_in_the_classes_they_joined():
    student = factories.student()
    first = factories.cohort_of(factories.trainer(), students=[student])
    second = factories.cohort_of(factories.trainer(), students=[student, factories.student()])
    factories.cohort_of(factories.trainer(), students=[factories.student()])

    assert set(Cohort.objects.of_student(student)) == {first, second}
    assert list(Cohort.objects.of_student(AnonymousUser())) == []
    counts = dict(Cohort.objects.with_student_counts().values_list("pk", "student_count"))
    assert (counts[first.pk], counts[second.pk]) == (1, 2)


@pytest.mark.django_db
def test_a_student_is_in_a_class_once():
    membership = factories.CohortMembershipFactory()
    with pytest.raises(IntegrityError):
        CohortMembership.objects.create(cohort=membership.cohort, student=membership.student)


@pytest.mark.django_db
def test_a_class_has_one_owner():
    cohort = factories.cohort_of(factories.trainer())
    factories.CohortTrainerFactory(cohort=cohort)  # a co-trainer: fine
    with pytest.raises(IntegrityError):
        CohortTrainer.objects.create(cohort=cohort, trainer=factories.trainer(), is_owner=True)


@pytest.mark.django_db
def test_join_codes_are_unique():
    factories.CohortFactory(join_code="ABCDEF")
    with pytest.raises(IntegrityError):
        factories.CohortFactory(join_code="ABCDEF")


@pytest.mark.django_db
def test_a_class_names_its_term_and_its_join_link():
    cohort = factories.CohortFactory(name="Form 3B", term="2026-27", join_code="AB3K7Q")
    assert (str(cohort), cohort.join_path(), cohort.get_absolute_url()) == (
        "Form 3B (2026-27)",
        "/classes/join/AB3K7Q/",
        f"/classes/{cohort.pk}/",
    )
    assert str(factories.CohortFactory(name="Form 4", term="")) == "Form 4"
