"""A student's study statistics, as Anki shows them with FSRS: ``StudyStats.of(user=..., now=...)``.

A report over one student's rows, in a fixed number of queries whatever the number of reviews:
counts are aggregated in the database (per study day), and the two things only Python can compute,
retrievability (py-fsrs's ``Scheduler.get_card_retrievability``, with the student's own parameters)
and the knowledge trend, are one pass over one query's rows each.

What each figure means
======================
- **Due forecast**: cards falling due on each of the next 30 study days
  (``ReviewState.objects.due_per_study_day``, as the scheduler's load balancing counts them, of
  usable questions only); cards already overdue are counted today.
- **Reviews per day**: every rating, by the study day it fell in (the day starts at the student's
  hour, in their zone), over the last year.
- **True retention** (Anki's): of the reviews of cards in review (seen before, ``before_reps > 0``
  and state Review before the rating), the share not rated Again. Young and mature apart by
  Anki's rule: the interval the card had been given before the review (``before_due -
  before_last_review``) under 21 days is young, else mature.
- **Estimated total knowledge**: the sum of every studied card's retrievability now, i.e. how many
  cards the student is expected to recall if asked all of them now. Its **trend** is the same sum at
  past dates, each card taken as its last review before that date left it (the log's ``after_*``
  snapshot), as if nothing had been undone or suspended since.
- **Mastery** of a section, topic, leader or country: the mean retrievability of its studied cards,
  beside how many of its cards are studied. A card belongs to a section it is linked to (the current
  briefing's), its topic, a leader it is made from, and a country it is made from or whose leader it
  is made from.

Cards are those of usable questions (``Question.objects.usable()``) with at least one review. Reviews
per day and true retention count every review the student made, of any question: what they did.
"""

import datetime
import operator
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import CharField, Count, Q
from django.db.models.functions import Cast
from django.urls import reverse

from .models import (
    CardState,
    Question,
    QuestionSource,
    ReviewLog,
    ReviewState,
    StudyRating,
    StudySettings,
    Topic,
)
from .scheduling import Card, State, as_utc

FORECAST_DAYS = 30
HEATMAP_DAYS = 365
RETENTION_DAYS, RETENTION_WEEKS, RETENTION_MONTHS = 30, 12, 12
TREND_WEEKS = 12
MATURE_DAYS = 21  # Anki's rule: a card whose interval is 21 days or more is mature
YOUNG, MATURE = "young", "mature"

# Histogram bins: (lower bound included, upper bound excluded, label); the last bin includes its top.
RETRIEVABILITY_BINS = [(n / 10, (n + 1) / 10, f"{n * 10}–{(n + 1) * 10}%") for n in range(10)]
STABILITY_EDGES = (0, 1, 2, 4, 7, 14, 30, 60, 120, 240, 365)
DIFFICULTY_BINS = [(n, n + 1, f"{n}–{n + 1}") for n in range(1, 10)]


@dataclass(frozen=True)
class Retention:
    """Reviews of cards in review, and how many of them were passed (rated above Again)."""

    passed: int = 0
    total: int = 0

    @property
    def rate(self):
        return self.passed / self.total if self.total else None

    def __add__(self, other):
        return Retention(self.passed + other.passed, self.total + other.total)


@dataclass(frozen=True)
class RetentionRow:
    """True retention over one period (a study day, a week from Monday, a calendar month)."""

    start: datetime.date
    young: Retention
    mature: Retention

    @property
    def all(self):
        return self.young + self.mature


@dataclass
class MasteryRow:
    """One section, topic, leader or country: its cards studied of its cards, their mean retrievability."""

    name: str
    url: str
    total: int = 0
    studied: int = 0
    retrievability_sum: float = 0.0

    @property
    def retrievability(self):
        return self.retrievability_sum / self.studied if self.studied else None


@dataclass
class Mastery:
    sections: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    leaders: list = field(default_factory=list)
    countries: list = field(default_factory=list)


@dataclass
class StudyStats:
    now: datetime.datetime
    today: datetime.date
    desired_retention: float
    studied: int  # cards with at least one review
    knowledge: float  # the sum of their retrievability now
    forecast: list  # [(study day, cards due)], today first, overdue counted today
    overdue: int
    reviews_per_day: dict  # {study day: reviews}, the last year
    heatmap_first: datetime.date
    reviews_last_year: int
    days_studied_last_year: int
    retention_by_day: list  # RetentionRow, oldest first
    retention_by_week: list
    retention_by_month: list
    knowledge_trend: list  # [(moment, knowledge)], oldest first, the last one now
    retrievability_histogram: list  # [(label, cards)]
    stability_histogram: list
    difficulty_histogram: list
    mastery: Mastery

    @property
    def has_studied(self):
        return self.studied > 0

    @classmethod
    def of(cls, *, user, now):
        study_settings = StudySettings.objects.for_user(user)
        scheduler = study_settings.scheduler(seed="stats")
        today = study_settings.study_day(now)
        usable = Question.objects.usable()

        states = list(ReviewState.objects.of(user).filter(reps__gt=0, question__in=usable).order_by("pk"))
        retrievability = {
            state.question_id: scheduler.get_card_retrievability(state.to_card(), as_utc(now)) for state in states
        }

        forecast, overdue = _forecast(ReviewState.objects.filter(question__in=usable), user, study_settings, today)
        topics = list(usable.values_list("pk", "topic").order_by())
        log = _read_log(user, study_settings, scheduler, today, now, {pk for pk, _topic in topics})
        reviews_per_day, retention_rows = log.reviews_per_day, log.retention
        return cls(
            now=now,
            today=today,
            desired_retention=float(study_settings.desired_retention),
            studied=len(states),
            knowledge=sum(retrievability.values()),
            forecast=forecast,
            overdue=overdue,
            reviews_per_day=reviews_per_day,
            heatmap_first=today - datetime.timedelta(days=HEATMAP_DAYS - 1),
            reviews_last_year=sum(reviews_per_day.values()),
            days_studied_last_year=sum(1 for count in reviews_per_day.values() if count),
            retention_by_day=_retention_periods(
                retention_rows, [today - datetime.timedelta(days=n) for n in reversed(range(RETENTION_DAYS))], _same
            ),
            retention_by_week=_retention_periods(
                retention_rows,
                [_monday(today) - datetime.timedelta(weeks=n) for n in reversed(range(RETENTION_WEEKS))],
                _monday,
            ),
            retention_by_month=_retention_periods(
                retention_rows, [_months_before(today, n) for n in reversed(range(RETENTION_MONTHS))], _first_of_month
            ),
            knowledge_trend=log.knowledge_trend,
            retrievability_histogram=_histogram(retrievability.values(), RETRIEVABILITY_BINS),
            stability_histogram=_histogram(
                (state.stability for state in states if state.stability is not None), _stability_bins()
            ),
            difficulty_histogram=_histogram(
                (state.difficulty for state in states if state.difficulty is not None), DIFFICULTY_BINS
            ),
            mastery=_mastery(usable, topics, retrievability),
        )


def _forecast(cards, user, study_settings, today):
    last = today + datetime.timedelta(days=FORECAST_DAYS - 1)
    per_day = cards.due_per_study_day(user, study_settings, today, last)
    start, _end = study_settings.day_bounds(today)
    overdue = cards.of(user).filter(suspended=False, reps__gt=0, due__lt=start).count()
    days = [today + datetime.timedelta(days=n) for n in range(FORECAST_DAYS)]
    return [(day, per_day.get(day, 0) + (overdue if day == today else 0)) for day in days], overdue


def raw_rows(queryset):
    """The rows of a ``values_list()`` queryset, read by the database driver without the ORM's per-value converters."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        yield from cursor.fetchall()


def as_text(name):
    return Cast(name, output_field=CharField())


def parse_moment(text):
    """A datetime column read as text (SQLite: naive UTC; PostgreSQL: with its "+00"), as an aware UTC datetime."""
    if text is None:
        return None
    return datetime.datetime.fromisoformat(text if "+" in text[19:] else text + "+00:00")


@dataclass
class _LogPass:
    """What one pass over the student's review log, in time order, gives."""

    reviews_per_day: dict
    retention: dict  # {(study day, young|mature): Retention}
    knowledge_trend: list


def _read_log(user, study_settings, scheduler, today, now, usable_ids):
    """Reviews per study day, true retention per day and the knowledge trend, from one query's rows in time order.

    Reviews per day and retention count every review the student made; the trend counts the cards of
    usable questions, each as its latest review before each point left it (reviews after ``now`` ignored).
    """
    heatmap_first = today - datetime.timedelta(days=HEATMAP_DAYS - 1)
    first = min(heatmap_first, _months_before(today, RETENTION_MONTHS - 1))
    start, _end = study_settings.day_bounds(first)
    mature = datetime.timedelta(days=MATURE_DAYS)
    points = [now - datetime.timedelta(weeks=n) for n in reversed(range(TREND_WEEKS + 1))]
    rows = (
        ReviewLog.objects.of(user)
        .filter(reviewed_at__lte=now)
        .order_by("reviewed_at", "pk")
        # Datetimes as text, parsed by ``datetime.fromisoformat``: 60,000 of them through the drivers' and
        # Django's converters (one Python call or more per value) took over a second on either database.
        .values_list(
            "question_id",
            as_text("reviewed_at"),
            "rating",
            "before_reps",
            "before_state",
            as_text("before_due"),
            as_text("before_last_review"),
            "after_stability",
        )
    )
    per_day, passed, total = defaultdict(int), defaultdict(int), defaultdict(int)
    last = {}  # question: (its latest review so far, the stability it left)
    trend, pending = [], iter(points)
    point = next(pending)

    def knowledge_at(moment):
        return sum(
            scheduler.get_card_retrievability(
                Card(card_id=question_id, state=State.Review, stability=stability, last_review=reviewed_at),
                as_utc(moment),
            )
            for question_id, (reviewed_at, stability) in last.items()
        )

    day, day_start, day_end = None, None, None
    for question_id, reviewed_at, rating, reps, state, due, last_review, stability in raw_rows(rows):
        reviewed_at = parse_moment(reviewed_at)
        while point is not None and reviewed_at > point:
            trend.append((point, knowledge_at(point)))
            point = next(pending, None)
        if question_id in usable_ids:
            last[question_id] = (reviewed_at, stability)
        if reviewed_at < start:
            continue
        if day is None or not day_start <= reviewed_at < day_end:  # rows in time order: once per study day
            day = study_settings.study_day(reviewed_at)
            day_start, day_end = study_settings.day_bounds(day)
        if day >= heatmap_first:
            per_day[day] += 1
        if reps > 0 and state == CardState.REVIEW and last_review is not None:
            key = (day, YOUNG if parse_moment(due) - parse_moment(last_review) < mature else MATURE)
            total[key] += 1
            passed[key] += rating > StudyRating.AGAIN
    while point is not None:
        trend.append((point, knowledge_at(point)))
        point = next(pending, None)
    retention = {key: Retention(passed[key], count) for key, count in total.items()}
    return _LogPass(dict(per_day), retention, trend)


def _same(day):
    return day


def _monday(day):
    return day - datetime.timedelta(days=day.weekday())


def _first_of_month(day):
    return day.replace(day=1)


def _months_before(day, months):
    """The first day of the month ``months`` before ``day``'s."""
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _retention_periods(retention, starts, period_of):
    """One RetentionRow per period start, summing the days' rows that fall in it."""
    young, mature = defaultdict(Retention), defaultdict(Retention)
    for (day, maturity), counts in retention.items():
        target = young if maturity == YOUNG else mature
        target[period_of(day)] += counts
    return [RetentionRow(start, young[start], mature[start]) for start in starts]


def _stability_bins():
    bins = [(low, high, f"{low}–{high} d") for low, high in zip(STABILITY_EDGES, STABILITY_EDGES[1:], strict=False)]
    return [*bins, (STABILITY_EDGES[-1], float("inf"), f"≥ {STABILITY_EDGES[-1]} d")]


def _histogram(values, bins):
    counts = [0] * len(bins)
    for value in values:
        for index, (low, high, _label) in enumerate(bins):
            if low <= value < high or (index == len(bins) - 1 and value >= low):
                counts[index] += 1
                break
    return [(label, count) for (_low, _high, label), count in zip(bins, counts, strict=True)]


@dataclass
class CardGroup:
    """A section, topic, leader or country, and the usable questions (cards) that belong to it."""

    key: object
    name: str
    url: str
    question_ids: list = field(default_factory=list)


@dataclass
class CardGroups:
    """How cards map to sections, topics, leaders and countries: the one rule, for a student's mastery
    (``StudyStats``) and a class's forecast (``quizzes.forecast``).

    A card belongs to a section it is linked to (the current briefing's), its topic, a leader it is
    made from, and a country it is made from or whose leader it is made from. Sections by number,
    topics in ``Topic``'s order (only those with cards), leaders and countries by name.
    """

    sections: list
    topics: list
    leaders: list = field(default_factory=list)
    countries: list = field(default_factory=list)

    @classmethod
    def of(cls, usable, *, topics=None, sources=True):
        """The groups of ``usable`` questions: two queries and the current briefing's, one more with ``sources``
        (leaders and countries); ``topics``, the questions' (pk, topic) if already read."""
        from briefings.models import Briefing, Section

        if topics is None:
            topics = usable.values_list("pk", "topic").order_by()
        by_topic = {topic.value: CardGroup(key=topic.value, name=topic.label, url="") for topic in Topic}
        for question_id, topic in topics:
            by_topic[topic].question_ids.append(question_id)

        sections = {}
        links = (
            Question.sections.through.objects.filter(question__in=usable, section__briefing=Briefing.objects.current())
            .order_by("section__number", "question_id")
            .values_list("question_id", "section__number", "section__title", "section__slug")
        )
        for question_id, number, title, slug in links:
            if number not in sections:
                url = reverse("briefings:section-detail", args=[slug])
                sections[number] = CardGroup(key=number, name=str(Section(number=number, title=title)), url=url)
            sections[number].question_ids.append(question_id)
        groups = cls(
            sections=list(sections.values()), topics=[group for group in by_topic.values() if group.question_ids]
        )
        if sources:
            groups.leaders, groups.countries = _leaders_and_countries(usable)
        return groups


def _leaders_and_countries(usable):
    leaders, countries = {}, {}
    sources = (
        QuestionSource.objects.filter(question__in=usable)
        .filter(Q(leader__isnull=False) | Q(country__isnull=False))
        .order_by("question_id", "pk")
        .values_list(
            "question_id",
            "leader__name",
            "leader__slug",
            "leader__country__name",
            "leader__country__slug",
            "country__name",
            "country__slug",
        )
    )

    def add(groups, slug, name, url_name, question_id):
        if slug not in groups:
            groups[slug] = CardGroup(key=slug, name=name, url=reverse(url_name, args=[slug]))
        groups[slug].question_ids.append(question_id)

    seen_countries = set()
    for question_id, leader, leader_slug, leader_country, leader_country_slug, country, country_slug in sources:
        if leader:
            add(leaders, leader_slug, leader, "briefings:leader-detail", question_id)
        for name, slug in ((leader_country, leader_country_slug), (country, country_slug)):
            if name and (question_id, slug) not in seen_countries:
                seen_countries.add((question_id, slug))
                add(countries, slug, name, "briefings:country-detail", question_id)
    by_name = operator.attrgetter("name")
    return sorted(leaders.values(), key=by_name), sorted(countries.values(), key=by_name)


def _mastery(usable, topics, retrievability):
    """Mastery per section, topic, leader and country (``topics``: the usable questions' (pk, topic)): three queries."""
    groups = CardGroups.of(usable, topics=topics)

    def rows(found):
        made = []
        for group in found:
            row = MasteryRow(name=group.name, url=group.url, total=len(group.question_ids))
            for question_id in group.question_ids:
                if question_id in retrievability:
                    row.studied += 1
                    row.retrievability_sum += retrievability[question_id]
            made.append(row)
        return made

    return Mastery(
        sections=rows(groups.sections),
        topics=rows(groups.topics),
        leaders=rows(groups.leaders),
        countries=rows(groups.countries),
    )


# -- one student, as their trainer sees them (issue 10) ------------------------------------------------

ACTIVITY_DAYS = 30


@dataclass
class TopicRetention:
    name: str
    retention: Retention


@dataclass
class StudentReport:
    """A student for their trainer: attempts, study activity over 30 days, true retention by topic, leeches."""

    stats: StudyStats
    attempts: list
    activity: list  # [(study day, reviews)], the last 30 days, oldest first
    reviews_30_days: int
    streak: int  # study days in a row with a review, up to today (or yesterday, when none yet today)
    retention_by_topic: list  # TopicRetention, in Topic's order, topics with reviews only
    leeches: list  # ReviewState with its question

    @classmethod
    def of(cls, *, student, now):
        from .models import Attempt

        stats = StudyStats.of(user=student, now=now)
        days = [stats.today - datetime.timedelta(days=n) for n in reversed(range(ACTIVITY_DAYS))]
        activity = [(day, stats.reviews_per_day.get(day, 0)) for day in days]
        attempts = list(Attempt.objects.filter(user=student).select_related("quiz").order_by("-started_at", "-pk"))
        leeches = list(
            ReviewState.objects.of(student).leeches().select_related("question").order_by("-lapses", "question_id")
        )
        return cls(
            stats=stats,
            attempts=attempts,
            activity=activity,
            reviews_30_days=sum(count for _day, count in activity),
            streak=streak(stats.reviews_per_day, stats.today),
            retention_by_topic=retention_by_topic(student),
            leeches=leeches,
        )


def streak(reviews_per_day, today):
    """How many study days in a row, ending today, have a review; a day without one yet today does not break it."""
    day = today if reviews_per_day.get(today) else today - datetime.timedelta(days=1)
    count = 0
    while reviews_per_day.get(day):
        count += 1
        day -= datetime.timedelta(days=1)
    return count


def retention_by_topic(user):
    """True retention (the share of reviews of cards in review not rated Again) by the card's topic: one query."""
    rows = (
        ReviewLog.objects.of(user)
        .of_cards_in_review()
        .values("question__topic")
        .annotate(total=Count("pk"), passed=Count("pk", filter=Q(rating__gt=StudyRating.AGAIN)))
        .order_by()
    )
    found = {row["question__topic"]: Retention(row["passed"], row["total"]) for row in rows}
    return [TopicRetention(topic.label, found[topic.value]) for topic in Topic if topic.value in found]
