"""Read-only serializers of the API: published content with its citations back to the reader.

Every derived item says what kind of statement it is (``kind``, ``kind_label``) and cites the
paragraphs it comes from; each citation links to that paragraph in the reader. The viewsets prefetch
relations with the visibility of the request (``visible(drafts)``): a related item the request may
not see is simply not there (a to-one relation reads None), so the serializers never query and
never decide visibility.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import preserve_builtin_query_params

from .forms import MAX_QUERY_LENGTH
from .models import (
    Actor,
    Concept,
    Country,
    DatePrecision,
    FaqEntry,
    KeyFigure,
    Leader,
    Paragraph,
    Section,
    SourceReference,
    StatementKind,
    TimelineEvent,
    cached_reverse,
)


def _absolute(request, path):
    return request.build_absolute_uri(path) if request is not None else path


# What follows reads the same values as DRF's own fields, without their per-value cost (lists serialize
# every field of fifty items and their citations): the output, and the schema, are the same.


class PrefetchedListSerializer(serializers.ListSerializer):
    """A to-many relation read from its prefetched rows, without making a related manager per item."""

    def get_attribute(self, instance):
        cache = getattr(instance, "_prefetched_objects_cache", None)
        if cache is not None and self.source in cache:
            return cache[self.source]
        return super().get_attribute(instance)


class ChoiceLabelField(serializers.CharField):
    """The label of a choice field (``source="get_<field>_display"``), called directly: DRF inspects the
    signature of a callable source on every value."""

    def get_attribute(self, instance):
        return getattr(instance, self.source)()


class ApiUrlField(serializers.HyperlinkedIdentityField):
    """An item's own URL in the API (by slug), reversed once per slug (``cached_reverse``)."""

    def get_url(self, obj, view_name, request, format):
        if format or getattr(request, "versioning_scheme", None) is not None:
            return super().get_url(obj, view_name, request, format)
        url = _absolute(request, cached_reverse(view_name, getattr(obj, self.lookup_field)))
        return preserve_builtin_query_params(url, request)  # ?format=json stays, as DRF's reverse() keeps it


class CitationSerializer(serializers.ModelSerializer):
    """A paragraph of the article that an item cites, with a link to it in the reader."""

    section = serializers.CharField(source="section.slug", help_text=_("Slug of the paragraph's section."))
    paragraph = serializers.IntegerField(source="number", help_text=_("Position of the paragraph in its section."))
    label = serializers.CharField(help_text=_("Human citation, such as “The Wagner Transition, paragraph 3”."))
    url = serializers.SerializerMethodField(help_text=_("The paragraph in the reader."))
    excerpt = serializers.CharField(help_text=_("The start of the paragraph's text."))

    class Meta:
        model = Paragraph
        fields = ["anchor", "section", "paragraph", "label", "url", "excerpt"]
        list_serializer_class = PrefetchedListSerializer

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, paragraph):
        return _absolute(self.context.get("request"), paragraph.get_absolute_url())


class ParagraphSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("The paragraph in the reader."))

    class Meta:
        model = Paragraph
        fields = ["anchor", "number", "text", "url"]
        list_serializer_class = PrefetchedListSerializer

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, paragraph):
        return _absolute(self.context.get("request"), paragraph.get_absolute_url())


# ``api_url`` in ``Meta.fields`` is the item's own URL in the API (``<model>-detail``, by slug).
# (A comment, not a docstring: the schema would show a docstring on every serializer.)
class ContentSerializer(serializers.ModelSerializer):
    def build_field(self, field_name, info, model_class, nested_depth):
        if field_name == "api_url":
            view_name = f"{model_class._meta.model_name}-detail"
            return ApiUrlField, {"view_name": view_name, "lookup_field": "slug"}
        return super().build_field(field_name, info, model_class, nested_depth)


class SectionSerializer(ContentSerializer):
    kind_label = ChoiceLabelField(source="get_kind_display")
    url = serializers.SerializerMethodField(help_text=_("The section in the reader."))
    paragraphs = ParagraphSerializer(many=True)

    class Meta:
        model = Section
        fields = ["slug", "number", "title", "kind", "kind_label", "url", "api_url", "paragraphs"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, section):
        return _absolute(self.context.get("request"), section.get_absolute_url())


class RefSerializer(serializers.Serializer):
    """Another item, named: its slug (for the API and filters) and its name."""

    slug = serializers.SlugField()
    name = serializers.CharField()

    class Meta:
        list_serializer_class = PrefetchedListSerializer


class DerivedItemSerializer(ContentSerializer):
    kind_label = ChoiceLabelField(source="get_kind_display", help_text=_("The kind of statement, in words."))
    citations = CitationSerializer(many=True, help_text=_("Paragraphs of the article this item comes from."))
    url = serializers.SerializerMethodField(help_text=_("The item in the reader."))

    common_fields = ["slug", "url", "api_url", "status", "kind", "kind_label", "position", "citations"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, item):
        return _absolute(self.context.get("request"), item.get_absolute_url())


class CountrySerializer(DerivedItemSerializer):
    class Meta:
        model = Country
        fields = [*DerivedItemSerializer.common_fields, "name", "regime", "coup_years", "summary"]


class ActorSerializer(DerivedItemSerializer):
    actor_type_label = ChoiceLabelField(source="get_actor_type_display")
    countries = RefSerializer(many=True)
    part_of = RefSerializer(
        allow_null=True, help_text=_("The group this actor belongs to (Wagner to Russia), or null if none is shown.")
    )

    class Meta:
        model = Actor
        fields = [
            *DerivedItemSerializer.common_fields,
            "name",
            "short_name",
            "actor_type",
            "actor_type_label",
            "summary",
            "countries",
            "part_of",
        ]


class FieldKindSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=StatementKind.choices)
    kind_label = serializers.CharField()


LeaderFieldKindsSerializer = type(
    "LeaderFieldKindsSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "The kind of statement of each profile field (``kind`` classifies the summary).",
        "__module__": __name__,
        **{field["name"]: FieldKindSerializer() for field in Leader.kinded_fields()},
    },
)


class LeaderSerializer(DerivedItemSerializer):
    role_label = ChoiceLabelField(source="get_role_display")
    country = RefSerializer(allow_null=True, read_only=True)
    related = RefSerializer(many=True, help_text=_("People the article sets beside this one."))
    field_kinds = serializers.SerializerMethodField()

    class Meta:
        model = Leader
        fields = [
            *DerivedItemSerializer.common_fields,
            "name",
            "rank",
            "role",
            "role_label",
            "country",
            "office",
            "path_to_power",
            "power_year",
            "background",
            "outlook",
            "key_quote",
            "summary",
            "related",
            "field_kinds",
        ]

    @extend_schema_field(LeaderFieldKindsSerializer)
    def get_field_kinds(self, leader):
        return {
            field["name"]: {"kind": field["kind"], "kind_label": field["kind_label"]}
            for field in Leader.kinded_fields()
        }


class TimelineEventSerializer(DerivedItemSerializer):
    end_precision = serializers.SerializerMethodField(help_text=_("Precision of the end date; null unless a span."))
    date_label = serializers.CharField(help_text=_("The date (or span) as the reader shows it."))
    is_span = serializers.BooleanField()
    countries = RefSerializer(many=True)
    actors = RefSerializer(many=True)

    class Meta:
        model = TimelineEvent
        fields = [
            *DerivedItemSerializer.common_fields,
            "title",
            "date",
            "precision",
            "end_date",
            "end_precision",
            "date_label",
            "is_span",
            "summary",
            "countries",
            "actors",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=DatePrecision.choices, allow_null=True))
    def get_end_precision(self, event):
        return event.end_precision if event.is_span else None


class KeyFigureSerializer(DerivedItemSerializer):
    display_value = serializers.CharField(
        help_text=_("The value as the reader shows it, such as “about 1,500 troops”.")
    )
    country = RefSerializer(allow_null=True, read_only=True)
    actor = RefSerializer(allow_null=True, read_only=True)

    class Meta:
        model = KeyFigure
        fields = [
            *DerivedItemSerializer.common_fields,
            "label",
            "value",
            "value_high",
            "unit",
            "qualifier",
            "display_value",
            "context",
            "year",
            "country",
            "actor",
        ]


class ConceptSerializer(DerivedItemSerializer):
    class Meta:
        model = Concept
        fields = [*DerivedItemSerializer.common_fields, "term", "definition", "in_the_article"]


class FaqEntrySerializer(DerivedItemSerializer):
    class Meta:
        model = FaqEntry
        fields = [*DerivedItemSerializer.common_fields, "question", "answer"]


class SourceReferenceSerializer(DerivedItemSerializer):
    link = serializers.SerializerMethodField(help_text=_("Where to read the source; null when the article gives none."))

    class Meta:
        model = SourceReference
        fields = [*DerivedItemSerializer.common_fields, "title", "description", "link"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_link(self, source):
        return source.url or None


# --- Search ---------------------------------------------------------------------------------


class SearchQuerySerializer(serializers.Serializer):
    """The query string of a search."""

    q = serializers.CharField(max_length=MAX_QUERY_LENGTH, trim_whitespace=False)

    def validate_q(self, value):
        if not value.strip():
            raise serializers.ValidationError(_("Type at least one word to search for."))
        return value


class SearchHitSerializer(serializers.Serializer):
    title = serializers.CharField()
    snippet = serializers.CharField(source="plain_snippet", help_text=_("The matching passage, as plain text."))
    url = serializers.SerializerMethodField(help_text=_("The item in the reader."))
    kind_label = serializers.CharField(help_text=_("The kind of statement, in words; empty for article paragraphs."))
    citation = CitationSerializer(allow_null=True, help_text=_("The paragraph the item comes from."))

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, hit):
        return _absolute(self.context.get("request"), hit.url)


class SearchGroupSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("What the hits are: leaders, events, figures, concepts, ..."))
    label = serializers.CharField()
    total = serializers.IntegerField(help_text=_("Number of hits in the group; ``hits`` lists at most eight of them."))
    hits = SearchHitSerializer(many=True)


class SearchResultSerializer(serializers.Serializer):
    query = serializers.CharField()
    count = serializers.IntegerField(help_text=_("Number of hits over all groups (the groups' totals)."))
    groups = SearchGroupSerializer(many=True)
