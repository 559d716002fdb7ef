"""Read-only REST API of the published content, under ``/api/v1/``.

Everyone, signed in or not, reads published content. Staff editors may read drafts instead by
adding ``?status=draft``; for anybody else that parameter changes nothing: they get published
content only, and a draft's detail URL answers 404. ``status`` other than ``published`` or
``draft`` is a 400, as is any filter value of the wrong type.
"""

import re

from django.db.models import Prefetch
from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from . import filters
from .models import (
    Actor,
    Concept,
    Country,
    FaqEntry,
    KeyFigure,
    Leader,
    Paragraph,
    Section,
    SourceReference,
    Status,
    TimelineEvent,
)
from .search import MAX_QUERY_LENGTH, search
from .serializers import (
    ActorSerializer,
    ConceptSerializer,
    CountrySerializer,
    ErrorSerializer,
    FaqEntrySerializer,
    KeyFigureSerializer,
    LeaderSerializer,
    SearchQuerySerializer,
    SearchResultSerializer,
    SectionSerializer,
    SourceReferenceSerializer,
    TimelineEventSerializer,
)

SLUG = re.compile(filters.SLUG_PATTERN)
STATUS_PARAMETER = OpenApiParameter(
    "status",
    str,
    enum=[Status.PUBLISHED.value, Status.DRAFT.value],
    description=_(
        "“draft” lets staff editors read drafts instead of published content. For anybody else it "
        "changes nothing: only published content is ever shown to them."
    ),
)
VALIDATION_ERROR = OpenApiResponse(
    {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "example": {"year_from": ["Enter a whole number."]},
    },
    description=_("A query parameter has a wrong value: the parameter's name, then what is wrong with it."),
)
SEARCH_PARAMETER = OpenApiParameter(
    "q",
    {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_QUERY_LENGTH,
        # Not only spaces, and no NUL character (both are a 400).
        "pattern": r"^[^\x00]*[^\s\x00][^\x00]*$",
    },
    required=True,
    description=format_lazy(_("Words to look for (at most {max} characters)."), max=MAX_QUERY_LENGTH),
)
FORBIDDEN = OpenApiResponse(ErrorSerializer, description=_("The credentials given (a token) are not valid."))
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("No such item, or no such page of results."))


class ContentPagination(PageNumberPagination):
    """Fifty to a page (PAGE_SIZE); ``?page=`` without a number is an invalid page like any other."""

    def get_page_number(self, request, paginator):
        if request.query_params.get(self.page_query_param) == "":
            raise NotFound(self.invalid_page_message)
        return super().get_page_number(request, paginator)


class ContentSchema(AutoSchema):
    """Documents ``?status``, and the 400, 403 and 404 answers every operation here can give."""

    def get_tags(self):
        # /api/v1/leaders/{slug}/ is tagged "leaders".
        return self._tokenize_path()[1:2]

    def get_description(self):
        if self.view.action == "retrieve":
            name = self.view.model._meta.verbose_name
            return _("One %(name)s, by its slug.") % {"name": name}
        return super().get_description()

    def get_override_parameters(self):
        return [*super().get_override_parameters(), STATUS_PARAMETER]

    def get_response_serializers(self):
        return {
            200: super().get_response_serializers(),
            400: VALIDATION_ERROR,
            403: FORBIDDEN,
            404: NOT_FOUND,
        }


def _check_status(request):
    status = request.query_params.get("status")
    if status is not None and status not in Status.values:
        raise ValidationError(
            {"status": [_("Status must be “published” or “draft”, not “%(status)s”.") % {"status": status}]}
        )


class ContentViewSet(viewsets.ReadOnlyModelViewSet):
    """List and detail of one kind of content, scoped to what the request may see."""

    schema = ContentSchema()
    pagination_class = ContentPagination
    lookup_field = "slug"
    # Anything up to the next slash reaches the view, so an unknown slug gets the API's JSON 404.
    lookup_value_regex = r"[^/]+"
    model = None
    ordering = ("position", "slug")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        _check_status(request)

    @property
    def drafts(self):
        return filters.showing_drafts(self.request)

    def get_queryset(self):
        status = self.request.query_params.get("status")
        queryset = self.model.objects.visible_to(self.request.user, status).order_by(*self.ordering)
        return self.load_relations(queryset)

    def load_relations(self, queryset):
        return queryset.prefetch_related(Prefetch("citations", queryset=self.visible(Paragraph)))

    def visible(self, model):
        """Rows of a related model that may be shown: published ones, or any of them to staff reading drafts."""
        if model is Paragraph:
            paragraphs = Paragraph.objects.select_related("section")
            return paragraphs if self.drafts else paragraphs.published()
        return model.objects.all() if self.drafts else model.objects.published()

    def get_object(self):
        slug = self.kwargs["slug"]
        item = None
        if SLUG.fullmatch(slug):
            item = self.get_queryset().filter(slug=slug).first()
        if item is None:
            raise NotFound(
                _("There is no %(name)s with the slug “%(slug)s”.")
                % {"name": self.model._meta.verbose_name, "slug": slug}
            )
        self.check_object_permissions(self.request, item)
        return item

    def filter_queryset(self, queryset):
        # Filters narrow lists; a detail URL names its item whatever the filters would say.
        if self.action == "retrieve":
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "drafts": self.drafts}


class SectionViewSet(ContentViewSet):
    """Sections of the article, each with its paragraphs, in the article's order.

    A section's slug is unique within its briefing; were two visible briefings to share one, the
    detail URL shows the section of the briefing imported first.
    """

    model = Section
    serializer_class = SectionSerializer
    filterset_class = filters.SectionFilter
    ordering = ("briefing__imported_at", "briefing__slug", "number")

    def load_relations(self, queryset):
        return queryset.prefetch_related(Prefetch("paragraphs", queryset=Paragraph.objects.order_by("number")))


class CountryViewSet(ContentViewSet):
    """Countries of the alliance and around it."""

    model = Country
    serializer_class = CountrySerializer
    filterset_class = filters.CountryFilter


class ActorViewSet(ContentViewSet):
    """Alliances, forces, groups and bodies the article names."""

    model = Actor
    serializer_class = ActorSerializer
    filterset_class = filters.ActorFilter

    def load_relations(self, queryset):
        return super().load_relations(queryset).prefetch_related(Prefetch("countries", queryset=self.visible(Country)))


class LeaderViewSet(ContentViewSet):
    """Heads of state and the people the article sets beside them."""

    model = Leader
    serializer_class = LeaderSerializer
    filterset_class = filters.LeaderFilter
    # Heads of state first, as in the reader.
    ordering = ("role", "position", "slug")

    def load_relations(self, queryset):
        return (
            super()
            .load_relations(queryset)
            .select_related("country")
            .prefetch_related(Prefetch("related", queryset=self.visible(Leader)))
        )


class TimelineEventViewSet(ContentViewSet):
    """Dated events, oldest first."""

    model = TimelineEvent
    serializer_class = TimelineEventSerializer
    filterset_class = filters.TimelineEventFilter
    ordering = ("date", "position", "slug")

    def load_relations(self, queryset):
        return (
            super()
            .load_relations(queryset)
            .prefetch_related(
                Prefetch("countries", queryset=self.visible(Country)),
                Prefetch("actors", queryset=self.visible(Actor)),
            )
        )


class KeyFigureViewSet(ContentViewSet):
    """Numbers the article gives: troops, money, casualties, shares."""

    model = KeyFigure
    serializer_class = KeyFigureSerializer
    filterset_class = filters.KeyFigureFilter

    def load_relations(self, queryset):
        return super().load_relations(queryset).select_related("country", "actor")


class ConceptViewSet(ContentViewSet):
    """Terms the article relies on, defined."""

    model = Concept
    serializer_class = ConceptSerializer
    filterset_class = filters.ConceptFilter


class FaqEntryViewSet(ContentViewSet):
    """The article's frequently asked questions."""

    model = FaqEntry
    serializer_class = FaqEntrySerializer
    filterset_class = filters.FaqEntryFilter


class SourceReferenceViewSet(ContentViewSet):
    """The article's sources and further reading."""

    model = SourceReference
    serializer_class = SourceReferenceSerializer
    filterset_class = filters.SourceReferenceFilter


class SearchView(APIView):
    """Search all published content: hits grouped by kind of content, at most eight in each group."""

    LIMIT = 8

    @extend_schema(
        parameters=[SEARCH_PARAMETER],
        responses={
            200: SearchResultSerializer,
            400: VALIDATION_ERROR,
            403: FORBIDDEN,
        },
        tags=["search"],
        operation_id="v1_search",
    )
    def get(self, request):
        params = SearchQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = params.validated_data["q"]
        groups = search(query, limit=self.LIMIT)
        result = {"query": query, "count": sum(len(group.hits) for group in groups), "groups": groups}
        return Response(SearchResultSerializer(result, context={"request": request}).data)


ROUTES = [
    ("sections", SectionViewSet, "section"),
    ("countries", CountryViewSet, "country"),
    ("actors", ActorViewSet, "actor"),
    ("leaders", LeaderViewSet, "leader"),
    ("timeline", TimelineEventViewSet, "timelineevent"),
    ("figures", KeyFigureViewSet, "keyfigure"),
    ("concepts", ConceptViewSet, "concept"),
    ("faq", FaqEntryViewSet, "faqentry"),
    ("sources", SourceReferenceViewSet, "sourcereference"),
]


def register(router):
    """Add this app's viewsets to the project's router."""
    for prefix, viewset, basename in ROUTES:
        router.register(prefix, viewset, basename=basename)


# Operations that are not a model's list and detail, mounted beside the router under /api/v1/.
urlpatterns = [
    path("search/", SearchView.as_view(), name="search"),
]
