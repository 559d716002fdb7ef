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
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from sahel_learn.api import FORBIDDEN, VALIDATION_ERROR, Pagination, Schema

from . import filters
from .forms import MAX_QUERY_LENGTH
from .models import (
    LEADER_ORDERING,
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
    Takeaway,
    TimelineEvent,
    derived_models,
    shows_drafts,
)
from .search import search
from .serializers import (
    ActorSerializer,
    ConceptSerializer,
    CountrySerializer,
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


class ContentSchema(Schema):
    """Also documents ``?status``, which every content operation takes."""

    def get_override_parameters(self):
        return [*super().get_override_parameters(), STATUS_PARAMETER]


def _check_status(request):
    status = request.query_params.get("status")
    if status is not None and status not in Status.values:
        raise ValidationError(
            {"status": [_("Status must be “published” or “draft”, not “%(status)s”.") % {"status": status}]}
        )


class ContentViewSet(viewsets.ReadOnlyModelViewSet):
    """List and detail of one kind of content, scoped to what the request may see.

    ``shows_drafts(request)`` says whether this is a staff editor reading drafts: they read the
    drafts instead of the published rows; related rows are prefetched with ``visible(drafts)``.
    """

    schema = ContentSchema()
    pagination_class = Pagination
    lookup_field = "slug"
    # Anything up to the next slash reaches the view, so an unknown slug gets the API's JSON 404.
    lookup_value_regex = r"[^/]+"
    model = None
    # Where the router mounts it, under /api/v1/.
    prefix = None
    # Lists are in the editors' order; None keeps the model's own.
    ordering = ("position", "slug")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        _check_status(request)

    @property
    def drafts(self):
        return shows_drafts(self.request)

    def get_queryset(self):
        queryset = self.model.objects.visible(self.drafts)
        if self.drafts:
            queryset = queryset.drafts()
        if self.ordering:
            queryset = queryset.order_by(*self.ordering)
        return self.load_relations(queryset)

    def load_relations(self, queryset):
        return queryset.with_citations(self.drafts)

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


class SectionViewSet(ContentViewSet):
    """Sections of the article, each with its paragraphs, in the article's order.

    A section's slug is unique within its briefing; were two visible briefings to share one, the
    detail URL shows the section of the briefing imported first.
    """

    model = Section
    prefix = "sections"
    serializer_class = SectionSerializer
    filterset_class = filters.SectionFilter
    ordering = ("briefing__imported_at", "briefing__slug", "number")

    def load_relations(self, queryset):
        return queryset.prefetch_related(Prefetch("paragraphs", queryset=Paragraph.objects.order_by("number")))


class CountryViewSet(ContentViewSet):
    """Countries of the alliance and around it."""

    model = Country
    prefix = "countries"
    serializer_class = CountrySerializer
    filterset_class = filters.CountryFilter


class ActorViewSet(ContentViewSet):
    """Alliances, forces, groups and bodies the article names."""

    model = Actor
    prefix = "actors"
    serializer_class = ActorSerializer
    filterset_class = filters.ActorFilter

    def load_relations(self, queryset):
        return super().load_relations(queryset).with_visible("countries", "part_of", drafts=self.drafts)


class LeaderViewSet(ContentViewSet):
    """Heads of state and the people the article sets beside them, heads of state first."""

    model = Leader
    prefix = "leaders"
    serializer_class = LeaderSerializer
    filterset_class = filters.LeaderFilter
    ordering = LEADER_ORDERING

    def load_relations(self, queryset):
        return super().load_relations(queryset).with_visible("country", "related", drafts=self.drafts)


class TimelineEventViewSet(ContentViewSet):
    """Dated events, oldest first."""

    model = TimelineEvent
    prefix = "timeline"
    serializer_class = TimelineEventSerializer
    filterset_class = filters.TimelineEventFilter
    ordering = None

    def load_relations(self, queryset):
        return super().load_relations(queryset).with_visible("countries", "actors", drafts=self.drafts)


class KeyFigureViewSet(ContentViewSet):
    """Numbers the article gives: troops, money, casualties, shares."""

    model = KeyFigure
    prefix = "figures"
    serializer_class = KeyFigureSerializer
    filterset_class = filters.KeyFigureFilter

    def load_relations(self, queryset):
        return super().load_relations(queryset).with_visible("country", "actor", drafts=self.drafts)


class ConceptViewSet(ContentViewSet):
    """Terms the article relies on, defined."""

    model = Concept
    prefix = "concepts"
    serializer_class = ConceptSerializer
    filterset_class = filters.ConceptFilter


class FaqEntryViewSet(ContentViewSet):
    """The article's frequently asked questions."""

    model = FaqEntry
    prefix = "faq"
    serializer_class = FaqEntrySerializer
    filterset_class = filters.FaqEntryFilter


class SourceReferenceViewSet(ContentViewSet):
    """The article's sources and further reading."""

    model = SourceReference
    prefix = "sources"
    serializer_class = SourceReferenceSerializer
    filterset_class = filters.SourceReferenceFilter


class SearchView(APIView):
    """Search all published content: hits grouped by kind of content, at most eight in each group with its total.

    Whole words, stemmed, accents and case folded; every word must match. See ``briefings/search.py``.
    """

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
        result = {"query": query, "count": sum(group.total for group in groups), "groups": groups}
        return Response(SearchResultSerializer(result, context={"request": request}).data)


# Derived content the API does not serve on its own (takeaways are read with their section in the reader).
NOT_SERVED = (Takeaway,)


def routes():
    """``(prefix, viewset, basename)`` of every content list: the sections, then the derived models in
    the registry's order (``derived_models()``), each by the viewset that names it as its ``model``."""
    viewsets = {viewset.model: viewset for viewset in ContentViewSet.__subclasses__()}
    served = [Section, *(model for model in derived_models() if model not in NOT_SERVED)]
    return [(viewsets[model].prefix, viewsets[model], model._meta.model_name) for model in served]


def register(router):
    """Add this app's viewsets to the project's router."""
    for prefix, viewset, basename in routes():
        router.register(prefix, viewset, basename=basename)


# Operations that are not a model's list and detail, mounted beside the router under /api/v1/.
urlpatterns = [
    path("search/", SearchView.as_view(), name="search"),
]
