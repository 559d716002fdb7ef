"""The study-stats scenario's data: one student with a year of FSRS review history, bulk-loaded.

``bench/run.py --scenario study-stats`` runs ``load()`` in a Django process (after the article and the
question bank are imported): every usable question becomes one card of the student ``bench-stats``,
reviewed at even spacing (with jitter) over the last 365 days until there are ``reviews`` log rows in
all. Each review is py-fsrs's own (``Scheduler.review_card``, fuzz off), so every log row's before and
after snapshots are a real FSRS history; the ratings are drawn (Again 10%, Hard 10%, Good 70%, Easy
10%). Rows are written with ``bulk_create`` (the ``record_review`` workflow would take minutes for
20,000 rows and is not what is measured here). Prints the student's session key and API token as JSON.
"""

import datetime
import json
import math
import random

USERNAME = "bench-stats"


def load(reviews=20_000):
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone
    from fsrs import Card, Rating, Scheduler
    from rest_framework.authtoken.models import Token

    from quizzes.models import SNAPSHOT_FIELDS, CardState, Question, ReviewLog, ReviewState, StudySettings

    user = User.objects.create_user(USERNAME)
    StudySettings.objects.for_user(user)
    questions = list(Question.objects.usable().order_by("pk").values_list("pk", flat=True))
    per_card = math.ceil(reviews / len(questions))
    now = timezone.now().replace(microsecond=0)
    start = now - datetime.timedelta(days=365)
    spacing = datetime.timedelta(days=365) / per_card
    scheduler = Scheduler(enable_fuzzing=False)
    draw = random.Random(20)  # noqa: S311 - benchmark data
    ratings = [Rating.Again] * 1 + [Rating.Hard] * 1 + [Rating.Good] * 7 + [Rating.Easy] * 1
    states = ReviewState.objects.bulk_create(
        [ReviewState(user=user, question_id=pk, due=start) for pk in questions], batch_size=500
    )
    logs, left = [], reviews
    for state in states:
        card = Card(card_id=state.pk, due=start)
        row = {name: getattr(state, name) for name in SNAPSHOT_FIELDS}
        moment = start + spacing * draw.random()
        for number in range(min(per_card, left)):
            rating = draw.choice(ratings)
            card, _log = scheduler.review_card(card, rating, review_datetime=moment)
            after = {
                "state": int(card.state),
                "step": card.step,
                "stability": card.stability,
                "difficulty": card.difficulty,
                "due": card.due,
                "last_review": card.last_review,
                "reps": number + 1,
                "lapses": row["lapses"] + (rating == Rating.Again and row["state"] == CardState.REVIEW),
                "suspended": False,
                "is_leech": False,
            }
            logs.append(
                ReviewLog(
                    user=user,
                    review_state=state,
                    question_id=state.question_id,
                    rating=int(rating),
                    reviewed_at=moment,
                    duration_ms=draw.randint(2_000, 30_000),
                    request_key=f"bench-{state.pk}-{number}",
                    **{f"before_{name}": value for name, value in row.items()},
                    **{f"after_{name}": value for name, value in after.items()},
                )
            )
            row = after
            moment = min(now, moment + spacing * (0.5 + draw.random()))
        left -= min(per_card, left)
        for name, value in row.items():
            setattr(state, name, value)
    ReviewState.objects.bulk_update(states, list(SNAPSHOT_FIELDS), batch_size=500)
    ReviewLog.objects.bulk_create(logs, batch_size=2_000)

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    token = Token.objects.create(user=user).key
    return {
        "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
        "token": token,
        "cards": len(states),
        "reviews": len(logs),
    }


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(load()))
