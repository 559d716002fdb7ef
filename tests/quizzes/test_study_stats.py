"""A student's study statistics (``quizzes.stats``), the stats page, a card's history page and the stats API.

The fixture is small enough to count by hand: three studied cards with their whole review logs, one
unstudied card, and one card of an unpublished question. Retrievability is checked against the
``fsrs`` library itself (the default scheduler: no fitted parameters).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from fsrs import Card, Scheduler, State

from quizzes.models import CardState, QuestionStatus, ReviewLog, ReviewState, StudyRating, Topic
from quizzes.stats import Retention, StudyStats
from tests import factories

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NOW = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # a Wednesday; the study day starts at 4 a.m. UTC
LEARNING, REVIEW, RELEARNING = CardState.LEARNING, CardState.REVIEW, CardState.RELEARNING
AGAIN, GOOD = StudyRating.AGAIN, StudyRating.GOOD


def at(month, day, hour=9):
    return datetime.datetime(2026, month, day, hour, 0, tzinfo=UTC)


def log(state, *, rating, reviewed_at, before, after):
    """A log row of ``state``: ``before``/``after`` are (state, reps, due, last_review, stability, difficulty)."""
    fields = {}
    for prefix, (card_state, reps, due, last_review, stability, difficulty) in (("before", before), ("after", after)):
        fields.update(
            {
                f"{prefix}_state": card_state,
                f"{prefix}_reps": reps,
                f"{prefix}_due": due,
                f"{prefix}_last_review": last_review,
                f"{prefix}_stability": stability,
                f"{prefix}_difficulty": difficulty,
                f"{prefix}_step": None if card_state == REVIEW else 0,
            }
        )
    return factories.ReviewLogFactory(review_state=state, rating=rating, reviewed_at=reviewed_at, **fields)


def card(user, question, *, state, stability, difficulty, last_review, due, reps, lapses=0, **fields):
    return factories.ReviewStateFactory(
        user=user,
        question=question,
        state=state,
        step=None if state == REVIEW else 0,
        stability=stability,
        difficulty=difficulty,
        last_review=last_review,
        due=due,
        reps=reps,
        lapses=lapses,
        version=reps,
        **fields,
    )


@pytest.fixture
def studied():
    """Cards one, two and three studied; card four not; card five's question unpublished (left out everywhere).

    Reviews of cards in review (the ones true retention counts):
    - one, 22 Nov (Sunday): young (interval 5 d), Good; 27 Nov: young (5 d), Good;
    - two, 31 Oct: mature (30 d), Again; 22 Nov: mature (exactly 21 d), Good.
    Not counted: each card's first review, and two's review in relearning (2 Nov at 3 a.m., study day 1 Nov).
    """
    user = factories.student()
    country = factories.CountryFactory(name="Mali", slug="mali")
    leader = factories.LeaderFactory(name="Assimi Goïta", slug="assimi-goita", country=country)
    first_section = factories.SectionFactory(number=1, title="The coups", slug="the-coups")
    second_section = factories.SectionFactory(number=2, title="The alliance", slug="the-alliance")
    one = factories.QuestionFactory(topic=Topic.LEADERS, sections=[first_section])
    two = factories.QuestionFactory(topic=Topic.TIMELINE, sections=[first_section])
    three = factories.QuestionFactory(topic=Topic.LEADERS)
    four = factories.QuestionFactory(topic=Topic.LEADERS, sections=[second_section])
    five = factories.QuestionFactory(topic=Topic.LEADERS, status=QuestionStatus.DRAFT)
    factories.QuestionSourceFactory(question=one, leader=leader)
    factories.QuestionSourceFactory(question=four, leader=leader)
    factories.QuestionSourceFactory(question=two, leader=None, country=country)

    state_one = card(
        user, one, state=REVIEW, stability=10.0, difficulty=5.0, last_review=at(11, 27), due=at(12, 7), reps=3
    )
    log(
        state_one,
        rating=GOOD,
        reviewed_at=at(11, 17),
        before=(LEARNING, 0, at(11, 17), None, None, None),
        after=(REVIEW, 1, at(11, 22), at(11, 17), 3.0, 5.5),
    )
    log(
        state_one,
        rating=GOOD,
        reviewed_at=at(11, 22),
        before=(REVIEW, 1, at(11, 22), at(11, 17), 3.0, 5.5),
        after=(REVIEW, 2, at(11, 27), at(11, 22), 6.0, 5.2),
    )
    log(
        state_one,
        rating=GOOD,
        reviewed_at=at(11, 27),
        before=(REVIEW, 2, at(11, 27), at(11, 22), 6.0, 5.2),
        after=(REVIEW, 3, at(12, 7), at(11, 27), 10.0, 5.0),
    )
    state_two = card(
        user,
        two,
        state=REVIEW,
        stability=30.0,
        difficulty=7.0,
        last_review=at(11, 22),
        due=at(12, 1),
        reps=4,
        lapses=1,
    )
    log(
        state_two,
        rating=GOOD,
        reviewed_at=at(10, 1),
        before=(LEARNING, 0, at(10, 1), None, None, None),
        after=(REVIEW, 1, at(10, 31), at(10, 1), 30.0, 6.0),
    )
    log(
        state_two,
        rating=AGAIN,
        reviewed_at=at(10, 31),
        before=(REVIEW, 1, at(10, 31), at(10, 1), 30.0, 6.0),
        after=(RELEARNING, 2, at(10, 31, 9), at(10, 31), 5.0, 7.5),
    )
    log(
        state_two,
        rating=GOOD,
        reviewed_at=at(11, 2, 3),
        before=(RELEARNING, 2, at(10, 31, 9), at(10, 31), 5.0, 7.5),
        after=(REVIEW, 3, at(11, 23, 3), at(11, 2, 3), 20.0, 7.2),
    )
    log(
        state_two,
        rating=GOOD,
        reviewed_at=at(11, 22),
        before=(REVIEW, 3, at(11, 23, 3), at(11, 2, 3), 20.0, 7.2),
        after=(REVIEW, 4, at(12, 1), at(11, 22), 30.0, 7.0),
    )
    state_three = card(
        user,
        three,
        state=LEARNING,
        stability=1.0,
        difficulty=3.0,
        last_review=at(12, 2, 8),
        due=NOW + datetime.timedelta(minutes=10),
        reps=1,
    )
    log(
        state_three,
        rating=GOOD,
        reviewed_at=at(12, 2, 8),
        before=(LEARNING, 0, at(12, 2, 8), None, None, None),
        after=(LEARNING, 1, NOW + datetime.timedelta(minutes=10), at(12, 2, 8), 1.0, 3.0),
    )
    hidden = card(
        user, five, state=REVIEW, stability=50.0, difficulty=2.0, last_review=at(11, 1), due=at(12, 2), reps=1
    )
    log(
        hidden,
        rating=GOOD,
        reviewed_at=at(11, 1),
        before=(LEARNING, 0, at(11, 1), None, None, None),
        after=(REVIEW, 1, at(12, 2), at(11, 1), 50.0, 2.0),
    )
    return {
        "user": user,
        "questions": (one, two, three, four, five),
        "states": (state_one, state_two, state_three),
        "sections": (first_section, second_section),
    }


def fsrs_retrievability(stability, last_review, moment):
    return Scheduler().get_card_retrievability(
        Card(card_id=1, state=State.Review, stability=stability, last_review=last_review), moment
    )


# -- the figures --------------------------------------------------------------------------------------


def test_knowledge_is_the_sum_of_fsrs_retrievability(studied):
    stats = StudyStats.of(user=studied["user"], now=NOW)
    expected = [fsrs_retrievability(s.stability, s.last_review, NOW) for s in studied["states"]]

    assert stats.studied == 3
    assert stats.knowledge == pytest.approx(sum(expected), abs=1e-12)
    assert 0 < expected[0] < 1 and expected[2] == 1.0  # five days after with stability 10; reviewed an hour ago


def test_forecast_counts_overdue_cards_today(studied):
    stats = StudyStats.of(user=studied["user"], now=NOW)

    assert len(stats.forecast) == 30
    assert stats.overdue == 1  # card two, due yesterday
    assert stats.forecast[0] == (datetime.date(2026, 12, 2), 2)  # card three in ten minutes, and card two
    assert stats.forecast[5] == (datetime.date(2026, 12, 7), 1)  # card one
    assert sum(count for _day, count in stats.forecast) == 3
    assert stats.forecast[-1][0] == datetime.date(2026, 12, 31)


def test_reviews_per_study_day(studied):
    stats = StudyStats.of(user=studied["user"], now=NOW)

    day = datetime.date
    # Every review the student made counts, the draft question's too (1 Nov); 2 Nov at 3 a.m. is the
    # study day of 1 Nov, as the day starts at 4 a.m.
    assert stats.reviews_per_day == {
        day(2026, 10, 1): 1,
        day(2026, 10, 31): 1,
        day(2026, 11, 1): 2,
        day(2026, 11, 17): 1,
        day(2026, 11, 22): 2,
        day(2026, 11, 27): 1,
        day(2026, 12, 2): 1,
    }
    assert stats.reviews_last_year == 9
    assert stats.days_studied_last_year == 7
    assert stats.heatmap_first == day(2025, 12, 3)


def test_true_retention_young_and_mature_apart(studied):
    stats = StudyStats.of(user=studied["user"], now=NOW)
    none = Retention(0, 0)

    by_day = {row.start: row for row in stats.retention_by_day}
    assert len(by_day) == 30 and min(by_day) == datetime.date(2026, 11, 3)
    assert (by_day[datetime.date(2026, 11, 22)].young, by_day[datetime.date(2026, 11, 22)].mature) == (
        Retention(1, 1),
        Retention(1, 1),
    )
    assert (by_day[datetime.date(2026, 11, 27)].young, by_day[datetime.date(2026, 11, 27)].mature) == (
        Retention(1, 1),
        none,
    )
    assert sum((row.all for row in stats.retention_by_day), none) == Retention(3, 3)

    by_week = {row.start: row for row in stats.retention_by_week}
    assert len(by_week) == 12 and max(by_week) == datetime.date(2026, 11, 30)
    assert by_week[datetime.date(2026, 11, 23)].all == Retention(1, 1)
    assert (by_week[datetime.date(2026, 11, 16)].young, by_week[datetime.date(2026, 11, 16)].mature) == (
        Retention(1, 1),
        Retention(1, 1),
    )
    assert by_week[datetime.date(2026, 10, 26)].mature == Retention(0, 1)
    assert by_week[datetime.date(2026, 11, 30)].all == none  # card three's first review is not a recall

    by_month = {row.start: row for row in stats.retention_by_month}
    assert len(by_month) == 12 and min(by_month) == datetime.date(2026, 1, 1)
    november, october = by_month[datetime.date(2026, 11, 1)], by_month[datetime.date(2026, 10, 1)]
    assert (november.young, november.mature, november.all.rate) == (Retention(2, 2), Retention(1, 1), 1.0)
    assert (october.young, october.mature, october.all.rate) == (none, Retention(0, 1), 0.0)
    assert by_month[datetime.date(2026, 12, 1)].all.rate is None
    assert stats.desired_retention == 0.9


def test_knowledge_trend_from_each_cards_last_review_then(studied):
    stats = StudyStats.of(user=studied["user"], now=NOW)

    moments = [moment for moment, _value in stats.knowledge_trend]
    assert moments == [NOW - datetime.timedelta(weeks=n) for n in range(12, -1, -1)]
    trend = dict(stats.knowledge_trend)
    assert trend[NOW - datetime.timedelta(weeks=12)] == 0  # 9 September: nothing reviewed yet
    assert trend[NOW] == pytest.approx(stats.knowledge, abs=1e-12)  # the states are their last logs' after
    # 18 November: card one as of 17 November (stability 3), card two as of 2 November (stability 20).
    moment = NOW - datetime.timedelta(weeks=2)
    assert trend[moment] == pytest.approx(
        fsrs_retrievability(3.0, at(11, 17), moment) + fsrs_retrievability(20.0, at(11, 2, 3), moment), abs=1e-12
    )


def test_histograms(studied):
    stats = StudyStats.of(user=studied["user"], now=NOW)
    r_one, r_two = (fsrs_retrievability(s.stability, s.last_review, NOW) for s in studied["states"][:2])

    retrievability = dict(stats.retrievability_histogram)
    assert sum(retrievability.values()) == 3 and retrievability["90–100%"] == sum(r >= 0.9 for r in (r_one, r_two, 1))
    assert dict(stats.stability_histogram) == {
        "0–1 d": 0,
        "1–2 d": 1,
        "2–4 d": 0,
        "4–7 d": 0,
        "7–14 d": 1,
        "14–30 d": 0,
        "30–60 d": 1,
        "60–120 d": 0,
        "120–240 d": 0,
        "240–365 d": 0,
        "≥ 365 d": 0,
    }
    assert [count for _label, count in stats.difficulty_histogram] == [0, 0, 1, 0, 1, 0, 1, 0, 0]  # 3, 5 and 7


def test_mastery_by_section_topic_leader_and_country(studied):
    stats = StudyStats.of(user=studied["user"], now=NOW)
    r_one, r_two, r_three = (fsrs_retrievability(s.stability, s.last_review, NOW) for s in studied["states"])

    def table(rows):
        return [(row.name, row.studied, row.total, row.retrievability and round(row.retrievability, 9)) for row in rows]

    assert table(stats.mastery.sections) == [
        ("1. The coups", 2, 2, round((r_one + r_two) / 2, 9)),
        ("2. The alliance", 0, 1, None),
    ]
    assert stats.mastery.sections[0].url == "/briefing/the-coups/"
    assert table(stats.mastery.topics) == [
        ("Leaders", 2, 3, round((r_one + r_three) / 2, 9)),
        ("Timeline", 1, 1, round(r_two, 9)),
    ]
    assert table(stats.mastery.leaders) == [("Assimi Goïta", 1, 2, round(r_one, 9))]
    assert table(stats.mastery.countries) == [("Mali", 2, 3, round((r_one + r_two) / 2, 9))]


def test_a_student_who_never_studied():
    stats = StudyStats.of(user=factories.student(), now=NOW)

    assert (stats.has_studied, stats.studied, stats.knowledge, stats.reviews_last_year) == (False, 0, 0, 0)
    assert stats.forecast[0] == (datetime.date(2026, 12, 2), 0)
    assert [value for _moment, value in stats.knowledge_trend] == [0] * 13


def test_the_query_count_does_not_grow_with_the_reviews(django_assert_num_queries, studied):
    user = studied["user"]
    StudyStats.of(user=user, now=NOW)  # the student's settings are made the first time
    with django_assert_num_queries(9) as one_student:
        StudyStats.of(user=user, now=NOW)
    state = studied["states"][0]
    ReviewLog.objects.bulk_create(
        [
            ReviewLog(
                **{
                    f.attname: getattr(row, f.attname)
                    for row in [state.logs.first()]
                    for f in ReviewLog._meta.concrete_fields
                    if f.attname != "id"
                }
                | {"request_key": f"more-{n}", "reviewed_at": at(11, 17) - datetime.timedelta(hours=n)}
            )
            for n in range(1, 200)
        ]
    )
    with django_assert_num_queries(len(one_student.captured_queries)):
        stats = StudyStats.of(user=user, now=NOW)
    assert stats.reviews_last_year == 9 + 199


# -- the pages ----------------------------------------------------------------------------------------


def test_the_stats_page(client, studied):
    client.force_login(studied["user"])
    response = client.get(reverse("quizzes:study-stats"))

    assert response.status_code == 200
    assert response.context["stats"].studied == 3
    charts = response.context["charts"]
    # The page runs at the real time: its chart draws the forecast of its own ``stats`` (whose counts at a fixed
    # moment are checked in test_forecast_counts_overdue_cards_today); overdue cards count today, so the three
    # studied cards are always in it.
    forecast = response.context["stats"].forecast
    assert [bar.value for bar in charts["forecast"].bars] == [due for _day, due in forecast]
    assert sum(bar.value for bar in charts["forecast"].bars) == 3
    body = response.content.decode()
    assert body.count('role="img"') == 9  # forecast, heatmap, retention x3, knowledge, three distributions
    assert body.count('<details class="chart-table">') == 9
    assert "style=" not in body
    assert "Assimi Goïta" in body and "2 of 3" in body


def test_the_stats_page_before_any_study(client):
    client.force_login(factories.student())
    response = client.get(reverse("quizzes:study-stats"))

    assert response.status_code == 200
    assert response.context["charts"] is None
    assert "You have not studied any card yet" in response.content.decode()


def test_the_stats_page_needs_a_sign_in(client):
    response = client.get(reverse("quizzes:study-stats"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/study/stats/"


def test_the_stats_page_queries_do_not_grow(client, django_assert_num_queries, studied):
    client.force_login(studied["user"])
    client.get(reverse("quizzes:study-stats"))  # the session and the settings rows made once
    with django_assert_num_queries(11) as first:
        client.get(reverse("quizzes:study-stats"))
    for n in range(30):
        factories.ReviewLogFactory(
            review_state=studied["states"][2], reviewed_at=at(11, 1) + datetime.timedelta(hours=n)
        )
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("quizzes:study-stats"))


def test_a_card_history(client, studied):
    one = studied["questions"][0]
    client.force_login(studied["user"])
    response = client.get(reverse("quizzes:reviewstate-detail", args=[one.pk]))

    assert response.status_code == 200
    assert response.context["state"] == studied["states"][0]
    assert response.context["retrievability"] == fsrs_retrievability(10.0, at(11, 27), response.context["now"])
    rows = response.context["reviews"]
    assert [row.log.reviewed_at for row in rows] == [at(11, 17), at(11, 22), at(11, 27)]
    assert [row.interval for row in rows] == ["5 d", "5 d", "10 d"]
    assert response.context["shows_answer"] is True
    body = response.content.decode()
    assert one.explanation in body
    assert "Review → Review" in body


def test_a_card_not_studied_yet_hides_its_answer(client, studied):
    four = studied["questions"][3]
    client.force_login(studied["user"])
    response = client.get(reverse("quizzes:reviewstate-detail", args=[four.pk]))

    assert response.status_code == 200
    assert (response.context["state"], response.context["reviews"], response.context["shows_answer"]) == (
        None,
        [],
        False,
    )
    assert response.context["study_url"] == "/study/session/?deck=section%3Athe-alliance"
    body = response.content.decode()
    assert "Not studied yet" in body
    assert four.prompt in body and four.explanation not in body


def test_another_students_history_is_not_shown(client, studied):
    one = studied["questions"][0]
    client.force_login(factories.student())
    response = client.get(reverse("quizzes:reviewstate-detail", args=[one.pk]))

    assert response.status_code == 200
    assert (response.context["state"], response.context["reviews"]) == (None, [])
    assert one.explanation not in response.content.decode()


@pytest.mark.parametrize("which", ["unpublished", "missing"])
def test_a_card_of_no_usable_question_is_a_404(client, studied, which):
    client.force_login(studied["user"])
    pk = studied["questions"][4].pk if which == "unpublished" else 999_999
    assert client.get(reverse("quizzes:reviewstate-detail", args=[pk])).status_code == 404


def test_a_card_history_needs_a_sign_in(client, studied):
    path = reverse("quizzes:reviewstate-detail", args=[studied["questions"][0].pk])
    assert client.get(path)["Location"] == f"{reverse('login')}?next={path}"


def test_a_card_history_queries_do_not_grow(client, django_assert_num_queries, studied):
    one, state = studied["questions"][0], studied["states"][0]
    client.force_login(studied["user"])
    path = reverse("quizzes:reviewstate-detail", args=[one.pk])
    client.get(path)
    with django_assert_num_queries(9) as first:
        client.get(path)
    for n in range(20):
        factories.ReviewLogFactory(review_state=state, reviewed_at=at(11, 1) + datetime.timedelta(hours=n))
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(path)


# -- the API ------------------------------------------------------------------------------------------


def test_the_stats_api_is_the_students_own(client, studied):
    client.force_login(studied["user"])
    body = client.get("/api/v1/study/stats/").json()

    stats = StudyStats.of(user=studied["user"], now=timezone.now())
    assert (body["studied"], body["reviews_last_year"], body["desired_retention"]) == (3, 9, 0.9)
    assert body["knowledge"] == pytest.approx(stats.knowledge, abs=1e-6)
    assert body["forecast"][0] == {"day": stats.today.isoformat(), "due": stats.forecast[0][1]}
    assert body["reviews_per_day"] == [
        {"day": day.isoformat(), "reviews": count} for day, count in sorted(stats.reviews_per_day.items())
    ]
    assert body["retention"]["by_month"][-1] == {
        "start": stats.retention_by_month[-1].start.isoformat(),
        **{
            name: {"passed": value.passed, "total": value.total, "rate": value.rate}
            for name, value in (
                ("young", stats.retention_by_month[-1].young),
                ("mature", stats.retention_by_month[-1].mature),
                ("all", stats.retention_by_month[-1].all),
            )
        },
    }
    assert len(body["knowledge_trend"]) == 13
    assert [row["cards"] for row in body["distributions"]["stability"]] == [n for _l, n in stats.stability_histogram]
    assert [row["name"] for row in body["mastery"]["countries"]] == ["Mali"]

    client.force_login(factories.student())
    other = client.get("/api/v1/study/stats/").json()
    assert (other["studied"], other["knowledge"], other["reviews_last_year"]) == (0, 0, 0)


def test_the_stats_api_needs_a_sign_in(client):
    response = client.get("/api/v1/study/stats/")
    assert response.status_code == 401

    response = client.get("/api/v1/study/stats/", HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 401


def test_the_stats_api_with_a_token(client, studied):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=studied["user"])
    response = client.get("/api/v1/study/stats/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert (response.status_code, response.json()["studied"]) == (200, 3)


def test_review_state_is_untouched(studied):
    before = list(ReviewState.objects.values())
    StudyStats.of(user=studied["user"], now=NOW)
    assert list(ReviewState.objects.values()) == before


# -- the chart geometry -------------------------------------------------------------------------------


def test_bar_chart_geometry():
    from quizzes.charts import BOTTOM, HEIGHT, LEFT, TOP, bar_chart

    chart = bar_chart([("a", 1), ("b", 3), ("c", 0)], columns=["Cards"], whole=True)

    plot = HEIGHT - TOP - BOTTOM
    assert [tick.text for tick in chart.y_ticks] == ["0", "1", "2", "3", "4"]  # 3 -> an axis to 4
    assert [(bar.label, bar.value, bar.height) for bar in chart.bars] == [
        ("a", 1, round(plot / 4, 2)),
        ("b", 3, round(plot * 3 / 4, 2)),
        ("c", 0, 0),
    ]
    assert chart.bars[0].x == round(LEFT + (chart.right_x - LEFT) / 3 * 0.15, 2)
    assert chart.rows == [("a", ["1"]), ("b", ["3"]), ("c", ["0"])]


def test_bar_chart_series_and_guides():
    from quizzes.charts import TOP, bar_chart

    chart = bar_chart([("x", (0.5, None))], series=("bar-young", "bar-mature"), maximum=1, guides=[(1, "top")])

    assert [(bar.css_class, bar.value) for bar in chart.bars] == [("bar-young", 0.5)]  # no bar without a value
    assert chart.rows == [("x", ["0.5", "—"])]
    assert [(guide.position, guide.text) for guide in chart.guides] == [(TOP, "top")]


def test_heatmap_geometry():
    from quizzes.charts import HEAT_CELL, HEAT_GAP, HEAT_LEFT, HEAT_TOP, heatmap

    first, last = datetime.date(2026, 11, 4), datetime.date(2026, 12, 2)  # a Wednesday to a Wednesday
    drawn = heatmap(
        {datetime.date(2026, 11, 4): 1, datetime.date(2026, 11, 30): 8},
        first=first,
        last=last,
        month_name=lambda day: day.strftime("%b"),
        weekday_name=lambda day: day.strftime("%a"),
    )

    step = HEAT_CELL + HEAT_GAP
    cells = {cell.day: cell for cell in drawn.cells}
    assert len(cells) == 29
    assert (cells[first].x, cells[first].y, cells[first].level) == (HEAT_LEFT, HEAT_TOP + 2 * step, 1)
    monday = cells[datetime.date(2026, 11, 30)]
    assert (monday.x, monday.y, monday.level) == (HEAT_LEFT + 4 * step, HEAT_TOP, 4)
    assert cells[datetime.date(2026, 11, 5)].level == 0
    assert [tick.text for tick in drawn.months] == ["Nov"]  # December starts too near the end for its name
    assert [tick.text for tick in drawn.weekdays] == ["Mon", "Wed", "Fri"]
