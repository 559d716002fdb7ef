"""sahel_learn.prepared: a read compiled once gives what its QuerySet gives, and refuses what it cannot bind."""

import datetime
import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Count, Exists, OuterRef
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from quizzes.models import (
    CARD_OPTIONS,
    CARD_TO_RATE,
    DUE_DATES,
    QUEUE_READS,
    SETTINGS_STEPS,
    Deck,
    DeckKind,
    ReviewState,
    Topic,
)
from sahel_learn.authentication import TOKEN_WITH_USER
from sahel_learn.prepared import NotPreparable, Prepared, prefetched
from tests.factories import AnswerOptionFactory, QuestionFactory, ReviewStateFactory, UserFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
NOW = datetime.datetime(2026, 12, 3, 12, 0, 0, 250, tzinfo=UTC)


def joined_by(*, name, when):
    """Users of first name ``name`` joined at ``when`` or before, whether they have a token, their groups counted."""
    tokens = Token.objects.filter(user=OuterRef("pk"))
    return (
        User.objects.filter(first_name=name, date_joined__lte=when)
        .annotate(has_token=Exists(tokens), groups_n=Count("groups"))
        .order_by("username")
    )


JOINED_BY = Prepared(joined_by, name=str, when=datetime.datetime)


def make_users():
    made = [
        UserFactory(username=f"{prefix}{n}", first_name=prefix, date_joined=NOW - datetime.timedelta(days=n))
        for prefix in ("ann", "bob")
        for n in range(3)
    ]
    Token.objects.create(user=made[1])
    return made


@pytest.mark.parametrize(
    ("name", "when"),
    [("ann", NOW), ("ann", NOW - datetime.timedelta(days=1)), ("bob", NOW - datetime.timedelta(days=2)), ("zed", NOW)],
)
def test_a_prepared_read_gives_the_rows_its_queryset_gives(name, when):
    make_users()
    JOINED_BY.compiled()  # compiled once, before any of these values is seen

    got = JOINED_BY.all(name=name, when=when)

    expected = list(joined_by(name=name, when=when))
    assert [user.username for user in got] == [user.username for user in expected]
    assert [(user.pk, user.date_joined, user.has_token, user.groups_n) for user in got] == [
        (user.pk, user.date_joined, user.has_token, user.groups_n) for user in expected
    ]


def test_it_is_built_once_per_shape_and_run_with_each_call_s_values():
    made = make_users()
    calls = []

    def build(*, pk):
        calls.append(pk)
        return User.objects.filter(pk=pk).values_list("username", flat=True)[:1]

    by_pk = Prepared(build, pk=int)
    names = [by_pk.first(pk=user.pk) for user in made]

    assert names == [user.username for user in made]
    assert len(calls) == 2  # the two compiles with stand-in values, then never again
    assert all(pk < 0 for pk in calls)


def test_one_query_a_call_and_the_same_sql_as_the_queryset():
    make_users()
    with CaptureQueriesContext(connection) as prepared:
        JOINED_BY.all(name="ann", when=NOW)
    with CaptureQueriesContext(connection) as plain:
        list(joined_by(name="ann", when=NOW))

    assert len(prepared) == 1
    assert prepared[0]["sql"] == plain[0]["sql"]


def test_select_related_objects_come_joined():
    user = UserFactory()
    token = Token.objects.create(user=user)

    found = TOKEN_WITH_USER.first(key=token.key)

    assert found == token
    with CaptureQueriesContext(connection) as asked:
        assert found.user.username == user.username
    assert len(asked) == 0
    assert TOKEN_WITH_USER.first(key="not-a-token") is None


def test_unprepared_the_same_build_runs_as_any_queryset():
    make_users()
    assert [u.username for u in JOINED_BY.all(prepare=False, name="bob", when=NOW)] == ["bob0", "bob1", "bob2"]


def test_a_raw_statement_row():
    made = make_users()
    counting = Prepared(lambda *, pk: ("SELECT COUNT(*), MAX(id) FROM auth_user WHERE id <= %s", [pk]), pk=int)

    assert counting.row(pk=made[3].pk) == (4, made[3].pk)
    assert counting.row(prepare=False, pk=made[1].pk) == (2, made[1].pk)


def test_the_startswith_of_a_value_is_made_from_it_and_refused():
    # A lookup that changes its value (escaped, a "%" added) cannot have the value bound later.
    with pytest.raises(NotPreparable, match="made from a value"):
        Prepared(lambda *, name: User.objects.filter(username__startswith=name), name=str).compiled()


def test_what_it_cannot_bind_is_refused():
    def derived(*, when):
        return User.objects.filter(date_joined__lte=when + datetime.timedelta(days=1))

    def unused(*, name, when):
        return User.objects.filter(username=name)

    def branching(*, when):
        return User.objects.filter(date_joined__lte=when) if when.microsecond < 50 else User.objects.all()

    def querying(*, name):
        User.objects.filter(username=name).exists()
        return User.objects.filter(username=name)

    def split(*, name):
        return User.objects.filter(username__in=name.split(":"))

    cases = {
        "made from a value": Prepared(derived, when=datetime.datetime),
        "does not use when": Prepared(unused, name=str, when=datetime.datetime),
        "its SQL changes": Prepared(branching, when=datetime.datetime),
        "ran a query": Prepared(querying, name=str),
    }
    for message, prepared in cases.items():
        with pytest.raises(NotPreparable, match=message):
            prepared.compiled()
    with pytest.raises(NotPreparable):
        Prepared(split, name=str).compiled()


def test_values_are_checked_by_name():
    with pytest.raises(TypeError, match="takes name, when"):
        JOINED_BY.all(name="ann")
    with pytest.raises(TypeError, match="may not be named shape"):
        Prepared(lambda *, shape: User.objects.all(), shape=str)
    with pytest.raises(TypeError, match="an int, a str or a datetime"):
        Prepared(lambda *, day: User.objects.filter(date_joined__date=day), day=datetime.date).compiled()


def test_prefetched_rows_answer_all_without_a_query():
    question = QuestionFactory()
    options = [AnswerOptionFactory(question=question), AnswerOptionFactory(question=question)]

    prefetched(question, "options", options)

    with CaptureQueriesContext(connection) as asked:
        assert list(question.options.all()) == options
    assert len(asked) == 0


@pytest.mark.django_db(transaction=True)
def test_each_thread_runs_it_on_its_own_connection():
    made = make_users()
    JOINED_BY.compiled()
    found, errors = [], []

    def read():
        try:
            found.append([u.username for u in JOINED_BY.all(name="ann", when=NOW)])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()

    assert errors == []
    assert found == [[user.username for user in made[:3]]]


def test_every_study_read_compiles_for_every_deck_it_is_prepared_for():
    """The study path's reads are all preparable (a change that makes one depend on a value fails here)."""
    rule_decks = [Deck(DeckKind.ALL), Deck(DeckKind.LEECHES)] + [Deck(DeckKind.TOPIC, topic) for topic in Topic.values]
    assert all(deck.is_a_rule() for deck in rule_decks)
    for prepared in QUEUE_READS.values():
        shapes = rule_decks if prepared.build.__code__.co_argcount else [None]  # built per deck, or once
        for deck in shapes:
            assert prepared.compiled(deck) is not None
    for prepared in (CARD_OPTIONS, CARD_TO_RATE, DUE_DATES, SETTINGS_STEPS, TOKEN_WITH_USER):
        assert prepared.compiled() is not None
    assert not Deck(DeckKind.SECTION, "intro").is_a_rule()
    assert not Deck(DeckKind.COUNTRY, "mali").is_a_rule()
    assert not Deck(DeckKind.QUIZ, "q").is_a_rule()


def test_a_study_read_prepared_gives_what_it_gives_unprepared():
    user = UserFactory()
    states = [
        ReviewStateFactory(user=user, due=NOW - datetime.timedelta(hours=n), reps=1, state=1) for n in range(1, 4)
    ]
    deck = Deck(DeckKind.ALL)
    read = QUEUE_READS["learning card"]

    assert read.first(deck, user=user.pk, now=NOW) == read.first(deck, prepare=False, user=user.pk, now=NOW)
    assert read.first(deck, user=user.pk, now=NOW) == min(states, key=lambda state: state.due)
    assert ReviewState.objects.count() == 3


def test_every_queue_read_prepared_gives_what_it_gives_built_per_request():
    """For each deck compiled once, each of StudyQueue's reads answers as the same QuerySets built with the values."""
    from quizzes.models import CardState

    user = UserFactory()
    questions = [QuestionFactory(topic=topic) for topic in Topic.values for _ in range(2)]
    for number, question in enumerate(questions[:9]):
        ReviewStateFactory(
            user=user,
            question=question,
            reps=1 + number % 3,
            state=CardState.REVIEW if number % 2 else CardState.LEARNING,
            due=NOW + datetime.timedelta(hours=number * 7 - 20),
            is_leech=number % 4 == 0,
            suspended=number == 5,
        )
    ReviewStateFactory(question=questions[0], reps=2, due=NOW)  # another student's
    values = {
        "counts": {"now": NOW, "start": NOW - datetime.timedelta(hours=8), "end": NOW + datetime.timedelta(hours=16)},
        "learning card": {"now": NOW},
        "review card": {"now": NOW, "end": NOW + datetime.timedelta(hours=16)},
        "new question": {},
        "learning ahead": {"now": NOW, "ahead": NOW + datetime.timedelta(minutes=20)},
        "next due": {"now": NOW},
    }
    decks = [Deck(DeckKind.ALL), Deck(DeckKind.LEECHES)] + [Deck(DeckKind.TOPIC, topic) for topic in Topic.values]
    answers = set()
    for name, given in values.items():
        read = QUEUE_READS[name]
        for deck in decks:
            if name == "counts":
                prepared, built = (
                    read.row(deck, user=user.pk, **given),
                    read.row(deck, prepare=False, user=user.pk, **given),
                )
            else:
                prepared, built = (
                    read.all(deck, user=user.pk, **given),
                    read.all(deck, prepare=False, user=user.pk, **given),
                )
            assert prepared == built, (name, deck)
            answers.add((name, str(prepared)))
    assert len(answers) > len(values) * 2  # the decks and reads differ: not all empty
