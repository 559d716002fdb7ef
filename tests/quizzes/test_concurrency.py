"""Two requests at once: two tabs starting, two submits, an answer racing a submit (threads, real locks).

On PostgreSQL these run as they are. SQLite's in-memory test database cannot serve two connections
that wait for each other (its shared cache answers "table is locked" at once), so on SQLite
``test_the_races_on_a_sqlite_file`` runs this module again in a subprocess on a file database
(``SAHEL_TEST_SQLITE_FILE``), where WAL and IMMEDIATE transactions lock as in production.
"""

import datetime
import os
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from quizzes import actions
from quizzes.models import Attempt, AttemptQuestion, Response, ReviewLog, ReviewState
from tests import factories

from .attempt_helpers import right_answer, slots_of

NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)


# On SQLite the race tests run in the subprocess only (on its file database).
ON_SQLITE_IN_MEMORY = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and not os.environ.get(
    "SAHEL_TEST_SQLITE_FILE"
)
races = pytest.mark.skipif(
    ON_SQLITE_IN_MEMORY, reason="on SQLite: run on a file database by test_the_races_on_a_sqlite_file"
)


def _single():
    question = factories.QuestionFactory()
    factories.AnswerOptionFactory(question=question, text="Right", is_correct=True, position=1)
    factories.AnswerOptionFactory(question=question, text="Wrong", position=2)
    return question


def _at_once(*calls):
    """Run the calls in two threads started together; each thread's result or exception."""
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
def test_two_tabs_starting_at_once_make_one_attempt():
    quiz = factories.quiz_with([_single()])
    user = factories.student()

    results = _at_once(
        lambda: actions.start_attempt(quiz=quiz, user=user, now=NOW),
        lambda: actions.start_attempt(quiz=quiz, user=user, now=NOW),
    )

    assert sorted(type(result).__name__ for result in results) == ["Attempt", "AttemptInProgress"]
    assert Attempt.objects.count() == 1
    assert AttemptQuestion.objects.count() == 1


@races
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_submits_at_once_submit_once():
    quiz = factories.quiz_with([_single()])
    attempt = actions.start_attempt(quiz=quiz, user=factories.student(), now=NOW)

    results = _at_once(
        lambda: actions.submit_attempt(attempt=attempt, now=NOW + MINUTE),
        lambda: actions.submit_attempt(attempt=attempt, now=NOW + 2 * MINUTE),
    )

    assert sorted(type(result).__name__ for result in results) == ["Attempt", "AttemptClosed"]
    winner = next(result for result in results if isinstance(result, Attempt))
    assert Attempt.objects.get().submitted_at == winner.submitted_at


@races
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_answer_racing_a_submit_is_either_in_the_score_or_refused():
    quiz = factories.quiz_with([_single()])
    attempt = actions.start_attempt(quiz=quiz, user=factories.student(), now=NOW)
    slot = slots_of(attempt)[0]

    results = _at_once(
        lambda: actions.save_response(attempt=attempt, slot=slot, answer=right_answer(slot), now=NOW),
        lambda: actions.submit_attempt(attempt=attempt, now=NOW),
    )

    submitted = Attempt.objects.get()
    if isinstance(results[0], actions.AttemptClosed):
        assert (submitted.score, Response.objects.count()) == (Decimal(0), 0)
    else:
        assert (submitted.score, Response.objects.count()) == (Decimal(1), 1)


@races
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_clicked_rating_records_one_review():
    user, question = factories.student(), _single()

    results = _at_once(
        *[
            lambda: actions.record_review(user=user, question=question, rating=3, now=NOW, version=0, request_key="k")
            for _ in range(2)
        ]
    )

    assert sorted(result.replayed for result in results) == [False, True]
    assert ReviewLog.objects.count() == 1
    assert ReviewState.objects.get().version == 1


@races
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_tabs_rating_one_card_at_once_record_one_review():
    user, question = factories.student(), _single()

    results = _at_once(
        lambda: actions.record_review(user=user, question=question, rating=3, now=NOW, version=0, request_key="a"),
        lambda: actions.record_review(user=user, question=question, rating=1, now=NOW, version=0, request_key="b"),
    )

    assert sorted(type(result).__name__ for result in results) == ["RatedCard", "StaleRating"]
    assert ReviewLog.objects.count() == 1
    assert ReviewState.objects.get().reps == 1


@pytest.mark.skipif(not ON_SQLITE_IN_MEMORY, reason="the races ran as they are")
def test_the_races_on_a_sqlite_file(tmp_path):
    env = {**os.environ, "SAHEL_TEST_SQLITE_FILE": str(tmp_path / "races.sqlite3")}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            __file__,
            "-q",
            "-p",
            "no:xdist",
            "-k",
            "not sqlite_file",
        ],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1].startswith("5 passed")
