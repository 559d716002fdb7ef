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


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/study/next/", study_next),
    path("bench/study/reviews/", study_review),
    path("", include("sahel_learn.urls")),
]
