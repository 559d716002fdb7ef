"""Rating, previewing, undoing and suspending study cards (``quizzes.actions``, py-fsrs underneath)."""

import datetime

import pytest
from fsrs import Rating, Scheduler
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes import actions
from quizzes.models import (
    LEECH_LAPSES,
    CardState,
    QuestionStatus,
    ReviewLog,
    ReviewState,
    StudyRating,
    StudySettings,
)
from quizzes.scheduling import fuzz_range
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)
AGAIN, HARD, GOOD, EASY = (int(r) for r in StudyRating)


class Student:
    """One student rating one card, with a fresh request key each time, as the pages send them."""

    def __init__(self, question=None, **settings_fields):
        self.user = factories.UserFactory()
        self.question = question or factories.QuestionFactory()
        self.keys = 0
        if settings_fields:
            StudySettings.objects.for_user(self.user)
            StudySettings.objects.filter(user=self.user).update(**settings_fields)

    @property
    def state(self):
        return ReviewState.objects.filter(user=self.user, question=self.question).first()

    def version(self):
        return self.state.version if self.state else 0

    def rate(self, rating, at, **kwargs):
        self.keys += 1
        kwargs.setdefault("version", self.version())
        kwargs.setdefault("request_key", f"key-{self.keys}")
        return actions.record_review(user=self.user, question=self.question, rating=rating, now=at, **kwargs)

    def preview(self, at):
        state = self.state or ReviewState(user=self.user, question=self.question, due=at)
        return actions.preview_ratings(state=state, study_settings=StudySettings.objects.for_user(self.user), now=at)

    def graduate(self, at):
        """Good until the card is in review with an interval of weeks; returns when it is next due."""
        while True:
            result = self.rate(GOOD, at)
            at = result.state.due
            if (
                result.state.state == CardState.REVIEW
                and result.state.due - result.log.reviewed_at > datetime.timedelta(days=20)
            ):
                return at


def test_the_first_rating_makes_the_state_and_logs_it_before_and_after():
    student = Student()
    result = student.rate(GOOD, NOW, duration_ms=4200)

    state = student.state
    assert (state.state, state.step, state.reps, state.lapses, state.version) == (CardState.LEARNING, 1, 1, 0, 1)
    assert state.due == NOW + datetime.timedelta(minutes=10)  # the second of Anki's default steps, 1 and 10 min
    assert state.last_review == NOW
    log = ReviewLog.objects.get()
    assert result.log == log and result.replayed is False
    assert (log.rating, log.reviewed_at, log.duration_ms, log.request_key) == (GOOD, NOW, 4200, "key-1")
    assert (log.before_reps, log.before_state, log.before_stability, log.before_due) == (
        0,
        CardState.LEARNING,
        None,
        NOW,
    )
    assert log.after() == state.snapshot()


@pytest.mark.parametrize("rating", [AGAIN, HARD, GOOD, EASY])
def test_each_rating_gives_the_due_date_its_button_showed_on_a_new_card(rating):
    student = Student()
    shown = student.preview(NOW)
    assert student.rate(rating, NOW).state.due == shown[rating]


@pytest.mark.parametrize("spread", [True, False])
@pytest.mark.parametrize("rating", [HARD, GOOD, EASY])
def test_on_a_review_card_with_fuzz_the_interval_given_is_the_one_shown(rating, spread):
    student = Student(spread_due_dates=spread)
    due = student.graduate(NOW)
    shown = student.preview(due)
    assert student.rate(rating, due).state.due == shown[rating]


def test_the_buttons_order_again_hard_good_easy_by_interval_on_a_review_card():
    student = Student()
    due = student.graduate(NOW)
    shown = student.preview(due)
    assert shown[AGAIN] < shown[HARD] < shown[GOOD] < shown[EASY]


def test_a_replayed_rating_answers_what_the_first_recorded_and_records_nothing():
    student = Student()
    first = student.rate(GOOD, NOW, request_key="click-1")
    again = student.rate(GOOD, NOW + datetime.timedelta(seconds=1), request_key="click-1", version=0)

    assert (again.replayed, again.log) == (True, first.log)
    assert ReviewLog.objects.count() == 1
    assert student.state.version == 1


def test_a_rating_of_a_card_changed_since_it_was_shown_is_refused_and_changes_nothing():
    student = Student()
    student.rate(GOOD, NOW)
    before = student.state.snapshot()

    with pytest.raises(actions.StaleRating) as refused:
        student.rate(EASY, NOW + datetime.timedelta(minutes=1), version=0)  # the second tab still shows version 0

    assert refused.value.http_status == 409
    assert ReviewLog.objects.count() == 1
    assert student.state.snapshot() == before


def test_an_unpublished_question_is_no_card():
    student = Student(factories.QuestionFactory(status=QuestionStatus.NEEDS_REVIEW))
    with pytest.raises(actions.CardNotStudyable) as refused:
        student.rate(GOOD, NOW)
    assert refused.value.http_status == 404
    assert (ReviewState.objects.count(), ReviewLog.objects.count()) == (0, 0)


def test_a_suspended_card_is_not_rated_until_unsuspended():
    student = Student()
    actions.set_suspended(user=student.user, question=student.question, suspended=True, now=NOW)
    with pytest.raises(actions.CardSuspended):
        student.rate(GOOD, NOW)
    actions.set_suspended(user=student.user, question=student.question, suspended=False, now=NOW)
    assert student.rate(GOOD, NOW).state.reps == 1


def test_undo_restores_the_exact_state_deletes_the_log_row_and_moves_the_version_on():
    student = Student()
    due = student.graduate(NOW)
    before = student.state.snapshot()
    logs = ReviewLog.objects.count()
    version = student.state.version

    student.rate(AGAIN, due)
    state = actions.undo_review(user=student.user, now=due)

    assert state.snapshot() == before
    assert student.state.snapshot() == before
    assert ReviewLog.objects.count() == logs
    assert student.state.version == version + 2
    with pytest.raises(actions.StaleRating):
        student.rate(GOOD, due, version=version + 1)  # the rating the undone one replaced


def test_undo_of_a_first_rating_makes_the_card_new_again_and_undo_of_nothing_is_refused():
    student = Student()
    student.rate(EASY, NOW)
    actions.undo_review(user=student.user, now=NOW)
    assert (student.state.reps, student.state.due, student.state.stability) == (0, NOW, None)
    with pytest.raises(actions.NothingToUndo):
        actions.undo_review(user=student.user, now=NOW)


def test_undo_takes_back_only_the_users_own_last_rating():
    mine, theirs = Student(), Student()
    mine.rate(GOOD, NOW)
    theirs.rate(GOOD, NOW + datetime.timedelta(minutes=1))
    actions.undo_review(user=mine.user, now=NOW)
    assert (mine.state.reps, theirs.state.reps) == (0, 1)


def test_the_eighth_lapse_makes_a_leech_tagged_and_suspended():
    student = Student()
    at = student.graduate(NOW)
    for lapse in range(1, LEECH_LAPSES + 1):
        result = student.rate(AGAIN, at)
        assert (result.state.lapses, result.state.is_leech) == (lapse, lapse == LEECH_LAPSES)
        if lapse < LEECH_LAPSES:
            at = student.graduate(result.state.due)
    assert student.state.suspended is True
    assert list(ReviewState.objects.leeches()) == [student.state]


def test_spreading_puts_the_card_on_the_least_loaded_day_of_its_fuzz_range():
    student = Student(spread_due_dates=True)
    due = student.graduate(NOW)
    # py-fsrs's own interval for Good, unfuzzed, and the range its fuzz may move it in.
    unfuzzed = Scheduler(enable_fuzzing=False).review_card(student.state.to_card(), Rating.Good, due)[0].due
    low, high = fuzz_range((unfuzzed - due).days, 36500)
    assert high - low >= 4
    # Every day of the range but one in the middle already has three cards due.
    free = (low + high) // 2
    for days in set(range(low, high + 1)) - {free}:
        factories.ReviewStateFactory.create_batch(
            3, user=student.user, reps=1, state=CardState.REVIEW, due=due + datetime.timedelta(days=days)
        )

    assert student.preview(due)[GOOD] == due + datetime.timedelta(days=free)
    assert student.rate(GOOD, due).state.due == due + datetime.timedelta(days=free)


def test_without_spreading_the_fuzzed_day_ignores_the_load():
    student = Student(spread_due_dates=False)
    due = student.graduate(NOW)
    shown = student.preview(due)[GOOD]
    factories.ReviewStateFactory.create_batch(5, user=student.user, reps=1, state=CardState.REVIEW, due=shown)
    assert student.preview(due)[GOOD] == shown


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ratings=st.lists(st.sampled_from([AGAIN, HARD, GOOD, EASY]), min_size=1, max_size=12),
    waits=st.lists(st.integers(min_value=0, max_value=60 * 24 * 40), min_size=12, max_size=12),
)
def test_after_any_ratings_the_card_is_due_after_its_review_and_the_buttons_keep_their_order(ratings, waits):
    student = Student()
    at = NOW
    for rating, wait in zip(ratings, waits, strict=False):
        shown = student.preview(at)
        assert shown[AGAIN] <= shown[HARD] <= shown[GOOD] <= shown[EASY]
        result = student.rate(rating, at)
        assert result.state.due > at
        assert result.state.due == shown[rating]
        at = at + datetime.timedelta(minutes=wait)
