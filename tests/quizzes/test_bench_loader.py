"""bench/study_data.py at a tiny size (3 students x 5 cards), so the benchmark's loader cannot rot unseen."""

import datetime

import pytest

from bench import study_data
from quizzes import actions
from quizzes.models import CardState, Question, ReviewLog, ReviewState, StudySettings
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)


def load():
    return study_data.load(students=3, cards=5, sampled=1, now=NOW, log=lambda message: None)


def test_the_loader_fills_a_state_per_student_and_card_with_bench_questions_added_to_the_published_ones():
    published = factories.QuestionFactory()
    factories.QuestionFactory(status="draft")

    made = load()

    cards = list(Question.objects.usable().order_by("pk"))
    assert cards[0] == published and len(cards) == 5
    assert all(card.options.filter(is_correct=True).count() == 1 for card in cards[1:])
    assert {key: made[key] for key in ("students", "cards", "states")} == {"students": 3, "cards": 5, "states": 15}
    assert sorted(ReviewState.objects.values_list("user__username", "question").distinct()) == sorted(
        (f"bench-student-{n}", card.pk) for n in range(3) for card in cards
    )
    assert StudySettings.objects.filter(user__username__startswith="bench-student-").count() == 3
    assert made["logs"] == ReviewLog.objects.count()


def test_the_simulated_students_logs_end_where_their_states_are_and_the_others_have_none():
    load()

    assert not ReviewLog.objects.exclude(user__username="bench-student-0").exists()
    for state in ReviewState.objects.filter(user__username="bench-student-0"):
        logs = list(state.logs.order_by("reviewed_at", "pk"))
        assert len(logs) == state.reps
        if logs:
            assert logs[0].before()["reps"] == 0
            assert (logs[-1].after()["due"], logs[-1].after()["reps"]) == (state.due, state.reps)
            assert all(log.after()["due"] > log.reviewed_at for log in logs)
            assert all(earlier.after() == later.before() for earlier, later in zip(logs, logs[1:], strict=False))


def test_the_same_arguments_load_the_same_rows():
    load()
    first = list(ReviewState.objects.order_by("pk").values_list("state", "stability", "due", "reps", "suspended"))
    ReviewLog.objects.all().delete()
    ReviewState.objects.all().delete()
    StudySettings.objects.all().delete()
    from django.contrib.auth.models import User

    User.objects.filter(username__startswith="bench-student-").delete()

    load()

    assert (
        list(ReviewState.objects.order_by("pk").values_list("state", "stability", "due", "reps", "suspended")) == first
    )


def test_a_loaded_card_can_be_rated_by_the_engine_and_new_rows_get_new_ids():
    load()
    state = ReviewState.objects.filter(suspended=False, reps__gt=0, state=CardState.REVIEW).order_by("pk").first()
    assert state is not None

    rated = actions.record_review(
        user=state.user, question=state.question, rating=3, now=NOW, version=state.version, request_key="bench"
    )

    assert (rated.state.pk, rated.state.reps, rated.state.version) == (state.pk, state.reps + 1, state.version + 1)
    assert rated.log.before()["due"] == state.due
    loaded = list(ReviewState.objects.values_list("pk", flat=True))
    another = ReviewState.objects.create(user=factories.UserFactory(), question=state.question, due=NOW)
    # After every loaded id; not necessarily the next one: a transactional test (the browser tests')
    # run before in the same process leaves the sequence where its rows took it.
    assert another.pk > max(loaded)
