"""FSRS scheduling for study, by py-fsrs: nothing here computes a memory state or an interval.

py-fsrs lacks two things Anki has, which this module adds around it and nothing else:

- **Fuzz seeded per card and review.** py-fsrs draws its fuzz from the process-wide ``random()``,
  so previewing "Good: 3 d" and then rating Good could give 4 days. ``StudyScheduler`` draws it from
  a ``random.Random`` seeded with the card and its review count: the preview and the rating that
  follows give the same interval, and a replayed rating gives it again.
- **Load balancing** (Anki's): within the same fuzz range, the day with the fewest cards already
  due for this student, ties broken by the seeded draw.

The fuzz range is py-fsrs's own (``FUZZ_RANGES``, the same arithmetic as its
``_get_fuzzed_interval``): the set of days a fuzzed interval may land on does not change.
"""

import contextlib
import datetime
import functools
import random
from collections.abc import Callable

from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS, FUZZ_RANGES

UTC = datetime.UTC
RATINGS = (Rating.Again, Rating.Hard, Rating.Good, Rating.Easy)


def fuzz_range(interval_days, maximum_interval):
    """The days a fuzzed interval of ``interval_days`` may land on, as py-fsrs computes them."""
    delta = 1.0
    for fuzz in FUZZ_RANGES:
        delta += fuzz["factor"] * max(min(float(interval_days), fuzz["end"]) - fuzz["start"], 0.0)
    low, high = round(interval_days - delta), round(interval_days + delta)
    low, high = max(2, low), min(high, maximum_interval)
    return min(low, high), high


class StudyScheduler(Scheduler):
    """py-fsrs's scheduler with its fuzz seeded per card review and, optionally, load balancing.

    ``seed`` names the review (the card and how many reviews it has had); ``load``, when given, is
    called with the first and last possible due date and answers ``{date: cards due that day}``.
    """

    def __init__(self, *, seed, load: Callable | None = None, today=None, parameters_version=0, **options):
        super().__init__(**options)
        self.seed, self.load, self.today = seed, load, today
        self.parameters_version = parameters_version

    @contextlib.contextmanager
    def load_asked_once(self, card, now):
        """Within it, ``load`` is asked once for ``card``'s review at ``now``, not once per rating fuzzed.

        A first pass of the four ratings only notes the day ranges their fuzz looks in (py-fsrs's review
        is cheap next to a query); ``load`` is then asked their union, and each rating reads its own
        days from it: the same counts per day, so the same due dates. ``load`` is restored on leaving.
        """
        load = self.load
        if load is None or self.today is None:
            yield
            return
        asked = []
        self.load = lambda first, last: asked.append((first, last)) or {}
        try:
            for rating in RATINGS:
                self.review_card(_copy(card), rating, review_datetime=as_utc(now))
            if asked:
                counts = load(min(first for first, _last in asked), max(last for _first, last in asked))
                self.load = lambda first, last: counts
            yield
        finally:
            self.load = load

    def _get_fuzzed_interval(self, *, interval):
        if interval.days < 2.5:  # py-fsrs fuzzes no interval under 2.5 days
            return interval
        low, high = fuzz_range(interval.days, self.maximum_interval)
        draw = random.Random(self.seed)  # noqa: S311 - spreading due dates, not security
        if self.load is None or self.today is None:
            days = min(round(draw.random() * (high - low + 1) + low), self.maximum_interval)
            return datetime.timedelta(days=days)
        first, last = self.today + datetime.timedelta(days=low), self.today + datetime.timedelta(days=high)
        load = self.load(first, last)
        candidates = list(range(low, high + 1))
        draw.shuffle(candidates)
        days = min(candidates, key=lambda d: load.get(self.today + datetime.timedelta(days=d), 0))
        return datetime.timedelta(days=days)


def as_utc(moment):
    """py-fsrs accepts exactly ``datetime.UTC`` as tzinfo."""
    return moment.astimezone(UTC)


def outcomes(scheduler, card, now, *, duration_ms=None):
    """What each rating would do to ``card`` at ``now``: {Rating: the card after it}, the card untouched.

    Each rating is py-fsrs's review of a copy of the card. Fuzz and load balancing move each due date
    within its own range, and neighbouring ranges overlap, so a later button could land earlier
    than the one before it; as Anki does, no button gives a shorter interval than the one before.
    Rating a card takes its outcome from here, so the interval shown is the interval given.
    """
    after, latest = {}, None
    with scheduler.load_asked_once(card, now):
        for rating in RATINGS:
            reviewed, _log = scheduler.review_card(
                _copy(card), rating, review_datetime=as_utc(now), review_duration=duration_ms
            )
            if latest is not None and reviewed.due < latest:
                reviewed.due = latest
            after[rating], latest = reviewed, reviewed.due
    return after


def _copy(card):
    return Card.from_dict(card.to_dict())


def describe_interval(delta):
    """A short interval as Anki's buttons show it: "1 min", "10 min", "3 h", "4 d", "2.1 mo", "1.5 y"."""
    from django.utils.translation import gettext as _

    seconds = max(0, round(delta.total_seconds()))
    minutes = seconds / 60
    if minutes < 60:
        return _("%(n)d min") % {"n": max(1, round(minutes))}
    hours = minutes / 60
    if hours < 24:
        return _("%(n)d h") % {"n": round(hours)}
    days = hours / 24
    if days < 30:
        return _("%(n)d d") % {"n": round(days)}
    if days < 365:
        return _("%(n)s mo") % {"n": f"{days / 30:.1f}".removesuffix(".0")}
    return _("%(n)s y") % {"n": f"{days / 365:.1f}".removesuffix(".0")}


# The retention the workload estimate compares with: FSRS's and Anki's default.
REFERENCE_RETENTION = 0.9
# The year of study the estimate simulates: ten new cards a day (the ratio hardly depends on how many).
WORKLOAD_DAYS, WORKLOAD_NEW_PER_DAY = 365, 10


@functools.lru_cache(maxsize=256)
def _simulated_reviews(parameters, desired_retention, new_cards_per_day, days):
    from fsrs_rs_python import default_simulator_config, simulate

    config = default_simulator_config()
    config.learn_span = days
    config.deck_size = new_cards_per_day * days  # never out of new cards
    config.learn_limit = new_cards_per_day
    config.max_cost_perday = float("inf")  # no time budget: every due card is reviewed
    result = simulate(list(parameters), desired_retention, config, 0)
    return sum(result.review_cnt_per_day) + sum(result.learn_cnt_per_day)


def workload_change(*, parameters, desired_retention):
    """How many more (> 0) or fewer (< 0) reviews ``desired_retention`` asks than 90 %, as a fraction.

    Estimated by fsrs-rs-python's simulator (the one Anki's FSRS helper uses): a year of ten new
    cards a day with these parameters, every due card reviewed, answers drawn with the simulator's
    own probabilities, compared with the same year at 90 %. Seeded, so the same inputs give the same
    figure; each simulation takes a few hundredths of a second and is remembered.
    """
    parameters = tuple(float(value) for value in parameters)
    days, per_day = WORKLOAD_DAYS, WORKLOAD_NEW_PER_DAY
    at = _simulated_reviews(parameters, round(float(desired_retention), 2), per_day, days)
    return at / _simulated_reviews(parameters, REFERENCE_RETENTION, per_day, days) - 1


__all__ = [
    "DEFAULT_PARAMETERS",
    "RATINGS",
    "REFERENCE_RETENTION",
    "Card",
    "Rating",
    "State",
    "StudyScheduler",
    "as_utc",
    "describe_interval",
    "fuzz_range",
    "outcomes",
    "workload_change",
]
