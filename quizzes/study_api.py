"""The study API under ``/api/v1/study/``: the next card, checking an answer, rating, undo, settings, optimizing.

Everything is the signed-in student's own (``request.user``); nobody reads another's cards, reviews or
settings. The rules are the engine's, the pages' too: ``StudyQueue.of`` and ``StudyCard`` (models),
``quizzes.actions`` (record_review, undo_review, preview_ratings, card_shown, update_study_settings,
optimize_parameters) and ``StudySettingsForm``. A refused request (a ``StudyError``) answers its
status (400, 404 or 409) with ``detail`` and ``code``; nothing is changed. A card's answer key
(which option is right, the numeric answer, the explanation, the cited paragraphs) is only in the
answer to ``check``, never in ``next``.
"""

from django import forms
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from sahel_learn.api import VALIDATION_ERROR, Schema

from . import actions
from .api import CSRF_FAILED, UNAUTHENTICATED
from .forms import StudySettingsForm
from .models import AnswerShapeError, Deck, DeckError, Question, StudyCard, StudyQueue, StudySettings
from .serializers import (
    ParameterSetSerializer,
    RatedCardSerializer,
    StudyCheckResultSerializer,
    StudyCheckSerializer,
    StudyErrorSerializer,
    StudyNextSerializer,
    StudyRatingSerializer,
    StudySettingsSerializer,
    UndoneSerializer,
    rated_card_data,
    rating_previews,
    study_check_result,
    study_next_data,
    study_settings_data,
)


def refused(description):
    return OpenApiResponse(StudyErrorSerializer, description=description)


class StudyView(APIView):
    """Signed-in students only; a ``StudyError`` (or an answer that does not fit) answered with its status."""

    schema = Schema()
    permission_classes = [permissions.IsAuthenticated]

    def handle_exception(self, exc):
        if isinstance(exc, actions.StudyError):
            return Response({"detail": exc.message, "code": exc.code}, status=exc.http_status)
        if isinstance(exc, AnswerShapeError):
            return Response({"detail": exc.message, "code": "invalid_answer"}, status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)

    def valid(self, serializer_class):
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data


DECK = OpenApiParameter(
    "deck",
    str,
    description=_lazy(
        "The deck: “all” (the default), “leeches”, “section:<slug>”, “topic:<topic>”, “country:<slug>” or "
        "“quiz:<slug>”."
    ),
)


class StudyNextView(StudyView):
    @extend_schema(
        operation_id="v1_study_next_retrieve",
        parameters=[DECK],
        description=_lazy(
            "The card to study next in a deck (learning cards due, then reviews due today, then new cards), "
            "without its answer, with what each rating would give now; and today's counts."
        ),
        responses={200: StudyNextSerializer, 400: VALIDATION_ERROR, 401: UNAUTHENTICATED},
    )
    def get(self, request):
        try:
            deck = Deck.parse(request.query_params.get("deck", ""))
        except DeckError as error:
            raise ValidationError({"deck": [str(error)]}) from None
        now = timezone.now()
        queue = StudyQueue.of(user=request.user, deck=deck, now=now)
        body = {
            "deck": str(deck),
            "card": None,
            "counts": {
                "new": queue.new_left,
                "learning": queue.learning,
                "review": queue.review,
                "done_today": queue.done_today,
            },
            "next_due": queue.next_due,
            "limit_reached": queue.limit_reached,
        }
        previews = None
        if queue.card is not None:
            body["card"] = StudyCard(queue.card)
            previews = rating_previews(
                actions.preview_ratings(state=queue.card, study_settings=queue.study_settings, now=now), now
            )
        return Response(study_next_data(body, previews))


class StudyCheckView(StudyView):
    @extend_schema(
        operation_id="v1_study_check_create",
        description=_lazy(
            "Check an answer to the card shown (in the card's own numbers): whether it is right, the right "
            "answer, the explanation and the cited paragraphs, and the rating to suggest. Nothing is recorded."
        ),
        request=StudyCheckSerializer,
        responses={
            200: StudyCheckResultSerializer,
            400: refused(_lazy("The answer does not fit the card (an option it does not show, not a number…).")),
            401: UNAUTHENTICATED,
            403: CSRF_FAILED,
            404: refused(_lazy("No such card to study: the question is not published.")),
            409: refused(_lazy("The card changed since it was shown (rated in another tab, undone), or is suspended.")),
        },
    )
    def post(self, request):
        body = self.valid(StudyCheckSerializer)
        card = actions.card_shown(
            user=request.user, question=Question(pk=body["question"]), version=body["version"], now=timezone.now()
        )
        check = card.check(body["answer"])
        return Response(StudyCheckResultSerializer(study_check_result(card, check), context={"request": request}).data)


class StudyReviewView(StudyView):
    @extend_schema(
        operation_id="v1_study_reviews_create",
        description=_lazy(
            "Rate the card shown. Sent again with the same request_key (a double click, a retry), the rating "
            "is recorded once: the answer is then 200 with what the first one recorded."
        ),
        request=StudyRatingSerializer,
        responses={
            201: RatedCardSerializer,
            200: OpenApiResponse(RatedCardSerializer, description=_lazy("A replay: what the first request recorded.")),
            400: VALIDATION_ERROR,
            401: UNAUTHENTICATED,
            403: CSRF_FAILED,
            404: refused(_lazy("No such card to study: the question is not published.")),
            409: refused(_lazy("The card changed since it was shown (rated in another tab, undone), or is suspended.")),
        },
    )
    def post(self, request):
        body = self.valid(StudyRatingSerializer)
        rated = actions.record_review(
            user=request.user,
            question=Question(pk=body["question"]),
            rating=body["rating"],
            now=timezone.now(),
            version=body["version"],
            request_key=body["request_key"],
            duration_ms=body.get("duration_ms"),
        )
        return Response(
            rated_card_data(rated), status=status.HTTP_200_OK if rated.replayed else status.HTTP_201_CREATED
        )


class StudyUndoView(StudyView):
    @extend_schema(
        operation_id="v1_study_undo_create",
        description=_lazy("Take back your last rating: its card exactly as it was before it, the review deleted."),
        request=None,
        responses={
            200: UndoneSerializer,
            401: UNAUTHENTICATED,
            403: CSRF_FAILED,
            409: refused(_lazy("There is no rating to undo.")),
        },
    )
    def post(self, request):
        state = actions.undo_review(user=request.user, now=timezone.now())
        return Response(UndoneSerializer({"state": state}).data)


# The JSON fields whose shape the API checks before the form checks their values.
STEP_FIELDS = ("learning_steps", "relearning_steps")


def settings_form_data(body):
    """The settings page's form data from a ``PUT`` body, and the errors of fields missing or of the wrong shape.

    Steps come as lists of minutes and go to the form as its text ("1 10"); the switch must be true or
    false (a form would read any text as "on"). Every value is then the form's to check.
    """
    if not isinstance(body, dict):
        raise ValidationError({"non_field_errors": [_("Send the settings as a JSON object.")]})
    data, errors = {}, {}
    for name in StudySettingsSerializer().fields:
        if name not in body:
            errors[name] = [str(forms.Field.default_error_messages["required"])]
            continue
        value = body[name]
        if name in STEP_FIELDS:
            if not isinstance(value, list) or any(isinstance(m, bool) or not isinstance(m, int) for m in value):
                errors[name] = [_("Give the steps as a list of whole minutes, such as [1, 10].")]
                continue
            value = " ".join(str(minutes) for minutes in value)
        elif name == "spread_due_dates" and not isinstance(value, bool):
            errors[name] = [_("Give true or false.")]
            continue
        elif isinstance(value, (list, dict)):
            errors[name] = [_("Give one value, not a list.")]
            continue
        data[name] = value
    return data, errors


class StudySettingsView(StudyView):
    @extend_schema(
        operation_id="v1_study_settings_retrieve",
        description=_lazy("Your study settings (FSRS's and Anki's defaults until you change them)."),
        responses={200: StudySettingsSerializer, 401: UNAUTHENTICATED},
    )
    def get(self, request):
        return Response(StudySettingsSerializer(study_settings_data(StudySettings.objects.for_user(request.user))).data)

    @extend_schema(
        operation_id="v1_study_settings_update",
        description=_lazy(
            "Change your study settings: all of them, checked as the settings page checks them. "
            "Steps are lists of minutes."
        ),
        request=StudySettingsSerializer,
        responses={
            200: StudySettingsSerializer,
            400: VALIDATION_ERROR,
            401: UNAUTHENTICATED,
            403: CSRF_FAILED,
        },
    )
    def put(self, request):
        data, errors = settings_form_data(request.data)
        form = StudySettingsForm(data, instance=StudySettings.objects.for_user(request.user))
        if not form.is_valid() or errors:
            raise ValidationError({**{name: list(messages) for name, messages in form.errors.items()}, **errors})
        saved = actions.update_study_settings(user=request.user, data=form.cleaned_data)
        return Response(StudySettingsSerializer(study_settings_data(saved)).data)


class StudyOptimizeView(StudyView):
    @extend_schema(
        operation_id="v1_study_optimize_create",
        description=_lazy(
            "Fit FSRS's parameters to your reviews (fsrs-rs-python) and measure the defaults and the fit on "
            "them (log loss, RMSE); the fit is used from now on only if it predicts your reviews better."
        ),
        request=None,
        responses={
            201: ParameterSetSerializer,
            400: refused(_lazy("Not enough reviews yet to fit parameters.")),
            401: UNAUTHENTICATED,
            403: CSRF_FAILED,
        },
    )
    def post(self, request):
        fitted = actions.optimize_parameters(user=request.user, now=timezone.now())
        return Response(ParameterSetSerializer(fitted).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("next/", StudyNextView.as_view(), name="study-next"),
    path("check/", StudyCheckView.as_view(), name="study-check"),
    path("reviews/", StudyReviewView.as_view(), name="study-reviews"),
    path("undo/", StudyUndoView.as_view(), name="study-undo"),
    path("settings/", StudySettingsView.as_view(), name="study-settings"),
    path("optimize/", StudyOptimizeView.as_view(), name="study-optimize"),
]
