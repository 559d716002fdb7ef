"""Fill a scratch database with students studying: review states for every (student, card), and a
year of review logs for a sample of them, fast (COPY on PostgreSQL, executemany on SQLite).

Usage (the database must be migrated; the cards are the published questions, with bench questions
added if there are fewer than ``--cards``)::

    DATABASE_URL=... DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python -m bench.study_data \\
        --students 10000 --cards 300

How the rows look. A sample of the students (``--sampled``, 1% by default, at least 5) is simulated
with py-fsrs's scheduler for the past year: each card is first studied on a random day (a tenth are
never studied: new cards), then reviewed when it falls due (a day or two late now and then), rated
Again with the probability that it was forgotten (1 - retrievability), else Good, sometimes Hard
or Easy; every review is a ``ReviewLog`` row with the state before and after, and the card's last
state is its ``ReviewState``. Each student stopped studying 0 to 5 days ago, so cards are due,
overdue and due later (about 6% of a student's cards due now, as many due within the week), and a
few were left in (re)learning, most in the last session. The other students' cards are copies of the
simulated states (a random one each, its dates moved by up to a week), so their fields have the
same joint distribution, without logs. 2% of the cards are suspended; cards with 8 lapses are
leeches (suspended), as record_review would make them.

Everything is seeded: the same arguments give the same rows, and student number ``n`` (a sampled
one) is the same at every size, so a benchmark's students start alike at 30k and at 3M.
"""

import argparse
import datetime
import random
import time

SAMPLED_SHARE = 0.01
MIN_SAMPLED = 5
NEW_SHARE = 0.10
SUSPENDED_SHARE = 0.02
BATCH = 20_000
UTC = datetime.UTC
USERNAME = "bench-student-{}"


def _scheduler():
    """py-fsrs's scheduler with the study settings' defaults (steps 1 and 10 min, relearning 10 min), no fuzz."""
    from fsrs import Scheduler

    from quizzes.models import DEFAULT_LEARNING_STEPS, DEFAULT_RELEARNING_STEPS

    minutes = datetime.timedelta(minutes=1)
    return Scheduler(
        learning_steps=tuple(m * minutes for m in DEFAULT_LEARNING_STEPS),
        relearning_steps=tuple(m * minutes for m in DEFAULT_RELEARNING_STEPS),
        enable_fuzzing=False,
    )


def _rating(rng, retrievability):
    from fsrs import Rating

    if rng.random() > retrievability:
        return Rating.Again
    roll = rng.random()
    return Rating.Hard if roll < 0.10 else Rating.Easy if roll > 0.85 else Rating.Good


def _fields(card, reps, lapses):
    return {
        "state": int(card.state),
        "step": card.step,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "due": card.due,
        "last_review": card.last_review,
        "reps": reps,
        "lapses": lapses,
    }


def simulate_card(rng, scheduler, now, stopped):
    """A year of one card's reviews: (its final state's fields, [(rating, reviewed_at, ms, before, after)])."""
    from fsrs import Card, Rating, State

    if rng.random() < NEW_SHARE:
        return {
            "state": 1,
            "step": 0,
            "stability": None,
            "difficulty": None,
            "due": now - datetime.timedelta(days=rng.uniform(0, 365)),
            "last_review": None,
            "reps": 0,
            "lapses": 0,
        }, []
    card = Card(card_id=1, due=stopped - datetime.timedelta(days=rng.uniform(0, 365)))
    at, reps, lapses, reviews = card.due, 0, 0, []
    while at <= stopped:
        rating = _rating(rng, scheduler.get_card_retrievability(card, at)) if reps else _rating(rng, 0.7)
        before = _fields(card, reps, lapses)
        was_review = card.state == State.Review
        card, _log = scheduler.review_card(card, rating, review_datetime=at)
        reps += 1
        lapses += was_review and rating == Rating.Again
        duration = int(rng.lognormvariate(9, 0.6))  # about 8 s, from 2 to 30
        reviews.append((int(rating), at, duration, before, _fields(card, reps, lapses)))
        recent = at > stopped - datetime.timedelta(days=1)
        if card.state != State.Review and rng.random() < (0.5 if recent else 0.01):
            break  # a session left in the middle of the card's (re)learning steps (most often the last one)
        late = datetime.timedelta(days=rng.choice((0, 0, 0, 0.3, 1, 2))) if card.state == State.Review else None
        at = card.due + (late or datetime.timedelta(minutes=rng.uniform(0, 30)))
    return _fields(card, reps, lapses), reviews


def _when(value):
    return value.astimezone(UTC) if value is not None else None


class Writer:
    """Rows into one table, in batches: COPY on PostgreSQL, executemany on SQLite (dates as Django stores them)."""

    def __init__(self, connection, model, columns):
        self.connection, self.table = connection, model._meta.db_table
        self.columns = columns
        self.dates = {
            index
            for index, name in enumerate(columns)
            if model._meta.get_field(name).get_internal_type() == "DateTimeField"
        }
        self.rows, self.count = [], 0

    def add(self, row):
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self):
        if not self.rows:
            return
        cursor = self.connection.cursor().cursor  # the driver's own cursor
        names = ", ".join(self.connection.ops.quote_name(name) for name in self.columns)
        if self.connection.vendor == "postgresql":
            with cursor.copy(f"COPY {self.connection.ops.quote_name(self.table)} ({names}) FROM STDIN") as copy:
                for row in self.rows:
                    copy.write_row(row)
        else:
            adapt = self.connection.ops.adapt_datetimefield_value
            rows = [
                tuple(
                    adapt(value) if index in self.dates and value is not None else value
                    for index, value in enumerate(row)
                )
                for row in self.rows
            ]
            marks = ", ".join("?" * len(self.columns))
            cursor.executemany(f'INSERT INTO "{self.table}" ({names}) VALUES ({marks})', rows)
        self.count += len(self.rows)
        self.rows = []


STATE_COLUMNS = (
    "id", "user_id", "question_id", "state", "step", "stability", "difficulty", "due", "last_review", "reps",
    "lapses", "suspended", "buried_until", "is_leech", "version",
)  # fmt: skip
SNAPSHOT = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses", "suspended", "is_leech")
LOG_COLUMNS = (
    "user_id", "review_state_id", "question_id", "rating", "reviewed_at", "duration_ms", "parameters_version",
    "request_key", *(f"before_{name}" for name in SNAPSHOT), *(f"after_{name}" for name in SNAPSHOT),
)  # fmt: skip


def bench_questions(count):
    """The first ``count`` usable questions by pk, adding published single-answer bench questions if too few."""
    from briefings.models import Paragraph
    from quizzes.models import AnswerOption, Question, QuestionStatus, QuestionType, Topic

    have = list(Question.objects.usable().order_by("pk").values_list("pk", flat=True)[:count])
    missing = count - len(have)
    if missing > 0:
        made = Question.objects.bulk_create(
            [
                Question(
                    qtype=QuestionType.SINGLE,
                    prompt=f"Bench question {number}: which of these is option A?",
                    explanation="A bench question, made by bench/study_data.py.",
                    topic=Topic.values[number % len(Topic.values)],
                    status=QuestionStatus.PUBLISHED,
                )
                for number in range(missing)
            ]
        )
        AnswerOption.objects.bulk_create(
            [
                AnswerOption(question=question, text=f"Option {letter}", is_correct=letter == "A", position=position)
                for question in made
                for position, letter in enumerate("ABCD", start=1)
            ]
        )
        paragraph = Paragraph.objects.order_by("pk").first()
        if paragraph is not None:
            Question.citations.through.objects.bulk_create(
                [Question.citations.through(question_id=question.pk, paragraph_id=paragraph.pk) for question in made]
            )
        have += [question.pk for question in made]
    return have


def make_students(count):
    """``count`` students (bench-student-0, 1, ...) in the Students group, with default study settings."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User

    from quizzes.models import DEFAULT_LEARNING_STEPS, DEFAULT_RELEARNING_STEPS, StepKind, StudySettings, StudyStep

    unusable = make_password(None)
    users = User.objects.bulk_create(
        [User(username=USERNAME.format(number), password=unusable) for number in range(count)], batch_size=5000
    )
    group = Group.objects.filter(name="Students").first()
    if group is not None:
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=user.pk, group_id=group.pk) for user in users], batch_size=5000
        )
    settings = StudySettings.objects.bulk_create([StudySettings(user=user) for user in users], batch_size=5000)
    StudyStep.objects.bulk_create(
        [
            StudyStep(settings=made, kind=kind, position=position, minutes=minutes)
            for made in settings
            for kind, steps in (
                (StepKind.LEARNING, DEFAULT_LEARNING_STEPS),
                (StepKind.RELEARNING, DEFAULT_RELEARNING_STEPS),
            )
            for position, minutes in enumerate(steps, start=1)
        ],
        batch_size=5000,
    )
    return [user.pk for user in users]


def load(*, students, cards, sampled=None, now=None, seed=9, log=print):
    """Fill the database; returns {"students", "cards", "states", "logs", "sampled"} (counts and the sampled users' pks)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from quizzes.models import LEECH_LAPSES, ReviewLog, ReviewState

    now = now or timezone.now()
    sampled = min(students, sampled if sampled is not None else max(MIN_SAMPLED, round(students * SAMPLED_SHARE)))
    started = time.perf_counter()
    if connection.vendor == "sqlite" and not connection.in_atomic_block:  # this connection only (a test's is in one)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA cache_size=-200000")
    with transaction.atomic():
        questions = bench_questions(cards)
        users = make_students(students)
        log(f"{len(users)} students, {len(questions)} cards ({time.perf_counter() - started:.1f} s)")
        scheduler = _scheduler()
        states = Writer(connection, ReviewState, STATE_COLUMNS)
        logs = Writer(connection, ReviewLog, LOG_COLUMNS)
        next_id = (ReviewState.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        pool = []  # the simulated states, copied for the other students
        for number, user in enumerate(users):
            rng = random.Random(f"{seed}:{number}")
            simulated = number < sampled
            stopped = now - datetime.timedelta(days=rng.uniform(0, 5))
            for question in questions:
                if simulated:
                    fields, reviews = simulate_card(rng, scheduler, now, stopped)
                    pool.append(fields)
                else:
                    fields, reviews = dict(rng.choice(pool)), []
                    shift = datetime.timedelta(days=rng.uniform(-7, 7))
                    if fields["last_review"] is not None:
                        fields["last_review"] = min(fields["last_review"] + shift, now)
                    fields["due"] += shift
                leech = fields["lapses"] >= LEECH_LAPSES
                suspended = leech or rng.random() < SUSPENDED_SHARE
                state_id, next_id = next_id, next_id + 1
                states.add(
                    (state_id, user, question, fields["state"], fields["step"], fields["stability"],
                     fields["difficulty"], _when(fields["due"]), _when(fields["last_review"]), fields["reps"],
                     fields["lapses"], suspended, None, leech, fields["reps"] + suspended)
                )  # fmt: skip
                for index, (rating, at, duration, before, after) in enumerate(reviews):
                    snapshots = []
                    for snapshot, is_last in ((before, False), (after, index == len(reviews) - 1)):
                        snapshots += [
                            snapshot["state"], snapshot["step"], snapshot["stability"], snapshot["difficulty"],
                            _when(snapshot["due"]), _when(snapshot["last_review"]), snapshot["reps"],
                            snapshot["lapses"], leech and is_last, leech and is_last,
                        ]  # fmt: skip
                    logs.add((user, state_id, question, rating, _when(at), duration, 0, f"load-{state_id}-{index}",
                              *snapshots))  # fmt: skip
            if (number + 1) % 1000 == 0:
                log(f"  {number + 1} students, {states.count + len(states.rows)} states, "
                    f"{logs.count + len(logs.rows)} logs ({time.perf_counter() - started:.1f} s)")  # fmt: skip
        states.flush()
        logs.flush()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(_NoStyle(), [ReviewState]):
                    cursor.execute(statement)
    log(f"{states.count} review states, {logs.count} review logs ({time.perf_counter() - started:.1f} s)")
    return {
        "students": len(users),
        "cards": len(questions),
        "states": states.count,
        "logs": logs.count,
        "sampled": users[:sampled],
    }


class _NoStyle:
    """sequence_reset_sql's style argument, without colours."""

    def __getattr__(self, name):
        return str


def analyze():
    """Refresh the planner's statistics, as autovacuum does on PostgreSQL after a bulk load (and ANALYZE on SQLite)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--cards", type=int, default=300)
    parser.add_argument("--sampled", type=int, default=None, help="students simulated with logs (default 1%%, >= 5)")
    parser.add_argument("--analyze", action="store_true", help="run ANALYZE afterwards")
    args = parser.parse_args()
    import django

    django.setup()
    load(students=args.students, cards=args.cards, sampled=args.sampled)
    if args.analyze:
        analyze()


if __name__ == "__main__":
    main()
