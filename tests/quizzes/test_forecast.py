"""The class forecast and class leeches (``quizzes.forecast``): values worked by hand on a small class and
checked against py-fsrs itself, the "due reviews kept up" assumption on a card due before the exam, a query
count that does not grow with the class, and the admin's class-leech flags."""

import datetime

import pytest
from django.urls import reverse
from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS

from quizzes.forecast import ClassForecast, ExamDateError, class_leeches, exam_moment, read_exam_date
from quizzes.models import CardState, StudyRating, Topic
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)
EXAM = datetime.date(2026, 12, 16)
EXAM_AT = datetime.datetime(2026, 12, 16, 9, 0, tzinfo=datetime.UTC)  # 09:00 in the site's zone (UTC)
DAY = datetime.timedelta(days=1)
# A fitted set: the defaults with a steeper forgetting curve (w20, the decay).
FITTED = (*DEFAULT_PARAMETERS[:20], 0.5)


def by_hand(stability, last_review, at, decay):
    """FSRS-6's forgetting curve, written out: R = (1 + factor * t / S) ** -decay, t in whole days."""
    factor = 0.9 ** (1 / -decay) - 1
    days = (at - last_review).days
    return (1 + factor * days / stability) ** -decay


def review(user, question, *, stability, last_review, due, **kwargs):
    return factories.ReviewStateFactory(
        user=user,
        question=question,
        state=CardState.REVIEW,
        step=None,
        stability=stability,
        difficulty=5.0,
        last_review=last_review,
        due=due,
        reps=3,
        **kwargs,
    )


@pytest.fixture
def small_class():
    """Two students, three cards: S1 (q1 leaders, q2 timeline), S2 (q3 leaders).

    Awa: q1 (S 10 d, reviewed 5 days ago, due in 5 days: before the exam), q2 (S 30 d, due after the exam).
    Issa, with fitted parameters: q1 (S 2 d, reviewed 10 days ago, overdue by 8 days). Nobody studied q3.
    """
    trainer = factories.trainer(username="fatou")
    awa = factories.student(username="awa", first_name="Awa")
    issa = factories.student(username="issa", first_name="Issa")
    cohort = factories.cohort_of(trainer, name="Form 3B", students=[awa, issa])
    s1 = factories.SectionFactory(number=1, title="The coups", slug="the-coups")
    s2 = factories.SectionFactory(number=2, title="The alliance", slug="the-alliance")
    q1 = factories.QuestionFactory(topic=Topic.LEADERS, sections=[s1])
    q2 = factories.QuestionFactory(topic=Topic.TIMELINE, sections=[s1])
    q3 = factories.QuestionFactory(topic=Topic.LEADERS, sections=[s2])
    awa_q1 = review(awa, q1, stability=10.0, last_review=NOW - 5 * DAY, due=NOW + 5 * DAY)
    awa_q2 = review(awa, q2, stability=30.0, last_review=NOW - 2 * DAY, due=NOW + 25 * DAY)
    issa_q1 = review(issa, q1, stability=2.0, last_review=NOW - 10 * DAY, due=NOW - 8 * DAY)
    factories.fitted_parameters(issa, FITTED)
    return {
        "cohort": cohort,
        "trainer": trainer,
        "awa": awa,
        "issa": issa,
        "questions": (q1, q2, q3),
        "states": (awa_q1, awa_q2, issa_q1),
    }


def fsrs_card(state):
    return Card(
        card_id=state.pk,
        state=State.Review,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
    )


def test_the_exam_moment_is_nine_in_the_morning_of_the_exam_date():
    assert exam_moment(EXAM) == EXAM_AT


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", datetime.date(2026, 12, 16)),
        ("2026-12-02", datetime.date(2026, 12, 2)),
        ("2027-01-05", datetime.date(2027, 1, 5)),
    ],
)
def test_an_exam_date_is_read_with_two_weeks_ahead_by_default(raw, expected):
    assert read_exam_date(raw, today=datetime.date(2026, 12, 2)) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("16/12/2026", "“16/12/2026” is not a date: write it as YYYY-MM-DD."),
        ("2026-02-30", "“2026-02-30” is not a date: write it as YYYY-MM-DD."),
        ("2026-12-01", "The exam date is in the past: choose today or a later day."),
    ],
)
def test_a_bad_or_past_exam_date_is_refused_with_a_reason(raw, message):
    with pytest.raises(ExamDateError) as refused:
        read_exam_date(raw, today=datetime.date(2026, 12, 2))
    assert str(refused.value) == message


def test_the_forecast_if_they_stop_studying_by_hand_and_by_py_fsrs(small_class):
    awa_q1, awa_q2, issa_q1 = small_class["states"]
    forecast = ClassForecast.of(small_class["cohort"], EXAM, NOW)

    default_decay, fitted_decay = DEFAULT_PARAMETERS[20], FITTED[20]
    r_awa_q1 = by_hand(10.0, NOW - 5 * DAY, EXAM_AT, default_decay)  # 19 days after the review
    r_awa_q2 = by_hand(30.0, NOW - 2 * DAY, EXAM_AT, default_decay)
    r_issa_q1 = by_hand(2.0, NOW - 10 * DAY, EXAM_AT, fitted_decay)  # Issa's own parameters
    # The same three through py-fsrs itself.
    assert Scheduler().get_card_retrievability(fsrs_card(awa_q1), EXAM_AT) == pytest.approx(r_awa_q1, abs=1e-12)
    assert Scheduler(parameters=FITTED).get_card_retrievability(fsrs_card(issa_q1), EXAM_AT) == pytest.approx(
        r_issa_q1, abs=1e-12
    )
    assert r_issa_q1 != pytest.approx(by_hand(2.0, NOW - 10 * DAY, EXAM_AT, default_decay))

    assert forecast.cards == 3
    assert forecast.student_count == 2
    s1, s2 = forecast.sections
    assert (s1.name, s1.cards, s1.studied) == ("1. The coups", 2, 3)
    assert s1.recall_if_stopped == pytest.approx((r_awa_q1 + r_awa_q2 + r_issa_q1) / 4)  # 2 students x 2 cards
    assert (s2.name, s2.cards, s2.studied, s2.recall_if_stopped, s2.recall_if_kept_up) == (
        "2. The alliance",
        1,
        0,
        0.0,
        0.0,
    )  # nobody studied it: 0
    leaders, timeline = forecast.topics
    assert (leaders.name, leaders.cards, timeline.name, timeline.cards) == ("Leaders", 2, "Timeline", 1)
    assert leaders.recall_if_stopped == pytest.approx((r_awa_q1 + r_issa_q1) / 4)
    assert timeline.recall_if_stopped == pytest.approx(r_awa_q2 / 2)
    # Most at risk first: the lowest recall if they stop, over all 3 cards (unstudied ones 0).
    assert [(row.name, row.studied) for row in forecast.at_risk] == [("Issa", 1), ("Awa", 2)]
    issa, awa = forecast.at_risk
    assert issa.recall_if_stopped == pytest.approx(r_issa_q1 / 3)
    assert awa.recall_if_stopped == pytest.approx((r_awa_q1 + r_awa_q2) / 3)


def test_kept_up_reviews_each_card_due_before_the_exam_on_its_due_date_rated_good(small_class):
    awa_q1, awa_q2, issa_q1 = small_class["states"]
    forecast = ClassForecast.of(small_class["cohort"], EXAM, NOW)

    # Awa's q1 falls due in 5 days, before the exam: reviewed then, rated Good, by py-fsrs directly.
    scheduler = Scheduler(enable_fuzzing=False)
    card, _log = scheduler.review_card(fsrs_card(awa_q1), Rating.Good, review_datetime=awa_q1.due)
    assert card.due > EXAM_AT  # one review is enough here: the next falls after the exam
    kept_awa_q1 = scheduler.get_card_retrievability(card, EXAM_AT)
    assert kept_awa_q1 > by_hand(10.0, NOW - 5 * DAY, EXAM_AT, DEFAULT_PARAMETERS[20])
    # Awa's q2 is due after the exam: nothing changes.
    same_awa_q2 = scheduler.get_card_retrievability(fsrs_card(awa_q2), EXAM_AT)
    # Issa's q1 is overdue: reviewed now, then again each time it falls due before the exam, with her parameters.
    fitted = Scheduler(parameters=FITTED, enable_fuzzing=False)
    card, reviews = fsrs_card(issa_q1), 0
    moment = NOW
    while card.due < EXAM_AT:
        card, _log = fitted.review_card(card, Rating.Good, review_datetime=max(card.due, moment))
        reviews += 1
    assert (reviews, card.last_review) == (1, NOW)  # reviewed today, then due after the exam
    kept_issa_q1 = fitted.get_card_retrievability(card, EXAM_AT)

    s1 = forecast.sections[0]
    assert s1.recall_if_kept_up == pytest.approx((kept_awa_q1 + same_awa_q2 + kept_issa_q1) / 4, abs=1e-12)
    issa, awa = forecast.at_risk
    assert issa.recall_if_kept_up == pytest.approx(kept_issa_q1 / 3, abs=1e-12)
    assert awa.recall_if_kept_up == pytest.approx((kept_awa_q1 + same_awa_q2) / 3, abs=1e-12)


def test_a_suspended_card_is_not_reviewed_when_kept_up(small_class):
    awa_q1 = small_class["states"][0]
    awa_q1.suspended = True
    awa_q1.save()
    forecast = ClassForecast.of(small_class["cohort"], EXAM, NOW)
    awa = forecast.at_risk[1]
    assert awa.recall_if_kept_up == pytest.approx(awa.recall_if_stopped)


def test_a_class_without_students_or_reviews_forecasts_nothing():
    cohort = factories.cohort_of(factories.trainer())
    factories.QuestionFactory()
    forecast = ClassForecast.of(cohort, EXAM, NOW)
    assert (forecast.student_count, forecast.has_studied, forecast.at_risk) == (0, False, [])
    assert [(topic.name, topic.recall_if_stopped) for topic in forecast.topics] == [("Leaders", None)]


def _class_of(size):
    trainer = factories.trainer()
    students = [factories.student() for _ in range(size)]
    cohort = factories.cohort_of(trainer, students=students)
    questions = [factories.QuestionFactory(topic=topic) for topic in (Topic.LEADERS, Topic.TIMELINE)]
    for number, student in enumerate(students):
        for question in questions:
            review(student, question, stability=3.0 + number, last_review=NOW - 4 * DAY, due=NOW + DAY)
        factories.StudySettingsFactory(user=student)
    factories.fitted_parameters(students[0], FITTED)
    return cohort


@pytest.mark.parametrize("size", [2, 20])
def test_the_forecast_has_a_fixed_query_count(django_assert_num_queries, size):
    cohort = _class_of(size)
    # Students; topics, the current briefing, its section links; settings and their steps; fitted
    # parameters and their weights; the cards (one streamed query).
    with django_assert_num_queries(9):
        forecast = ClassForecast.of(cohort, EXAM, NOW)
    assert (forecast.student_count, sum(row.studied for row in forecast.students)) == (size, 2 * size)


# -- class leeches -----------------------------------------------------------------------------------


@pytest.fixture
def leeches(small_class):
    """q1: Awa has lapsed it 3 times, Issa's is a leech; q2: only Awa struggles (one student: not a class leech)."""
    awa_q1, awa_q2, issa_q1 = small_class["states"]
    awa_q1.lapses = 3
    awa_q1.save()
    issa_q1.is_leech = True
    issa_q1.save()
    awa_q2.lapses = 4
    awa_q2.save()
    for state, ratings in ((awa_q1, [1, 3, 1, 3]), (issa_q1, [1])):
        for rating in ratings:
            factories.ReviewLogFactory(review_state=state, rating=rating, reviewed_at=NOW - DAY)
    outsider = factories.student()
    factories.ReviewLogFactory(
        review_state=review(outsider, awa_q1.question, stability=1.0, last_review=NOW, due=NOW, lapses=5),
        rating=StudyRating.AGAIN,
    )
    return small_class


def test_class_leeches_count_the_students_failing_a_card_and_the_share_of_again(leeches):
    q1 = leeches["questions"][0]
    found = class_leeches(leeches["cohort"].students.all())
    assert [(leech.question, leech.students, leech.reviews, leech.again) for leech in found] == [(q1, 2, 5, 3)]
    assert found[0].again_share == pytest.approx(3 / 5)  # the outsider's review of it is not the class's


def test_class_leeches_have_a_fixed_query_count(leeches, django_assert_num_queries):
    # The struggling cards counted, their reviews counted, the questions, their citations.
    with django_assert_num_queries(4):
        found = class_leeches(leeches["cohort"].students.all())
        cited = [paragraph.section.title for paragraph in found[0].question.citations.all()]
    assert len(cited) == 1


def test_editors_see_class_leeches_in_the_question_bank_and_filter_by_them(client, leeches):
    q1, q2, _q3 = leeches["questions"]
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:quizzes_question_changelist")

    flagged = client.get(url, {"class_leech": "yes"})
    assert [question.pk for question in flagged.context["cl"].result_list] == [q1.pk]
    assert "2 students, 60% Again" in flagged.content.decode()  # the outsider is in no class
    others = client.get(url, {"class_leech": "no"})
    assert q1.pk not in [question.pk for question in others.context["cl"].result_list]
    assert q2.pk in [question.pk for question in others.context["cl"].result_list]
