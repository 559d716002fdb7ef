"""Study settings (the study day, limits, validation) and what is due (``ReviewState.objects.due``)."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.models import CardState, QuestionStatus, ReviewState, StepKind, StudySettings
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)
ZONES = ["UTC", "Africa/Bamako", "Africa/Niamey", "America/New_York", "Pacific/Kiritimati", "Australia/Lord_Howe"]


def test_settings_are_made_once_with_ankis_defaults():
    user = factories.UserFactory()
    made = StudySettings.objects.for_user(user)
    again = StudySettings.objects.for_user(user)

    assert made.pk == again.pk
    assert (made.desired_retention, made.new_cards_per_day, made.max_reviews_per_day) == (Decimal("0.90"), 20, 200)
    assert (made.time_zone, made.day_starts_at, made.spread_due_dates) == ("UTC", 4, True)
    assert (made.step_minutes(StepKind.LEARNING), made.step_minutes(StepKind.RELEARNING)) == ((1, 10), (10,))
    scheduler = made.scheduler(seed="s")
    assert scheduler.learning_steps == (datetime.timedelta(minutes=1), datetime.timedelta(minutes=10))
    assert (scheduler.desired_retention, scheduler.enable_fuzzing) == (0.9, True)


def test_a_retention_outside_070_to_097_and_an_unknown_zone_are_refused():
    study_settings = factories.StudySettingsFactory.build(
        user=factories.UserFactory(), time_zone="Mars/Olympus_Mons", desired_retention=Decimal("0.99")
    )
    with pytest.raises(ValidationError) as refused:
        study_settings.full_clean()
    assert set(refused.value.message_dict) == {"time_zone", "desired_retention"}
    assert refused.value.message_dict["time_zone"] == ["“Mars/Olympus_Mons” is not a time zone."]


def test_the_database_refuses_a_retention_out_of_range_too():
    with pytest.raises(IntegrityError):
        factories.StudySettingsFactory(desired_retention=Decimal("0.50"))


def test_the_study_day_turns_at_four_in_the_students_zone():
    study_settings = factories.StudySettingsFactory(time_zone="America/New_York")
    # 08:59 UTC is 03:59 in New York (EST): still the day before.
    assert study_settings.study_day(datetime.datetime(2026, 12, 2, 8, 59, tzinfo=datetime.UTC)) == datetime.date(
        2026, 12, 1
    )
    assert study_settings.study_day(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)) == datetime.date(
        2026, 12, 2
    )
    start, end = study_settings.day_bounds(datetime.date(2026, 12, 2))
    assert (start, end) == (
        datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC),
        datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC),
    )


def test_a_study_day_across_a_dst_change_is_23_hours_long():
    study_settings = factories.StudySettingsFactory(time_zone="America/New_York")
    start, end = study_settings.day_bounds(datetime.date(2026, 3, 7))  # clocks go forward at 2 a.m. on 8 March
    assert end - start == datetime.timedelta(hours=23)


@settings(max_examples=60, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime.datetime(2000, 1, 1),
        max_value=datetime.datetime(2037, 12, 31),
        timezones=st.just(datetime.UTC),
    ),
    zone=st.sampled_from(ZONES),
    hour=st.integers(min_value=0, max_value=23),
)
def test_every_moment_lies_in_the_bounds_of_its_own_study_day(moment, zone, hour):
    study_settings = StudySettings(time_zone=zone, day_starts_at=hour)
    start, end = study_settings.day_bounds(study_settings.study_day(moment))
    assert start <= moment < end
    local_start = start.astimezone(zoneinfo.ZoneInfo(zone))
    assert local_start.hour in (hour, (hour + 1) % 24)  # an hour a DST gap skips starts the day an hour later


def test_due_is_the_users_studied_unsuspended_unburied_published_cards_due_by_now_oldest_first():
    user = factories.UserFactory()
    hour = datetime.timedelta(hours=1)
    later = factories.ReviewStateFactory(user=user, reps=2, state=CardState.REVIEW, due=NOW - hour)
    first = factories.ReviewStateFactory(user=user, reps=1, due=NOW - 2 * hour)
    factories.ReviewStateFactory(user=user, reps=1, due=NOW + hour)  # not yet due
    factories.ReviewStateFactory(user=user, reps=0, due=NOW - hour)  # new: not a due review
    factories.ReviewStateFactory(user=user, reps=1, due=NOW - hour, suspended=True)
    factories.ReviewStateFactory(user=user, reps=1, due=NOW - hour, buried_until=NOW + hour)
    factories.ReviewStateFactory(
        user=user, reps=1, due=NOW - hour, question=factories.QuestionFactory(status=QuestionStatus.NEEDS_REVIEW)
    )
    factories.ReviewStateFactory(reps=1, due=NOW - hour)  # someone else's

    assert list(ReviewState.objects.due(user, NOW)) == [first, later]


def test_what_is_due_is_read_through_the_due_index_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's; SQLite's planner has no EXPLAIN format to compare")
    user = factories.UserFactory()
    factories.ReviewStateFactory.create_batch(3, user=user, reps=1, due=NOW)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = ReviewState.objects.due(user, NOW).explain()
        cursor.execute("SET enable_seqscan = on")
    assert "reviewstate_due" in plan


def test_due_per_study_day_counts_by_the_students_day():
    user = factories.UserFactory()
    study_settings = factories.StudySettingsFactory(user=user, time_zone="UTC", day_starts_at=4)
    day = datetime.date(2026, 12, 10)
    at = datetime.datetime(2026, 12, 10, 3, 0, tzinfo=datetime.UTC)  # before 4 a.m.: still the 9th
    factories.ReviewStateFactory(user=user, reps=1, due=at)
    factories.ReviewStateFactory.create_batch(2, user=user, reps=1, due=at + datetime.timedelta(hours=2))
    factories.ReviewStateFactory(user=user, reps=1, due=at + datetime.timedelta(hours=2), suspended=True)
    withdrawn = factories.ReviewStateFactory(user=user, reps=1, due=at + datetime.timedelta(hours=2))
    withdrawn.question.status = QuestionStatus.NEEDS_REVIEW
    withdrawn.question.save()
    with CaptureQueriesContext(connection) as queries:
        load = ReviewState.objects.due_per_study_day(user, study_settings, day - datetime.timedelta(days=1), day)
    assert load == {day - datetime.timedelta(days=1): 1, day: 2}
    assert len(queries) == 1
