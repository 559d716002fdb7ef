"""Fitting a student's FSRS parameters with fsrs-rs-python, and agreeing with it on memory states."""

import datetime
import random

import pytest
from fsrs import Card, Rating, Scheduler
from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS, FSRSItem, FSRSReview
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes import actions
from quizzes.models import ParameterSet, ReviewLog, StudySettings
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


@settings(max_examples=200, deadline=None)
@given(
    history=st.lists(
        st.tuples(st.sampled_from([1, 2, 3, 4]), st.integers(min_value=1, max_value=400)), min_size=1, max_size=15
    ),
    first=st.sampled_from([1, 2, 3, 4]),
)
def test_py_fsrs_and_fsrs_rs_agree_on_stability_and_difficulty_to_one_percent(first, history):
    """The scheduler (py-fsrs) and the optimizer (fsrs-rs-python, Anki's own crate) are one model."""
    scheduler = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    card, at = Card(card_id=1, due=NOW), NOW
    card, _ = scheduler.review_card(card, Rating(first), review_datetime=at)
    reviews = [FSRSReview(first, 0)]
    for rating, days in history:
        at += days * DAY
        card, _ = scheduler.review_card(card, Rating(rating), review_datetime=at)
        reviews.append(FSRSReview(rating, days))

    memory = FSRS(list(DEFAULT_PARAMETERS)).memory_state(FSRSItem(reviews))
    assert memory.stability == pytest.approx(card.stability, rel=0.01)
    assert memory.difficulty == pytest.approx(card.difficulty, rel=0.01)


def test_review_items_are_each_cards_history_up_to_each_review_in_study_days():
    study_settings = factories.StudySettingsFactory(day_starts_at=4)
    hour = datetime.timedelta(hours=1)
    logs = [
        (1, 3, NOW),
        (1, 1, NOW + 3 * DAY),
        (1, 3, NOW + 3 * DAY + hour),  # the same study day
        (2, 4, NOW),
        (2, 3, NOW + DAY - 6 * hour),  # 03:00 next morning: still the same study day
    ]
    items = actions.review_items(logs=logs, study_settings=study_settings)
    # fsrs-rs-python's reviews show their fields only in their repr.
    assert [[repr(review) for review in item.reviews] for item in items] == [
        [repr(FSRSReview(3, 0)), repr(FSRSReview(1, 3))],
        [repr(FSRSReview(3, 0)), repr(FSRSReview(1, 3)), repr(FSRSReview(3, 0))],
        [repr(FSRSReview(4, 0)), repr(FSRSReview(3, 0))],
    ]
    assert repr(FSRSReview(1, 3)) == "FSRSReview { rating: 1, delta_t: 3 }"


def test_with_too_few_reviews_the_fit_is_refused_with_how_many_are_needed():
    user = factories.UserFactory()
    factories.ReviewLogFactory.create_batch(3, review_state__user=user)
    with pytest.raises(actions.NotEnoughReviews) as refused:
        actions.optimize_parameters(user=user, now=NOW)
    assert refused.value.http_status == 400
    assert refused.value.message == "Your parameters can be fitted once you have 400 reviews; you have 3 so far."
    assert ParameterSet.objects.count() == 0


def _simulate_reviews(user, cards=60, days=120):
    """A student who forgets more than FSRS's defaults expect: a year's reviews, through record_review."""
    draw = random.Random(7)
    questions = factories.QuestionFactory.create_batch(cards)
    keys = 0
    for day in range(days):
        at = NOW + day * DAY
        for question in questions:
            state = question.review_states.filter(user=user).first()
            if state is not None and (state.due > at or state.suspended):  # leeches are suspended
                continue
            keys += 1
            rating = 1 if draw.random() < 0.35 else 3
            actions.record_review(
                user=user,
                question=question,
                rating=rating,
                now=at,
                version=state.version if state else 0,
                request_key=str(keys),
            )


def test_a_fit_keeps_21_parameters_its_scores_and_is_used_only_when_it_predicts_better():
    user = factories.UserFactory()
    _simulate_reviews(user)
    reviews = ReviewLog.objects.of(user).count()
    assert reviews >= actions.MIN_REVIEWS_TO_OPTIMIZE

    fitted = actions.optimize_parameters(user=user, now=NOW + 200 * DAY)

    assert (fitted.version, fitted.reviews, len(fitted.parameters())) == (1, reviews, 21)
    assert fitted.in_use == (fitted.log_loss < fitted.default_log_loss)
    assert fitted.parameters() != tuple(DEFAULT_PARAMETERS)
    assert fitted.in_use  # this student forgets far more often than the defaults predict
    scheduler = StudySettings.objects.for_user(user).scheduler(seed="s")
    assert (scheduler.parameters, scheduler.parameters_version) == (fitted.parameters(), 1)

    question = factories.QuestionFactory()
    logged = actions.record_review(user=user, question=question, rating=3, now=NOW, version=0, request_key="after-fit")
    assert logged.log.parameters_version == 1
    assert actions.optimize_parameters(user=user, now=NOW + 201 * DAY).version == 2
