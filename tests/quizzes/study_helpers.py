"""Study test data shared by the API, page and browser tests."""

import datetime
import random

from quizzes.models import ReviewLog
from tests import factories

NOW = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)


def review_history(user, count, *, start=0):
    """``count`` review rows of ``user`` over four months before NOW: up to 40 cards, Good mostly, Again now and
    then (seeded, so the same each run); request keys ``r-<start>``, ``r-<start + 1>``..."""
    draw = random.Random(3)
    states = [factories.ReviewStateFactory(user=user) for _card in range(min(count, 40))]
    logs = []
    for number in range(count):
        state = states[number % len(states)]
        at = NOW - datetime.timedelta(days=120) + datetime.timedelta(days=3 * (number // len(states)), hours=number % 7)
        logs.append(
            factories.ReviewLogFactory.build(
                review_state=state,
                user=user,
                question=state.question,
                rating=1 if draw.random() < 0.3 else 3,
                reviewed_at=at,
                request_key=f"r-{start + number}",
            )
        )
    ReviewLog.objects.bulk_create(logs)
