"""The quizzes API under ``/api/v1/``: the question bank, quizzes, and a student's attempts.

Same rules as the pages: both call ``quizzes.actions``. A refused request (an ``AttemptError``)
answers its status (400, 403, 404 or 409) with ``detail``, ``code`` and, where one is concerned,
``attempt``; nothing is changed. Attempts are scoped to ``request.user``: another student's
attempt is a 404, as is a draft quiz to anybody but an editor. One attempt is read by the page's
rule (``Attempt.objects.visible_to``): a trainer also reads a finished attempt of a student they teach.
"""

import csv
import datetime
import io

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from briefings.filters import SLUG_PATTERN, FilterForm
from briefings.models import Paragraph, Section
from sahel_learn.accounts.roles import is_trainer
from sahel_learn.api import NOT_FOUND, VALIDATION_ERROR, ErrorSerializer, Pagination, Schema

from . import actions
from .analysis import ItemAnalysis, attempts_analysed_by, may_analyse
from .cohorts import NameListError, parse_student_names
from .forecast import ClassForecast, ExamDateError, class_leeches, read_exam_date
from .forms import GradebookForm
from .gradebook import Gradebook, columns_of, csv_safe, gradebook_filename, write_csv
from .models import (
    Assignment,
    AttemptState,
    Cohort,
    CohortTrainer,
    Question,
    QuestionStatus,
    QuestionType,
    Quiz,
    Topic,
)
from .models import Attempt as AttemptModel
from .serializers import (
    AnswerSerializer,
    AssignmentErrorSerializer,
    AssignmentSerializer,
    AttemptDetailSerializer,
    AttemptErrorSerializer,
    AttemptSerializer,
    ClassForecastSerializer,
    CohortErrorSerializer,
    CohortSerializer,
    EditorQuestionSerializer,
    FlagSerializer,
    GradebookQuerySerializer,
    GradebookSerializer,
    IssuedPasswordSerializer,
    ItemAnalysisQuerySerializer,
    ItemAnalysisSerializer,
    JoinedCohortSerializer,
    JoinSerializer,
    MemberSerializer,
    OverrideSerializer,
    PublicQuestionSerializer,
    QuizSerializer,
    StudentAssignmentSerializer,
    StudentNamesSerializer,
    StudyStatsSerializer,
)
from .stats import StudyStats


def is_editor(user):
    """Editors (staff who may change questions) see the whole bank with its answers."""
    return user.is_authenticated and user.is_staff and user.has_perm("quizzes.change_question")


UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description=_("Sign in first: no valid token or session."))
BAD_TOKEN = OpenApiResponse(ErrorSerializer, description=_("The credentials given (a token) are not valid."))
CSRF_FAILED = OpenApiResponse(ErrorSerializer, description=_("Signed in by session without the CSRF token."))


def refused(description):
    return OpenApiResponse(AttemptErrorSerializer, description=description)


class AttemptErrorMixin:
    """Answer an ``AttemptError`` with its status and a body saying why."""

    def handle_exception(self, exc):
        if isinstance(exc, actions.AttemptError):
            body = {"detail": exc.message, "code": exc.code}
            if exc.attempt is not None:
                body["attempt"] = exc.attempt.pk
            return Response(body, status=exc.http_status)
        return super().handle_exception(exc)


# -- the question bank --------------------------------------------------------------------------------


class SlugFilter(filters.CharFilter):
    field_class = forms.SlugField


def _slug_filter(field_name, description):
    schema = {"type": "string", "pattern": SLUG_PATTERN, "description": description}
    return extend_schema_field(schema)(SlugFilter(field_name=field_name))


class QuestionFilter(filters.FilterSet):
    qtype = filters.ChoiceFilter(choices=QuestionType.choices)
    topic = filters.ChoiceFilter(choices=Topic.choices)
    section = _slug_filter("sections__slug", _("A section's slug; an unknown slug matches nothing."))
    status = filters.ChoiceFilter(
        choices=QuestionStatus.choices, help_text=_("Editors only; for anybody else only published questions exist.")
    )

    class Meta:
        form = FilterForm
        model = Question
        fields = ["qtype", "topic", "section", "status"]


@extend_schema_view(
    list=extend_schema(
        description=_("Editors: every question with its answer key. Anybody else: published questions, no answers."),
        responses={200: PublicQuestionSerializer(many=True), 400: VALIDATION_ERROR, 401: BAD_TOKEN, 404: NOT_FOUND},
    ),
    retrieve=extend_schema(
        description=_("One question (with its answer key for editors)."),
        responses={200: PublicQuestionSerializer, 401: BAD_TOKEN, 404: NOT_FOUND},
    ),
)
class QuestionViewSet(viewsets.ReadOnlyModelViewSet):
    schema = Schema()
    model = Question
    pagination_class = Pagination
    filterset_class = QuestionFilter
    lookup_value_regex = r"[^/]+"  # anything up to the next slash: a bad id gets the JSON 404

    def get_queryset(self):
        questions = Question.objects.all() if is_editor(self.request.user) else Question.objects.usable()
        return (
            questions.order_by("topic", "pk")
            .prefetch_related(
                "options",
                Prefetch("sections", queryset=Section.objects.only("pk", "slug")),
                Prefetch("citations", queryset=Paragraph.objects.select_related("section")),
            )
            .distinct()
        )

    def get_serializer_class(self):
        return EditorQuestionSerializer if is_editor(self.request.user) else PublicQuestionSerializer


# -- quizzes ----------------------------------------------------------------------------------------------


class MayAnalyse(permissions.BasePermission):
    message = _("Only trainers and editors see item analyses.")

    def has_permission(self, request, view):
        return may_analyse(request.user)


@extend_schema_view(
    list=extend_schema(
        description=_("Published quizzes (editors: drafts too)."),
        responses={200: QuizSerializer(many=True), 401: BAD_TOKEN, 404: NOT_FOUND},
    ),
    retrieve=extend_schema(
        description=_("One quiz, by its slug: its rules."),
        responses={200: QuizSerializer, 401: BAD_TOKEN, 404: NOT_FOUND},
    ),
)
class QuizViewSet(AttemptErrorMixin, viewsets.ReadOnlyModelViewSet):
    schema = Schema()
    model = Quiz
    serializer_class = QuizSerializer
    pagination_class = Pagination
    lookup_field = "slug"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self):
        return Quiz.objects.visible_to(self.request.user).with_question_counts().order_by("title", "pk")

    def get_object(self):
        quiz = self.get_queryset().filter(slug=self.kwargs["slug"]).first()
        if quiz is None:
            raise NotFound(_("There is no quiz with the slug “%(slug)s”.") % {"slug": self.kwargs["slug"]})
        return quiz

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(
        operation_id="v1_quizzes_attempts_create",
        description=_(
            "Start your next attempt: its questions are drawn and their options ordered now. Refused while "
            "one is in progress (409, with its id), once every attempt is used or outside the quiz's dates (403)."
        ),
        request=None,
        responses={
            201: AttemptDetailSerializer,
            401: UNAUTHENTICATED,
            403: refused(_("Not open, not published, or no attempts left (or, signed in by session, no CSRF token).")),
            404: NOT_FOUND,
            409: refused(_("An attempt is in progress (continue it), or the quiz has no questions yet.")),
        },
    )
    @action(detail=True, methods=["post"], url_path="attempts", permission_classes=[permissions.IsAuthenticated])
    def start(self, request, slug=None):
        quiz = self.get_object()
        now = timezone.now()
        attempt = actions.start_attempt(quiz=quiz, user=request.user, now=now)
        attempt = AttemptModel.objects.filter(pk=attempt.pk).with_questions().get()
        context = {**self.get_serializer_context(), "now": now}
        return Response(AttemptDetailSerializer(attempt, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="v1_quizzes_item_analysis_retrieve",
        parameters=[ItemAnalysisQuerySerializer],
        description=_(
            "Trainers and editors: the quiz's item analysis by Moodle's formulas, over every student's first "
            "submitted attempt (attempts=all: every submitted attempt): the quiz's mean, median, SD, skewness, "
            "kurtosis, Cronbach's alpha (CIC, %), error ratio and standard error; per question its facility, SD, "
            "random guess score, discrimination index and efficiency, flags and how often each option was picked."
        ),
        responses={
            200: ItemAnalysisSerializer,
            400: VALIDATION_ERROR,
            401: UNAUTHENTICATED,
            403: OpenApiResponse(ErrorSerializer, description=_("Students: only trainers and editors see it.")),
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], url_path="item-analysis", permission_classes=[MayAnalyse])
    def item_analysis(self, request, slug=None):
        query = ItemAnalysisQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        quiz = self.get_object()
        analysis = ItemAnalysis.of(
            quiz, attempts_analysed_by(request.user), all_attempts=query.validated_data["attempts"] == "all"
        )
        return Response(ItemAnalysisSerializer(analysis).data)


# -- attempts ----------------------------------------------------------------------------------------------


class AttemptFilter(filters.FilterSet):
    quiz = _slug_filter("quiz__slug", _("A quiz's slug; an unknown slug matches nothing."))
    state = filters.ChoiceFilter(choices=AttemptState.choices)

    class Meta:
        form = FilterForm
        model = AttemptModel
        fields = ["quiz", "state"]


QUESTION_ID = OpenApiParameter("question_id", int, OpenApiParameter.PATH, description=_("The question's id."))


@extend_schema_view(
    list=extend_schema(
        description=_("Your attempts, newest first."),
        responses={200: AttemptSerializer(many=True), 400: VALIDATION_ERROR, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    ),
    retrieve=extend_schema(
        description=_(
            "One of your attempts: its questions, your answers, and what the review options show. Trainers: also "
            "a finished (submitted or abandoned) attempt of a student of a class they teach, in full (score, right "
            "answers, feedback); never one in progress."
        ),
        responses={200: AttemptDetailSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    ),
)
class AttemptViewSet(AttemptErrorMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    schema = Schema()
    model = AttemptModel
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = Pagination
    filterset_class = AttemptFilter
    lookup_value_regex = r"[^/]+"  # anything up to the next slash: a bad id gets the JSON 404

    def get_queryset(self):
        mine = AttemptModel.objects.for_student(self.request.user)
        if self.action == "list":
            return mine.select_related("quiz").order_by("-started_at", "-pk")
        if self.action in ("respond", "flag", "submit"):
            return mine  # the workflow locks and reads what it needs; the answer reads the attempt afresh
        # One attempt: the page's rule, so a trainer reads a finished attempt of a student they teach, in full.
        return AttemptModel.objects.visible_to(self.request.user).with_questions()

    def get_serializer_class(self):
        return AttemptSerializer if self.action == "list" else AttemptDetailSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.now = timezone.now()
        # An attempt whose time is over is closed by its quiz's rule before anybody reads it.
        actions.finish_overdue_attempts(attempts=AttemptModel.objects.for_student(request.user), now=self.now)

    def get_serializer_context(self):
        context = {**super().get_serializer_context(), "now": getattr(self, "now", timezone.now())}
        return {**context, "reader": self.request.user}

    def _detail(self, attempt_pk):
        attempt = AttemptModel.objects.filter(pk=attempt_pk).with_questions().get()
        return Response(AttemptDetailSerializer(attempt, context=self.get_serializer_context()).data)

    @extend_schema(
        operation_id="v1_attempts_responses_update",
        parameters=[QUESTION_ID],
        description=_(
            "Answer one question of your attempt (again, to change the answer where the quiz allows it). "
            "Answers with the whole attempt, this question's feedback included when the quiz gives it now."
        ),
        request=AnswerSerializer,
        responses={
            200: AttemptDetailSerializer,
            400: refused(_("The answer does not fit the question (an option it does not have, not a number…).")),
            401: UNAUTHENTICATED,
            403: CSRF_FAILED,
            404: refused(_("No such attempt of yours, or the question is not part of it.")),
            409: refused(_("The attempt is over, time is up, or this question can no longer be answered.")),
        },
    )
    @action(detail=True, methods=["put"], url_path=r"responses/(?P<question_id>[^/]+)")
    def respond(self, request, pk=None, question_id=None):
        attempt = self.get_object()
        try:
            question_pk = int(question_id)
        except ValueError:
            raise actions.QuestionNotInAttempt() from None
        body = AnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        actions.save_response(
            attempt=attempt,
            question=Question(pk=question_pk),
            answer=body.validated_data["answer"],
            certainty=body.validated_data.get("certainty"),
            now=self.now,
        )
        return self._detail(attempt.pk)

    @extend_schema(
        operation_id="v1_attempts_flags_update",
        parameters=[QUESTION_ID],
        description=_(
            "Mark one question of your attempt to come back to (flagged: true), or unmark it (false), while the "
            "attempt is in progress. Answers with the whole attempt; its summary counts the flagged questions."
        ),
        request=FlagSerializer,
        responses={
            200: AttemptDetailSerializer,
            400: VALIDATION_ERROR,
            401: UNAUTHENTICATED,
            403: CSRF_FAILED,
            404: refused(_("No such attempt of yours, or the question is not part of it.")),
            409: refused(_("The attempt is over: submitted, or its time ran out.")),
        },
    )
    @action(detail=True, methods=["put"], url_path=r"flags/(?P<question_id>[^/]+)")
    def flag(self, request, pk=None, question_id=None):
        attempt = self.get_object()
        try:
            question_pk = int(question_id)
        except ValueError:
            raise actions.QuestionNotInAttempt() from None
        body = FlagSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        actions.flag_question(
            attempt=attempt, question=Question(pk=question_pk), flagged=body.validated_data["flagged"], now=self.now
        )
        return self._detail(attempt.pk)

    @extend_schema(
        operation_id="v1_attempts_submit_create",
        description=_("Submit your attempt: it is scored, and the review shows what the quiz's options allow."),
        request=None,
        responses={
            200: AttemptDetailSerializer,
            401: UNAUTHENTICATED,
            403: CSRF_FAILED,
            404: NOT_FOUND,
            409: refused(_("Submitted already, or time ran out before it was submitted.")),
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        attempt = self.get_object()
        actions.submit_attempt(attempt=attempt, now=self.now)
        return self._detail(attempt.pk)


# -- classes ------------------------------------------------------------------------------------------------


class IsTrainer(permissions.BasePermission):
    """Trainers only (``is_trainer``): editors and students are refused (403), anonymous asked to sign in (401)."""

    message = _("Only trainers manage classes.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and is_trainer(request.user))


class CohortErrorMixin:
    """Answer a ``CohortError`` with its status, ``detail`` and ``code``; nothing was changed."""

    def handle_exception(self, exc):
        if isinstance(exc, actions.CohortError):
            return Response({"detail": exc.message, "code": exc.code}, status=exc.http_status)
        return super().handle_exception(exc)


def cohort_refused(description):
    return OpenApiResponse(CohortErrorSerializer, description=description)


NOT_A_TRAINER = OpenApiResponse(
    ErrorSerializer, description=_("Not a trainer (students and editors have no classes to manage).")
)
NOT_YOURS = OpenApiResponse(ErrorSerializer, description=_("No such class among the ones you teach."))
STUDENT_ID = OpenApiParameter("student_id", int, OpenApiParameter.PATH, description=_("The student's id."))


def _trainer_responses(ok, more=None):
    return {ok[0]: ok[1], 401: UNAUTHENTICATED, 403: NOT_A_TRAINER, 404: NOT_YOURS, **(more or {})}


class GradebookCSVRenderer(BaseRenderer):
    """``text/csv``: a ``Gradebook`` by the page's CSV writer (``write_csv``); a refusal as its messages, one a line."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        out = io.StringIO()
        if isinstance(data, Gradebook):
            write_csv(data, out)
        else:
            writer = csv.writer(out)
            for key, messages in (data or {}).items():
                for message in messages if isinstance(messages, list) else [messages]:
                    writer.writerow([csv_safe(key), csv_safe(message)])
        return out.getvalue().encode(self.charset)


@extend_schema_view(
    list=extend_schema(
        description=_("The classes you teach (own or co-trained), by name."),
        responses=_trainer_responses((200, CohortSerializer(many=True))),
    ),
    create=extend_schema(
        description=_("Create a class: you are its owner; it gets a join code and is open for joining."),
        responses=_trainer_responses((201, CohortSerializer), {400: VALIDATION_ERROR}),
    ),
    retrieve=extend_schema(
        description=_("One of your classes."), responses=_trainer_responses((200, CohortSerializer))
    ),
    update=extend_schema(
        description=_("Change a class's name, description, term, or open or close joining."),
        responses=_trainer_responses((200, CohortSerializer), {400: VALIDATION_ERROR}),
    ),
    partial_update=extend_schema(
        description=_("Change some of a class's name, description, term and joining_open."),
        responses=_trainer_responses((200, CohortSerializer), {400: VALIDATION_ERROR}),
    ),
)
class CohortViewSet(
    CohortErrorMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Classes, for their trainers (scoped by ``Cohort.objects.taught_by``); students only join."""

    schema = Schema()
    model = Cohort
    serializer_class = CohortSerializer
    permission_classes = [IsTrainer]
    pagination_class = Pagination
    lookup_value_regex = r"[^/]+"  # anything up to the next slash: a bad id gets the JSON 404

    def get_permissions(self):
        if self.action == "join":
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def get_queryset(self):
        links = CohortTrainer.objects.select_related("trainer").order_by("-is_owner", "added_at", "pk")
        return (
            Cohort.objects.taught_by(self.request.user)
            .with_student_counts()
            .prefetch_related(Prefetch("trainer_links", queryset=links))
            .order_by("name", "pk")
        )

    def _read_back(self, cohort):
        return self.get_queryset().get(pk=cohort.pk)

    def perform_create(self, serializer):
        data = serializer.validated_data
        cohort = actions.create_cohort(
            created_by=self.request.user,
            name=data["name"],
            description=data.get("description", ""),
            term=data.get("term", ""),
        )
        if data.get("joining_open") is False:
            actions.set_joining_open(cohort=cohort, joining_open=False)
        serializer.instance = self._read_back(cohort)

    def perform_update(self, serializer):
        joining_open = serializer.validated_data.pop("joining_open", None)
        cohort = serializer.save()
        if joining_open is not None:
            actions.set_joining_open(cohort=cohort, joining_open=joining_open)
        serializer.instance = self._read_back(cohort)

    @extend_schema(
        operation_id="v1_cohorts_join_code_create",
        description=_("A new join code for the class: the old code and link stop working."),
        request=None,
        responses=_trainer_responses((200, CohortSerializer)),
    )
    @action(detail=True, methods=["post"], url_path="join-code")
    def regenerate_code(self, request, pk=None):
        cohort = actions.regenerate_join_code(cohort=self.get_object())
        return Response(CohortSerializer(self._read_back(cohort), context=self.get_serializer_context()).data)

    @extend_schema(
        operation_id="v1_cohorts_members_list",
        description=_("The students of one of your classes, by name."),
        responses=_trainer_responses((200, MemberSerializer(many=True))),
    )
    @action(detail=True, methods=["get"], url_path="members", pagination_class=Pagination)
    def members(self, request, pk=None):
        cohort = self.get_object()
        memberships = cohort.memberships.select_related("student").order_by(
            "student__first_name", "student__username", "pk"
        )
        page = self.paginate_queryset(memberships)
        return self.get_paginated_response(MemberSerializer(page, many=True).data)

    @extend_schema(
        operation_id="v1_cohorts_members_create",
        description=_(
            "Make student accounts for a list of names, in the class, each with a one-time password that must "
            "be changed at first sign-in. The passwords are in this answer only."
        ),
        request=StudentNamesSerializer,
        responses=_trainer_responses(
            (201, IssuedPasswordSerializer(many=True)),
            {400: VALIDATION_ERROR, 409: cohort_refused(_("A username was taken meanwhile: send the list again."))},
        ),
    )
    @members.mapping.post
    def add_members(self, request, pk=None):
        cohort = self.get_object()
        body = StudentNamesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            names = parse_student_names("\n".join(" ".join(name.split()) for name in body.validated_data["names"]))
        except NameListError as error:
            raise ValidationError({"names": [str(error)]}) from None
        issued = actions.create_students_in_bulk(cohort=cohort, names=names, by=request.user)
        return Response(IssuedPasswordSerializer(issued, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="v1_cohorts_members_destroy",
        parameters=[STUDENT_ID],
        description=_("Take a student out of the class (their account stays)."),
        request=None,
        responses=_trainer_responses(
            (204, None), {404: cohort_refused(_("No such class among yours, or the student is not in it."))}
        ),
    )
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<student_id>[^/]+)")
    def remove_member(self, request, pk=None, student_id=None):
        cohort = self.get_object()
        try:
            student = get_user_model()(pk=int(student_id))
        except ValueError:
            raise actions.NotAMember() from None
        actions.remove_student(cohort=cohort, student=student)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        operation_id="v1_cohorts_forecast_retrieve",
        parameters=[
            OpenApiParameter(
                "date",
                OpenApiTypes.DATE,
                OpenApiParameter.QUERY,
                description=_("The exam date, YYYY-MM-DD, today or later (default: two weeks from today)."),
            )
        ],
        description=_(
            "The class's predicted recall on the exam date (FSRS retrievability at 09:00, each student's own "
            "parameters), per section and topic, with no more study and with due reviews kept up (each card due "
            "before the exam reviewed on its due date, rated Good); unstudied cards count 0. Also the students "
            "most at risk and the class leeches."
        ),
        responses=_trainer_responses(
            (200, ClassForecastSerializer),
            {400: OpenApiResponse(ErrorSerializer, description=_("The date cannot be read or is in the past."))},
        ),
    )
    @action(detail=True, methods=["get"], url_path="forecast")
    def forecast(self, request, pk=None):
        cohort = self.get_object()
        now = timezone.now()
        try:
            exam_date = read_exam_date(request.query_params.get("date"), today=timezone.localdate(now))
        except ExamDateError as error:
            raise ValidationError({"date": [str(error)]}) from None
        forecast = ClassForecast.of(cohort, exam_date, now)
        forecast.leeches = class_leeches(cohort.students.all())
        return Response(ClassForecastSerializer(forecast).data)

    @extend_schema(
        operation_id="v1_cohorts_gradebook_retrieve",
        parameters=[GradebookQuerySerializer],
        description=_(
            "The class's gradebook: its assignments in due order, then every student (no pages) with one cell per "
            "assignment (status, late, the student's due date; a quiz's grade by its grading method, attempts "
            "and the attempt the grade comes from; a reading's sections opened; a study goal's predicted recall "
            "at the due date), their overall quiz grade and how many cells are missing and late. Sorted and "
            "filtered as the page. As CSV with ?format=csv or Accept: text/csv, the page's export."
        ),
        responses=_trainer_responses(
            (200, OpenApiResponse(GradebookSerializer)),
            {400: VALIDATION_ERROR},
        ),
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="gradebook",
        renderer_classes=[JSONRenderer, GradebookCSVRenderer],
        filter_backends=[],
    )
    def gradebook(self, request, pk=None):
        cohort = self.get_object()
        assignments = columns_of(cohort)
        form = GradebookForm(request.query_params, assignments=assignments)
        form.fields.pop("page")  # every student
        if not form.is_valid():
            raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
        gradebook = Gradebook.of(cohort, timezone.now(), assignments=assignments, **form.options())
        if request.accepted_renderer.format == GradebookCSVRenderer.format:
            headers = {"Content-Disposition": f'attachment; filename="{gradebook_filename(cohort)}"'}
            return Response(gradebook, headers=headers)
        context = {"section_totals": gradebook.section_totals}
        return Response(GradebookSerializer(gradebook, context=context).data)

    @extend_schema(
        operation_id="v1_cohorts_join_create",
        description=_("Join a class with its code (students only)."),
        request=JoinSerializer,
        responses={
            201: JoinedCohortSerializer,
            400: cohort_refused(_("No class has this code (or it was changed), or no code was given.")),
            401: UNAUTHENTICATED,
            403: cohort_refused(_("The class is not taking students, or the account is not a student's.")),
            409: cohort_refused(_("You are already in this class.")),
        },
    )
    @action(detail=False, methods=["post"], url_path="join")
    def join(self, request):
        body = JoinSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        cohort = actions.join_cohort(code=body.validated_data["code"], student=request.user)
        return Response(JoinedCohortSerializer(cohort).data, status=status.HTTP_201_CREATED)


# -- assignments -----------------------------------------------------------------------------------------


class AssignmentErrorMixin:
    """Answer an ``AssignmentError`` with 400, ``detail``, ``code`` and the ``field`` at fault; nothing changed."""

    def handle_exception(self, exc):
        if isinstance(exc, actions.AssignmentError):
            return Response({"detail": exc.message, "code": exc.code, "field": exc.field}, status=exc.http_status)
        return super().handle_exception(exc)


class IsTrainerToWrite(permissions.BasePermission):
    """Anybody signed in reads (their own); only trainers create, change and delete."""

    message = _("Only trainers set assignments.")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in permissions.SAFE_METHODS or is_trainer(request.user)


ASSIGNMENT_REFUSED = OpenApiResponse(
    AssignmentErrorSerializer,
    description=_(
        "Not an assignment: a due date before the opening, an unpublished quiz, a section of "
        "another briefing, a student not in the class... (``field`` names the input at fault)."
    ),
)
NOT_AN_ASSIGNMENT = OpenApiResponse(ErrorSerializer, description=_("No such assignment among yours."))
ONLY_TRAINERS = OpenApiResponse(ErrorSerializer, description=_("Only trainers set assignments."))


def _assignment_responses(ok, more=None):
    return {ok[0]: ok[1], 401: UNAUTHENTICATED, 403: ONLY_TRAINERS, 404: NOT_AN_ASSIGNMENT, **(more or {})}


WRITE_REFUSED = {400: ASSIGNMENT_REFUSED}


@extend_schema_view(
    list=extend_schema(
        description=_(
            "Trainers: the assignments of the classes they teach, with how many students are at each status. "
            "Students: those set to them and open now, with their own due date and status."
        ),
        responses=_assignment_responses((200, AssignmentSerializer(many=True))),
    ),
    retrieve=extend_schema(
        description=_("One assignment (a student's: with their status)."),
        responses=_assignment_responses((200, AssignmentSerializer)),
    ),
    create=extend_schema(
        description=_("Set a quiz, a reading or a study goal to one of your classes, or some of its students."),
        responses=_assignment_responses((201, AssignmentSerializer), WRITE_REFUSED),
    ),
    update=extend_schema(
        description=_("Change an assignment (not its class or kind)."),
        responses=_assignment_responses((200, AssignmentSerializer), WRITE_REFUSED),
    ),
    partial_update=extend_schema(
        description=_("Change some of an assignment's fields."),
        responses=_assignment_responses((200, AssignmentSerializer), WRITE_REFUSED),
    ),
    destroy=extend_schema(description=_("Take an assignment back."), responses=_assignment_responses((204, None))),
)
class AssignmentViewSet(AssignmentErrorMixin, viewsets.ModelViewSet):
    """Assignments: trainers' of their classes (``Cohort.objects.taught_by``), students' own (``for_student``)."""

    schema = Schema()
    model = Assignment
    serializer_class = AssignmentSerializer
    permission_classes = [IsTrainerToWrite]
    pagination_class = Pagination
    lookup_value_regex = r"[^/]+"

    def _teaches(self):
        return is_trainer(self.request.user)

    def get_queryset(self):
        user = self.request.user
        if getattr(self, "swagger_fake_view", False) or not user.is_authenticated:
            return Assignment.objects.none()
        if self._teaches():
            queryset = Assignment.objects.of_cohorts(Cohort.objects.taught_by(user))
        else:
            queryset = Assignment.objects.for_student(user).open_at(timezone.now()).with_progress_of(user)
        return (
            queryset.select_related("quiz", "cohort")
            .prefetch_related("targets", Prefetch("sections", queryset=Section.objects.order_by("number")))
            .order_by("due_at", "pk")
        )

    def get_object(self):
        try:
            int(self.kwargs[self.lookup_field])
        except ValueError:
            raise NotFound() from None
        return super().get_object()

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False) or self._teaches():
            return AssignmentSerializer
        return StudentAssignmentSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def get_serializer(self, *args, **kwargs):
        if self._teaches():
            kwargs["cohorts"] = Cohort.objects.taught_by(self.request.user)
        return super().get_serializer(*args, **kwargs)

    def perform_create(self, serializer):
        values = serializer.action_values()
        cohort, kind = values.pop("cohort"), values.pop("kind")
        sections, students = values.pop("sections"), values.pop("students")
        assignment = actions.assign(
            cohort=cohort, kind=kind, created_by=self.request.user, sections=sections, students=students, **values
        )
        serializer.instance = self.get_queryset().get(pk=assignment.pk)

    def perform_update(self, serializer):
        values = serializer.action_values()
        sections, students = values.pop("sections", None), values.pop("students", None)
        for name in ("cohort", "kind"):
            values.pop(name, None)
        assignment = actions.update_assignment(
            assignment=serializer.instance, sections=sections, students=students, **values
        )
        serializer.instance = self.get_queryset().get(pk=assignment.pk)

    def perform_destroy(self, instance):
        actions.delete_assignment(assignment=instance)

    @extend_schema(
        operation_id="v1_assignments_extensions_create",
        description=_("Give one student an extension (replacing any they had): Moodle's user override."),
        request=OverrideSerializer,
        responses=_assignment_responses((201, OverrideSerializer), WRITE_REFUSED),
    )
    @action(detail=True, methods=["post"], url_path="extensions")
    def extensions(self, request, pk=None):
        if not self._teaches():
            raise PermissionDenied(IsTrainerToWrite.message)
        assignment = self.get_object()
        body = OverrideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        student = assignment.students().filter(pk=data.pop("student")).first()
        if student is None:
            raise actions.AssignmentError(_("This student is not set this assignment."), field="student")
        if data.get("time_limit") is not None:
            data["time_limit"] = datetime.timedelta(seconds=data["time_limit"])
        override = actions.grant_override(assignment=assignment, student=student, granted_by=request.user, **data)
        return Response(OverrideSerializer(override).data, status=status.HTTP_201_CREATED)


def register(router):
    router.register("questions", QuestionViewSet, basename="question")
    router.register("quizzes", QuizViewSet, basename="quiz")
    router.register("attempts", AttemptViewSet, basename="attempt")
    router.register("cohorts", CohortViewSet, basename="cohort")
    router.register("assignments", AssignmentViewSet, basename="assignment")


# -- study: plain views under /api/v1/study/ (sahel_learn/api_urls.py includes ``urlpatterns``) -------


class StudyStatsView(APIView):
    """The signed-in student's study statistics: the numbers of the /study/stats/ page."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="v1_study_stats",
        tags=["study"],
        description=_(
            "Your study statistics now: the due forecast for 30 study days, reviews per day over a year, "
            "true retention by day, week and month (young and mature cards apart), estimated knowledge and "
            "its trend, the distributions of retrievability, stability and difficulty, and mastery by "
            "section, topic, leader and country. Only your own reviews."
        ),
        responses={200: StudyStatsSerializer, 401: UNAUTHENTICATED},
    )
    def get(self, request):
        return Response(StudyStatsSerializer(StudyStats.of(user=request.user, now=timezone.now())).data)


urlpatterns = [
    path("study/stats/", StudyStatsView.as_view(), name="study-stats"),
]
