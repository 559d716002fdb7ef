from django.http import HttpResponse
from django.urls import include, path
from django.utils import timezone
from rest_framework import permissions
from rest_framework.decorators import api_view, permission_classes
from rest_framework.response import Response


def bare(request):
    """The floor: a Django view that touches no database and no template."""
    return HttpResponse(b"ok", content_type="text/plain")


@api_view(["GET"])
@permission_classes([permissions.IsAuthenticated])
def study_next(request):
    """The study engine alone (bench/study_scale.py's "engine only" row): the next card of the whole deck,
    its options and the four ratings' due dates, as the study API builds them, without its serializers."""
    from quizzes.actions import preview_ratings
    from quizzes.models import Deck, StudyCard, StudyQueue

    now = timezone.now()
    queue = StudyQueue.of(user=request.user, deck=Deck.parse("all"), now=now)
    if queue.card is None:
        return Response({"card": None})
    card = StudyCard(queue.card)
    ratings = preview_ratings(state=queue.card, study_settings=queue.study_settings, now=now)
    return Response(
        {
            "card": {
                "question": card.question.pk,
                "version": card.version,
                "options": [{"id": row.pk, "label": row.label} for row in card.items()],
                "ratings": {rating: due.isoformat() for rating, due in ratings.items()},
            },
            "counts": {"new": queue.new_left, "learning": queue.learning, "review": queue.review},
        }
    )


@api_view(["POST"])
@permission_classes([permissions.IsAuthenticated])
def study_review(request):
    """The study engine alone: ``record_review`` for {"question", "version", "rating", "request_key"}."""
    from quizzes.actions import StudyError, record_review
    from quizzes.models import Question

    data = request.data
    try:
        rated = record_review(
            user=request.user,
            question=Question.objects.get(pk=data["question"]),
            rating=data["rating"],
            now=timezone.now(),
            version=data["version"],
            request_key=data["request_key"],
        )
    except StudyError as error:
        return Response({"detail": error.message}, status=error.http_status)
    return Response({"due": rated.state.due.isoformat(), "version": rated.state.version}, status=201)


@api_view(["GET"])
@permission_classes([permissions.IsAuthenticated])
def study_floor(request):
    """A floor, not the product: the next card's SQL (the very statements the study reads compile to) run
    raw, their rows read as tuples, then py-fsrs's four outcomes and DRF's JSON. No model instance, no
    queue logic: what a next card would cost on this stack if everything but the SQL, py-fsrs and DRF
    were free (bench/study_scale.py's "floor" row). UTC days starting at 4 a.m., the whole deck."""
    import datetime

    from quizzes.models import CARD_OPTIONS, DUE_DATES, QUEUE_READS, SETTINGS_STEPS, Deck
    from quizzes.scheduling import RATINGS, Card, State, StudyScheduler, as_utc

    def moment(value):
        return (
            as_utc(datetime.datetime.fromisoformat(value).replace(tzinfo=datetime.UTC))
            if isinstance(value, str)
            else as_utc(value)
        )

    now, user, deck = timezone.now(), request.user.pk, Deck.parse("all")
    start = now.replace(hour=4, minute=0, second=0, microsecond=0)
    start -= datetime.timedelta(days=1) if now < start else datetime.timedelta(0)
    end = start + datetime.timedelta(days=1)
    SETTINGS_STEPS.tuples(user=user)
    new_done, seen_done, learning, review, fresh = QUEUE_READS["counts"].row(
        deck, user=user, now=now, start=start, end=end
    )
    rows = []
    if learning:
        rows = QUEUE_READS["learning card"].tuples(deck, user=user, now=now)
    if not rows and review:
        rows = QUEUE_READS["review card"].tuples(deck, user=user, now=now, end=end)
    if not rows:
        return Response({"card": None})
    # reviewstate's columns: id, user, question, state, step, stability, difficulty, due, last_review, reps
    pk, _user, question, state, step, stability, difficulty, due, last_review, reps = rows[0][:10]
    options = CARD_OPTIONS.tuples(question=question)
    dues = DUE_DATES.tuples(user=user, start=start, end=start + datetime.timedelta(days=30))
    load = {}
    for (when,) in dues:
        day = (moment(when) - datetime.timedelta(hours=4)).date()
        load[day] = load.get(day, 0) + 1
    scheduler = StudyScheduler(seed=f"{user}:{question}:{reps}", load=lambda first, last: load, today=start.date())
    card = Card(card_id=pk, state=State(state), step=step, stability=stability, difficulty=difficulty,
                due=moment(due), last_review=moment(last_review) if last_review else None)  # fmt: skip
    ratings = {int(rating): scheduler.review_card(card, rating, review_datetime=now)[0].due for rating in RATINGS}
    return Response(
        {
            "card": {
                "question": question,
                "version": rows[0][14],
                "options": [{"id": n, "label": option[2]} for n, option in enumerate(options, start=1)],
                "ratings": {rating: due.isoformat() for rating, due in ratings.items()},
            },
            "counts": {"new": fresh, "learning": learning, "review": review, "done_today": new_done + seen_done},
        }
    )


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/study/next/", study_next),
    path("bench/study/reviews/", study_review),
    path("bench/study/floor/", study_floor),
    path("", include("sahel_learn.urls")),
]
